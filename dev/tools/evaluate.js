'use strict';
/**
 * Scores the Qualifier and Triage agents (rules mode) against a labeled set in
 * JSON Lines: {"id", "channel", "message", "label": {...}} a line. Used by
 * `npm run eval` and by the unit test that holds the targets.
 */
const fs = require('node:fs');

const FIELDS = [
	'service_type',
	'property_type',
	'is_emergency',
	'emergency_type',
	'urgency',
	'frequency',
	'bedrooms',
	'bathrooms',
	'square_feet',
	'wants_human',
	'discount_request_pct',
];

function readLabeledSet(file) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	const cases = [];
	lines.forEach((line, index) => {
		if (!line.trim()) return;
		let parsed;
		try {
			parsed = JSON.parse(line);
		} catch (error) {
			throw new Error(`${file}:${index + 1}: not valid JSON (${error.message})`);
		}
		if (typeof parsed.message !== 'string' || !parsed.label || typeof parsed.label !== 'object') {
			throw new Error(
				`${file}:${index + 1}: each line needs "message" (text) and "label" (object)`,
			);
		}
		cases.push(parsed);
	});
	return cases;
}

function same(field, predicted, expected) {
	if (expected === undefined) return null; // not labeled: not scored
	if (field === 'square_feet' && typeof expected === 'number' && typeof predicted === 'number') {
		return Math.abs(predicted - expected) <= Math.max(1, expected * 0.01);
	}
	return predicted === expected;
}

/**
 * When the labeled messages are taken to have come in, unless a line says otherwise: the sets
 * were written and labeled in early December 2026, so "in January" is next month and "in March"
 * a few months away (the labels read month names that way).
 */
const LABELED_AT = '2026-12-05T12:00:00Z';

/** Runs both agents over the set and returns per-field accuracy and the emergency figures. */
async function evaluate(cases, api) {
	const stats = Object.fromEntries(FIELDS.map((f) => [f, { right: 0, total: 0 }]));
	const errors = [];
	let emergencies = 0;
	let caught = 0;
	let nonEmergencies = 0;
	let falseAlarms = 0;
	for (const c of cases) {
		const input = {
			message: c.message,
			channel: c.channel,
			received_at: c.received_at ?? LABELED_AT,
		};
		const [q, t] = await Promise.all([api.qualify(input), api.triage(input)]);
		const predicted = { ...q, is_emergency: t.is_emergency, emergency_type: t.emergency_type };
		for (const field of FIELDS) {
			const ok = same(field, predicted[field], c.label[field]);
			if (ok === null) continue;
			stats[field].total++;
			if (ok) stats[field].right++;
			else
				errors.push({
					id: c.id,
					field,
					expected: c.label[field],
					got: predicted[field],
					message: c.message,
				});
		}
		if (c.label.is_emergency === true) {
			emergencies++;
			if (t.is_emergency) caught++;
		} else if (c.label.is_emergency === false) {
			nonEmergencies++;
			if (t.is_emergency) falseAlarms++;
		}
	}
	const accuracy = Object.fromEntries(
		FIELDS.map((f) => [f, stats[f].total ? stats[f].right / stats[f].total : null]),
	);
	return {
		cases: cases.length,
		accuracy,
		counts: stats,
		emergencyRecall: emergencies ? caught / emergencies : null,
		falseEmergencyRate: nonEmergencies ? falseAlarms / nonEmergencies : null,
		emergencies,
		nonEmergencies,
		errors,
	};
}

module.exports = { FIELDS, readLabeledSet, evaluate };
