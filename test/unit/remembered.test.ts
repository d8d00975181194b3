/**
 * The Triage agent and the Qualifier read the same item one after the other; the second
 * reading is the first's, from a small bounded store of the last texts read.
 */
import { readDamageFacts } from '../../nodes/shared/damage';
import { remembered } from '../../nodes/shared/remembered';
import { normalize } from '../../nodes/shared/text';
import { triageRules } from '../../nodes/TriageAgent/triage';

describe('remembered', () => {
	it('computes a text once while it is among the last ones, and forgets the oldest beyond its size', () => {
		const computed: string[] = [];
		const length = remembered(2, (text: string) => {
			computed.push(text);
			return text.length;
		});
		expect([length('a'), length('bb'), length('a')]).toEqual([1, 2, 1]);
		expect(computed).toEqual(['a', 'bb']);
		length('ccc'); // 'a' is the oldest: forgotten
		length('a');
		expect(computed).toEqual(['a', 'bb', 'ccc', 'a']);
	});

	it('gives the damage reading once per text, frozen so that no reader can change what the next one gets', () => {
		const message = 'Water is pouring through the kitchen ceiling from the flat upstairs';
		const first = readDamageFacts(message);
		const again = readDamageFacts(message, normalize(message));
		expect(again).toBe(first);
		expect(first).toMatchObject({ damage_type: 'water_damage', active: true });
		expect(Object.isFrozen(first) && Object.isFrozen(first.signals)).toBe(true);
		expect(() => (first.signals as string[]).push('x')).toThrow(TypeError);
	});

	it("hands the workflow an item it may change: the Triage agent's hazards are a copy", () => {
		const message = 'the basement is flooding and the water is up to the outlets';
		const first = triageRules(message);
		expect(first.hazards).toContain('electrical');
		first.hazards.push('gas');
		expect(triageRules(message).hazards).not.toContain('gas');
	});

	it('reads the same as before for many different texts in a row (nothing is kept past the bound)', () => {
		const texts = Array.from({ length: 100 }, (_, i) => `#${i} the basement is flooded`);
		const once = texts.map((t) => readDamageFacts(t).active);
		const twice = texts.map((t) => readDamageFacts(t).active);
		expect(twice).toEqual(once);
		expect(once.every(Boolean)).toBe(true);
	});
});
