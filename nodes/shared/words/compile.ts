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
	// A "-(...)" left over is a "not after/before" the notation could not read (a group nested in it).
	if (text.includes('-('))
		throw new Error(
			`The phrase "${phrase}" has a "-(...)" that is not at its start or end, or has a group inside it: write the words out ("story|storey", not "stor(y|ey)").`,
		);
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

/** One piece of a parsed phrase: a character, or a choice between sequences. */
type Piece = string | Piece[][];

/** The notation parsed into pieces (`#` and `~` become spaces: they end a word). */
function parsePieces(phrase: string, start = 0, inGroup = false): [Piece[][], number] {
	const alternatives: Piece[][] = [[]];
	let i = start;
	while (i < phrase.length) {
		const c = phrase[i];
		if (c === ')' && inGroup) return [alternatives, i + 1];
		if (c === '|') {
			alternatives.push([]);
			i++;
			continue;
		}
		let piece: Piece;
		if (c === '(') [piece, i] = parsePieces(phrase, i + 1, true);
		else if (c === '[') {
			const end = phrase.indexOf(']', i);
			piece = [...phrase.slice(i + 1, end)].map((ch) => [ch]);
			i = end + 1;
		} else {
			piece = c === '#' || c === '~' ? ' ' : c;
			i++;
		}
		if (phrase[i] === '?') {
			piece = [[piece], []];
			i++;
		}
		alternatives[alternatives.length - 1].push(piece);
	}
	return [alternatives, i];
}

/**
 * Every text a sequence of pieces can spell, each cut down to its first and last word (the
 * words between are complete: they go to `words`), so a phrase with many choices stays small.
 */
function spellings(sequence: Piece[], words: Set<string>): Set<string> {
	let texts = new Set(['']);
	for (const piece of sequence) {
		const options =
			typeof piece === 'string'
				? [piece]
				: piece.flatMap((alternative) => [...spellings(alternative, words)]);
		const next = new Set<string>();
		for (const text of texts)
			for (const option of options) next.add(endsOnly(text + option, words));
		texts = next;
	}
	return texts;
}

function endsOnly(text: string, words: Set<string>): string {
	const first = text.indexOf(' ');
	const last = text.lastIndexOf(' ');
	if (first === last) return text;
	for (const word of text.slice(first + 1, last).split(' ')) words.add(word);
	return text.slice(0, first) + ' ' + text.slice(last + 1);
}

/**
 * The whole words a phrase can match, each of at least `minLength` letters ("pipes? burst*"
 * gives pipe, pipes, burst: a word with any ending gives its stem). The spelling reader
 * corrects typos towards these.
 */
export function phraseWords(phrase: string, minLength = 1): string[] {
	let text = phrase.endsWith('...') ? phrase.slice(0, -3) : phrase;
	text = text.replace(/^-\(([^)]*)\) /, '($1) ').replace(/ -\(([^)]*)\)$/, ' ($1)');
	const pieces = new Set<string>();
	for (const alternative of parsePieces(text)[0])
		for (const spelled of spellings(alternative, pieces))
			for (const word of spelled.split(' ')) pieces.add(word);
	const words = new Set<string>();
	for (const piece of pieces)
		for (const part of piece.split(/[^a-z*]+/)) {
			const word = part.split('*')[0];
			if (word.length >= minLength) words.add(word);
		}
	return [...words];
}
