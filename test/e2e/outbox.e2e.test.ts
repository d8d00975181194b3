/**
 * The outbox in a real n8n: messages to customers survive the mail server and Twilio being down.
 * The Outbox workflow runs as shipped but for its clock: its schedule every 3 seconds instead of
 * every minute, and its waits between tries 2 seconds instead of 1 min, 5 min, 30 min and 2 h
 * (the unit tests hold the shipped schedule and quiet hours on both stores).
 * - The SMTP server (a real one on loopback) stops listening: a booking is still booked and
 *   answered, the text goes at once, the e-mail waits in the outbox with its error; the server
 *   comes back and the e-mail is delivered once, late, with its calendar invite.
 * - Twilio answers 503 to one customer's number for good: the text is tried five times, then
 *   the case goes to the Human Queue once (ops e-mailed, the board's failed deliveries).
 * - A sender stopped mid-send (a message held with a lease that ran out): the schedule sends it.
 * - A visit booked by a flow that stopped before it recorded its case: its check (every 3 seconds
 *   here, as shipped for visits 15 minutes old) hands the case to the Human Queue once.
 * - A case handed to ops while the mail server is down: on the case (the board) at once, the
 *   e-mail to ops kept in the outbox and delivered once when the server is back.
 * The SMTP server and the Twilio fake count duplicates: none.
 */
import path from 'node:path';

import { startBookingEnv } from '../../dev/booking-env';
import {
	claimMessages,
	getMessage,
	queueMessages,
	type OutboxMessage,
} from '../../nodes/shared/records/outbox';
import { getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { schedule } from '../../nodes/SchedulingAgent/schedule';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
type Node = { name: string; type: string; parameters: Record<string, unknown> };

beforeAll(async () => {
	env = await startBookingEnv({
		only: ['booking-simple.json', 'support-outbox.json'],
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		customize(file, workflow) {
			if (file !== 'support-outbox.json') return;
			for (const node of workflow.nodes as Node[]) {
				if (node.type === 'n8n-nodes-base.scheduleTrigger')
					node.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 3 }] } };
				if (node.name === 'Record: Not Sent') node.parameters.retrySchedule = '2s, 2s, 2s, 2s';
			}
		},
	});
	await env.n8n.waitForWebhook('booking', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
});

afterAll(async () => {
	await env?.smtp.up().catch(() => undefined);
	await store?.close();
	await env?.stop();
});

async function messagesOfCase(caseId: string): Promise<OutboxMessage[]> {
	const rows = await store.read('SELECT id FROM outbox WHERE case_id = $1 ORDER BY created_at_ms', [
		caseId,
	]);
	return (await Promise.all(rows.map(async (r) => await getMessage(store, String(r.id))))).filter(
		(m): m is OutboxMessage => m !== null,
	);
}

