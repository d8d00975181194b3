/**
 * Version 2 agents read their inputs from the case in code ("From the Case",
 * the templates' setting); version 1 maps each input with an expression that
 * n8n evaluates. On every item shape, both must give the same result: each
 * agent and operation below runs as version 1 (its default mappings) and as
 * version 2 (from the case) side by side inside n8n-core on the same items,
 * and the outputs are compared whole. Where version 2 reads more than version
 * 1's defaults (a frequency the request states, the case's business), those
 * readings have their own tests (test/unit/case-inputs.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { priceSync } from '../../nodes/PricingAgent/price';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-case-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const quote = priceSync({
	service_type: 'standard_cleaning',
	bedrooms: 3,
	bathrooms: 2,
	frequency: 'weekly',
});
const commercial = priceSync({
	service_type: 'commercial_cleaning',
	property_type: 'commercial',
	square_feet: 7200,
	frequency: 'weekly',
	visits_per_week: 3,
});

/** Cases of every shape the agents meet: full, sparse, null where an object is expected, numbers as text. */
const items: Array<Record<string, unknown>> = [
	{
		message: 'Pipe burst in the basement, water everywhere! Please call me.',
		channel: 'sms',
		customer: { name: 'Dana', email: 'd@example.com', phone: '+12125550100', address: '1 Main St' },
		triage: {
			is_emergency: true,
			emergency_type: 'water_damage',
			priority: 10,
			respond_within_minutes: 60,
			safety_instructions: ['Shut off the water.', 'Keep away from outlets.'],
		},
		qualification: {
			service_type: 'water_damage',
			property_type: 'residential',
			bedrooms: 2,
			bathrooms: 1,
			square_feet: null,
			frequency: null,
			is_emergency: true,
			priority: 10,
		},
		booking: {
			booking_id: 'bk_1',
			status: 'confirmed',
			start: '2030-03-04T09:00:00-05:00',
			end: '2030-03-04T12:00:00-05:00',
			time_zone: 'America/New_York',
			crew_name: 'Crew B',
		},
		reply: 'Can you do 10% off?',
		idempotency_key: 'form-1',
	},
	{
		message: 'Weekly cleaning for my 3 bed 2 bath house, about 1800 sq ft. Any discount?',
		customer: { name: 'Lee', email: 'lee@example.com' },
		qualification: {
			service_type: 'standard_cleaning',
			property_type: 'residential',
			bedrooms: '3',
			bathrooms: 2.5,
			square_feet: 1800,
			frequency: 'weekly',
			visits_per_week: null,
			is_emergency: false,
			priority: 5,
		},
		quote,
		reply: 'Looks good, book it',
		negotiation: { quote, next_round: 2 },
		contract: {
			contract_id: 'ct_1',
			signing_url: 'https://x/sign?token=t',
			signing_expires_at: '2030-01-01T00:00:00Z',
			renews_on: '2031-01-01',
		},
		reply_url: 'https://x/reply',
		review_url: 'https://x/review',
		add_ons: ['inside_oven'],
		promo_code: 'NOPE',
		preference: 'Tuesday morning',
	},
	{
		message: 'Office cleaning three times a week, 7,200 sq ft',
		customer: null,
		qualification: {
			service_type: 'commercial_cleaning',
			property_type: 'commercial',
			square_feet: 7200,
			frequency: 'weekly',
			visits_per_week: 3,
			priority: null,
		},
		triage: null,
		quote: commercial,
		negotiation: null,
		booking: null,
		reply: '  would you do $500 per visit?  ',
	},
	{
		message: 'Kitchen fire last night, smoke everywhere',
		customer: { name: 'Fay', phone: '(212) 555-0199', address: '9 Elm St' },
		triage: { is_emergency: true, emergency_type: 'fire_damage', priority: 10 },
		qualification: { square_feet: '1,200' },
		quote: { service_type: 'fire_damage', estimated_hours: '6' },
	},
	{
		message: '   ',
		qualification: { is_emergency: true, emergency_type: 'mold' },
		triage: { is_emergency: false },
	},
	{},
];

/** `version1` adds mappings version 1 needs to do what version 2 does from the case by design. */
type Case = {
	type: string;
	parameters: Record<string, unknown>;
	version1?: Record<string, unknown>;
};

