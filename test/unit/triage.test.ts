import { triage, triageRules, triageSchema } from '../../nodes/TriageAgent/triage';
import { HAZARD_INSTRUCTIONS, SAFETY_INSTRUCTIONS } from '../../nodes/TriageAgent/safety';

const t = (message: string) => triageRules(message);

describe('Triage: emergencies, including indirect wording', () => {
	it.each([
		['HELP pipe burst in basement water everywhere', 'water_damage'],
		['water coming through the ceiling from upstairs', 'water_damage'],
		[
			'the upstairs bathtub overflowed and water is dripping through the light fixture',
			'water_damage',
		],
		['sewer backed up into the basement', 'sewage'],
		['toilet overflowing, sewage on the bathroom floor', 'sewage'],
		['kitchen fire last night, soot everywhere', 'fire_damage'],
		['smoke damage from the fire next door', 'fire_damage'],
		['mold spreading all over the nursery and the baby is coughing', 'mold'],
		['someone died in the apartment and was not found for a week', 'biohazard'],
		['tree fell through the roof in the storm and rain is coming in', 'storm'],
		['inundacion en el sotano, el agua sigue subiendo', 'water_damage'],
	])('%s -> %s', (message, type) => {
		const result = t(message);
		expect(result).toMatchObject({
			is_emergency: true,
			emergency_type: type,
			priority: 10,
			respond_within_minutes: expect.any(Number),
		});
	});
});

describe('Triage: figures of speech and look-alikes raise no alarm', () => {
	it.each([
		'we had a fire drill at the office, now need a weekly clean',
		'expecting a flood of guests this weekend, need a deep clean',
		'emergency move-out clean by Friday please',
		'there are water spots on the windows',
		'my place is a disaster zone after the party',
		'our team is on fire lately, need office cleaning',
		'smoke detector went off because of burnt toast, anyway need a clean',
		'the dishwasher leaked a few months ago, it is dry, we want a regular clean',
		'had a sewage backup last year, it was cleaned then; now just the carpets',
		'fireplace and chimney area need dusting',
		'I got fired so I need a cheaper cleaning plan',
	])('%s', (message) => {
		expect(t(message)).toMatchObject({
			is_emergency: false,
			emergency_type: null,
			respond_within_minutes: null,
			safety_instructions: [],
		});
	});
});

describe('Triage: severity, deadlines, safety text and escalation', () => {
	it('active water damage: high severity, the default 120-minute deadline, the fixed water instructions', () => {
		const result = t('pipe burst under the sink, water all over the floor');
		expect(result.severity).toBe('high');
		expect(result.respond_within_minutes).toBe(120);
		expect(result.safety_instructions).toEqual(SAFETY_INSTRUCTIONS.water_damage);
		expect(result.escalate_to_human).toBe(false);
	});

	it('water near electricity is critical: tighter deadline, hazard text first, a person is alerted', () => {
		const result = t(
			'ceiling collapsed, water pouring down next to the outlets and the breaker panel',
		);
		expect(result.severity).toBe('critical');
		expect(result.respond_within_minutes).toBe(60);
		expect(result.safety_instructions[0]).toBe(HAZARD_INSTRUCTIONS.electrical);
		expect(result.escalate_to_human).toBe(true);
	});

	it('gas smell is critical with the gas warning', () => {
		const result = t('water heater burst and there is a smell of gas in the basement');
		expect(result.severity).toBe('critical');
		expect(result.safety_instructions).toContain(HAZARD_INSTRUCTIONS.gas);
	});

	it('biohazard always goes to a person', () => {
		expect(t('blood all over the carpet after an incident').escalate_to_human).toBe(true);
	});

	it('deadlines are parameters', () => {
		const result = triageRules('basement flooded, 3 inches of water', {
			responseDeadlineMinutes: 45,
		});
		expect(result.respond_within_minutes).toBe(45);
	});

	it('past damage is reported as low severity, not an emergency', () => {
		expect(t('old water damage stain on the ceiling from a leak years ago')).toMatchObject({
			is_emergency: false,
			severity: 'low',
		});
	});

	it('non-emergencies get a priority from urgency, and the result fits the schema', async () => {
		const result = await triage({ message: 'need a clean tomorrow' });
		expect(result.priority).toBeGreaterThanOrEqual(7);
		expect(result.priority).toBeLessThan(10);
		expect(triageSchema.parse(result)).toEqual(result);
	});

	it('reads a month named as when against received_at, as the Qualifier does (low band 1-3)', async () => {
		const message = 'window cleaning for the house, starting in March';
		const december = await triage({ message, received_at: '2026-12-05T12:00:00Z' });
		const march = await triage({ message, received_at: '2027-03-01T12:00:00Z' });
		const unknown = await triage({ message });
		expect(december.priority).toBeLessThanOrEqual(3);
		expect(march.priority).toBeGreaterThanOrEqual(4);
		expect(unknown.priority).toBeGreaterThanOrEqual(4);
		await expect(triage({ message, received_at: 'soon' })).rejects.toThrow(/"received_at" must be/);
	});

	it('refuses a non-string message naming the field', async () => {
		await expect(triage({ message: 5 } as never)).rejects.toThrow(/"message" must be a string/);
	});
});

describe('Triage: time words', () => {
	it.each([
		['my uncle passed away in his apartment and was not found for two months', true],
		[
			'a pipe burst last week; it is all dried out now and the building fixed it. We want a deep clean',
			false,
		],
		['the basement flooded two weeks ago and it is dry now, we want the carpets cleaned', false],
		['the basement has been flooding for a week and it is still wet', true],
	])('%s -> emergency %p', (message, emergency) => {
		expect(triageRules(message).is_emergency).toBe(emergency);
	});
});
