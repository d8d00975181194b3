import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import ICAL from 'ical.js';

import { closeAllStores } from '../../nodes/shared/store';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-paper-'));
const sqlitePath = path.join(dir, 'store.sqlite');
afterAll(async () => {
	await closeAllStores();
	fs.rmSync(dir, { recursive: true, force: true });
});

function chain(nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>) {
	const all = [{ name: 'Case', type: 'n8n-nodes-base.noOp', parameters: {} }, ...nodes];
	return {
		name: 'paperwork',
		nodes: all.map((n, i) => ({ ...n, id: `p${i}`, typeVersion: 1, position: [i * 200, 0] })),
		connections: Object.fromEntries(all.slice(0, -1).map((n, i) => [n.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }])),
		settings: { executionOrder: 'v1' },
	};
}

const item = {
	customer: { name: 'Dana Lee', email: 'dana@example.com', phone: '(212) 736-5000', address: '12 Oak St' },
	qualification: { service_type: 'deep_cleaning' },
	quote: { quote_id: 'Q-1', total_cents: 22260, currency: 'USD', service_type: 'deep_cleaning', recurring: null },
	booking: { booking_id: 'bk_wf', start: '2031-03-03T09:00:00-05:00', end: '2031-03-03T12:00:00-05:00', time_zone: 'America/New_York', crew_name: 'Crew A' },
};

describe('Contract and Confirmation Agents inside n8n-core', () => {
	it('composes a confirmation with the invite as binary data, keeping the item', async () => {
		const run = await runWorkflow(chain([{ name: 'Confirm', type: 'n8n-nodes-booking-agents.confirmationAgent', parameters: { sqlitePath } }]), { input: item });
		expect(run.status).toBe('success');
		const [out] = run.output('Confirm');
		expect(out.json.customer).toEqual(item.customer);
		const confirmation = out.json.confirmation as { email: { subject: string }; sms: { to: string }; calendar: { uid: string } };
		expect(confirmation.email.subject).toBe('Your deep cleaning is booked for Monday, March 3');
		expect(confirmation.sms.to).toBe('+12127365000');
		expect(out.binary?.invite).toMatchObject({ mimeType: 'text/calendar', fileName: 'invite.ics' });
		const ics = Buffer.from(out.binary!.invite.data, 'base64').toString('utf8');
		expect(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).toBe('bk_wf@n8n-nodes-booking-agents');
		expect(out.pairedItem).toEqual({ item: 0 });
	});

	it('generates an agreement with its PDF, then a later node records the signature', async () => {
		const secret = 'workflow-test-secret-0123456789';
		const workflow = chain([
			{ name: 'Agreement', type: 'n8n-nodes-booking-agents.contractAgent', parameters: { operation: 'generate', signingSecret: secret, sqlitePath, signingBaseUrl: 'https://sign.example/a' } },
			// Stands in for the Wait node's resumed request: the token in the query, the signer in the body.
			{ name: 'Sign', type: 'n8n-nodes-base.set', parameters: { mode: 'raw', jsonOutput: '={{ { query: { token: $json.contract.signing_token }, body: { name: "Dana Lee" }, headers: { "user-agent": "WF" } } }}', options: {} } },
			{ name: 'Record', type: 'n8n-nodes-booking-agents.contractAgent', parameters: { operation: 'recordSignature', signingSecret: secret, sqlitePath } },
		]);
		workflow.nodes[2].typeVersion = 3.4; // the Set node's current version
		const run = await runWorkflow(workflow, { input: item });
		expect(run.status).toBe('success');
		const agreement = run.output('Agreement')[0];
		expect(agreement.binary?.contract).toMatchObject({ mimeType: 'application/pdf' });
		expect((agreement.json.contract as { signing_url: string }).signing_url).toMatch(/^https:\/\/sign\.example\/a\?token=/);
		const signature = run.output('Record')[0].json.signature as { status: string; signature: { name: string; user_agent: string } };
		expect(signature).toMatchObject({ status: 'active', signature: { name: 'Dana Lee', user_agent: 'WF' } });
	});

	it('names the Signing Secret when it is too short', async () => {
		const run = await runWorkflow(chain([{ name: 'Agreement', type: 'n8n-nodes-booking-agents.contractAgent', parameters: { operation: 'generate', signingSecret: 'short', sqlitePath } }]), { input: item });
		const error = run.nodeError('Agreement') as unknown as { message: string; description: string };
		expect(error.message).toMatch(/signing secret of at least 16 characters/);
		expect(error.description).toContain('"signingSecret"');
	});
});
