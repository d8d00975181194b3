/** The shape of one language's words (en.ts, es.ts). */
export interface LanguageWords {
	/** Numbers written as words, and their value. */
	numbers: Record<string, number>;
	/** How many visits a week, said in words ("twice a week"), and their value. */
	visitCounts: Record<string, number>;
	/** Month names and their number, 1-12. */
	months: Record<string, number>;
	/** Seasons and the month each begins in, 1-12 (the northern hemisphere's). */
	seasons: Record<string, number>;
	/** Shorthand and typos: the word the rules expect, and the spellings rewritten to it. */
	shorthand: ReadonlyArray<readonly [string, readonly string[]]>;
	/** Named lists of phrases (notation: compile.ts). */
	lists: Record<string, readonly string[]>;
}
