/**
 * An emergency while the business is closed, in a real n8n: the dispatch goes out at once,
 * then a person on the on-call ladder must acknowledge it. The first does not (their time,
 * shortened here, runs out); the second opens the link from the text in Chromium and
 * acknowledges. Every turn and the acknowledgement are on the case.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { caseEvents, caseIdOf, getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(240_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const FIRST = '+12125550191';
const SECOND = '+12125550192';
/** Each person's time to acknowledge, shortened from minutes to seconds (n8n looks for waits run out once a minute). */
const ACK_S = 5;
const N8N_WAIT_POLL_MS = 60_000;
/** Open one hour on a day that is not today: whenever the test runs, the business is closed. */
const zone = 'America/New_York';
const otherDay = DateTime.now().setZone(zone).plus({ days: 3 }).toFormat('ccc').toLowerCase();

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	env = await startBookingEnv({
		only: ['booking-emergency.json', 'support-customer-links.json'],
		settings: {
			on_call_ladder: `First Dispatcher ${FIRST}; Second Dispatcher +1 (212) 555-0192`,
			dispatch_ack_minutes: '10',
		},
		tableRows: {
			hours: [{ day: otherDay, opens: '08:00', closes: '09:00' }],
			crews: [
				{
					crew_id: 'on-call',
					name: 'On-call crew',
					phone: '+12125550177',
					email: '',
					skills: 'cleaning, restoration',
					on_call: true,
					working_days: '',
					service_area: '',
					time_off: '',
					active: true,
				},
			],
		},
		customize(file, workflow) {
			if (file !== 'support-on-call-dispatcher.json') return;
			for (const node of workflow.nodes)
				if (node.type === 'n8n-nodes-base.wait')
					Object.assign(node.parameters, { resumeUnit: 'seconds', resumeAmount: ACK_S });
		},
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	await env.n8n.waitForWebhook('emergency', { probeBody: {} });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu'],
	});
});

afterAll(async () => {
	await browser?.close();
	await store?.close();
	await env?.stop();
});

const textsTo = (phone: string) =>
	env.twilio.messages.filter((m: { form: Record<string, string> }) => m.form.To === phone);

it('after hours: the first on the ladder does not acknowledge in time, the second does, on the page the text links to', async () => {
	const request = {
		request_id: 'dispatch-e2e-1',
		channel: 'sms',
		message: 'Sewage is coming up through the basement floor drain and it keeps rising',
		customer: {
			name: 'Lena Night',
			phone: '+12125550166',
			address: '9 Late Ave, New York, NY 10001',
		},
	};
	const answer = await env.post('emergency', request);
	expect(answer.status).toBe(200);
	expect(answer.body.status).toBe('dispatched');
	expect(answer.body.booking).toMatchObject({ after_hours: true });
	expect((await store.getBooking(answer.body.booking.booking_id))!.crew_id).toBe('on-call');
	// The crew is dispatched at once; the ladder does not hold the answer up.
	expect(textsTo('+12125550177')).toHaveLength(1);

	const [first] = await eventually(
		async () => textsTo(FIRST),
		(list) => list.length > 0,
	);
	expect(first.form.Body).toMatch(
		/EMERGENCY at 9 Late Ave.*Acknowledge within 10 min: http\S+\/webhook\/link\?t=lk_/,
	);
	// Their time runs out: the second person is asked, with a link of their own.
	const [second] = await eventually(
		async () => textsTo(SECOND),
		(list) => list.length > 0,
		ACK_S * 1000 + N8N_WAIT_POLL_MS + 20_000,
	);
	const url = /(http\S+\/webhook\/link\?t=\S+)/.exec(second.form.Body)![1];
	expect(first.form.Body).not.toContain(url);

	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		const opened = await page.goto(url);
		expect(opened?.status()).toBe(200);
		const text = await page.locator('body').innerText();
		expect(text).toMatch(/Emergency: acknowledge, Second Dispatcher/);
		expect(text).toMatch(/9 Late Ave/);
		expect(text).toMatch(/On-call crew, arriving by/);
		await page.getByLabel('Your name').fill('Second Dispatcher');
		await page.screenshot({ path: path.join(SHOTS, 'dispatch-ack.png'), fullPage: true });
		const [sent] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'I have it: acknowledge' }).click(),
		]);
		expect(sent?.status()).toBe(200);
		expect(await page.locator('body').innerText()).toMatch(/Acknowledged/);
	} finally {
		await page.close();
	}

	const caseId = caseIdOf({ idempotency_key: request.request_id });
	const events = await eventually(
		() => caseEvents(store, caseId),
		(list) => list.some((e) => e.kind === 'decided'),
	);
	expect(events.filter((e) => e.kind === 'asked').map((e) => e.data?.to)).toEqual([
		'First Dispatcher',
		'Second Dispatcher',
	]);
	expect(events.find((e) => e.kind === 'decided')?.data).toMatchObject({
		kind: 'dispatch_ack',
		outcome: 'acknowledged',
		decided_by: 'Second Dispatcher',
	});
	// Acknowledged: nobody else is asked and ops get no "nobody acknowledged" e-mail; the case stays booked.
	expect((await getCase(store, caseId))?.status).toBe('booked');
	expect(
		env.smtp.messages.filter((m: { subject?: string }) =>
			/Nobody on the on-call ladder/.test(m.subject ?? ''),
		),
	).toHaveLength(0);
});

