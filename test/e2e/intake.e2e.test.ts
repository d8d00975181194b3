/**
 * Customers who write by text, in a real n8n with the templates as shipped: each text is posted to
 * Incoming Texts as Twilio posts it (form fields, X-Twilio-Signature) by the Twilio fake, and every
 * link a text carries is opened in Chromium as delivered. A forged or unsigned post is refused with
 * nothing written; STOP, START and HELP are answered and STOP holds for a later confirmation; a new
 * text starts a case and the next one joins it; a reply to an open quote resumes the execution that
 * waits for it; an emergency is dispatched (or, with no address, the customer is called). The web
 * form is filled in Chromium: its outcome page, its spam defences, and a text from the same
 * customer joining the case the form started. E-mails are delivered to a real IMAP server
 * (Dovecot, over LMTP) that n8n's Email Trigger reads: a new one starts a case, a reply to our
 * confirmation joins it and is answered in its thread, an out-of-office reply is left alone.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { startImapServer } from '../../dev/imap-server';
import { caseEvents, getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(240_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;
let inbox: Awaited<ReturnType<typeof startImapServer>>;
const INBOX = { user: 'bookings@brightclean.example', password: 'inbox-test-pass' };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const OPS = 'ops@brightclean.example';
const BUSINESS_NUMBER = '+12125550100';
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	inbox = await startImapServer({ users: [INBOX] });
	env = await startBookingEnv({
		imap: { ...INBOX, host: inbox.host, port: inbox.port },
		only: [
			'intake-email.json',
			'intake-texts.json',
			'intake-web-form.json',
			'booking-commercial-sales.json',
			'support-customer-links.json',
		],
		// Texts go out whenever the test runs; every day is open, so a visit can always be booked.
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		tableRows: { hours: EVERY_DAY.map((day) => ({ day, opens: '06:00', closes: '22:00' })) },
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	await env.n8n.waitForWebhook('commercial-inquiry', { probeBody: {} });
	// Incoming Texts answers 403 to the probe (it is not signed): registered is what counts.
	for (const deadline = Date.now() + 60_000; ;) {
		const probe = await env.textIn('+12125550000', 'probe', { sign: false });
		if (probe.status === 403 || Date.now() > deadline) break;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu'],
	});
});

afterAll(async () => {
	await browser?.close();
	await store?.close();
	await env?.stop();
	await inbox?.stop();
});

/** The texts the Twilio fake was asked to send to a number. */
const textsTo = (phone: string) =>
	env.twilio.messages.filter((m) => m.form.To === phone).map((m) => m.form.Body);

const casesOf = async (phone: string) =>
	await store.read(
		'SELECT c.id, c.status, c.channel FROM case_threads t JOIN cases c ON c.id = t.case_id WHERE t.thread_key = $1 ORDER BY c.received_at_ms',
		[`phone:${phone}`],
	);

/** The TwiML message Twilio would text back, or null for an empty answer. */
const twimlText = (body: string) => {
	expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>/);
	const match = /<Message>([\s\S]*)<\/Message>/.exec(body);
	return match
		? match[1]
				.replace(/&amp;/g, '&')
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
		: null;
};

it('refuses a forged or unsigned text with 403 and writes nothing', async () => {
	const phone = '+12125550301';
	const before = env.twilio.messages.length;
	const forged = await env.textIn(phone, 'STOP', { signature: 'bm90IFR3aWxpbydzIHNpZ25hdHVyZQ==' });
	expect(forged.status).toBe(403);
	expect(forged.body).toMatch(/X-Twilio-Signature does not match/);
	const unsigned = await env.textIn(phone, 'Burst pipe in the kitchen!', { sign: false });
	expect(unsigned.status).toBe(403);
	expect(unsigned.body).toMatch(/only Twilio may post here/);
	// Signed for another address (a copy of a real request replayed elsewhere): refused too.
	const elsewhere = await env.textIn(phone, 'hello', {
		signature: require('../../dev/fakes/twilio-fake').signTwilio(
			'demo-auth-token',
			'https://attacker.example/sms',
			{ Body: 'hello', From: phone },
		),
	});
	expect(elsewhere.status).toBe(403);
	expect(await store.isSmsOptedOut(phone)).toBe(false);
	expect(await casesOf(phone)).toEqual([]);
	expect(env.twilio.messages.length).toBe(before);
});

