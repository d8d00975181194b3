/**
 * One slip of the keyboard: how to tell that a typed word is one letter missing, extra, wrong
 * or two letters swapped away from a word the rules listen for, and which of those words it
 * likeliest was. Used by the spelling reader (../spelling.ts) and by the tool that generates its
 * data (`npm run words:spelling`).
 */
import { phraseWords } from './compile';
import type { LanguageWords } from './types';

/** Shorter words are left alone: too many real words and abbreviations are one slip apart. */
export const SHORTEST_CORRECTED = 4;
/** A typed word may be one letter short of a listed word. */
export const SHORTEST_TYPED = SHORTEST_CORRECTED - 1;

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const KEY_AT = new Map(
	KEYBOARD_ROWS.flatMap((row, r) =>
		[...row].map((key, c): [string, [number, number]] => [key, [r, c]]),
	),
);

/** Two keys side by side (or diagonally) on a QWERTY keyboard: the likeliest wrong letter. */
function keysTouch(a: string, b: string): boolean {
	const p = KEY_AT.get(a);
	const q = KEY_AT.get(b);
	return !!p && !!q && Math.abs(p[0] - q[0]) <= 1 && Math.abs(p[1] - q[1]) <= 1;
}

/**
 * How unlikely one slip turns `listed` into `typed` (lower is likelier), or null when the two
 * are not one slip apart: two letters swapped or a letter doubled or undoubled 0, a letter
 * missing or extra 1, a neighbouring key 1.5, another letter 2; one more when the first letter
 * is the one that changed (people seldom mistype the first letter).
 */
export function slipCost(typed: string, listed: string): number | null {
	const t = typed.length;
	const l = listed.length;
	if (typed === listed || Math.abs(t - l) > 1) return null;
	let i = 0;
	while (i < t && i < l && typed[i] === listed[i]) i++;
	const first = i === 0 ? 1 : 0;
	if (t === l) {
		if (typed.slice(i + 1) === listed.slice(i + 1))
			return (keysTouch(typed[i], listed[i]) ? 1.5 : 2) + first;
		const swapped =
			typed[i] === listed[i + 1] &&
			typed[i + 1] === listed[i] &&
			typed.slice(i + 2) === listed.slice(i + 2);
		return swapped ? first : null;
	}
	// One letter extra in what was typed, or one missing from it.
	const [longer, shorter] = t > l ? [typed, listed] : [listed, typed];
	if (longer.slice(i + 1) !== shorter.slice(i)) return null;
	const doubled = longer[i] === longer[i - 1] || longer[i] === longer[i + 1];
	return doubled ? 0 : 1 + first;
}

function withOneLetterLess(word: string): string[] {
	const out: string[] = [];
	for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
	return out;
}

/** A listed word and how unlikely the slip from it is (slipCost). */
export interface Slip {
	word: string;
	cost: number;
}

/**
 * The listed words, indexed by every way of dropping one of their letters: two words one slip
 * apart always share such a form (or one is such a form of the other).
 */
export class NearestListedWord {
	private readonly listed: Set<string>;
	private readonly byLetterDropped = new Map<string, string[]>();
	/** The longest listed word's length. */
	readonly longest: number;

	constructor(listed: Iterable<string>) {
		this.listed = new Set(listed);
		this.longest = Math.max(0, ...[...this.listed].map((word) => word.length));
		for (const word of this.listed)
			for (const dropped of withOneLetterLess(word)) {
				const words = this.byLetterDropped.get(dropped);
				if (!words) this.byLetterDropped.set(dropped, [word]);
				else if (!words.includes(word)) words.push(word);
			}
	}

	has(word: string): boolean {
		return this.listed.has(word);
	}

	/** Listed words one slip from `typed`, with how unlikely each slip is. */
	*near(typed: string): Generator<[string, number]> {
		const seen = new Set<string>();
		const consider = (word: string) => {
			if (seen.has(word)) return null;
			seen.add(word);
			const cost = slipCost(typed, word);
			return cost === null ? null : ([word, cost] as [string, number]);
		};
		for (const word of this.byLetterDropped.get(typed) ?? []) {
			const found = consider(word);
			if (found) yield found;
		}
		for (const dropped of withOneLetterLess(typed)) {
			const candidates = this.listed.has(dropped) ? [dropped] : [];
			for (const word of [...candidates, ...(this.byLetterDropped.get(dropped) ?? [])]) {
				const found = consider(word);
				if (found) yield found;
			}
		}
	}

	/** The one listed word `typed` is likeliest a slip of; null when none is, or two are as likely. */
	nearest(typed: string): Slip | null {
		let best: Slip | null = null;
		let tied = false;
		for (const [word, cost] of this.near(typed)) {
			if (!best || cost < best.cost) [best, tied] = [{ word, cost }, false];
			else if (cost === best.cost) tied = true;
		}
		return tied ? null : best;
	}
}

/**
 * The words the rules listen for, every language: each word a listed phrase can match, the
 * numbers, months and seasons, and the words shorthand is rewritten to.
 */
export function listedWords(languages: readonly LanguageWords[]): string[] {
	const words = new Set<string>();
	const add = (text: string) => {
		for (const word of text.split(/[^a-z]+/))
			if (word.length >= SHORTEST_CORRECTED) words.add(word);
	};
	for (const language of languages) {
		for (const list of Object.values(language.lists))
			for (const phrase of list)
				phraseWords(phrase, SHORTEST_CORRECTED).forEach((w) => words.add(w));
		for (const named of [language.numbers, language.visitCounts, language.months, language.seasons])
			Object.keys(named).forEach(add);
		for (const [word] of language.shorthand) add(word);
	}
	return [...words].sort();
}

/** The dictionary words one slip from a listed word (and not listed themselves): never corrected. */
export function realWordsNear(listed: NearestListedWord, dictionary: Iterable<string>): string[] {
	const near = new Set<string>();
	for (const word of dictionary) {
		if (word.length < SHORTEST_TYPED || listed.has(word) || near.has(word)) continue;
		if (!listed.near(word).next().done) near.add(word);
	}
	return [...near].sort();
}
