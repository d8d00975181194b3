/**
 * Text normalisation shared by the rules engines. Customer messages arrive as
 * SMS shorthand, web-form prose, e-mail threads and Spanish; the rules match
 * against one normalised form so each rule is written once.
 */

const NUMBER_WORDS: Record<string, number> = {
	zero: 0,
	one: 1,
	a: 1,
	an: 1,
	single: 1,
	two: 2,
	couple: 2,
	three: 3,
	four: 4,
	five: 5,
	six: 6,
	seven: 7,
	eight: 8,
	nine: 9,
	ten: 10,
	eleven: 11,
	twelve: 12,
	// Spanish
	un: 1,
	una: 1,
	uno: 1,
	dos: 2,
	tres: 3,
	cuatro: 4,
	cinco: 5,
	seis: 6,
	siete: 7,
	ocho: 8,
};

/** Common SMS shorthand and typos, rewritten to the words the rules expect. */
const SHORTHAND: Array<[RegExp, string]> = [
	[/\bpls\b|\bplz\b/g, 'please'],
	[/\bu\b/g, 'you'],
	[/\bur\b/g, 'your'],
	[/\br\b/g, 'are'],
	[/\bthx\b|\btnx\b|\bty\b/g, 'thanks'],
	[/\bb4\b/g, 'before'],
	[
		/\btmrw\b|\btmr\b|\btmw\b|\btomorow\b|\btommorow\b|\btommorrow\b|\b2moro\b|\b2morrow\b/g,
		'tomorrow',
	],
	[/\btdy\b|\b2day\b/g, 'today'],
	[/\btonite\b|\b2nite\b/g, 'tonight'],
	[/\bwk\b/g, 'week'],
	[/\bwks\b/g, 'weeks'],
	[/\bmo\b(?!\s*(?:\d|morning))/g, 'month'],
	[/\bappt\b/g, 'appointment'],
	[/\bapt\b/g, 'apartment'],
	[/\bcleanin\b|\bcleening\b|\bclening\b|\bcleanning\b|\bcleaing\b/g, 'cleaning'],
	[/\bclen\b|\bcleen\b/g, 'clean'],
	[/\bbasment\b|\bbasemnt\b/g, 'basement'],
	[/\bceilling\b|\bcieling\b|\bceling\b/g, 'ceiling'],
	[/\bflodded\b|\bfloded\b|\bfloodd\b/g, 'flooded'],
	[/\bbathrm\b|\bbathroom\b/g, 'bathroom'],
	[/\bbedrm\b/g, 'bedroom'],
	[/\boffce\b|\boffic\b/g, 'office'],
	[/\bwindos\b|\bwindws\b/g, 'windows'],
	[/\bcarpit\b|\bcarpt\b/g, 'carpet'],
	[/\basap\b|\ba\.s\.a\.p\.?/g, 'asap'],
	[/\bw\/o\b/g, 'without'],
	[/\bw\//g, 'with '],
	[/\bppl\b/g, 'people'],
	[/\bbc\b|\bcuz\b|\bcos\b/g, 'because'],
	[/\bmgr\b/g, 'manager'],
	[/\bprob\b/g, 'probably'],
];

/**
 * Lower-cases, folds accents (Spanish "baños" -> "banos"), unifies quotes,
 * dashes and spacing, and expands shorthand. Digits and units are kept.
 */
export function normalize(text: string): string {
	let t = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[\u2018\u2019\u02bc]/g, "'")
		.replace(/[\u201c\u201d]/g, '"')
		.replace(/[\u2013\u2014]/g, '-')
		.replace(/\u00b2/g, '2')
		.replace(/\s+/g, ' ');
	for (const [pattern, replacement] of SHORTHAND) t = t.replace(pattern, replacement);
	return t.trim();
}

/** Parses "3", "3.5", "2,500", "2k", "three", "a couple" into a number; null if it is not one. */
export function parseNumber(token: string): number | null {
	const t = token.trim().toLowerCase();
	if (t in NUMBER_WORDS) return NUMBER_WORDS[t];
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

const NEGATION =
	/\b(?:no|not|never|without|isn't|isnt|aren't|arent|wasn't|wasnt|don't|dont|doesn't|doesnt|didn't|didnt|nothing|sin|ni)\b[^.!?,;]{0,18}$/;

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
		const before = text.slice(Math.max(0, m.index - 30), m.index);
		if (!NEGATION.test(before)) return m;
		if (m[0].length === 0) global.lastIndex++;
	}
	return null;
}