it('no crew in time: the ladder is asked to find one; nobody acknowledges, so ops are e-mailed, once', async () => {
	// The one crew took the first emergency: this one finds nobody within its deadline.
	const request = {
		request_id: 'dispatch-e2e-2',
		channel: 'sms',
		message: 'Water is pouring through the kitchen ceiling from the flat upstairs',
		customer: {
			name: 'Omar Late',
			phone: '+12125550167',
			address: '11 Late Ave, New York, NY 10001',
		},
	};
	const answer = await env.post('emergency', request);
	expect(answer.status).toBe(200);
	expect(answer.body.status).toBe('dispatcher_will_call');
	const noCrew = (phone: string) =>
		textsTo(phone).filter((m: { form: Record<string, string> }) => /NO CREW/.test(m.form.Body));
	const [first] = await eventually(
		async () => noCrew(FIRST),
		(list) => list.length > 0,
	);
	expect(first.form.Body).toMatch(
		/EMERGENCY at 11 Late Ave, New York, NY 10001, NO CREW free in time: find one and call \+12125550167\. Acknowledge within 10 min: http\S+\/webhook\/link\?t=lk_/,
	);
	// The page says what is asked: no crew, find one.
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(/(http\S+\/webhook\/link\?t=\S+)/.exec(first.form.Body)![1]);
		expect(await page.locator('body').innerText()).toMatch(
			/No crew was free within the response deadline: find one and call the customer \(\+12125550167\)/,
		);
	} finally {
		await page.close();
	}
	// Nobody presses it: the second is asked, then ops get the case by e-mail.
	await eventually(
		async () => noCrew(SECOND),
		(list) => list.length > 0,
		ACK_S * 1000 + N8N_WAIT_POLL_MS + 20_000,
	);
	const nobody = await env.smtp.waitFor(
		'ops@brightclean.example',
		ACK_S * 1000 + N8N_WAIT_POLL_MS + 30_000,
		(m: { subject?: string }) => /Nobody on the on-call ladder acknowledged/.test(m.subject ?? ''),
	);
	expect(nobody.subject).toMatch(/^\[Human queue\] Omar Late: /);
	expect(nobody.text).toMatch(/2 asked, 10 minutes each\): call the customer and the crew/);
	const caseId = caseIdOf({ idempotency_key: request.request_id });
	const events = await caseEvents(store, caseId);
	expect(events.filter((e) => e.kind === 'asked').map((e) => e.data?.to)).toEqual([
		'First Dispatcher',
		'Second Dispatcher',
	]);
	expect(events.some((e) => e.kind === 'decided')).toBe(false);
	// Once: nobody is asked a third time, and one e-mail.
	await new Promise((resolve) => setTimeout(resolve, 5_000));
	expect(noCrew(FIRST)).toHaveLength(1);
	expect(
		env.smtp.messages.filter((m: { subject?: string }) =>
			/Nobody on the on-call ladder/.test(m.subject ?? ''),
		),
	).toHaveLength(1);
}, 300_000);