/** What `check` returns once it stops throwing (n8n sends after it answers), polled for up to `timeoutMs`. */
async function until<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
	for (const deadline = Date.now() + timeoutMs; ;) {
		try {
			return await check();
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

const textsTo = (phone: string) =>
	env.twilio.messages.filter((m: { form: Record<string, string> }) => m.form.To === phone);

it('keeps the confirmation while the mail server is down and delivers it once when it is back', async () => {
	await env.smtp.down();
	const response = await env.post('booking', {
		message: 'Standard clean for a studio apartment',
		customer: {
			name: 'Mara Quill',
			email: 'mara@example.com',
			phone: '+1 212 736 5061',
			address: '3 Quill St',
		},
		preference: 'Friday',
	});
	// The customer is answered and booked whatever the mail server does.
	expect(response.status).toBe(200);
	expect(response.body.status).toBe('booked');
	const caseId = response.body.reference as string;
	expect(caseId).toBeTruthy();
	// The text went at once; the e-mail waits with its error after two tries.
	await until(async () => expect(textsTo('+12127365061')).toHaveLength(1), 60_000);
	const waiting = await until(async () => {
		const email = (await messagesOfCase(caseId)).find((m) => m.channel === 'email');
		expect(email).toMatchObject({ status: 'queued', label: 'Confirmation' });
		expect(email!.attempts).toBeGreaterThanOrEqual(2);
		expect(email!.last_error).toMatch(/ECONNREFUSED|connect/i);
		return email!;
	}, 90_000);
	expect(waiting.content.attachments?.map((a) => a.fileName)).toEqual([
		expect.stringMatching(/\.ics$/),
	]);
	expect(env.smtp.to('mara@example.com')).toHaveLength(0);

	await env.smtp.up();
	const mail = await env.smtp.waitFor('mara@example.com', 60_000);
	expect(mail.subject).toMatch(/is booked for/);
	expect(mail.attachments.map((a: { contentType: string }) => a.contentType)).toContain(
		'text/calendar',
	);
	const sent = await until(async () => {
		const email = (await messagesOfCase(caseId)).find((m) => m.channel === 'email');
		expect(email?.status).toBe('sent');
		return email!;
	});
	expect(sent.sent_at_ms! - sent.created_at_ms).toBeGreaterThan(2_000);
	// Two more runs of the schedule: still once.
	await new Promise((resolve) => setTimeout(resolve, 7_000));
	expect(env.smtp.to('mara@example.com')).toHaveLength(1);
	expect(textsTo('+12127365061')).toHaveLength(1);
	expect(env.smtp.duplicates()).toEqual([]);
	expect(env.twilio.duplicates()).toEqual([]);
	// Ops were not told: nothing was lost.
	expect(
		env.smtp
			.to('ops@brightclean.example')
			.filter((m: { subject?: string }) => /Mara Quill/.test(m.subject ?? '')),
	).toHaveLength(0);
});

it('tells ops once, after the last try, when a text cannot be delivered', async () => {
	env.twilio.failFor('+12127365062');
	try {
		const response = await env.post('booking', {
			message: 'Standard clean for a studio apartment',
			customer: {
				name: 'Odo Brand',
				email: 'odo@example.com',
				phone: '+1 212 736 5062',
				address: '4 Brand Ave',
			},
			preference: 'Friday',
		});
		expect(response.body.status).toBe('booked');
		await env.smtp.waitFor('odo@example.com');
		const ops = await env.smtp.waitFor('ops@brightclean.example', 150_000, (m) =>
			/Odo Brand/.test(m.subject ?? ''),
		);
		expect(ops.subject).toMatch(
			/\[Human queue\] Odo Brand: The confirmation text message could not be delivered \(5 tries\)/,
		);
		const [text] = (await messagesOfCase(response.body.reference)).filter(
			(m) => m.channel === 'sms',
		);
		expect(text).toMatchObject({ status: 'failed', attempts: 5 });
		expect(text.last_error).toMatch(/unavailable|503/i);
		// The case shows the failed delivery (the ops board's list; the Human Queue records it after e-mailing ops).
		const events = await until(async () => {
			const rows = await store.read(
				"SELECT data FROM case_events WHERE case_id = $1 AND kind = 'delivery_failed'",
				[response.body.reference],
			);
			expect(rows.length).toBeGreaterThan(0);
			return rows;
		});
		expect(events).toHaveLength(1);
		expect(String(events[0].data)).toContain('Confirmation');
		await new Promise((resolve) => setTimeout(resolve, 7_000));
		expect(
			env.smtp
				.to('ops@brightclean.example')
				.filter((m: { subject?: string }) => /Odo Brand/.test(m.subject ?? '')),
		).toHaveLength(1);
		expect(textsTo('+12127365062')).toHaveLength(0);
	} finally {
		env.twilio.failFor('+12127365062', false);
	}
});

it('sends a message a stopped sender was holding, once its hold runs out', async () => {
	const now = Date.now();
	const [message] = await queueMessages(
		store,
		[
			{
				key: 'e2e:held-by-a-stopped-sender',
				case_id: null,
				label: 'Reminder',
				channel: 'sms',
				recipient: '+12127365063',
				content: { from: '+12125550100', text: 'Reminder: your visit is tomorrow at 9.' },
				quiet_hours: null,
				case_item: null,
			},
		],
		now,
	);
	// A sender took it and stopped (its worker was killed): held for 4 seconds, never recorded.
	await claimMessages(store, { ids: [message.id] }, now, 4_000);
	await until(async () => expect(textsTo('+12127365063')).toHaveLength(1), 60_000);
	expect(await getMessage(store, message.id)).toMatchObject({ status: 'sent', attempts: 2 });
});

it('hands a visit whose flow stopped before recording its case to the Human Queue, once', async () => {
	// What a flow killed between Book and Record the Case leaves: a confirmed visit, 20 minutes
	// old, carrying its case's id, and no case (booked here by the Scheduling Agent's own code).
	const crews = (await store.read('SELECT id, name, skills, on_call FROM crews')).map((row) => ({
		id: String(row.id),
		name: String(row.name),
		skills: JSON.parse(String(row.skills)) as string[],
		on_call: Boolean(Number(row.on_call)),
	}));
	const booked = await schedule(
		{
			operation: 'book',
			job: { service_type: 'standard_cleaning', duration_minutes: 90 },
			case_id: 'cs_stoppedflow01',
			customer: { name: 'Pia Strand', email: 'pia@example.com', phone: '+1 212 736 5064' },
		},
		{ store, now: new Date(Date.now() - 20 * 60_000), calendar: { crews } },
	);
	expect(booked.status).toBe('confirmed');
	const visit = booked.booking_id!;
	const fromOps = () =>
		env.smtp
			.to('ops@brightclean.example')
			.filter((m: { subject?: string }) =>
				(m.subject ?? '').startsWith(`[Human queue] Pia Strand: The visit ${visit} (`),
			);
	await until(async () => expect(fromOps()).toHaveLength(1), 60_000);
	expect(fromOps()[0].text).toMatch(/stopped before it recorded the case and confirmed it/);
	const record = await until(async () => {
		const found = await getCase(store, 'cs_stoppedflow01');
		expect(found?.status).toBe('waiting_ops');
		return found!;
	});
	expect(record).toMatchObject({
		booking_ids: [visit],
		customer: { name: 'Pia Strand', email: 'pia@example.com' },
		decision: { reason: expect.stringContaining(`The visit ${visit}`) },
	});
	// The check keeps running (every 3 seconds here): the case is not handed over again.
	await new Promise((resolve) => setTimeout(resolve, 10_000));
	expect(fromOps()).toHaveLength(1);
});

it('keeps a handoff on its case while the mail server is down, and e-mails ops once when it is back', async () => {
	await env.smtp.down();
	try {
		const response = await env.post('booking', {
			message: 'Can someone call me back about a deep clean? I would rather talk to a person.',
			customer: { name: 'Tove Hale', phone: '+1 212 736 5065' },
		});
		expect(response.status).toBe(200);
		expect(response.body.status).toBe('handed_to_person');
		// On the case (the ops board's list) before any e-mail is tried, whatever the mail server does.
		const caseId = await until(async () => {
			const [row] = await store.read("SELECT id FROM cases WHERE customer LIKE '%Tove Hale%'");
			const found = await getCase(store, String(row?.id));
			expect(found).toMatchObject({
				status: 'waiting_ops',
				decision: { reason: expect.stringMatching(/asked to speak to a person/) },
			});
			return found!.case_id;
		});
		const waiting = await until(async () => {
			const [handoff] = (await messagesOfCase(caseId)).filter((m) => m.label === 'Handoff');
			expect(handoff).toMatchObject({ status: 'queued', recipient: 'ops@brightclean.example' });
			expect(handoff.last_error).toMatch(/ECONNREFUSED|connect/i);
			return handoff;
		}, 60_000);
		expect(waiting.content.subject).toMatch(/^\[Human queue\] Tove Hale: /);
	} finally {
		await env.smtp.up();
	}
	const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { subject?: string }) =>
		/Tove Hale/.test(m.subject ?? ''),
	);
	expect(ops.text).toContain('Customer: Tove Hale <no e-mail> +1 212 736 5065');
	await new Promise((resolve) => setTimeout(resolve, 5_000));
	expect(
		env.smtp
			.to('ops@brightclean.example')
			.filter((m: { subject?: string }) => /Tove Hale/.test(m.subject ?? '')),
	).toHaveLength(1);
});
