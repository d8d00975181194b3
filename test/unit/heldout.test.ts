/**
 * The held-out set: 403 labeled messages written before any rule was tuned on them, split into
 * a half the rules may be tuned on and a sealed half that is only ever scored, and 119 more
 * written later for the tuning half only (held-t2-* to held-t4-*: damage told by what is seen,
 * hose and drain failures, regional Spanish, jokes and deadlines, services). The sealed half's figures are
 * what the README reports.
 *
 * The targets (emergency recall 100%, false emergencies at most 3%, every other field at least
 * 95%, Spanish within 3 points of English) are met on the tuning half and not yet on the
 * sealed half. This test holds the sealed half at the figures the README reports, so that no
 * change makes them worse, and fails with the figures when one does. Raise the floors when a
 * change (tuned on the other half) raises the figures.
 */
import path from 'node:path';

import { qualify } from '../../nodes/QualifierAgent/qualify';
import { triage } from '../../nodes/TriageAgent/triage';
import { evaluate, readLabeledSet } from '../../dev/tools/evaluate';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);
const score = async (file: string, lang?: 'en' | 'es') => {
	const cases = readLabeledSet(fixture(file)).filter((c) => !lang || c.lang === lang);
	return await evaluate(cases, { qualify, triage });
};

/**
 * The sealed half's figures on 2026-12-08 (docs/benchmarks.md, "A held-out set"), after the rules
 * were tuned on 1,251 more messages written for the tuning half (batches t7 to t39, never on this
 * half): recall 59 of 60 (English 41 of 41, Spanish 18 of 19), service type 90.5%, emergency
 * type 98.0%, property type 94.5%, urgency 95.5% (month and season names read against the time a
 * message came in), frequency 98.5% ("clean once the furniture is out" says when, not how often).
 */
const SEALED_FLOORS = {
	emergencyRecall: 59 / 60,
	falseEmergencyRate: 2 / 141,
	accuracy: {
		service_type: 0.905,
		property_type: 0.945,
		is_emergency: 0.985,
		emergency_type: 0.98,
		urgency: 0.955,
		frequency: 0.985,
		bedrooms: 0.995,
		bathrooms: 1,
		square_feet: 1,
		wants_human: 1,
		discount_request_pct: 0.99,
	} as Record<string, number>,
	spanishRecall: 18 / 19,
};

describe('the held-out set', () => {
	it('has the size and mix it was written to: >= 400 messages, about a quarter emergencies, a fifth Spanish', () => {
		const all = [
			...readLabeledSet(fixture('heldout-tune.jsonl')),
			...readLabeledSet(fixture('heldout-sealed.jsonl')),
		];
		expect(all.length).toBeGreaterThanOrEqual(400);
		expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
		const share = (p: (c: (typeof all)[number]) => boolean) => all.filter(p).length / all.length;
		expect(share((c) => c.label.is_emergency === true)).toBeGreaterThan(0.22);
		expect(share((c) => c.lang === 'es')).toBeGreaterThan(0.18);
	});

	it('tuning half: meets every target', async () => {
		const result = await score('heldout-tune.jsonl');
		expect(result.emergencyRecall).toBe(1);
		expect(result.falseEmergencyRate).toBeLessThanOrEqual(0.03);
		for (const [field, accuracy] of Object.entries(result.accuracy))
			expect({ field, ok: (accuracy as number) >= 0.95 }).toEqual({ field, ok: true });
	});

	it('sealed half: no worse than the figures the README reports', async () => {
		const result = await score('heldout-sealed.jsonl');
		const spanish = await score('heldout-sealed.jsonl', 'es');
		const figures = {
			emergencyRecall: result.emergencyRecall,
			falseEmergencyRate: result.falseEmergencyRate,
			spanishRecall: spanish.emergencyRecall,
			accuracy: result.accuracy,
		};
		// Printed on failure, so the figures are there to compare (never the messages).
		expect(figures.emergencyRecall! + 1e-9).toBeGreaterThanOrEqual(SEALED_FLOORS.emergencyRecall);
		expect(figures.falseEmergencyRate! - 1e-9).toBeLessThanOrEqual(
			SEALED_FLOORS.falseEmergencyRate,
		);
		expect(figures.spanishRecall! + 1e-9).toBeGreaterThanOrEqual(SEALED_FLOORS.spanishRecall);
		const below = Object.entries(SEALED_FLOORS.accuracy)
			.map(([field, floor]) => ({
				field,
				floor,
				accuracy: result.accuracy[field as keyof typeof result.accuracy] as number,
			}))
			.filter(({ floor, accuracy }) => accuracy < floor - 0.0005);
		expect(below).toEqual([]);
	});
});
