/**
 * The rules' words are data (nodes/shared/words/en.ts, es.ts) in a small
 * notation (compile.ts). These tests hold the notation to what it documents,
 * the data to that notation, and every list to a use.
 */
import fs from 'node:fs';
import path from 'node:path';

import { anyOf, phraseSource, wordsPattern } from '../../nodes/shared/words/compile';
import { en } from '../../nodes/shared/words/en';
import { es } from '../../nodes/shared/words/es';
import { LANGUAGES, phrasePatterns, wordPattern, words } from '../../nodes/shared/words';

const matches = (phrase: string, text: string) => wordsPattern([phrase]).test(text);

describe('the phrase notation', () => {
	it.each([
		['sanitiz*', 'please sanitize it', true],
		['sanitiz*', 'a sanitizer', true],
		['within # hours', 'within 12 hours', true],
		['within # hours', 'within a few hours', false],
		['carpets? (~ )?clean*', 'carpet steam cleaning', true],
		['suites?', 'our suites', true],
		['medical (office|center)', 'the medical center', true],
		['medical (office|center)', 'the medical centre', false],
		['post[- ]construction', 'post-construction', true],
		['post[- ]construction', 'post construction', true],
		['-(front of) house', 'front of house', false],
		['-(front of) house', 'the house', true],
		['whenever -(the|my)', 'whenever the tenants leave', false],
		['whenever -(the|my)', 'whenever works', true],
		['bio ?hazard...', 'biohazardous waste', true],
		['bio ?hazard', 'biohazardous waste', false],
		['a.m. (slot|visit)', 'an a.m. visit please', true],
		['sq/ft', '900 sq/ft', true],
		['a|b|c', 'plan b', true],
	])('"%s" in "%s": %s', (phrase, text, expected) => {
		expect(matches(phrase, text)).toBe(expected);
	});

	it('takes everything else literally (a dot is a dot, $ and ^ are characters)', () => {
		expect(phraseSource('a.m.')).toBe('a\\.m\\.');
		expect(phraseSource('m^2')).toBe('m\\^2');
		expect(matches('a.m.', 'am')).toBe(false);
		expect(anyOf(['a', 'b'])).toBe('(?:a|b)');
		expect(() => phraseSource('[- ')).toThrow(/Unclosed \[/);
		// A group nested in a "not before" cannot be read: refused, not matched literally.
		expect(() => phraseSource('a single -(stor(y|ey)|family)')).toThrow(/write the words out/);
		expect(() => phraseSource('end of day -(mon|fri)day')).toThrow(/not at its start or end/);
	});
});

describe('the word lists', () => {
	const all = Object.entries(LANGUAGES).flatMap(([language, data]) =>
		Object.entries(data.lists).flatMap(([list, phrases]) =>
			phrases.map((phrase) => ({ language, list, phrase })),
		),
	);

	it('are written in the notation only: no regular-expression syntax, lower case, no accents (text is folded first)', () => {
		const wrong = all.filter(
			({ phrase }) =>
				/\\|\(\?|\{\d|\[\^|\$/.test(phrase) ||
				phrase !== phrase.toLowerCase() ||
				phrase !== phrase.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''),
		);
		expect(wrong).toEqual([]);
	});

	it('every phrase compiles, and no list has a phrase twice', () => {
		for (const { list, phrase } of all) expect(() => wordsPattern([phrase])).not.toThrow();
		for (const data of [en, es])
			for (const [list, phrases] of Object.entries(data.lists))
				expect({ list, duplicates: phrases.filter((p, i) => phrases.indexOf(p) !== i) }).toEqual({
					list,
					duplicates: [],
				});
	});

	it('every list is read by a rule (no dead words)', () => {
		const sources = fs
			.readdirSync(path.join(__dirname, '..', '..', 'nodes'), { recursive: true, encoding: 'utf8' })
			.filter((f) => f.endsWith('.ts') && !f.includes(`words${path.sep}`))
			.map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', f), 'utf8'))
			.join('\n');
		const unused = [...new Set(all.map((a) => a.list))].filter(
			(list) => !sources.includes(`'${list}'`),
		);
		expect(unused).toEqual([]);
	});

	it('a rule reads every language, English first', () => {
		expect(words('urgency_now')[0]).toBe('asap');
		expect(words('urgency_now')).toContain('hoy');
		expect(wordPattern('cleaning_words').test('limpieza profunda')).toBe(true);
		expect(phrasePatterns('mold_named').map((p) => p.source)).toEqual([
			...en.lists.mold_named.map((p) => wordsPattern([p]).source),
			...es.lists.mold_named.map((p) => wordsPattern([p]).source),
		]);
		expect(() => words('no_such_list' as never)).toThrow(/No word list is named "no_such_list"/);
	});
});
