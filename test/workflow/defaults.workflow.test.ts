/**
 * The agents read simple mappings from the item in code (item-expression.ts and
 * NATIVE_DEFAULTS, to spare n8n an isolate evaluation per parameter). Each must
 * give exactly what n8n's own evaluation of the expression gives, on items of
 * every shape: the nodes' defaults, every agent mapping in the shipped
 * templates, and edge cases of the grammar.
 */
import fs from 'node:fs';
import path from 'node:path';

import { readMapping } from '../../nodes/shared/n8n';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const items: Array<Record<string, unknown>> = [
	{},
	{
		message: 'Pipe burst!',
		idempotency_key: 'form-123',
		channel: 'sms',
		reply: 'ok',
		preference: 'Monday',
		promo_code: 'SPRING',
		add_ons: ['inside_oven'],
		estimated_hours: 3,
		after_hours: true,
		holiday: false,
		first_time: true,
		customer: { name: 'Dana', email: 'd@example.com', phone: '+12125550100', address: '1 Main St' },
		qualification: {
			service_type: 'standard_cleaning',
			property_type: 'residential',
			bedrooms: 3,
			bathrooms: 2.5,
			square_feet: 1800,
			frequency: 'weekly',
			is_emergency: false,
			emergency_type: null,
			priority: 5,
		},
		triage: {
			is_emergency: true,
			emergency_type: 'water_damage',
			priority: 10,
			respond_within_minutes: 60,
			safety_instructions: ['Shut off the water.'],
		},
		quote: { service_type: 'water_damage', estimated_hours: 4, total_cents: 100 },
		negotiation: { quote: { total_cents: 90 }, next_round: 3 },
		booking: { booking_id: 'bk_1' },
		contract: {
			contract_id: 'ct_1',
			signing_url: 'https://x/sign',
			signing_expires_at: '2030-01-01T00:00:00Z',
			renews_on: '2031-01-01',
		},
		reply_url: 'https://x/reply',
		review_url: 'https://x/review',
		headers: { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'UA/1' },
		query: { token: 'tq' },
		body: { token: 'tb', name: 'Signer', From: '+1', Body: 'STOP' },
	},
	{
		customer: null,
		qualification: {
			service_type: null,
			is_emergency: true,
			emergency_type: 'mold',
			priority: null,
		},
		triage: null,
		quote: { service_type: 'carpet_cleaning' },
		negotiation: null,
		contract_id: 'ct_2',
		headers: { 'x-real-ip': '198.51.100.1' },
		From: '+2',
		Body: 'hi',
		booking: null,
	},
	{ triage: { is_emergency: false }, qualification: { is_emergency: true }, body: {}, headers: {} },
];

const EDGE_CASES = [
	'={{ $json.missing?.deeper?.still }}',
	'={{ $json.customer?.name ?? "nobody" }}',
	"={{ $json.qualification?.priority ?? $json.triage?.priority ?? 'none' }}",
	'={{ $json.estimated_hours ?? 0 }}',
	'={{ $json.after_hours ?? true }}',
	'={{ $json.headers?.["x-real-ip"] }}',
	'={{ $json.booking ?? [] }}',
	'={{ null }}',
	'={{ 52 }}',
	'={{ $json.customer }}',
];

it('each mapping read in code equals n8n evaluating the expression, for every item shape', async () => {
	const repo = path.join(__dirname, '..', '..');
	// Every default expression in the nodes is read in code, or it is left to n8n on purpose.
	const sources = fs
		.readdirSync(path.join(repo, 'nodes'), { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.node.ts'));
	const defaults = new Set<string>();
	for (const file of sources) {
		for (const match of fs
			.readFileSync(path.join(repo, 'nodes', file), 'utf8')
			.matchAll(/default: '(=\{\{.*?\}\})'/g))
			defaults.add(match[1].replace(/\\'/g, "'"));
	}
	const readable = (expression: string) =>
		items.some((item) => readMapping(expression, item).found);
	const leftToN8n = [...defaults].filter((d) => !readable(d));
	expect(leftToN8n.sort()).toEqual(['={{ $execution.resumeUrl }}']);
	// The mappings the templates give our agents.
	const templateMappings = new Set<string>();
	const collect = (value: unknown): void => {
		if (typeof value === 'string' && value.startsWith('={{')) templateMappings.add(value);
		else if (value && typeof value === 'object') Object.values(value).forEach(collect);
	};
	for (const file of fs
		.readdirSync(path.join(repo, 'workflows-templates'))
		.filter((f) => f.endsWith('.json'))) {
		const workflow = JSON.parse(
			fs.readFileSync(path.join(repo, 'workflows-templates', file), 'utf8'),
		) as { nodes: Array<{ type: string; parameters: unknown }> };
		for (const node of workflow.nodes)
			if (node.type.startsWith('n8n-nodes-booking-agents.')) collect(node.parameters);
	}
	const expressions = [...new Set([...defaults, ...templateMappings, ...EDGE_CASES])].filter(
		readable,
	);
	expect(expressions.length).toBeGreaterThan(defaults.size);

	const nodes: Array<Record<string, unknown>> = [
		{
			parameters: {},
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
		},
	];
	const connections: Record<string, unknown> = {};
	expressions.forEach((expression, index) => {
		const inner = expression.slice(3, -2);
		const name = `E${index}`;
		nodes.push({
			parameters: {
				mode: 'raw',
				jsonOutput: `={{ (() => { try { return { value: ((v) => v === undefined ? '__undefined__' : v)(${inner}) }; } catch (error) { return { value: '__threw__' }; } })() }}`,
				options: {},
			},
			id: name,
			name,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, index * 100],
		});
	});
	connections.Start = {
		main: [expressions.map((_, index) => ({ node: `E${index}`, type: 'main', index: 0 }))],
	};
	const normalise = (value: unknown) =>
		JSON.parse(JSON.stringify(value === undefined ? '__undefined__' : value));
	let compared = 0;
	for (const item of items) {
		const run = await runWorkflow(
			{ name: 'defaults', nodes, connections, settings: { executionOrder: 'v1' } },
			{ input: item },
		);
		expect(run.status).toBe('success');
		expressions.forEach((expression, index) => {
			const reading = readMapping(expression, JSON.parse(JSON.stringify(item)));
			// Not read for this item (a plain "." on nothing): n8n evaluates it, nothing to compare.
			if (!reading.found) return;
			compared++;
			const evaluated = run.output(`E${index}`)[0].json.value;
			expect({ expression, value: normalise(reading.value) }).toEqual({
				expression,
				value: evaluated,
			});
		});
	}
	expect(compared).toBeGreaterThan(expressions.length * 2);
});
