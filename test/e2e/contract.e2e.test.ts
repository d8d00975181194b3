/**
 * Signing through a Wait node in a real n8n: the agreement's signing link is
 * the Wait node's resume URL; the customer's POST resumes the execution and
 * the signature is recorded against the document hash. A forged token is
 * refused and nothing is signed.
 */
import path from 'node:path';

import { SqliteBookingStore } from '../../nodes/shared/store';
import { startN8n, type N8nInstance } from '../../dev/n8n';

jest.setTimeout(240_000);

const SECRET = 'e2e-signing-secret-0123456789';
let n8n: N8nInstance;
let workflowId: string;

const signingWorkflow = {
	name: 'E2E: agreement signed through a Wait node',
	nodes: [
		{
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-contract',
				responseMode: 'responseNode',
				options: {},
			},
			id: 'e0000000-0000-4000-8000-000000000001',
			name: 'Agreement Request',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'e0000000-0000-4000-8000-0000000000ff',
		},
		{
			parameters: {
				operation: 'generate',
				signingSecretFrom: 'parameter',
				signingSecret: SECRET,
				customer: '={{ $json.body.customer }}',
				quote: '={{ $json.body.quote }}',
				booking: '={{ $json.body.booking }}',
				businessName: 'Bright Clean',
			},
			id: 'e0000000-0000-4000-8000-000000000002',
			name: 'Generate Agreement',
			type: 'n8n-nodes-booking-agents.contractAgent',
			typeVersion: 1,
			position: [220, 0],
		},
		{
			parameters: {
				respondWith: 'json',
				responseBody:
					'={{ { contract_id: $json.contract.contract_id, signing_url: $json.contract.signing_url, sha256: $json.contract.document_sha256, pdf_type: $binary.contract.mimeType, pdf_name: $binary.contract.fileName } }}',
				options: {},
			},
			id: 'e0000000-0000-4000-8000-000000000003',
			name: 'Send Signing Link',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [440, 0],
		},
		{
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
			id: 'e0000000-0000-4000-8000-000000000004',
			name: 'Wait for Signature',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [660, 0],
			webhookId: 'e0000000-0000-4000-8000-0000000000ee',
		},
		{
			parameters: {
				operation: 'recordSignature',
				signingSecretFrom: 'parameter',
				signingSecret: SECRET,
			},
			id: 'e0000000-0000-4000-8000-000000000005',
			name: 'Record Signature',
			type: 'n8n-nodes-booking-agents.contractAgent',
			typeVersion: 1,
			position: [880, 0],
		},
	],
	connections: {
		'Agreement Request': { main: [[{ node: 'Generate Agreement', type: 'main', index: 0 }]] },
		'Generate Agreement': { main: [[{ node: 'Send Signing Link', type: 'main', index: 0 }]] },
		'Send Signing Link': { main: [[{ node: 'Wait for Signature', type: 'main', index: 0 }]] },
		'Wait for Signature': { main: [[{ node: 'Record Signature', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
};

const request = {
	customer: { name: 'Dana Lee', address: '1 Main St', email: 'dana@example.com' },
	quote: {
		quote_id: 'Q-1',
		total_cents: 57600,
		currency: 'USD',
		service_type: 'commercial_cleaning',
		recurring: { frequency: 'weekly', per_visit_cents: 57600, per_month_cents: 249600 },
	},
	booking: {
		series_id: 'sr_e2e',
		start: '2031-01-06T09:00:00-05:00',
		time_zone: 'America/New_York',
	},
};

const waitForStatus = async (status: string, count: number) =>
	await n8n.waitForExecutions(workflowId, status, { count, limit: 10 });

beforeAll(async () => {
	n8n = await startN8n();
	await n8n.setupOwner();
	workflowId = await n8n.importWorkflow(signingWorkflow);
	await n8n.waitForWebhook('e2e-contract', { probeBody: request });
});

afterAll(async () => {
	await n8n?.stop();
});

describe('an agreement signed through the Wait node resume URL', () => {
	it('waits for the signature, then records it with name, time, IP and user agent against the document hash', async () => {
		const start = await n8n.webhook('e2e-contract', request);
		expect(start.status).toBe(200);
		const {
			contract_id: contractId,
			signing_url: signingUrl,
			sha256,
			pdf_type: pdfType,
			pdf_name: pdfName,
		} = start.body;
		expect(signingUrl).toMatch(/\/webhook-waiting\/\d+\?signature=[0-9a-f]+&token=/);
		expect(pdfType).toBe('application/pdf');
		expect(pdfName).toBe(`agreement-${contractId}.pdf`);
		// A customer clicks later; the execution must be parked at the Wait node first.
		await waitForStatus('waiting', 1);
		const signed = await fetch(signingUrl, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-forwarded-for': '203.0.113.9',
				'user-agent': 'E2E Browser/1.0',
			},
			body: JSON.stringify({ name: 'Dana Lee' }),
		});
		expect(signed.status).toBe(200);
		await waitForStatus('success', 1);
		const store = new SqliteBookingStore(
			path.join(n8n.userFolder, '.n8n', 'booking-agents.sqlite'),
		);
		const contract = await store.getContract(contractId);
		await store.close();
		expect(contract).toMatchObject({
			status: 'active',
			document_sha256: sha256,
			signature: {
				name: 'Dana Lee',
				ip: '203.0.113.9',
				user_agent: 'E2E Browser/1.0',
				document_sha256: sha256,
			},
		});
	});

	it('refuses a forged token: the execution fails and nothing is signed', async () => {
		const start = await n8n.webhook('e2e-contract', request);
		await waitForStatus('waiting', 1);
		const url = new URL(start.body.signing_url);
		const token = url.searchParams.get('token')!;
		url.searchParams.set('token', `${token.slice(0, -4)}AAAA`);
		await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Mallory' }),
		});
		const [failed] = await waitForStatus('error', 1);
		expect(failed.data.resultData.error.message).toMatch(
			/altered, or it belongs to another document/,
		);
		const store = new SqliteBookingStore(
			path.join(n8n.userFolder, '.n8n', 'booking-agents.sqlite'),
		);
		expect((await store.getContract(start.body.contract_id))?.signature).toBeNull();
		await store.close();
	});
});
