/**
 * Deposits in a real n8n: the emergency's call-out fee and a service's deposit: Emergency Dispatch, Call-Out Fee and Payments as
 * shipped, Stripe's fake and Twilio's. With a fee set, the crew is booked but not sent: the
 * customer gets Stripe's page by text (opened in Chromium as delivered) and pays there; Stripe's
 * signed event resumes the waiting flow and the crew is texted the dispatch, after the payment.
 * Not paid in time, the crew's time is released and ops call; a fee paid after that is refunded
 * in full (Stripe's refund, its event on the ledger) and ops call.
 * After hours the crew is sent at once, unless the business asks the fee after hours too. A
 * service that takes a deposit (Simple Booking) is held until it is paid, then confirmed.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { schedule } from '../../nodes/api';
import { getCase, caseIdOf } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(600_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CREW_LINE = '+12125550199';
const ALL_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({
	day,
	opens: '00:00',
	closes: '23:59',
}));

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	env = await startBookingEnv({
		only: [
			'booking-emergency.json',
			'support-callout-fee.json',
			'support-payments.json',
			'booking-simple.json',
			'support-booking-deposit.json',
		],
		// A $150 call-out fee; open all day, so "after hours" is the test's own choice below.
		settings: {
			callout_fee: '150',
			callout_fee_minutes: '20',
			// Post-construction cleans are booked once a quarter of the quote is paid.
			deposit_services: 'post_construction',
			deposit_pct: '25',
			deposit_hours: '24',
			quiet_hours_start: '00:00',
			quiet_hours_end: '00:00',
		},
		tableRows: { hours: ALL_DAY },
	});
	await env.n8n.waitForWebhook('stripe', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
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

const setting = async (name: string, value: string) =>
	await env.n8n.updateDataTableRows(env.tables.business.id, { setting: name }, { value });

let n = 0;
function emergency(name: string, phone: string) {
	n += 1;
	return {
		request_id: `fee-e2e-${n}-${Date.now()}`,
		channel: 'sms',
		message:
			'Water is pouring through the kitchen ceiling from the flat upstairs, it will not stop',
		customer: {
			name,
			phone,
			email: `${name.split(' ')[0].toLowerCase()}@example.com`,
			address: `${10 + n} Pine St, New York, NY 10001`,
		},
	};
}

const textsTo = (phone: string) =>
	env.twilio.messages.filter((m: { form: Record<string, string> }) => m.form.To === phone);
const crewTextsAbout = (address: string) =>
	env.twilio.messages.filter(
		(m: { form: Record<string, string> }) =>
			m.form.To === CREW_LINE && m.form.Body.includes(address),
	);

async function payOnStripe(url: string) {
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		expect((await page.goto(url))?.status()).toBe(200);
		expect(await page.locator('h1').innerText()).toBe('Pay 150.00 USD');
		await page.getByLabel('Card number').fill('4242 4242 4242 4242');
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: /^Pay / }).click(),
		]);
		return await page.locator('body').innerText();
	} finally {
		await page.close();
	}
}

it('the crew is booked but sent only once the call-out fee is paid on the page the customer was texted', async () => {
	const body = emergency('Rosa Diaz', '+12125550161');
	const answer = await env.post('emergency', body);
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({
		status: 'awaiting_callout_fee',
		booking: { status: 'confirmed' },
	});
	expect(answer.body.message).toContain('pay the call-out fee on the link we texted you');
	// The customer's text: the crew is ready, the fee, Stripe's page, the first safety step.
	const [text] = await eventually(
		async () => textsTo(body.customer.phone),
		(list) => list.length > 0,
	);
	expect(text.form.Body).toMatch(
		/^Bright Clean Co\.: a crew can be with you by .+\. To send them, pay the \$150\.00 call-out fee: http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+ /,
	);
	const payUrl = /(http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+)/.exec(text.form.Body)![1];
	// Nothing goes to the crew before the fee is paid.
	await new Promise((r) => setTimeout(r, 3000));
	expect(crewTextsAbout(body.customer.address.split(',')[0])).toEqual([]);
	const caseId = caseIdOf({ idempotency_key: body.request_id });
	expect((await getCase(store, caseId))?.dispatched_at_ms ?? null).toBeNull();
	// She pays on Stripe's page, opened from the text as delivered.
	expect(await payOnStripe(payUrl)).toContain('Your payment for invoice');
	// Stripe's event resumes the waiting flow: the crew gets the dispatch, the customer that it is on the way.
	const crew = await eventually(
		async () => crewTextsAbout(body.customer.address.split(',')[0]),
		(list) => list.length > 0,
		60_000,
	);
	expect(crew[0].form.Body).toMatch(/^EMERGENCY .* at 1\d Pine St/);
	const onTheWay = await eventually(
		async () => textsTo(body.customer.phone),
		(list) => list.length > 1,
	);
	expect(onTheWay[1].form.Body).toContain('emergency crew on the way');
	const [fee] = await store.read(
		'SELECT status, total_cents, deposit_for FROM invoices WHERE deposit_for = $1',
		[answer.body.booking.booking_id],
	);
	expect({ ...fee, total_cents: Number(fee.total_cents) }).toEqual({
		status: 'paid',
		total_cents: 15000,
		deposit_for: answer.body.booking.booking_id,
	});
	const record = await eventually(
		async () => await getCase(store, caseId),
		(c) => !!c?.dispatched_at_ms,
	);
	expect(record!.dispatched_at_ms).toBeGreaterThan(record!.received_at_ms);
});

it('not paid in time: the crew is released and ops call; a fee paid after that is refunded in full and ops call', async () => {
	await setting('callout_fee_minutes', '0.1');
	try {
		const body = emergency('Sam Lee', '+12125550162');
		const answer = await env.post('emergency', body);
		expect(answer.body.status).toBe('awaiting_callout_fee');
		const bookingId = answer.body.booking.booking_id as string;
		const released = await eventually(
			async () => await store.getBooking(bookingId),
			(b) => b?.status === 'cancelled',
			90_000,
		);
		expect(released).toMatchObject({ status: 'cancelled', cancel_reason: 'call-out fee not paid' });
		const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { text?: string }) =>
			String(m.text).includes('did not pay the 150.00 call-out fee'),
		);
		expect(ops.text).toContain('Call the customer now');
		expect(crewTextsAbout(body.customer.address.split(',')[0])).toEqual([]);
		// He pays after all: the flow is gone, ops are told to send a crew or refund.
		const payUrl = /(http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+)/.exec(
			textsTo(body.customer.phone)[0].form.Body,
		)![1];
		await payOnStripe(payUrl);
		const late = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { text?: string }) =>
			String(m.text).includes('was paid after the wait for it had ended'),
		);
		expect(late.text).toContain(
			'It was refunded in full (It was paid after the visit had been released for want of it: refunded in full.). Call the customer now.',
		);
		// Stripe was asked once, with the deposit's key, for all of it; its event records the refund.
		const refunds = env.stripe.requests.filter((r: { path: string }) => r.path === '/v1/refunds');
		expect(refunds).toHaveLength(1);
		const [fee] = await store.read('SELECT id, total_cents FROM invoices WHERE deposit_for = $1', [
			bookingId,
		]);
		expect(refunds[0]).toMatchObject({
			status: 200,
			idempotencyKey: `refund-${fee.id}`,
			params: {
				amount: '15000',
				reason: 'requested_by_customer',
				metadata: { invoice_id: fee.id },
			},
		});
		const refunded = await eventually(
			async () =>
				await store.read(
					'SELECT kind, amount_cents FROM payments WHERE invoice_id = $1 ORDER BY created_at_ms',
					[String(fee.id)],
				),
			(rows) => rows.some((r) => r.kind === 'refund'),
		);
		expect(refunded.map((r) => [r.kind, Number(r.amount_cents)])).toEqual([
			['payment', 15000],
			['refund', 15000],
		]);
	} finally {
		await setting('callout_fee_minutes', '20');
	}
});

it('after hours the crew is sent at once, unless the business asks the fee after hours too', async () => {
	// Closed all week: every hour is after hours.
	for (const row of ALL_DAY)
		await env.n8n.deleteDataTableRows(env.tables.hours.id, { day: row.day });
	const first = emergency('Ana Ruiz', '+12125550163');
	const dispatched = await env.post('emergency', first);
	expect(dispatched.body.status).toBe('dispatched');
	const crew = await eventually(
		async () => crewTextsAbout(first.customer.address.split(',')[0]),
		(list) => list.length > 0,
	);
	expect(crew[0].form.Body).toMatch(/^EMERGENCY/);
	expect(
		await store.read('SELECT id FROM invoices WHERE deposit_for = $1', [
			dispatched.body.booking.booking_id,
		]),
	).toEqual([]);
	// That crew is busy now; the visit is called off so the next emergency finds it free.
	await schedule(
		{ operation: 'cancel', booking_id: dispatched.body.booking.booking_id, reason: 'test' },
		{ store },
	);
	await setting('callout_fee_after_hours', 'yes');
	const second = emergency('Ben Okafor', '+12125550164');
	const asked = await env.post('emergency', second);
	expect(asked.body.status).toBe('awaiting_callout_fee');
	await eventually(
		async () => textsTo(second.customer.phone),
		(list) => list.length > 0,
	);
	expect(textsTo(second.customer.phone)[0].form.Body).toContain('pay the $150.00 call-out fee');
});

it('a post-construction clean is held until its deposit is paid on the page e-mailed, then confirmed with its invite', async () => {
	const customer = {
		name: 'Lena Park',
		email: 'lena.park@example.com',
		phone: '+12125550165',
		address: '77 Hudson St, New York, NY 10013',
	};
	const answer = await env.post('booking', {
		request_id: `deposit-e2e-${Date.now()}`,
		channel: 'web',
		message:
			'Post-construction clean please: the renovation of our 2 bedroom 1 bath apartment is done, drywall dust everywhere. Next week works.',
		customer,
	});
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({
		status: 'awaiting_deposit',
		booking: { status: 'confirmed' },
	});
	const total = answer.body.quote.total_cents as number;
	const deposit = Math.round(total * 0.25);
	const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
	const asked = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/^Pay the deposit to confirm your post construction/.test(m.subject ?? ''),
	);
	expect(asked.text).toContain(
		`To confirm it, pay the ${money(deposit)} deposit (it counts toward your bill):`,
	);
	const payUrl = /(http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+)/.exec(asked.text)![1];
	// No confirmation before it is paid.
	expect(
		env.smtp
			.to(customer.email)
			.filter((m: { subject?: string }) => /is booked/.test(m.subject ?? '')),
	).toEqual([]);
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(payUrl);
		expect(await page.locator('h1').innerText()).toBe(`Pay ${(deposit / 100).toFixed(2)} USD`);
		await page.getByLabel('Card number').fill('4242 4242 4242 4242');
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: /^Pay / }).click(),
		]);
	} finally {
		await page.close();
	}
	// Paid: the confirmation, with the calendar invite and the visit's own link.
	const confirmed = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/^Your post construction is booked for /.test(m.subject ?? ''),
	);
	expect(
		confirmed.attachments.some((a: { contentType?: string }) =>
			/text\/calendar/.test(a.contentType ?? ''),
		),
	).toBe(true);
	expect(confirmed.text).toMatch(/\/webhook\/link\?t=/);
	const [fee] = await store.read(
		'SELECT status, total_cents FROM invoices WHERE deposit_for = $1',
		[answer.body.booking.booking_id],
	);
	expect({ status: fee.status, total_cents: Number(fee.total_cents) }).toEqual({
		status: 'paid',
		total_cents: deposit,
	});
});
