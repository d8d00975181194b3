/**
 * The Confirmation Agent inside a real n8n: a booking confirmation goes through
 * n8n's own Send Email node to a real SMTP server on loopback; the test reads
 * the delivered message (headers, both parts, the .ics attachment). An
 * emergency dispatch SMS goes through n8n's own Twilio node to a
 * Twilio-compatible fake (api.twilio.com resolved to loopback inside n8n, its
 * test CA trusted through NODE_EXTRA_CA_CERTS). STOP replies are recorded and
 * silence later SMS.
 */

import ICAL from 'ical.js';

import { startN8n, type N8nInstance } from '../../dev/n8n';
import { startSmtpSink } from '../../dev/fakes/smtp-sink';
import { startTwilioFake } from '../../dev/fakes/twilio-fake';

jest.setTimeout(240_000);

let n8n: N8nInstance;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let twilio: Awaited<ReturnType<typeof startTwilioFake>>;
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';

const dispatchBySms = (twilioCredentialId: string) => ({
	name: 'E2E: emergency dispatch by SMS',
	nodes: [
		{
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-dispatch',
				responseMode: 'responseNode',
				options: {},
			},
			id: 'f0000000-0000-4000-8000-000000000001',
			name: 'Dispatch Request',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'f0000000-0000-4000-8000-0000000000ff',
		},
		{
			parameters: {
				messageKind: 'emergency_dispatch',
				customerName: '={{ $json.body.customer.name }}',
				customerEmail: '',
				customerPhone: '={{ $json.body.customer.phone }}',
				customerAddress: '={{ $json.body.customer.address }}',
				service: 'water_damage',
				booking: '={{ $json.body.booking }}',
				safetyInstructions: '={{ $json.body.safety }}',
				crewPhone: '+12127365002',
				business: {
					name: 'Bright Clean',
					email: 'bookings@brightclean.example',
					phone: '+1 212 736 5001',
				},
				options: { email: false, calendar: false },
			},
			id: 'f0000000-0000-4000-8000-000000000002',
			name: 'Compose Dispatch',
			type: 'n8n-nodes-booking-agents.confirmationAgent',
			typeVersion: 1,
			position: [220, 0],
		},
		{
			parameters: {
				from: '+12127365999',
				to: '={{ $json.confirmation.sms.to }}',
				message: '={{ $json.confirmation.sms.text }}',
				options: {},
			},
			id: 'f0000000-0000-4000-8000-000000000003',
			name: 'Text the Customer',
			type: 'n8n-nodes-base.twilio',
			typeVersion: 1,
			position: [440, 0],
			credentials: { twilioApi: { id: twilioCredentialId, name: 'Twilio' } },
		},
		{
			parameters: {
				from: '+12127365999',
				to: "={{ $('Compose Dispatch').item.json.confirmation.crew_notice.to }}",
				message: "={{ $('Compose Dispatch').item.json.confirmation.crew_notice.text }}",
				options: {},
			},
			id: 'f0000000-0000-4000-8000-000000000004',
			name: 'Notify the Crew',
			type: 'n8n-nodes-base.twilio',
			typeVersion: 1,
			position: [660, 0],
			credentials: { twilioApi: { id: twilioCredentialId, name: 'Twilio' } },
		},
		{
			parameters: {
				respondWith: 'json',
				responseBody:
					"={{ { confirmation: $('Compose Dispatch').item.json.confirmation, twilio: $json } }}",
				options: {},
			},
			id: 'f0000000-0000-4000-8000-000000000005',
			name: 'Reply',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [880, 0],
		},
	],
	connections: {
		'Dispatch Request': { main: [[{ node: 'Compose Dispatch', type: 'main', index: 0 }]] },
		'Compose Dispatch': { main: [[{ node: 'Text the Customer', type: 'main', index: 0 }]] },
		'Text the Customer': { main: [[{ node: 'Notify the Crew', type: 'main', index: 0 }]] },
		'Notify the Crew': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
});