/** Each agent and operation, with the settings both versions share (a store of its own for the stateful ones). */
const CASES: Record<string, Case> = {
	qualifier: { type: 'qualifierAgent', parameters: {} },
	triage: { type: 'triageAgent', parameters: {} },
	pricing: { type: 'pricingAgent', parameters: {} },
	negotiation: { type: 'negotiationAgent', parameters: {} },
	'find slots': {
		type: 'schedulingAgent',
		parameters: {
			resource: 'slot',
			operation: 'findSlots',
			sqlitePath: path.join(dir, 'slots.sqlite'),
		},
	},
	...Object.fromEntries(
		[
			'booking_confirmation',
			'quote',
			'emergency_dispatch',
			'cancellation',
			'reminder',
			'review_request',
			'renewal_notice',
			'contract_signing',
		].map((kind) => [
			`message: ${kind}`,
			{
				type: 'confirmationAgent',
				parameters: { messageKind: kind, sqlitePath: path.join(dir, 'messages.sqlite') },
				// From the case, a quote without a reply link gets this execution's resume URL (the Wait node after it).
				version1:
					kind === 'quote'
						? {
								links:
									'={{ { reply_url: $json.reply_url ?? $execution.resumeUrl, signing_url: $json.contract?.signing_url, review_url: $json.review_url, link_expires: $json.contract?.signing_expires_at } }}',
							}
						: undefined,
			},
		]),
	),
};

function workflowOf(agent: Case) {
	const node = (name: string, typeVersion: number, x: number) => ({
		parameters: { ...agent.parameters, ...(typeVersion === 1 ? agent.version1 : {}) },
		id: name,
		name,
		type: `n8n-nodes-booking-agents.${agent.type}`,
		typeVersion,
		position: [x, 0],
		onError: 'continueRegularOutput',
	});
	return {
		name: 'case inputs',
		nodes: [
			{
				parameters: {},
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [0, 0],
			},
			node('Version 1', 1, 200),
			node('Version 2', 2, 200),
		],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Version 1', type: 'main', index: 0 },
						{ node: 'Version 2', type: 'main', index: 0 },
					],
				],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

const CLOCK = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|[+-]\d\d:\d\d)$/;

/**
 * What may differ between two runs a moment apart: times read from the clock
 * (priced at, valid until, a deadline) within 5 seconds of each other, and the
 * invite's time stamp. v2's such values are replaced by v1's; anything else stays.
 */
function alignClock(v1: unknown, v2: unknown): unknown {
	if (typeof v1 === 'string' && typeof v2 === 'string') {
		if (CLOCK.test(v1) && CLOCK.test(v2) && Math.abs(Date.parse(v1) - Date.parse(v2)) < 5000)
			return v1;
		const stamp = (t: string) => t.replace(/DTSTAMP:\d{8}T\d{6}Z/g, 'DTSTAMP:-');
		return stamp(v1) === stamp(v2) ? v1 : v2;
	}
	if (Array.isArray(v1) && Array.isArray(v2)) return v2.map((v, k) => alignClock(v1[k], v));
	if (v1 && v2 && typeof v1 === 'object' && typeof v2 === 'object')
		return Object.fromEntries(
			Object.entries(v2).map(([k, v]) => [k, alignClock((v1 as Record<string, unknown>)[k], v)]),
		);
	return v2;
}

describe.each(Object.entries(CASES))(
	'%s: from the case (version 2) = the default mappings (version 1)',
	(_, agent) => {
		it.each(items.map((item, index) => [index, item]))('item %i', async (_index, item) => {
			const run = await runWorkflow(workflowOf(agent), { input: item });
			expect(run.status).toBe('success');
			const [v1] = run.output('Version 1');
			const [v2] = run.output('Version 2');
			if (v1.json.error || v2.json.error) {
				// Both refuse the item; each names what is missing in its own terms.
				expect({ v1: Boolean(v1.json.error), v2: Boolean(v2.json.error) }).toEqual({
					v1: true,
					v2: true,
				});
				return;
			}
			expect(alignClock(v1.json, v2.json)).toEqual(v1.json);
			expect(Object.keys(v2.binary ?? {})).toEqual(Object.keys(v1.binary ?? {}));
		});
	},
);

it('both versions accept at least one item of each agent (the comparison is not only of failures)', async () => {
	for (const [name, agent] of Object.entries(CASES)) {
		let accepted = 0;
		for (const item of items) {
			const run = await runWorkflow(workflowOf(agent), { input: item });
			if (!run.output('Version 2')[0].json.error) accepted++;
		}
		expect({ name, accepted: accepted > 0 }).toEqual({ name, accepted: true });
	}
});

it('from the case, an item without what the agent needs fails naming the field and both fixes', async () => {
	const run = await runWorkflow(workflowOf(CASES.qualifier), {
		input: { message: ['not', 'text'] },
	});
	const [v2] = run.output('Version 2');
	expect(v2.json.error).toEqual({
		message: `Nothing usable in "message": the case needs the customer's text there`,
		description: expect.stringMatching(
			/reads the customer's text from "message" on the item, and this item has a list there\. .*Edit Fields.*Input Source to "Define Below"/,
		),
	});
	const negotiation = await runWorkflow(workflowOf(CASES.negotiation), {
		input: { quote: { total_cents: 100 } },
	});
	expect(negotiation.output('Version 2')[0].json.error).toMatchObject({
		message: `Nothing usable in "reply": the case needs the customer's reply there`,
	});
});