it('answers STOP, HELP and START as carriers require; after STOP a confirmation sends no text', async () => {
	const phone = '+12125550302';
	const stop = await env.textIn(phone, 'Stop');
	expect(stop.status).toBe(200);
	expect(stop.contentType).toMatch(/text\/xml/);
	expect(twimlText(stop.body)).toBe(
		'Bright Clean Co.: you are unsubscribed and will get no more texts from us. Reply START to subscribe again.',
	);
	expect(await store.isSmsOptedOut(phone)).toBe(true);
	const help = await env.textIn(phone, 'HELP');
	expect(twimlText(help.body)).toMatch(
		/^Bright Clean Co\.: .*For help call \+1 212 555 0100 or e-mail bookings@brightclean\.example\. Msg & data rates may apply\. Reply STOP to opt out\.$/,
	);

	// Booked on the website meanwhile: the confirmation goes by e-mail only.
	const booked = await env.post('booking', {
		request_id: 'intake-e2e-stopped',
		message: 'Standard clean of a 2 bedroom 1 bathroom apartment, Thursday morning please',
		customer: {
			name: 'Ari Stopped',
			email: 'ari@example.com',
			phone,
			address: '3 Quiet Rd, New York, NY',
		},
	});
	expect(booked.body).toMatchObject({ status: 'booked' });
	await env.smtp.waitFor('ari@example.com', 60_000);
	expect(textsTo(phone)).toEqual([]);

	const start = await env.textIn(phone, 'START');
	expect(twimlText(start.body)).toMatch(/subscribed to texts again/);
	expect(await store.isSmsOptedOut(phone)).toBe(false);
});

it('a first text starts a case: the details form comes by text, the next text gets its link back, and the form opened in Chromium books it', async () => {
	const phone = '+12125550303';
	const first = await env.textIn(
		phone,
		'Hi, can you do a standard clean of a 2 bed 1 bath apartment on Friday?',
	);
	expect(first.status).toBe(200);
	// Twilio hears at once; the booking flow texts the customer itself.
	expect(twimlText(first.body)).toBeNull();
	const [asked] = await eventually(
		async () => textsTo(phone),
		(texts) => texts.length > 0,
		60_000,
	);
	const formUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(asked)![1];
	const [made] = await eventually(
		() => casesOf(phone),
		(rows) => rows.length > 0,
	);
	expect(made).toMatchObject({ channel: 'sms' });

	// The customer answers by text instead: the same case, and the form's link again.
	const second = await env.textIn(phone, 'The address is 12 Oak Lane, New York, NY 10001');
	const reply = twimlText(second.body)!;
	expect(reply).toMatch(/^Bright Clean Co\.: thank you\. To book it we need a few details/);
	const again = /(http\S+\/webhook\/link\?t=\S+)/.exec(reply)![1];
	expect(again).toBe(formUrl);
	expect(await casesOf(phone)).toHaveLength(1);

	const page = await browser.newPage();
	try {
		const opened = await page.goto(again);
		expect(opened?.status()).toBe(200);
		await page
			.getByLabel(/address/i)
			.first()
			.fill('12 Oak Lane, New York, NY 10001');
		await page.screenshot({ path: path.join(SHOTS, 'intake-text-details.png'), fullPage: true });
		const [sent] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: /Send/ }).click(),
		]);
		expect(sent?.status()).toBe(200);
	} finally {
		await page.close();
	}
	// Booked: the confirmation comes by text, on the one case.
	const texts = await eventually(
		async () => textsTo(phone),
		(all) => all.some((t) => /confirmed|booked/i.test(t)),
		60_000,
	);
	expect(texts.some((t) => /confirmed|booked/i.test(t))).toBe(true);
	const rows = await eventually(
		() => casesOf(phone),
		(all) => all.some((c) => c.status === 'booked'),
	);
	expect(rows).toHaveLength(1);
	expect(rows[0]).toMatchObject({ status: 'booked', channel: 'sms' });
});