const confirmAndSend = (smtpCredentialId: string) => ({
	name: 'E2E: confirm a booking by e-mail',
	nodes: [
		{
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-confirm',
				responseMode: 'responseNode',
				options: {},
			},
			id: 'c0000000-0000-4000-8000-000000000001',
			name: 'Confirm Request',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'c0000000-0000-4000-8000-0000000000ff',
		},
		{
			parameters: {
				messageKind: 'booking_confirmation',
				customerName: '={{ $json.body.customer.name }}',
				customerEmail: '={{ $json.body.customer.email }}',
				customerPhone: '={{ $json.body.customer.phone }}',
				customerAddress: '={{ $json.body.customer.address }}',
				service: '={{ $json.body.service }}',
				booking: '={{ $json.body.booking }}',
				quote: '={{ $json.body.quote ?? {} }}',
				business: {
					name: 'Bright Clean',
					email: 'bookings@brightclean.example',
					reply_to: 'office@brightclean.example',
					phone: '+1 212 736 5001',
				},
			},
			id: 'c0000000-0000-4000-8000-000000000002',
			name: 'Compose Confirmation',
			type: 'n8n-nodes-booking-agents.confirmationAgent',
			typeVersion: 1,
			position: [220, 0],
		},
		{
			parameters: {
				fromEmail: '={{ $json.confirmation.email.from }}',
				toEmail: '={{ $json.confirmation.email.to }}',
				subject: '={{ $json.confirmation.email.subject }}',
				emailFormat: 'both',
				text: '={{ $json.confirmation.email.text }}',
				html: '={{ $json.confirmation.email.html }}',
				options: {
					attachments: 'invite',
					replyTo: '={{ $json.confirmation.email.reply_to }}',
					appendAttribution: false,
				},
			},
			id: 'c0000000-0000-4000-8000-000000000003',
			name: 'Send Confirmation Email',
			type: 'n8n-nodes-base.emailSend',
			typeVersion: 2.1,
			position: [440, 0],
			credentials: { smtp: { id: smtpCredentialId, name: 'Loopback SMTP' } },
		},
		{
			parameters: {
				respondWith: 'json',
				responseBody: "={{ $('Compose Confirmation').item.json }}",
				options: {},
			},
			id: 'c0000000-0000-4000-8000-000000000004',
			name: 'Reply With Confirmation',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [660, 0],
		},
	],
	connections: {
		'Confirm Request': { main: [[{ node: 'Compose Confirmation', type: 'main', index: 0 }]] },
		'Compose Confirmation': {
			main: [[{ node: 'Send Confirmation Email', type: 'main', index: 0 }]],
		},
		'Send Confirmation Email': {
			main: [[{ node: 'Reply With Confirmation', type: 'main', index: 0 }]],
		},
	},
	settings: { executionOrder: 'v1' },
});

