import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import ICAL from 'ical.js';

import type { ICredentialTestFunctions } from 'n8n-workflow';

import { ContractAgent } from '../../nodes/ContractAgent/ContractAgent.node';
import { closeAllStores } from '../../nodes/shared/store';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-paper-'));
const sqlitePath = path.join(dir, 'store.sqlite');
afterAll(async () => {
	await closeAllStores();
	fs.rmSync(dir, { recursive: true, force: true });
});

function chain(
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
	}>,
) {
	const all = [{ name: 'Case', type: 'n8n-nodes-base.noOp', parameters: {} }, ...nodes];
	return {
		name: 'paperwork',
		nodes: all.map((n, i) => ({ ...n, id: `p${i}`, typeVersion: 1, position: [i * 200, 0] })),
		connections: Object.fromEntries(
			all
				.slice(0, -1)
				.map((n, i) => [n.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
		),
		settings: { executionOrder: 'v1' },
	};
}

const item = {
	customer: {
		name: 'Dana Lee',
		email: 'dana@example.com',
		phone: '(212) 736-5000',
		address: '12 Oak St',
	},
	qualification: { service_type: 'deep_cleaning' },
	quote: {
		quote_id: 'Q-1',
		total_cents: 22260,
		currency: 'USD',
		service_type: 'deep_cleaning',
		recurring: null,
	},
	booking: {
		booking_id: 'bk_wf',
		start: '2031-03-03T09:00:00-05:00',
		end: '2031-03-03T12:00:00-05:00',
		time_zone: 'America/New_York',
		crew_name: 'Crew A',
	},
};

describe('Contract and Confirmation Agents inside n8n-core', () => {
	it('composes a confirmation with the invite as binary data, keeping the item', async () => {
		const run = await runWorkflow(
			chain([
				{
					name: 'Confirm',
					type: 'n8n-nodes-booking-agents.confirmationAgent',
					parameters: { sqlitePath },
				},
			]),
			{ input: item },
		);
		expect(run.status).toBe('success');
		const [out] = run.output('Confirm');
		expect(out.json.customer).toEqual(item.customer);
		const confirmation = out.json.confirmation as {
			email: { subject: string };
			sms: { to: string };
			calendar: { uid: string };
		};
		expect(confirmation.email.subject).toBe('Your deep cleaning is booked for Monday, March 3');
		expect(confirmation.sms.to).toBe('+12127365000');
		expect(out.binary?.invite).toMatchObject({ mimeType: 'text/calendar', fileName: 'invite.ics' });
		const ics = Buffer.from(out.binary!.invite.data, 'base64').toString('utf8');
		expect(
			new ICAL.Component(ICAL.parse(ics))
				.getFirstSubcomponent('vevent')!
				.getFirstPropertyValue('uid'),
		).toBe('bk_wf@n8n-nodes-booking-agents');
		expect(out.pairedItem).toEqual({ item: 0 });
	});

	it('generates an agreement with its PDF, then a later node records the signature', async () => {
		const secret = 'workflow-test-secret-0123456789';
		const workflow = chain([
			{
				name: 'Agreement',
				type: 'n8n-nodes-booking-agents.contractAgent',
				parameters: {
					operation: 'generate',
					signingSecretFrom: 'parameter',
					signingSecret: secret,
					sqlitePath,
					signingBaseUrl: 'https://sign.example/a',
				},
			},
			// Stands in for the Wait node's resumed request: the token in the query, the signer in the body.
			{
				name: 'Sign',
				type: 'n8n-nodes-base.set',
				parameters: {
					mode: 'raw',
					jsonOutput:
						'={{ { query: { token: $json.contract.signing_token }, body: { name: "Dana Lee" }, headers: { "user-agent": "WF" } } }}',
					options: {},
				},
			},
			{
				name: 'Record',
				type: 'n8n-nodes-booking-agents.contractAgent',
				parameters: {
					operation: 'recordSignature',
					signingSecretFrom: 'parameter',
					signingSecret: secret,
					sqlitePath,
				},
			},
		]);
		workflow.nodes[2].typeVersion = 3.4; // the Set node's current version
		const run = await runWorkflow(workflow, { input: item });
		expect(run.status).toBe('success');
		const agreement = run.output('Agreement')[0];
		expect(agreement.binary?.contract).toMatchObject({ mimeType: 'application/pdf' });
		expect((agreement.json.contract as { signing_url: string }).signing_url).toMatch(
			/^https:\/\/sign\.example\/a\?token=/,
		);
		const signature = run.output('Record')[0].json.signature as {
			status: string;
			signature: { name: string; user_agent: string };
		};
		expect(signature).toMatchObject({
			status: 'active',
			signature: { name: 'Dana Lee', user_agent: 'WF' },
		});
	});

	it('signs and checks with the Booking Agents Signing Secret credential (the default), never putting the secret in the workflow', async () => {
		const credentials = {
			bookingAgentsSigningSecret: { id: 'c1', name: 'Agreement Signing Secret' },
		};
		const workflow = chain([
			{
				name: 'Agreement',
				type: 'n8n-nodes-booking-agents.contractAgent',
				parameters: { operation: 'generate', sqlitePath, signingBaseUrl: 'https://sign.example/b' },
				credentials,
			},
			{
				name: 'Signed',
				type: 'n8n-nodes-base.set',
				parameters: {
					mode: 'raw',
					jsonOutput:
						'={{ { query: { token: $json.contract.signing_token }, body: { name: "Dana Lee" }, headers: {} } }}',
					options: {},
				},
			},
			{
				name: 'Record',
				type: 'n8n-nodes-booking-agents.contractAgent',
				parameters: { operation: 'recordSignature', sqlitePath },
				credentials,
			},
		]);
		workflow.nodes[2].typeVersion = 3.4; // the Set node's current version
		const run = await runWorkflow(workflow, {
			input: item,
			credentials: { bookingAgentsSigningSecret: { secret: 'credential-secret-0123456789' } },
		});
		expect({ status: run.status, error: run.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		expect(run.output('Record')[0].json.signature).toMatchObject({ status: 'active' });
		expect(JSON.stringify(workflow)).not.toContain('credential-secret');
		// The same link checked with a different key in the credential is refused.
		const token = (run.output('Agreement')[0].json.contract as { signing_token: string })
			.signing_token;
		const recordOnly = chain([
			{
				name: 'Record',
				type: 'n8n-nodes-booking-agents.contractAgent',
				parameters: { operation: 'recordSignature', sqlitePath },
				credentials,
			},
		]);
		const other = await runWorkflow(recordOnly, {
			input: { query: { token }, body: { name: 'Dana Lee' }, headers: {} },
			credentials: { bookingAgentsSigningSecret: { secret: 'another-secret-0123456789abc' } },
		});
		expect(other.status).toBe('error');
		expect(other.error?.message).toMatch(/not valid|signature|token/i);
	});

	it('the credential test refuses a secret shorter than 16 characters', async () => {
		const node = new ContractAgent();
		const test = node.methods.credentialTest.bookingAgentsSigningSecretTest;
		const call = (secret: string) =>
			test.call({} as ICredentialTestFunctions, {
				id: 'c',
				name: 's',
				type: 'bookingAgentsSigningSecret',
				data: { secret },
			});
		expect(await call('short')).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/5 characters; use at least 16/),
		});
		expect(await call('0123456789abcdef')).toMatchObject({ status: 'OK' });
	});

	it('names the Signing Secret when it is too short', async () => {
		const run = await runWorkflow(
			chain([
				{
					name: 'Agreement',
					type: 'n8n-nodes-booking-agents.contractAgent',
					parameters: {
						operation: 'generate',
						signingSecretFrom: 'parameter',
						signingSecret: 'short',
						sqlitePath,
					},
				},
			]),
			{ input: item },
		);
		const error = run.nodeError('Agreement') as unknown as { message: string; description: string };
		expect(error.message).toMatch(/signing secret of at least 16 characters/);
		expect(error.description).toContain('"signingSecret"');
	});
});

describe('Contract Agent: invoices inside n8n-core', () => {
	it('bills a visit done from the case (the invoice and its PDF on the item), gives it again when run twice, and names a visit not done', async () => {
		const { SqliteBookingStore } = await import('../../nodes/shared/store');
		const { recordCaseStep } = await import('../../nodes/shared/records/cases');
		const { schedule } = await import('../../nodes/SchedulingAgent/schedule');
		const { price } = await import('../../nodes/PricingAgent/price');
		const store = new SqliteBookingStore(sqlitePath);
		await store.init();
		const now = '2031-03-01T10:00:00-05:00';
		const quote = await price(
			{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
			{ now },
		);
		const book = (start: string) =>
			schedule(
				{
					operation: 'book',
					job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
					crew_id: 'crew-a',
					start,
					case_id: 'cs_wfinvoice1',
				},
				{ store, now },
			);
		const done = await book('2031-03-04T09:00:00-05:00');
		const later = await book('2031-03-11T09:00:00-05:00');
		await recordCaseStep(
			store,
			{ case: { case_id: 'cs_wfinvoice1' }, customer: item.customer, quote, booking: done },
			'answered',
			{ workflow: 'test', executionId: '1', executionUrl: null },
			Date.parse(now),
		);
		await schedule(
			{ operation: 'progress', booking_id: done.booking_id, step: 'done' },
			{ store, now: '2031-03-04T12:00:00-05:00' },
		);
		const bill = (bookingId: string, extra: Record<string, unknown> = {}) => {
			const workflow = chain([
				{
					name: 'Bill',
					type: 'n8n-nodes-booking-agents.contractAgent',
					parameters: { resource: 'invoice', operation: 'invoiceVisit', sqlitePath, series: 'WF' },
				},
			]);
			// Version 2 reads the visit from the case.
			Object.assign(workflow.nodes[1], { typeVersion: 2, ...extra });
			return runWorkflow(workflow, {
				input: {
					...item,
					business: { name: 'Bright Clean Co.' },
					booking: { booking_id: bookingId },
				},
			});
		};
		const run = await bill(done.booking_id!);
		expect(run.status).toBe('success');
		const [out] = run.output('Bill');
		expect(out.json.invoice).toMatchObject({
			invoice_number: 'WF-000001',
			total_cents: quote.total_cents,
			business: { name: 'Bright Clean Co.' },
		});
		expect(out.json.invoice_created).toBe(true);
		expect(out.binary?.invoice).toMatchObject({
			fileName: 'invoice-WF-000001.pdf',
			mimeType: 'application/pdf',
		});
		expect(out.pairedItem).toEqual({ item: 0 });
		const again = (await bill(done.booking_id!)).output('Bill')[0].json;
		expect(again).toMatchObject({
			invoice_created: false,
			invoice: { invoice_number: 'WF-000001' },
		});
		// A visit still to come: the error names the visit and why; with Continue On Fail the item carries it.
		const notDone = await bill(later.booking_id!, { onError: 'continueRegularOutput' });
		expect(notDone.status).toBe('success');
		expect((notDone.output('Bill')[0].json.error as { message: string }).message).toMatch(
			/is confirmed, not done: it is billed once the crew marks it done/,
		);
		await store.close();
	});
});
