'use strict';
/**
 * Seeded keyboard slips for a labeled set: each word of four letters or more gets one slip with
 * the given chance (a neighbouring key, a letter dropped, doubled or undoubled, two letters
 * swapped; never the first letter). Used by `npm run eval` and the spelling test to score the
 * rules on text mistyped as people mistype it, the same text on every run.
 */

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** mulberry32: a small seeded generator, so a seed gives the same slips on every machine. */
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function neighbourKey(key, random) {
	const row = ROWS.findIndex((r) => r.includes(key));
	if (row < 0) return key;
	const column = ROWS[row].indexOf(key);
	const near = [];
	for (let r = row - 1; r <= row + 1; r++)
		for (let c = column - 1; c <= column + 1; c++)
			if ((r !== row || c !== column) && ROWS[r]?.[c]) near.push(ROWS[r][c]);
	return near[Math.floor(random() * near.length)];
}

function slip(word, random) {
	const i = 1 + Math.floor(random() * (word.length - 1));
	const kind = Math.floor(random() * 4);
	if (kind === 0)
		return word.slice(0, i) + neighbourKey(word[i].toLowerCase(), random) + word.slice(i + 1);
	if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
	if (kind === 2) {
		const doubled = /(\w)\1/.exec(word.slice(1));
		if (doubled) return word.slice(0, doubled.index + 1) + word.slice(doubled.index + 2);
		return word.slice(0, i) + word[i] + word.slice(i);
	}
	if (i < word.length - 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
	return word.slice(0, i);
}

/** The cases with their messages mistyped: `rate` of the words of 4+ letters get one slip. */
function mistyped(cases, { rate, seed }) {
	const random = seeded(seed);
	return cases.map((c) => ({
		...c,
		message: c.message.replace(/[A-Za-z\u00c0-\u00ff]{4,}/g, (word) =>
			random() < rate ? slip(word, random) : word,
		),
	}));
}

/** How `npm run eval` and the spelling test mistype the tuning half: the same slips everywhere. */
const TUNING_HALF_MISTYPED = { rate: 0.15, seed: 7 };

module.exports = { mistyped, TUNING_HALF_MISTYPED };
