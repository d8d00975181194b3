/**
 * The item contract end to end: one case runs through all seven agents in a
 * real n8n, each on its default parameter mappings (every agent reads what the
 * previous ones wrote and passes everything on).
 */
import { startN8n, type N8nInstance } from '../../dev/n8n';

import workflow from './workflows/all-agents.json';

jest.setTimeout(240_000);

let n8n: N8nInstance;

beforeAll(async () => {
	n8n = await startN8n();
	await n8n.setupOwner();
	// The Contract Agent's default: its signing secret comes from a credential.
	const id = await n8n.createCredential({
		name: 'Agreement Signing Secret',
		type: 'bookingAgentsSigningSecret',
		data: { secret: 'e2e-all-agents-secret-0123456789' },
	});
	const withCredential = structuredClone(workflow);
	const agreement = withCredential.nodes.find((node) => node.name === 'Agreement') as {
		credentials?: Record<string, { id: string; name: string }>;
	};
	agreement.credentials = { bookingAgentsSigningSecret: { id, name: 'Agreement Signing Secret' } };
	await n8n.importWorkflow(withCredential);
	await n8n.waitForWebhook('e2e-all-agents', {
		probeBody: {
			message: 'weekly clean 2 bed 1 bath',
			channel: 'web',
			customer: { name: 'W', email: 'w@example.com' },
			reply: 'ok',
			preference: 'next month',
			request_id: 'warm-up',
		},
	});
});

afterAll(async () => {
	await n8n?.stop();
});

it('qualifies, triages, prices, negotiates, books, writes the agreement and the confirmation for one case', async () => {
	const response = await n8n.webhook('e2e-all-agents', {
		message:
			'Hi! We would like our 3 bedroom, 2 bath house cleaned every week. Can you do 10% off?',
		channel: 'web',
		customer: {
			name: 'Dana Lee',
			email: 'dana@example.com',
			phone: '(212) 736-5000',
			address: '12 Oak St, Springfield',
		},
		reply: 'Can you do 10% off?',
		preference: 'Monday morning',
		request_id: 'all-agents-1',
	});
	expect(response.status).toBe(200);
	const c = response.body;
	expect(c.customer.name).toBe('Dana Lee');
	expect(c.qualification).toMatchObject({
		service_type: 'standard_cleaning',
		frequency: 'weekly',
		bedrooms: 3,
		bathrooms: 2,
		discount_request_pct: 10,
	});
	expect(c.triage.is_emergency).toBe(false);
	// $99 + 2 x $20 + $20 = $159; weekly -15% = $135.15 a visit.
	expect(c.quote).toMatchObject({ total_cents: 13515, recurring: { frequency: 'weekly' } });
	// 10% more on the subtotal stays inside the 25% stacking cap: $159 - 25% = $119.25.
	expect(c.negotiation).toMatchObject({
		action: 'accept',
		offered_discount_pct: 10,
		price: { total_cents: 11925 },
	});
	expect(c.booking).toMatchObject({
		status: 'confirmed',
		preference_understood: ['Monday', 'morning (before noon)'],
	});
	expect(c.booking.start).toMatch(/T0[89]:|T1[01]:/);
	expect(c.contract).toMatchObject({ status: 'awaiting_signature' });
	expect(c.contract.text).toContain('$119.25 per visit');
	expect(c.confirmation.email).toMatchObject({ to: 'dana@example.com' });
	expect(c.confirmation.email.text).toContain('Price: $119.25 per visit');
	expect(c.confirmation.sms.to).toBe('+12127365000');
	expect(c.confirmation.calendar.uid).toBe(`${c.booking.booking_id}@n8n-nodes-booking-agents`);
});
