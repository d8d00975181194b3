/**
 * Reads the simplest n8n expressions, the ones that only look a value up in
 * the item, in code: `={{ $json.customer?.email }}`,
 * `={{ $json.frequency ?? $json.qualification?.frequency ?? "weekly" }}`,
 * `={{ null }}`. n8n 2.x evaluates every expression in an isolate, a
 * millisecond or more each, and an agent node maps a dozen parameters this way.
 *
 * The reader accepts exactly this grammar and nothing else:
 *   expression  := alternative ( "??" alternative )* [ "??" anything binding tighter than "??" ]
 *   alternative := "$json" access* | literal
 *   access      := "." name | "?." name | "[" string "]" | "?.[" string "]"
 *   literal     := number | 'text' | "text" | true | false | null | {} | []
 * with JavaScript's meaning. Anything else (a function, `$('Node')`,
 * `$execution`, arithmetic, text around the braces) is not read here: the
 * caller leaves it to n8n, so the result is always what n8n would give.
 * test/workflow/defaults.workflow.test.ts checks that against n8n's own evaluation.
 */

type Json = Record<string, unknown>;

/** A reading: `found` false means "not an expression this reader takes: ask n8n". */
export type Reading = { found: true; value: unknown } | { found: false };

type Access = { key: string; optional: boolean };
type Alternative =
	{ kind: 'path'; accesses: Access[] } | { kind: 'literal'; value: unknown } | { kind: 'opaque' };

const NOT_READ: Reading = { found: false };
const parsed = new Map<string, Alternative[] | null>();

const NAME = /^[A-Za-z_$][\w$]*/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

function parseString(text: string): { value: string; rest: string } | null {
	const quote = text[0];
	if (quote !== '"' && quote !== "'") return null;
	const end = text.indexOf(quote, 1);
	if (end < 0) return null;
	const value = text.slice(1, end);
	// Escapes would need JavaScript's rules: left to n8n.
	if (value.includes('\\')) return null;
	return { value, rest: text.slice(end + 1) };
}

function parseAlternative(source: string): Alternative | null {
	const text = source.trim();
	if (text.startsWith('$json')) {
		let rest = text.slice('$json'.length);
		const accesses: Access[] = [];
		while (rest.length) {
			const optional = rest.startsWith('?.');
			if (optional) rest = rest.slice(2);
			if (rest.startsWith('[')) {
				const key = parseString(rest.slice(1));
				if (!key || !key.rest.startsWith(']')) return null;
				accesses.push({ key: key.value, optional });
				rest = key.rest.slice(1);
				continue;
			}
			if (!optional) {
				if (!rest.startsWith('.')) return null;
				rest = rest.slice(1);
			}
			const name = NAME.exec(rest);
			if (!name) return null;
			accesses.push({ key: name[0], optional });
			rest = rest.slice(name[0].length);
		}
		return { kind: 'path', accesses };
	}
	if (text === 'null') return { kind: 'literal', value: null };
	if (text === 'true') return { kind: 'literal', value: true };
	if (text === 'false') return { kind: 'literal', value: false };
	if (/^\{\s*\}$/.test(text)) return { kind: 'literal', value: {} };
	if (/^\[\s*\]$/.test(text)) return { kind: 'literal', value: [] };
	const number = NUMBER.exec(text);
	if (number && number[0] === text) return { kind: 'literal', value: Number(text) };
	const string = parseString(text);
	if (string && string.rest === '') return { kind: 'literal', value: string.value };
	return null;
}

/** `text` split at each `separator` that is not inside a quoted string. */
function splitOutsideQuotes(text: string, separator: string): string[] {
	const parts: string[] = [];
	let quote: string | null = null;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quote) {
			if (c === quote) quote = null;
		} else if (c === '"' || c === "'") quote = c;
		else if (text.startsWith(separator, i)) {
			parts.push(text.slice(start, i));
			i += separator.length - 1;
			start = i + 1;
		}
	}
	parts.push(text.slice(start));
	return parts;
}

function parse(expression: string): Alternative[] | null {
	const match = /^=\{\{([^{}]*|[^{}]*\{\s*\}[^{}]*)\}\}$/.exec(expression);
	if (!match) return null;
	const parts = splitOutsideQuotes(match[1], '??');
	const alternatives = parts.map(parseAlternative);
	// The last alternative may be anything that binds tighter than "??" (`$execution.id + ":" + $runIndex`):
	// it is left to n8n, which then evaluates the whole expression, when every alternative before it gives nothing.
	const last = alternatives.length - 1;
	if (last > 0 && alternatives[last] === null && bindsTighterThanNullish(parts[last]))
		alternatives[last] = { kind: 'opaque' };
	return alternatives.every((a): a is Alternative => a !== null) ? alternatives : null;
}

/** No operator in `text` (outside quotes) binds looser than "??": no ternary, comma, arrow, assignment, || or &&. */
function bindsTighterThanNullish(text: string): boolean {
	const bare = text.replace(/"[^"]*"|'[^']*'/g, '""');
	if (/[`\\]/.test(bare)) return false;
	return !/\?(?![.?])|,|=>|\|\||&&|(?<![=!<>])=(?!=)/.test(bare);
}

function evaluate(alternative: Alternative, json: Json): Reading {
	if (alternative.kind === 'opaque') return NOT_READ;
	if (alternative.kind === 'literal') {
		const { value } = alternative;
		// A fresh object or list each time, as the expression would give.
		return {
			found: true,
			value: Array.isArray(value) ? [] : value !== null && typeof value === 'object' ? {} : value,
		};
	}
	let value: unknown = json;
	for (const { key, optional } of alternative.accesses) {
		if (value === null || value === undefined) {
			if (optional) return { found: true, value: undefined };
			// A TypeError in JavaScript; what n8n makes of it is n8n's business.
			return NOT_READ;
		}
		if (typeof value !== 'object') return NOT_READ; // properties of text or numbers: left to n8n
		value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Json)[key] : undefined;
	}
	return { found: true, value };
}

/** The parsed form of `expression` (null: not one this reader takes), parsed once per text. */
function alternativesOf(expression: string): Alternative[] | null {
	let alternatives = parsed.get(expression);
	if (alternatives === undefined) {
		alternatives = parse(expression);
		parsed.set(expression, alternatives);
	}
	return alternatives;
}

/** Reads `expression` from the item `json` if it is one this reader takes (see above). */
export function readFromItem(expression: string, json: Json): Reading {
	const alternatives = alternativesOf(expression);
	if (!alternatives) return NOT_READ;
	let reading: Reading = NOT_READ;
	for (const alternative of alternatives) {
		reading = evaluate(alternative, json);
		if (!reading.found) return NOT_READ;
		if (reading.value !== null && reading.value !== undefined) return reading;
	}
	return reading;
}

/** Whether `expression` is one this reader takes (it may still leave an item's value to n8n, see evaluate). */
export function canReadFromItem(expression: string): boolean {
	return alternativesOf(expression) !== null;
}
