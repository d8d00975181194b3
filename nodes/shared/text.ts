/**
 * Text normalisation shared by the rules engines. Customer messages arrive as
 * SMS shorthand, web-form prose, e-mail threads and Spanish; the rules match
 * against one normalised form so each rule is written once.
 */
import { correctSpelling } from './spelling';
import { anyWord, NUMBER_WORDS, phraseSource, SHORTHAND } from './words';
import { remembered } from './remembered';

/** Shorthand and typos from the word lists, then the few that need more than a word boundary. */
const SHORTHAND_RULES: Array<[string, string]> = [
	...SHORTHAND.map(([word, spellings]): [string, string] => [
		`\\b(?:${spellings.map(phraseSource).join('|')})\\b`,
		word,
	]),
	// "mo" is a month, but not in "mo 3" or "mo morning" (a typo of "Monday").
	['\\bmo\\b(?!\\s*(?:\\d|morning))', 'month'],
	['\\ba\\.s\\.a\\.p\\.?', 'asap'],
	['\\bw\\/o\\b', 'without'],
	['\\bw\\/', 'with '],
];
if (!SHORTHAND_RULES.every(([source]) => source.startsWith('\\b')))
	throw new Error('Every shorthand rule must start at a word boundary');
/**
 * All of them in one pass (one group each; at one place the first rule wins, as in the lists).
 * Every rule starts at a word boundary: it is checked once per position, not once per rule.
 */
const SHORTHAND_PATTERN = new RegExp(
	`\\b(?:${SHORTHAND_RULES.map(([source]) => `(${source.slice(2)})`).join('|')})`,
	'g',
);
const expandShorthand = (match: string, ...groups: unknown[]): string => {
	const rule = groups.findIndex((g, i) => i < SHORTHAND_RULES.length && g !== undefined);
	return rule >= 0 ? SHORTHAND_RULES[rule][1] : match;
};

/** A voicemail's fillers ("um,") and asides between commas (", like,"): read as a space. */
const SPOKEN_FILLERS = new RegExp(
	`(?:, ?)?\\b${anyWord('spoken_fillers')}\\b(?: ?,)?|, ?${anyWord('spoken_asides')} ?,`,
	'g',
);

/**
 * Folds accents (Spanish "baños" -> "banos"), reads through typos ("ceilng" -> "ceiling"),
 * lower-cases, unifies quotes, dashes and spacing, and expands shorthand. Digits and units are kept.
 */
export const normalize: (text: string) => string = remembered(32, normalizeText);

function normalizeText(text: string): string {
	let t = correctSpelling(text.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))
		.toLowerCase()
		.replace(/[\u2018\u2019\u02bc]/g, "'")
		.replace(/[\u201c\u201d]/g, '"')
		.replace(/[\u2013\u2014]/g, '-')
		.replace(/\u00b2/g, '2')
		.replace(/\s+/g, ' ');
	t = t.replace(SHORTHAND_PATTERN, expandShorthand);
	t = t.replace(SPOKEN_FILLERS, ' ').replace(/ {2,}/g, ' ');
	return t.trim();
}

/** Parses "3", "3.5", "2,500", "2k", "three", "a couple" into a number; null if it is not one. */
export function parseNumber(token: string): number | null {
	const t = token.trim().toLowerCase();
	if (Object.hasOwn(NUMBER_WORDS, t)) return NUMBER_WORDS[t];
	const k = /^(\d+(?:\.\d+)?)\s*k$/.exec(t);
	if (k) return Math.round(parseFloat(k[1]) * 1000);
	const plain = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$/.exec(t);
	if (plain) return parseFloat(t.replace(/,/g, ''));
	return null;
}

/** A regex source fragment that matches a number written as digits or a small number word. */
export const NUMBER = `(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?\\s*k\\b|\\d+(?:\\.\\d+)?|${Object.keys(
	NUMBER_WORDS,
)
	.filter((w) => w.length > 2)
	.join('|')})`;

/** True when one of the phrases occurs in the text at a word boundary. */
export function hasAny(text: string, patterns: RegExp[]): boolean {
	return patterns.some((p) => p.test(text));
}

/** The first matching pattern's match text, for explaining a decision. */
export function firstMatch(text: string, patterns: RegExp[]): string | null {
	for (const p of patterns) {
		const m = p.exec(text);
		if (m) return m[0];
	}
	return null;
}

const NEGATION = new RegExp(`\\b${anyWord('negation')}\\b[^.!?,;]{0,18}$`);

/** A negation word in the few words before `index`, in the same clause ("no water on the floor"). */
export function negatedAt(text: string, index: number): boolean {
	return NEGATION.test(text.slice(Math.max(0, index - 30), index));
}

/**
 * Finds the first match of `pattern` whose preceding few words do not negate it
 * ("no water damage", "there isn't any mold").
 */
const globalVersions = new WeakMap<RegExp, RegExp>();

export function affirmedMatch(text: string, pattern: RegExp): RegExpExecArray | null {
	let global = globalVersions.get(pattern);
	if (!global) {
		global = new RegExp(
			pattern.source,
			pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g',
		);
		globalVersions.set(pattern, global);
	}
	global.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = global.exec(text)) !== null) {
		if (!negatedAt(text, m.index)) return m;
		if (m[0].length === 0) global.lastIndex++;
	}
	return null;
}

/**
 * Control characters and bidirectional overrides: text carrying them could reorder what a person
 * reads (a link shown backwards) or break a line. Tabs and line breaks stay.
 */
const INVISIBLE =
	/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function withoutInvisible(text: string): string {
	return text.replace(INVISIBLE, '');
}
