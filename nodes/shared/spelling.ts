/**
 * Reading through typos. Customers type fast on phones ("wateer is comming thru the ceilng");
 * a rule listening for "ceiling" never hears "ceilng". Before the rules read a message, each
 * word that is one slip away from a word the rules listen for (one letter missing, extra, wrong
 * or two swapped) is read as that word - unless it is a real word itself (a dictionary says so:
 * "flooring" is not "flooding", "could" is not "mould"), a name, an acronym, an abbreviation,
 * part of a contraction or an address.
 *
 * The words listened for and the real words near them are data, generated from the word lists
 * and two dictionaries by `npm run words:spelling` (nodes/shared/words/spelling-data.ts).
 */
import { SHORTHAND, words } from './words';
import { phraseWords } from './words/compile';
import { NearestListedWord, SHORTEST_TYPED, type Slip } from './words/slips';
import { LISTED_WORDS, REAL_WORDS_NEAR_LISTED } from './words/spelling-data';

const LISTED = new NearestListedWord(LISTED_WORDS.split(' '));
/**
 * Real words one slip from a listed word ("floor", "could"), the shorthand lists' own spellings
 * (rewritten later, on purpose) and abbreviations.
 */
const LEFT_AS_WRITTEN = new Set([
	...REAL_WORDS_NEAR_LISTED.split(' '),
	...SHORTHAND.flatMap(([, spellings]) => spellings.flatMap((s) => s.split(/[^a-z]+/))),
	...words('abbreviations').flatMap((phrase) => phraseWords(phrase)),
]);

/** Corrections already worked out (words repeat across messages); dropped when it grows large. */
const corrected = new Map<string, Slip | null>();
const REMEMBERED = 20_000;

function correctedWord(word: string): Slip | null {
	let out = corrected.get(word);
	if (out !== undefined) return out;
	out = LISTED.has(word) || LEFT_AS_WRITTEN.has(word) ? null : LISTED.nearest(word);
	if (corrected.size >= REMEMBERED) corrected.clear();
	corrected.set(word, out);
	return out;
}

/** "Dr Patel", "Sra. Vargas": the next word is a name even in lower case. */
const TITLE_BEFORE = /\b(?:dr|mrs?|ms|miss|sra?|srta|dona?)\.? $/i;
/**
 * A word that could be a slip: in lower case, or with a capital starting a sentence and not
 * followed by another capital ("Walter Jenkins" is a name); not part of a contraction ("isn't"
 * is not "isnt" and "t"). Other capitals are names or acronyms.
 */
const LOWER_CASE_WORD = new RegExp(
	`(?<![A-Za-z'\u2019])(?:[a-z]{${SHORTEST_TYPED},${LISTED.longest + 1}}|(?<=(?:^|[.!?]\\s+|\\n\\s*))[A-Z][a-z]{${SHORTEST_TYPED - 1},${LISTED.longest}}(?!\\s+[A-Z]))(?![A-Za-z'\u2019])`,
	'g',
);
const ANY_WORD = new RegExp(
	`(?<![A-Za-z'\u2019])[A-Za-z]{${SHORTEST_TYPED},${LISTED.longest + 1}}(?![A-Za-z'\u2019])`,
	'g',
);

/** Where the e-mail and web addresses are (their letters are not words): [from, to) each. */
function addressesIn(text: string): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	for (const marker of ['@', '://', 'www.']) {
		for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
			let from = at;
			let to = at;
			while (from > 0 && text.charCodeAt(from - 1) > 32) from--;
			while (to < text.length && text.charCodeAt(to) > 32) to++;
			out.push([from, to]);
			at = to;
		}
	}
	return out;
}

/**
 * The text with each slip of a listed word replaced by the word. Expects accents already
 * folded (it reads a-z only); keeps everything it does not correct as it was. Words written
 * with a capital are left alone (names: "Walter" is not "water"), and so are acronyms, unless
 * the whole message is in capitals (then it is shouting, and read as lower case); a capital
 * starting a sentence is read only through a swap or a doubled letter ("Ceilign", "Lokoing").
 */
export function correctSpelling(text: string): string {
	const shouting = !/[a-z]/.test(text);
	const candidates = shouting ? ANY_WORD : LOWER_CASE_WORD;
	const addresses = addressesIn(text);
	let out = '';
	let copied = 0;
	candidates.lastIndex = 0;
	for (let m = candidates.exec(text); m !== null; m = candidates.exec(text)) {
		const slip = correctedWord(m[0].toLowerCase());
		// A capital starting a sentence may be a name ("Walter here"): only a swap or a doubled letter.
		if (slip === null || (slip.cost > 0 && !shouting && m[0][0] !== m[0][0].toLowerCase()))
			continue;
		const at = m.index;
		if (addresses.some(([from, to]) => at >= from && at < to)) continue;
		if (TITLE_BEFORE.test(text.slice(Math.max(0, at - 6), at))) continue;
		out += text.slice(copied, at) + slip.word;
		copied = at + m[0].length;
	}
	return copied === 0 ? text : out + text.slice(copied);
}
