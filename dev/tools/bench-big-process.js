'use strict';
/**
 * Qualifier + Triage in a process that has already compiled a lot of code, as n8n's has.
 * V8 compiles a regular expression with fewer optimizations once the process holds much
 * compiled code, so the rules run slower inside n8n than in a fresh process such as the
 * main benchmark's. Run as a child of npm run bench: `node bench-big-process.js MB` fills
 * the code space with about MB megabytes of compiled expressions first (0: a fresh process),
 * then prints one JSON line: messages per second and the slowest 100 KB message.
 */
const path = require('node:path');
const v8 = require('node:v8');

const fillMegabytes = Number(process.argv[2] ?? 0);

function codeSpaceMegabytes() {
	const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'code_space');
	return space ? space.space_size / 1e6 : 0;
}

// Expressions that never match, each compiled once on a subject long enough to compile it at once.
const subject = 'x'.repeat(2000);
for (let i = 0; codeSpaceMegabytes() < fillMegabytes; i++) {
	const alternatives = Array.from({ length: 40 }, (_, j) => `w${i}o${j}rd\\d+[a-z]{2,}`);
	new RegExp(alternatives.join('|')).test(subject);
}

const api = require('../../index.js');
const { readLabeledSet } = require('./evaluate');
const { longMessages } = require('./long-messages');

const fixtures = path.join(__dirname, '..', '..', 'test', 'fixtures');
const messages = ['dev-set.jsonl', 'heldout-tune.jsonl'].flatMap((file) =>
	readLabeledSet(path.join(fixtures, file)).map((c) => c.message),
);

function rate() {
	const started = process.hrtime.bigint();
	for (const message of messages) {
		api.qualifyRules({ message });
		api.triageRules(message);
	}
	return messages.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

rate();
const rates = [rate(), rate(), rate()].sort((a, b) => a - b);
let slowest = 0;
for (const { message: text } of longMessages(100_000)) {
	let best = Infinity;
	for (let round = 0; round < 3; round++) {
		// A different text each round: the agents' last few readings must not help.
		const message = `#${round} ${text}`;
		const started = process.hrtime.bigint();
		api.qualifyRules({ message });
		api.triageRules(message);
		best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
	}
	slowest = Math.max(slowest, best);
}
console.log(
	JSON.stringify({
		codeSpaceMegabytes: Math.round(codeSpaceMegabytes()),
		perSecond: Math.round(rates[1]),
		slowest100kbMs: Math.round(slowest),
	}),
);