it('a text answering an open quote resumes the execution that waits for it', async () => {
	const customer = {
		name: 'Quinn Office',
		email: 'quinn@officeco.example',
		phone: '+12125550304',
		address: '40 Desk St, New York, NY 10001',
	};
	const inquiry = await env.post('commercial-inquiry', {
		request_id: 'intake-e2e-quote',
		message:
			'Weekly cleaning of our 3,000 sq ft office, Tuesdays at 9am. I am the office manager and sign off on vendors.',
		customer,
	});
	expect(inquiry.body.status).toBe('quote_sent');
	await env.smtp.waitFor(customer.email, 60_000);
	// The customer answers by text, from their number written as they would.
	const answer = await env.textIn(customer.phone, 'Yes, we accept the quote. Please go ahead.');
	expect(twimlText(answer.body)).toBe(
		'Bright Clean Co.: thank you, we have your reply and will answer shortly.',
	);
	// The waiting execution goes on: the visits are booked and the agreement goes out to sign.
	const agreement = await env.smtp.waitFor(customer.email, 90_000, (m: { subject?: string }) =>
		/sign/i.test(m.subject ?? ''),
	);
	expect(agreement.subject).toMatch(/sign/i);
	const held = (await store.listBookings({}, Date.now())).filter(
		(b) => (b.customer as { name?: string } | null)?.name === customer.name,
	);
	expect(held.length).toBeGreaterThan(40);
	expect(held.every((b) => b.status === 'held')).toBe(true);
	// One case: the quote's, which the text found by the customer's number.
	expect(await casesOf(customer.phone)).toHaveLength(1);
});

it('an emergency by text: with an address on record it is dispatched; without one the on-call team calls', async () => {
	// A returning customer: their address is on an earlier case.
	const known = '+12125550305';
	const earlier = await env.post('booking', {
		request_id: 'intake-e2e-known',
		message: 'Standard clean of a 1 bedroom 1 bathroom apartment next week',
		customer: {
			name: 'Bo Known',
			email: 'bo@example.com',
			phone: known,
			address: '8 Elm St, New York, NY 10001',
		},
	});
	expect(earlier.body.status).toBe('booked');
	await env.textIn(
		known,
		'Water is pouring through my ceiling from the apartment upstairs, please help!!',
	);
	const dispatched = await eventually(
		async () => textsTo(known),
		(texts) => texts.some((t) => /emergency crew on the way/.test(t)),
		60_000,
	);
	expect(dispatched.find((t) => /emergency crew on the way/.test(t))).toMatch(
		/^Bright Clean Co\.: emergency crew on the way, arriving by /,
	);
	const emergencyCase = await eventually(
		async () =>
			(
				await store.read('SELECT * FROM cases WHERE is_emergency = 1 AND thread LIKE $1', [
					`%${known}%`,
				])
			)[0],
		(c) => !!c,
	);
	expect(emergencyCase).toMatchObject({ channel: 'sms' });

	// Nobody on the ladder here: ops get the case by e-mail, the customer hears we are calling.
	const stranger = '+12125550306';
	const sent = await env.textIn(
		stranger,
		'sewage is backing up out of our basement floor drain right now',
	);
	expect(twimlText(sent.body)).toBeNull();
	const ops = await env.smtp.waitFor(OPS, 60_000, (m: { text?: string }) =>
		(m.text ?? '').includes(`EMERGENCY by text with no address: call ${stranger} now`),
	);
	expect(ops.subject).toMatch(/Human queue/);
	const [calling] = await eventually(
		async () => textsTo(stranger),
		(texts) => texts.length > 0,
	);
	expect(calling).toMatch(/we have your emergency and are calling you now/);
	// The case is recorded: an emergency by text, waiting on ops.
	const [handed] = await eventually(
		() => casesOf(stranger),
		(rows) => rows.length > 0,
	);
	expect(await getCase(store, String(handed.id))).toMatchObject({
		channel: 'sms',
		is_emergency: true,
		status: 'waiting_ops',
	});
});

const FORM_URL = () => `${env.n8n.baseUrl}/form/request`;

