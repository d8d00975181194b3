/**
 * Word lists are data: one file per language (en.ts, es.ts), each a set of
 * named lists of phrases the rules look for. A phrase is matched on the
 * normalised text (lower case, accents folded, single spaces, shorthand
 * expanded) and may use a small notation:
 *
 *   sanitiz*         any ending: sanitize, sanitizing, sanitization
 *   #                a number written in digits: "within # hours"
 *   ~                any one word: "carpets? (~ )?clean*" (carpet cleaning, carpet steam clean)
 *   suites?          the letter (or group) before ? is optional: suite, suites
 *   (a|b|c)          one of: "medical (office|center|centre)"
 *   [- ]             one of these characters: "post[- ]construction"
 *   -(a|b) phrase    the phrase, but not right after a or b: "-(front of) house"
 *   phrase -(a|b)    the phrase, but not right before a or b: "whenever -(the|my)"
 *   phrase...        the phrase, even inside a longer word: "bio ?hazard..." (biohazardous)
 *   a|b              at the top of a phrase: either, checked as one phrase
 *
 * Anything else is taken literally (a dot is a dot). The rules in code give
 * the structure (word boundaries, "near", "not after") and take their words
 * from here, so a new phrasing is a new line in a list.
 */

const cache = new Map<string, string>();

/** The regex source of one phrase. */
export function phraseSource(phrase: string): string {
	let text = phrase.endsWith('...') ? phrase.slice(0, -3) : phrase;
	let before = '';
	let after = '';
	const notAfter = /^-\(([^)]*)\) /.exec(text);
	if (notAfter) {
		before = `(?<!${group(notAfter[1])} )`;
		text = text.slice(notAfter[0].length);
	}
	const notBefore = / -\(([^)]*)\)$/.exec(text);
	if (notBefore) {
		after = `(?! ${group(notBefore[1])}\\b)`;
		text = text.slice(0, notBefore.index);
	}
	return before + body(text) + after;
}

/** `a|b` as a group of phrases. */
function group(alternatives: string): string {
	return `(?:${body(alternatives)})`;
}

function body(phrase: string): string {
	let out = '';
	for (let i = 0; i < phrase.length; i++) {
		const c = phrase[i];
		if (c === '*') out += '\\w*';
		else if (c === '#') out += '\\d+';
		else if (c === '~') out += '\\w+';
		else if (c === '(') out += '(?:';
		else if (c === ')' || c === '|' || c === '?') out += c;
		else if (c === '[') {
			const end = phrase.indexOf(']', i);
			if (end < 0) throw new Error(`Unclosed [ in the phrase "${phrase}"`);
			out += phrase.slice(i, end + 1).replace(/[\\^]/g, '\\$&');
			i = end;
		} else if (/[.+^${}\\/]/.test(c)) out += `\\${c}`;
		else out += c;
	}
	return out;
}

/** One regex source matching any phrase of the list, in the list's order: `(?:a|b|c)`. */
export function anyOf(phrases: readonly string[]): string {
	const key = phrases.join('\u0000');
	let source = cache.get(key);
	if (source === undefined) {
		source = `(?:${phrases.map(phraseSource).join('|')})`;
		cache.set(key, source);
	}
	return source;
}

/** A whole-word pattern for a list: `\b(?:...)\b` (a phrase ending in ... may end inside a word), with flags if given. */
export function wordsPattern(phrases: readonly string[], flags = ''): RegExp {
	if (!phrases.some((p) => p.endsWith('...'))) return new RegExp(`\\b${anyOf(phrases)}\\b`, flags);
	const alternatives = phrases.map((p) =>
		p.endsWith('...') ? `(?:${phraseSource(p)})` : `(?:${phraseSource(p)})\\b`,
	);
	return new RegExp(`\\b(?:${alternatives.join('|')})`, flags);
}
