/**
 * The rules' words, one file per language. A rule asks for a list by name and
 * gets every language's phrases (English first), or one pattern per language
 * where the first match's position or text matters.
 */
import { anyOf, wordsPattern } from './compile';
import { en } from './en';
import { es } from './es';
import type { LanguageWords } from './types';

export const LANGUAGES: Record<'en' | 'es', LanguageWords> = { en, es };

export type ListName = keyof typeof en.lists | keyof typeof es.lists;

function listsOf(name: ListName): Array<readonly string[]> {
	const found = Object.values(LANGUAGES)
		.map((language) => language.lists[name])
		.filter((list): list is readonly string[] => Array.isArray(list) && list.length > 0);
	if (!found.length) throw new Error(`No word list is named "${name}"`);
	return found;
}

const flattened = new Map<ListName, string[]>();
const sources = new Map<ListName, string>();

/** Every language's phrases of a list, English first. */
export function words(name: ListName): string[] {
	let list = flattened.get(name);
	if (!list) {
		list = listsOf(name).flat();
		flattened.set(name, list);
	}
	return [...list];
}

/** The regex source of a list, every language in one group: `(?:...)`. Rules call it per message, so it is kept. */
export function anyWord(name: ListName): string {
	let source = sources.get(name);
	if (source === undefined) {
		source = anyOf(words(name));
		sources.set(name, source);
	}
	return source;
}

/** A whole-word pattern for a list, every language in one. */
export function wordPattern(name: ListName, flags = ''): RegExp {
	return wordsPattern(words(name), flags);
}

/** One whole-word pattern per language, English first (where which matched first matters). */
export function wordPatterns(name: ListName, flags = ''): RegExp[] {
	return listsOf(name).map((list) => wordsPattern(list, flags));
}

/** One whole-word pattern per phrase, every language in order (where each phrase is checked on its own). */
export function phrasePatterns(name: ListName, flags = ''): RegExp[] {
	return words(name).map((phrase) => wordsPattern([phrase], flags));
}

/** Numbers written as words, every language. */
export const NUMBER_WORDS: Record<string, number> = Object.assign(
	{},
	...Object.values(LANGUAGES).map((language) => language.numbers),
);

/** Visit counts said in words, every language. */
export const VISIT_COUNTS: Record<string, number> = Object.assign(
	{},
	...Object.values(LANGUAGES).map((language) => language.visitCounts),
);

/** Month names and their number (1-12), every language. */
export const MONTHS: Record<string, number> = Object.assign(
	{},
	...Object.values(LANGUAGES).map((language) => language.months),
);

/** Seasons and the month each begins in (1-12), every language. */
export const SEASONS: Record<string, number> = Object.assign(
	{},
	...Object.values(LANGUAGES).map((language) => language.seasons),
);

/** Shorthand and typos, every language, in order. */
export const SHORTHAND = Object.values(LANGUAGES).flatMap((language) => language.shorthand);

export { anyOf, phraseSource, wordsPattern } from './compile';