/** The web form filled in Chromium as a person would: the fields, a pause, Send; the last page's text. */
async function fillForm(
	fields: Record<string, string>,
	{
		pauseMs = 3500,
		screenshot,
		beforeSend,
	}: {
		pauseMs?: number;
		screenshot?: string;
		beforeSend?: (page: import('playwright-core').Page) => Promise<void>;
	} = {},
): Promise<string> {
	const page = await browser.newPage();
	try {
		const opened = await page.goto(FORM_URL());
		expect(opened?.status()).toBe(200);
		for (const [label, value] of Object.entries(fields))
			await page.getByLabel(label, { exact: true }).fill(value);
		// The honeypot is on the page but out of a person's sight.
		const trap = await page.locator('#field-6').boundingBox();
		expect(trap === null || trap.x + trap.width < 0).toBe(true);
		await beforeSend?.(page);
		await page.waitForTimeout(pauseMs);
		if (screenshot) await page.screenshot({ path: path.join(SHOTS, screenshot), fullPage: true });
		await page.getByRole('button', { name: 'Send' }).click();
		await page
			.getByText(
				/You are booked|Your quote is on its way|Help is on the way|We are calling you|Almost there|Thank you|was not sent|Please check/,
			)
			.first()
			.waitFor({ timeout: 60_000 });
		await page.waitForLoadState('networkidle');
		return await page.locator('body').innerText();
	} finally {
		await page.close();
	}
}

describe('the web form', () => {
	it('books from the form in Chromium and shows the outcome; a text from the same number then joins that case', async () => {
		const phone = '+12125550311';
		const text = await fillForm(
			{
				'Your name': 'Fern Former',
				Phone: '(212) 555-0311',
				'E-mail': 'fern@example.com',
				'Address of the visit': '21 Form St, New York, NY 10001',
				'What do you need?': 'Standard clean of a 2 bedroom 1 bathroom apartment',
				'When suits you?': 'Thursday morning',
			},
			{ screenshot: 'intake-web-form.png' },
		);
		expect(text).toMatch(/You are booked/);
		expect(text).toMatch(
			/Your visit is booked for Thursday, .* The confirmation is on its way to fern@example\.com\./,
		);
		expect(text).toMatch(/Your reference: cs_/);
		expect(text).not.toMatch(/lead_score|score/);
		await env.smtp.waitFor('fern@example.com', 60_000);
		const [made] = await eventually(
			() => casesOf(phone),
			(rows) => rows.some((c) => c.status === 'booked'),
		);
		expect(made).toMatchObject({ channel: 'web_form', status: 'booked' });

		// The same customer texts: the text joins the form's case (a second visit, on the same case).
		const joined = await env.textIn(
			phone,
			'Please book another standard clean of the same 2 bedroom 1 bathroom apartment next week',
		);
		expect(joined.status).toBe(200);
		const cases = await eventually(
			() => casesOf(phone),
			(rows) => rows.length === 1,
		);
		expect(cases).toHaveLength(1);
		const record = await eventually(
			() => getCase(store, String(made.id)),
			(c) => (c?.booking_ids.length ?? 0) >= 2,
			60_000,
		);
		expect(record?.booking_ids).toHaveLength(2);
	});

	it('a phone number the agents cannot read gets a page naming it, and nothing is written', async () => {
		const page = await fillForm({
			'Your name': 'Typo Tess',
			Phone: '12',
			'E-mail': 'tess@example.com',
			'Address of the visit': '4 Typo Ln, New York, NY 10001',
			'What do you need?': 'Standard clean of a 1 bedroom apartment',
		});
		expect(page).toMatch(/Please check your request/);
		expect(page).toMatch(/"12" is not a phone number: give it with its country code/);
		expect(page).toMatch(/Go back to correct it and send it again\./);
		expect(
			await store.read(
				"SELECT case_id FROM case_threads WHERE thread_key = 'email:tess@example.com'",
			),
		).toEqual([]);
	});

	it('refuses a bot: a filled honeypot, a form sent at once, and a sixth request within the hour; nothing is written', async () => {
		const trapped = await fillForm(
			{
				'Your name': 'Bot Filler',
				Phone: '+1 212 555 0312',
				'E-mail': 'bot@spam.example',
				'Address of the visit': '1 Spam Rd',
				'What do you need?': 'Cheap pills',
			},
			{
				beforeSend: async (page) =>
					await page.locator('#field-6').fill('http://spam.example', { force: true }),
			},
		);
		expect(trapped).toMatch(/Your request was not sent/);
		const fast = await fillForm(
			{
				'Your name': 'Quick Bot',
				Phone: '+1 212 555 0313',
				'E-mail': 'quick@spam.example',
				'Address of the visit': '2 Spam Rd',
				'What do you need?': 'Standard clean of a 1 bedroom apartment',
			},
			{ pauseMs: 0 },
		);
		expect(fast).toMatch(/Your request was not sent/);
		expect(fast).toMatch(/sent very fast/);
		for (const phone of ['+12125550312', '+12125550313']) expect(await casesOf(phone)).toEqual([]);

		// A sixth request from one address within the hour: refused politely (five are taken).
		const seen: string[] = [];
		for (let n = 1; n <= 6; n++)
			seen.push(
				await fillForm(
					{
						'Your name': 'Rae Repeat',
						Phone: `+1 212 555 03${20 + n}`,
						'E-mail': 'rae@example.com',
						'Address of the visit': '3 Again Ave, New York, NY 10001',
						'What do you need?': 'I would like a person to call me about a cleaning',
					},
					{ pauseMs: 3100 },
				),
			);
		expect(seen.slice(0, 5).every((page) => !/not sent/.test(page))).toBe(true);
		expect(seen[5]).toMatch(/Your request was not sent/);
		expect(seen[5]).toMatch(/several requests from you in the last hour/);
		expect(await casesOf('+12125550326')).toEqual([]);
	});
});

