'use strict';
// npm run eval [-- FILE]: per-field accuracy, emergency recall and false-emergency
// rate of the rules mode on a labeled JSON Lines set (default: the dev set).
const path = require('node:path');
const api = require('../../index.js');
const { FIELDS, readLabeledSet, evaluate } = require('./evaluate');

const args = process.argv.slice(2);
const verbose = args.includes('--errors');
const file = path.resolve(
	args.find((a) => !a.startsWith('--')) ??
		path.join(__dirname, '..', '..', 'test', 'fixtures', 'dev-set.jsonl'),
);
const pct = (x) => (x === null ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);

(async () => {
	const cases = readLabeledSet(file);
	const result = await evaluate(cases, api);
	console.log(
		`Evaluated ${result.cases} messages from ${path.relative(process.cwd(), file) || file} (rules mode)\n`,
	);
	console.log('field                  accuracy   right/total   target');
	for (const field of FIELDS) {
		const { right, total } = result.counts[field];
		const target = field === 'is_emergency' ? '' : '>= 90%';
		const flag =
			result.accuracy[field] !== null && result.accuracy[field] < 0.9 ? '  <- below target' : '';
		console.log(
			`${field.padEnd(22)} ${pct(result.accuracy[field])}   ${`${right}/${total}`.padStart(11)}   ${target}${flag}`,
		);
	}
	console.log('');
	console.log(
		`emergency recall       ${pct(result.emergencyRecall)}   (${result.emergencies} emergencies; target 100%)`,
	);
	console.log(
		`false emergency rate   ${pct(result.falseEmergencyRate)}   (${result.nonEmergencies} non-emergencies; target <= 5%)`,
	);
	if (verbose) {
		console.log('\nmisses:');
		for (const e of result.errors)
			console.log(
				`  ${e.id} ${e.field}: expected ${JSON.stringify(e.expected)} got ${JSON.stringify(e.got)}  | ${e.message.slice(0, 110)}`,
			);
	} else if (result.errors.length) {
		console.log(`\n${result.errors.length} field misses; run with --errors to list them.`);
	}
})().catch((error) => {
	console.error(`eval: ${error.message}`);
	process.exit(1);
});