const smsReplies = {
	name: 'E2E: record SMS replies',
	nodes: [
		{
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-sms-reply',
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
				options: {},
			},
			id: 'd0000000-0000-4000-8000-000000000001',
			name: 'SMS Reply',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'd0000000-0000-4000-8000-0000000000ff',
		},
		{
			parameters: { operation: 'recordSmsReply' },
			id: 'd0000000-0000-4000-8000-000000000002',
			name: 'Record Reply',
			type: 'n8n-nodes-booking-agents.confirmationAgent',
			typeVersion: 1,
			position: [220, 0],
		},
	],
	connections: { 'SMS Reply': { main: [[{ node: 'Record Reply', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

const request = {
	customer: {
		name: 'Dana <b>Lee</b>',
		email: 'dana@example.com',
		phone: '(212) 736-5000',
		address: '12 Oak St, Springfield',
	},
	service: 'deep_cleaning',
	booking: {
		booking_id: 'bk_e2e_1',
		start: '2031-03-03T09:00:00-05:00',
		end: '2031-03-03T12:00:00-05:00',
		time_zone: 'America/New_York',
		crew_name: 'Crew A',
	},
	quote: { total_cents: 22260, currency: 'USD' },
};

beforeAll(async () => {
	smtp = await startSmtpSink();
	twilio = await startTwilioFake();
	n8n = await startN8n({ env: twilio.n8nEnv });
	await n8n.setupOwner();
	const twilioId = await n8n.createCredential({
		name: 'Twilio',
		type: 'twilioApi',
		data: { authType: 'authToken', accountSid: ACCOUNT_SID, authToken: 'test-auth-token' },
	});
	await n8n.importWorkflow(dispatchBySms(twilioId));
	const smtpId = await n8n.createCredential({
		name: 'Loopback SMTP',
		type: 'smtp',
		data: {
			user: 'n8n',
			password: 'secret',
			host: '127.0.0.1',
			port: smtp.port,
			secure: false,
			disableStartTls: true,
			hostName: '',
		},
	});
	await n8n.importWorkflow(confirmAndSend(smtpId));
	await n8n.importWorkflow(smsReplies);
	await n8n.waitForWebhook('e2e-sms-reply', { probeBody: { From: '+12125550000', Body: 'hello' } });
	await n8n.waitForWebhook('e2e-dispatch', {
		probeBody: {
			customer: { name: 'Warm Up', phone: '+12127365010', address: 'x' },
			booking: {
				booking_id: 'warm',
				start: '2031-03-03T09:00:00-05:00',
				time_zone: 'America/New_York',
			},
			safety: [],
		},
	});
	await n8n.waitForWebhook('e2e-confirm', {
		probeBody: { ...request, customer: { ...request.customer, email: 'warmup@example.com' } },
	});
});

afterAll(async () => {
	await n8n?.stop();
	await smtp?.stop();
	await twilio?.stop();
});

describe('a booking confirmation through n8n Send Email to a real SMTP server', () => {
	it('delivers the headers, both parts and the calendar invite', async () => {
		const response = await n8n.webhook('e2e-confirm', request);
		expect(response.status).toBe(200);
		const mail = await smtp.waitFor('dana@example.com');
		expect(mail.subject).toBe('Your deep cleaning is booked for Monday, March 3');
		expect(mail.from?.value[0]).toMatchObject({
			name: 'Bright Clean',
			address: 'bookings@brightclean.example',
		});
		expect(mail.replyTo?.value[0].address).toBe('office@brightclean.example');
		expect(mail.text).toContain('Monday, March 3 at 9:00 AM EST at 12 Oak St, Springfield');
		expect(mail.text).toContain('Price: $222.60.');
		expect(mail.html).toContain('Dana &lt;b&gt;Lee&lt;/b&gt;');
		expect(mail.html).not.toContain('<b>Lee</b>');
		const invite = mail.attachments.find((a: { filename?: string }) => a.filename === 'invite.ics');
		expect(invite?.contentType).toBe('text/calendar');
		const calendar = new ICAL.Component(ICAL.parse(invite!.content.toString('utf8')));
		ICAL.TimezoneService.register(calendar.getFirstSubcomponent('vtimezone')!);
		const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
		expect(event.uid).toBe('bk_e2e_1@n8n-nodes-booking-agents');
		expect(event.startDate.toJSDate().toISOString()).toBe('2031-03-03T14:00:00.000Z');
		expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
	});

	it('a STOP reply is recorded and the next confirmation carries no SMS', async () => {
		const before = await n8n.webhook('e2e-confirm', {
			...request,
			customer: { ...request.customer, email: 'dana2@example.com' },
		});
		expect(before.body.confirmation.sms).toMatchObject({ to: '+12127365000', encoding: 'GSM-7' });
		const stop = await n8n.webhook('e2e-sms-reply', { From: '+12127365000', Body: 'STOP' });
		expect(stop.body.sms_reply).toMatchObject({ action: 'opt_out', opted_out: true });
		const after = await n8n.webhook('e2e-confirm', {
			...request,
			customer: { ...request.customer, email: 'dana3@example.com' },
		});
		expect(after.body.confirmation.sms).toBeNull();
		expect(after.body.confirmation.skipped).toContain('sms: the customer replied STOP (opted out)');
		await smtp.waitFor('dana3@example.com');
	});
});

describe('an emergency dispatch SMS through n8n Twilio node to a Twilio-compatible fake', () => {
	it('texts the customer and the crew in Twilio wire format', async () => {
		twilio.messages.length = 0;
		const response = await n8n.webhook('e2e-dispatch', {
			customer: { name: 'Sam', phone: '(212) 736-5011', address: '9 Elm St' },
			booking: {
				booking_id: 'bk_911',
				start: '2031-03-03T23:30:00-05:00',
				end: '2031-03-04T02:30:00-05:00',
				time_zone: 'America/New_York',
				crew_name: 'On-call crew',
			},
			safety: ['If you can do so safely, shut off the main water valve to stop the flow.'],
		});
		expect(response.status).toBe(200);
		expect(twilio.messages).toHaveLength(2);
		const [customer, crew] = twilio.messages;
		expect(customer.accountSid).toBe(ACCOUNT_SID);
		expect(customer.auth).toBe(`${ACCOUNT_SID}:test-auth-token`);
		expect(customer.form).toMatchObject({ To: '+12127365011', From: '+12127365999' });
		expect(customer.form.Body).toContain('emergency crew on the way, arriving by 11:30 PM EST');
		expect(customer.form.Body).toContain('shut off the main water valve');
		expect(customer.form.Body).toContain('Reply STOP to opt out.');
		expect(crew.form).toMatchObject({ To: '+12127365002' });
		expect(crew.form.Body).toMatch(/^EMERGENCY WATER DAMAGE at 9 Elm St/);
		expect(response.body.twilio).toMatchObject({ status: 'queued', to: '+12127365002' });
		expect(response.body.confirmation.sms).toMatchObject({ to: '+12127365011', encoding: 'GSM-7' });
	});
});