describe('e-mail to the business inbox (IMAP)', () => {
	const casesByEmail = async (email: string) =>
		await store.read(
			'SELECT c.id, c.status, c.channel FROM case_threads t JOIN cases c ON c.id = t.case_id WHERE t.thread_key = $1',
			[`email:${email}`],
		);

	it('a new e-mail starts a case, its details form books it, and a reply to the confirmation joins the case and gets the visit page in the thread', async () => {
		const mia = 'mia@example.com';
		const first = await inbox.deliver({
			from: 'Mia Mailer <mia@example.com>',
			to: INBOX.user,
			subject: 'Cleaning',
			text: 'Hello, could you do a standard clean of my 2 bedroom 1 bathroom apartment on Wednesday morning?\n\nThanks,\nMia',
		});
		// Ask for Details writes first (no address yet): open its form as delivered and fill it in.
		const asked = await env.smtp.waitFor(mia, 90_000, (m: { subject?: string }) =>
			/A few details/.test(m.subject ?? ''),
		);
		const formUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(asked.text))![1];
		const page = await browser.newPage();
		try {
			expect((await page.goto(formUrl))?.status()).toBe(200);
			await page
				.getByLabel(/address/i)
				.first()
				.fill('5 Mail St, New York, NY 10001');
			const [sent] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: /Send/ }).click(),
			]);
			expect(sent?.status()).toBe(200);
		} finally {
			await page.close();
		}
		const confirmation = await env.smtp.waitFor(mia, 60_000, (m: { subject?: string }) =>
			/is booked for/.test(m.subject ?? ''),
		);
		const [made] = await eventually(
			() => casesByEmail(mia),
			(rows) => rows.some((c) => c.status === 'booked'),
			30_000,
		);
		expect(made).toMatchObject({ channel: 'email', status: 'booked' });
		// The e-mail's own Message-ID is one of the case's thread keys.
		const keys = await store.read('SELECT thread_key FROM case_threads WHERE case_id = $1', [
			String(made.id),
		]);
		expect(keys.map((k) => k.thread_key)).toContain(`message_id:${first.replace(/^<|>$/g, '')}`);
		// The message was taken and marked read on the server.
		expect(inbox.maildir(INBOX.user, 'cur').some((name) => /:2,.*S/.test(name))).toBe(true);

		// Mia answers the confirmation from her mail client: In-Reply-To and the quoted history.
		await inbox.deliver({
			from: 'Mia Mailer <mia@example.com>',
			to: INBOX.user,
			subject: `Re: ${confirmation.subject}`,
			inReplyTo: confirmation.messageId,
			references: [confirmation.messageId],
			text: `Could we move it to Friday instead?\n\nOn Mon, Bright Clean Co. <bookings@brightclean.example> wrote:\n> ${String(confirmation.text).split('\n').join('\n> ')}`,
		});
		const answer = await env.smtp
			.waitFor(
				mia,
				60_000,
				(m: { subject?: string }) => (m.subject ?? '') === `Re: ${confirmation.subject}`,
			)
			.catch(async (error: Error) => {
				// What Incoming E-mail did with the reply, for the failure message.
				const runs = await env.n8n.executions(env.workflows['intake-email.json'].id, { limit: 5 });
				const seen = runs.map((e: any) => ({
					status: e.status,
					last: e.data?.resultData?.lastNodeExecuted,
					error: e.data?.resultData?.error?.message,
					routed:
						e.data?.resultData?.runData?.['Route the E-mail']?.[0]?.data?.main?.[0]?.[0]?.json
							?.incoming,
				}));
				throw new Error(
					`${error.message}\nmails to Mia: ${env.smtp
						.to(mia)
						.map((m: { subject?: string }) => m.subject)
						.join(' | ')}\nIncoming E-mail runs: ${JSON.stringify(seen).slice(0, 4000)}`,
				);
			});
		expect(answer.text).toMatch(/To move, skip or cancel your visit, open: http/);
		const visitUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(answer.text))![1];
		const visitPage = await browser.newPage();
		try {
			expect((await visitPage.goto(visitUrl))?.status()).toBe(200);
			expect(await visitPage.locator('body').innerText()).toMatch(/move/i);
		} finally {
			await visitPage.close();
		}
		expect(await casesByEmail(mia)).toHaveLength(1);

		// An out-of-office reply is left alone: no answer, no case.
		const before = env.smtp.to(mia).length;
		await inbox.deliver({
			from: 'Mia Mailer <mia@example.com>',
			to: INBOX.user,
			subject: 'Automatic reply: Re: your visit',
			text: 'I am out of the office until Monday.',
			headers: { 'Auto-Submitted': 'auto-replied' },
		});
		await eventually(
			async () => inbox.maildir(INBOX.user, 'new').length,
			(unread) => unread === 0,
			30_000,
		);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(env.smtp.to(mia).length).toBe(before);
		expect(await casesByEmail(mia)).toHaveLength(1);
	});

	it('an emergency by e-mail from someone with no phone on record: ops are told to write or call, the customer gets a reply in the thread', async () => {
		const leo = 'leo@example.com';
		await inbox.deliver({
			from: 'Leo Leak <leo@example.com>',
			to: INBOX.user,
			subject: 'Help!!',
			text: 'Water is pouring through my ceiling from the apartment upstairs right now.',
		});
		const reply = await env.smtp.waitFor(
			leo,
			60_000,
			(m: { subject?: string }) => m.subject === 'Re: Help!!',
		);
		expect(reply.text).toMatch(
			/^Hi Leo Leak,\n\nWe have your emergency\. Please call us now at \+1 212 555 0100, or reply with your address and a phone number and we will call you\./,
		);
		const ops = await env.smtp.waitFor(OPS, 60_000, (m: { text?: string }) =>
			(m.text ?? '').includes(
				`EMERGENCY by e-mail with no phone number on record: reply to ${leo} now`,
			),
		);
		expect(ops.subject).toMatch(/Human queue/);
		const [handed] = await eventually(
			() => casesByEmail(leo),
			(rows) => rows.length > 0,
		);
		expect(await getCase(store, String(handed.id))).toMatchObject({
			channel: 'email',
			is_emergency: true,
			status: 'waiting_ops',
		});
	});

	it("a forwarded tenant's e-mail is read (it is what is sent, not quoted history); the manager's signature and notice are not", async () => {
		const nora = 'nora@example.com';
		await inbox.deliver({
			from: 'Nora Manager <nora@example.com>',
			to: INBOX.user,
			subject: 'Fwd: water!!',
			text: [
				'Can you get someone there today?',
				'',
				'Best regards,',
				'Nora Price',
				'Property Manager | Elm Court Apartments',
				'Emergency maintenance? Call 911 first.',
				'',
				'CONFIDENTIALITY NOTICE: This e-mail is intended only for the named recipient. If you received it in error, please delete it.',
				'',
				'---------- Forwarded message ---------',
				'From: Unit 4B tenant <tenant4b@example.com>',
				'Subject: water!!',
				'',
				'Water is pouring through my kitchen ceiling from the unit above right now!',
			].join('\n'),
		});
		const reply = await env.smtp.waitFor(
			nora,
			60_000,
			(m: { subject?: string }) => m.subject === 'Re: Fwd: water!!',
		);
		expect(reply.text).toMatch(/We have your emergency\./);
		const [handed] = await eventually(
			() => casesByEmail(nora),
			(rows) => rows.length > 0,
		);
		expect(await getCase(store, String(handed.id))).toMatchObject({
			channel: 'email',
			is_emergency: true,
		});
	});
});
