import { runWorkflow } from '../harness/in-process';

import routeWorkflow from './workflows/qualify-triage-route.json';

jest.setTimeout(60_000);

describe('Qualifier and Triage inside n8n-core', () => {
	it('routes a burst pipe to dispatch with both results on the item and the input passed through', async () => {
		const run = await runWorkflow(routeWorkflow, {
			input: {
				message: 'Pipe burst in the basement, water everywhere!',
				channel: 'sms',
				customer: { phone: '+15551234567' },
				ticket: 'T-1',
			},
		});
		expect(run.status).toBe('success');
		const [item] = run.output('Dispatch Now');
		expect(item.json.ticket).toBe('T-1');
		expect(item.json.customer).toEqual({ phone: '+15551234567' });
		expect(item.json.qualification).toMatchObject({
			service_type: 'water_damage',
			urgency: 'emergency',
			priority: 10,
			source: 'rules',
		});
		expect(item.json.triage).toMatchObject({
			is_emergency: true,
			emergency_type: 'water_damage',
			respond_within_minutes: 120,
			source: 'rules',
		});
		expect(run.runData['Sales Follow-up']).toBeUndefined();
	});

	it('routes a routine inquiry to sales and keeps pairedItem on every item', async () => {
		const run = await runWorkflow(routeWorkflow, {
			input: {
				message: 'Weekly cleaning for my 3br/2ba house please, about 1800 sq ft',
				customer: { email: 'a@example.com' },
			},
		});
		const out = run.output('Qualify Lead');
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const [item] = run.output('Sales Follow-up');
		expect(item.json.qualification).toMatchObject({
			frequency: 'weekly',
			bedrooms: 3,
			bathrooms: 2,
			square_feet: 1800,
			property_type: 'residential',
		});
		expect(item.json.triage.is_emergency).toBe(false);
	});
});

/** A one-node workflow around an agent, with the given parameters and node settings. */
function single(
	type: 'qualifierAgent' | 'triageAgent',
	parameters: Record<string, unknown>,
	settings: Record<string, unknown> = {},
) {
	return {
		name: `single ${type}`,
		nodes: [
			{
				parameters: {},
				id: 'n1',
				name: 'Inquiry',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [0, 0],
			},
			{
				parameters,
				id: 'n2',
				name: 'Agent',
				type: `n8n-nodes-booking-agents.${type}`,
				typeVersion: 1,
				position: [200, 0],
				...settings,
			},
		],
		connections: { Inquiry: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

describe('bad input inside n8n-core', () => {
	it('fails the node with a message naming the parameter and how to map it', async () => {
		const run = await runWorkflow(single('qualifierAgent', {}), {
			input: { body: { text: 'hello' } },
		});
		expect(run.status).toBe('error');
		const error = run.nodeError('Agent') as unknown as {
			message: string;
			description: string;
			context: { itemIndex: number };
		};
		expect(error.message).toBe("The 'Message' parameter is empty for this item");
		expect(error.description).toContain('{{ $json.body.message }}');
		expect(error.context.itemIndex).toBe(0);
	});

	it('with continueOnFail, keeps the item, adds the error, and pairs it', async () => {
		const run = await runWorkflow(single('triageAgent', {}, { onError: 'continueRegularOutput' }), {
			input: { note: 'no message field' },
		});
		expect(run.status).toBe('success');
		const [item] = run.output('Agent');
		expect(item.json.note).toBe('no message field');
		expect(item.json.triage).toBeUndefined();
		expect((item.json.error as { message: string }).message).toContain(
			"'Message' parameter is empty",
		);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('with "Continue (using error output)", sends the failed item to the error output with the case on it', async () => {
		const run = await runWorkflow(single('triageAgent', {}, { onError: 'continueErrorOutput' }), {
			input: { note: 'no message field' },
		});
		expect(run.status).toBe('success');
		expect(run.output('Agent', 0)).toHaveLength(0);
		const [failed] = run.output('Agent', 1);
		expect(failed.json.note).toBe('no message field');
		expect((failed.json.error as { message: string }).message).toContain(
			"'Message' parameter is empty",
		);
	});

	it('maps a custom field by expression and honours node parameters', async () => {
		const run = await runWorkflow(
			single('triageAgent', {
				message: '={{ $json.form.details }}',
				responseDeadlineMinutes: 45,
				criticalDeadlineMinutes: 30,
			}),
			{
				input: {
					form: { details: 'Water is pouring through the ceiling and the outlets are wet' },
				},
			},
		);
		const [item] = run.output('Agent');
		expect(item.json.triage).toMatchObject({
			is_emergency: true,
			severity: 'critical',
			respond_within_minutes: 30,
			escalate_to_human: true,
		});
		expect(item.json.triage.hazards).toContain('electrical');
	});
});
