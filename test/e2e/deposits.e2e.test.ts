/**
 * Deposits in a real n8n: the emergency's call-out fee and a service's deposit: Emergency Dispatch, Call-Out Fee and Payments as
 * shipped, Stripe's fake and Twilio's. With a fee set, the crew is booked but not sent: the
 * customer gets Stripe's page by text (opened in Chromium as delivered) and pays there; Stripe's
 * signed event resumes the waiting flow and the crew is texted the dispatch, after the payment.
 * Not paid in time, the crew's time is released and ops call; a fee paid after that is refunded
 * in full (Stripe's refund, its event on the ledger) and ops call.
 * After hours the crew is sent at once, unless the business asks the fee after hours too. A
 * service that takes a deposit (Simple Booking) is held until it is paid, then confirmed; the
 * customer cancels on their page (Chromium) and the deposit comes back under the policy: to the
 * card (Stripe's refund and its event on the ledger) or, with refund_as_credit, as credit; ops
 * give a credit on the Customers form. A commercial agreement for such a service is signed in
 * Chromium and its visits stay held until its deposit is paid, then the welcome goes out.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
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
			'booking-commercial-sales.json',
			'support-agreement-signing.json',
			'support-customer-links.json',
			'ops-customers.json',
		],
		// A $150 call-out fee; open all day, so "after hours" is the test's own choice below.
		settings: {
			callout_fee: '150',
			callout_fee_minutes: '20',
			// Post-construction cleans and office contracts are booked once a quarter of the quote (a month) is paid.
			deposit_services: 'post_construction, commercial_cleaning',
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
	// The visit is called off so the next emergencies find a crew whatever the hour: in the
	// evening a regular crew cannot finish a 4-hour visit before closing, so this one took the
	// on-call crew.
	await schedule(
		{ operation: 'cancel', booking_id: answer.body.booking.booking_id, reason: 'test' },
		{ store },
	);
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
	// Closed all week but one minute three days from now: every hour near now is after hours.
	// (An empty hours table is not "closed": the default hours apply, Mon-Fri 8:00-18:00.)
	const setHours = async (rows: Array<{ day: string; opens: string; closes: string }>) => {
		for (const row of ALL_DAY)
			await env.n8n.deleteDataTableRows(env.tables.hours.id, { day: row.day });
		await env.n8n.insertDataTableRows(env.tables.hours.id, rows);
	};
	const otherDay = DateTime.now().plus({ days: 3 }).setLocale('en').toFormat('ccc').toLowerCase();
	await setHours([{ day: otherDay, opens: '03:00', closes: '03:01' }]);
	try {
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
	} finally {
		// The tests after this one book in opening hours.
		await setHours(ALL_DAY);
		await setting('callout_fee_after_hours', 'no');
	}
});

/** What the last runs of a workflow did, for a failure's message: status, last node, error, nodes run. */
async function whatRan(file: string, show?: string) {
	const runs = await env.n8n.executions(env.workflows[file].id, { limit: 5 });
	return JSON.stringify(
		runs.map(
			(r: {
				status: string;
				data?: {
					resultData?: {
						lastNodeExecuted?: string;
						error?: { message?: string };
						runData?: Record<string, Array<{ error?: { message?: string } }>>;
					};
				};
			}) => ({
				status: r.status,
				last: r.data?.resultData?.lastNodeExecuted,
				error: r.data?.resultData?.error?.message,
				nodes: Object.entries(r.data?.resultData?.runData ?? {}).map(
					([name, runs]) => name + (runs[0]?.error ? ` (${runs[0].error.message})` : ''),
				),
				// One node's output, when asked for.
				shown: show
					? (
							r.data?.resultData?.runData?.[show] as unknown as
								Array<{ data?: { main?: unknown[][] } }> | undefined
						)?.[0]?.data?.main?.flat()
					: undefined,
			}),
		),
	);
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const mailsTo = (to: string, subject: RegExp) =>
	env.smtp.to(to).filter((m: { subject?: string }) => subject.test(m.subject ?? ''));

/** Stripe's page opened as the message carried it, paid with a card that goes through. */
async function payDepositPage(url: string, cents: number) {
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		expect((await page.goto(url))?.status()).toBe(200);
		expect(await page.locator('h1').innerText()).toBe(`Pay ${(cents / 100).toFixed(2)} USD`);
		await page.getByLabel('Card number').fill('4242 4242 4242 4242');
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: /^Pay / }).click(),
		]);
	} finally {
		await page.close();
	}
}

/**
 * A post-construction clean booked through Simple Booking: held until its deposit (a quarter of
 * the quote) is paid on the page e-mailed, then confirmed. Gives the visit, the deposit, the
 * confirmation and its change link.
 */
async function postConstructionPaid(customer: {
	name: string;
	email: string;
	phone: string;
	address: string;
}) {
	const answer = await env.post('booking', {
		request_id: `deposit-e2e-${customer.phone}-${Date.now()}`,
		channel: 'web',
		message:
			'Post-construction clean please: the renovation of our 2 bedroom 1 bath apartment is done, drywall dust everywhere.',
		// Five days ahead: well before the notice the customer's own link needs to cancel.
		preference: `${DateTime.now().setZone('America/New_York').plus({ days: 5 }).toFormat('LLLL d')} morning`,
		customer,
	});
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({
		status: 'awaiting_deposit',
		booking: { status: 'confirmed' },
	});
	const deposit = Math.round((answer.body.quote.total_cents as number) * 0.25);
	const asked = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/^Pay the deposit to confirm your post construction on /.test(m.subject ?? ''),
	);
	expect(asked.text).toContain(
		`To confirm, pay the ${money(deposit)} deposit (it counts toward your bill):`,
	);
	// No confirmation before it is paid.
	expect(mailsTo(customer.email, /is booked/)).toEqual([]);
	await payDepositPage(/(http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+)/.exec(asked.text)![1], deposit);
	const confirmed = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/^Your post construction is booked for /.test(m.subject ?? ''),
	);
	const bookingId = answer.body.booking.booking_id as string;
	const [invoice] = await store.read(
		'SELECT id, invoice_number, status, total_cents FROM invoices WHERE deposit_for = $1',
		[bookingId],
	);
	return { bookingId, deposit, confirmed, invoice };
}

/** The customer cancels on their visit's page, opened from the confirmation as delivered. */
async function cancelOnTheirPage(confirmationText: string) {
	const line = confirmationText.split(/\n/).find((l) => l.includes('To move or cancel it'))!;
	const url = /(http\S+\/webhook\/link\?t=[\w.-]+)/.exec(line)![1];
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		expect((await page.goto(url))?.status()).toBe(200);
		await page.getByLabel('Cancel the visit').check();
		const [sent] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(sent?.status()).toBe(200);
		expect(await page.locator('body').innerText()).toMatch(/we have your request/);
	} finally {
		await page.close();
	}
}

it('a post-construction clean is held until its deposit is paid on the page e-mailed, then confirmed with its invite; cancelled with notice, the deposit is refunded to the card and the customer told', async () => {
	const customer = {
		name: 'Lena Park',
		email: 'lena.park@example.com',
		phone: '+12125550165',
		address: '77 Hudson St, New York, NY 10013',
	};
	const { bookingId, deposit, confirmed, invoice } = await postConstructionPaid(customer);
	// Paid: the confirmation, with the calendar invite and the visit's own link.
	expect(
		confirmed.attachments.some((a: { contentType?: string }) =>
			/text\/calendar/.test(a.contentType ?? ''),
		),
	).toBe(true);
	expect(confirmed.text).toMatch(/\/webhook\/link\?t=/);
	expect({ status: invoice.status, total_cents: Number(invoice.total_cents) }).toEqual({
		status: 'paid',
		total_cents: deposit,
	});

	// Days before the visit she cancels on her page: under the policy it all comes back.
	await cancelOnTheirPage(confirmed.text);
	await env.smtp
		.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/^Cancelled: /.test(m.subject ?? ''),
		)
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}; Customer Links: ${await whatRan('support-customer-links.json')}; Customer Changes: ${await whatRan('support-customer-changes.json')}`,
			);
		});
	const back = await env.smtp
		.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/deposit is refunded to your card$/.test(m.subject ?? ''),
		)
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}; Customer Changes: ${await whatRan('support-customer-changes.json')}; Deposit Back: ${await whatRan('support-deposit-back.json')}`,
			);
		});
	expect(back.subject).toBe(`Your ${money(deposit)} deposit is refunded to your card`);
	expect(back.text).toContain(
		`the ${money(deposit)} deposit you paid comes back to you: we have refunded it to your card`,
	);
	const [text] = await eventually(
		async () =>
			textsTo(customer.phone).filter((m: { form: Record<string, string> }) =>
				m.form.Body.includes('refunded to your card'),
			),
		(list) => list.length > 0,
	);
	expect(text.form.Body).toMatch(
		new RegExp(`^Bright Clean Co\\.: your \\${money(deposit)} deposit is refunded to your card\\.`),
	);
	// Stripe was asked once, for all of it, with the deposit's key; its event put it on the ledger.
	const refunds = env.stripe.requests.filter(
		(r: { path: string; idempotencyKey?: string }) =>
			r.path === '/v1/refunds' && r.idempotencyKey === `refund-${invoice.id}`,
	);
	expect(refunds).toHaveLength(1);
	expect(refunds[0]).toMatchObject({ status: 200, params: { amount: String(deposit) } });
	const ledger = await eventually(
		async () =>
			await store.read(
				'SELECT kind, amount_cents FROM payments WHERE invoice_id = $1 ORDER BY created_at_ms',
				[String(invoice.id)],
			),
		(rows) => rows.some((r) => r.kind === 'refund'),
	);
	expect(ledger.map((r) => [r.kind, Number(r.amount_cents)])).toEqual([
		['payment', deposit],
		['refund', deposit],
	]);
	expect((await store.getBooking(bookingId))?.cancel_reason).toBe('cancelled by customer');
});

it('with refund_as_credit the deposit of a cancelled visit becomes credit, once; ops give a credit on the Customers form, whose page lists both (their use by the next invoice: credits.test.ts)', async () => {
	const customer = {
		name: 'Omar Haddad',
		email: 'omar.haddad@example.com',
		phone: '+12125550166',
		address: '15 Vestry St, New York, NY 10013',
	};
	await setting('refund_as_credit', 'yes');
	try {
		const { bookingId, deposit, confirmed, invoice } = await postConstructionPaid(customer);
		await cancelOnTheirPage(confirmed.text);
		const back = await env.smtp
			.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
				/deposit is credited to your next invoice$/.test(m.subject ?? ''),
			)
			.catch(async (error: Error) => {
				throw new Error(
					`${error.message}; Deposit Back: ${await whatRan('support-deposit-back.json', 'What Goes Back?')}`,
				);
			});
		expect(back.text).toContain('it is a credit on your account, taken off your next invoice.');
		// No money moved on Stripe for it: the credit is on the books.
		expect(
			env.stripe.requests.filter(
				(r: { path: string; idempotencyKey?: string }) =>
					r.path === '/v1/refunds' && r.idempotencyKey === `refund-${invoice.id}`,
			),
		).toEqual([]);
		const [kase] = await store.read(
			"SELECT customer_id FROM cases WHERE booking_ids LIKE '%' || $1 || '%'",
			[bookingId],
		);
		const credits = async () =>
			await store.read(
				'SELECT amount_cents, remaining_cents, source, reason FROM credits WHERE customer_id = $1 ORDER BY created_at_ms',
				[String(kase.customer_id)],
			);
		expect((await credits()).map((c) => [Number(c.amount_cents), c.source])).toEqual([
			[deposit, `deposit:${invoice.id}`],
		]);

		// Ops give $40 for a late crew, on the Customers form in Chromium.
		const context = await browser.newContext({
			httpCredentials: { username: env.board.user, password: env.board.password },
		});
		const page = await context.newPage();
		try {
			expect((await page.goto(`${env.n8n.baseUrl}/form/customer`))?.status()).toBe(200);
			await page.getByLabel('Customer').fill(customer.email);
			await page.getByLabel('What to do').selectOption('Give a credit');
			await page.getByLabel('Credit (dollars)').fill('40');
			await page.getByLabel('Reason for the credit').fill('Crew arrived two hours late');
			await page.getByRole('button', { name: 'Go' }).click();
			await page
				.getByRole('button', { name: 'Go' })
				.waitFor({ state: 'detached', timeout: 60_000 });
			await page.waitForLoadState('networkidle');
			const shown = await page.locator('body').innerText();
			expect(shown).toContain(
				`Credit to use: ${(deposit / 100).toFixed(2)} USD (Deposit ${invoice.invoice_number} for a cancelled visit); 40.00 USD (Crew arrived two hours late).`,
			);
			// A credit with no amount: the page says what to fix, nothing is given.
			await page.goto(`${env.n8n.baseUrl}/form/customer`);
			await page.getByLabel('Customer').fill(customer.email);
			await page.getByLabel('What to do').selectOption('Give a credit');
			await page.getByLabel('Reason for the credit').fill('No amount typed');
			await page.getByRole('button', { name: 'Go' }).click();
			await page
				.getByRole('button', { name: 'Go' })
				.waitFor({ state: 'detached', timeout: 60_000 });
			await page.waitForLoadState('networkidle');
			expect(await page.locator('body').innerText()).toMatch(/amount_cents.*the credit in cents/);
		} finally {
			await context.close();
		}
		expect((await credits()).map((c) => Number(c.amount_cents))).toEqual([deposit, 4000]);
	} finally {
		await setting('refund_as_credit', 'no');
	}
});

it('a commercial agreement in deposit_services: signed in Chromium, its visits stay held until the deposit is paid on the page e-mailed, then confirmed and the welcome sent', async () => {
	const customer = {
		name: 'Priya Nair',
		email: 'priya@nairlaw.example',
		phone: '+12125550167',
		address: '300 Park Ave S, New York, NY 10010',
	};
	const first = await env.post('commercial-inquiry', {
		request_id: `deposit-e2e-commercial-${Date.now()}`,
		message: 'Weekly cleaning of our 3,000 sq ft law office. I am the office manager and can sign.',
		customer,
	});
	expect(first.body.status).toBe('quote_sent');
	const quoteMail = await env.smtp.waitFor(customer.email, 60_000);
	const page = await browser.newPage({ viewport: { width: 420, height: 860 } });
	try {
		// The quote's page: accept.
		const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(quoteMail.text))![1];
		expect((await page.goto(replyUrl))?.status()).toBe(200);
		await page
			.locator('label.choice')
			.filter({ hasText: 'Accept the quote' })
			.locator('input')
			.check();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(await page.locator('body').innerText()).toMatch(/we have your answer/);
		// The agreement: read, name typed, ticked, signed.
		const agreementMail = await env.smtp.waitFor(
			customer.email,
			60_000,
			(m: { subject?: string }) => /sign/i.test(m.subject ?? ''),
		);
		const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(
			String(agreementMail.text),
		)![1];
		expect((await page.goto(signingUrl))?.status()).toBe(200);
		await page.getByLabel('Your full name').fill('Priya Nair');
		await page.getByLabel('I have read the agreement and accept it.').check();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Sign' }).click(),
		]);
		expect(await page.locator('body').innerText()).toMatch(/Your agreement is signed/);
	} finally {
		await page.close();
	}
	// Signed, but a deposit comes first: the visits stay held, the deposit's page goes out.
	const asked = await env.smtp
		.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/^Pay the deposit to confirm your commercial cleaning visits from /.test(m.subject ?? ''),
		)
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}; got ${JSON.stringify(env.smtp.to(customer.email).map((m: { subject?: string }) => m.subject))}; Signing: ${await whatRan('support-agreement-signing.json')}; Commercial Sales: ${await whatRan('booking-commercial-sales.json')}; Onboarding: ${await whatRan('support-onboarding.json')}; Booking Deposit: ${await whatRan('support-booking-deposit.json')}`,
			);
		});
	expect(asked.text).toMatch(
		/Your commercial cleaning visits on [A-Z][a-z]+days at \d+:\d\d [AP]M are held for you, the first on .+\. To confirm, pay the \$[\d,.]+ deposit/,
	);
	const visits = (await store.listBookings({ statuses: ['held', 'confirmed'] }, Date.now())).filter(
		(b) => (b.customer as { email?: string } | null)?.email === customer.email,
	);
	expect(visits.length).toBeGreaterThan(40);
	expect(new Set(visits.map((v) => v.status))).toEqual(new Set(['held']));
	// Held at least until an hour past the deposit's deadline (a day), whatever the signing link left.
	for (const v of visits) expect(v.hold_expires_ms!).toBeGreaterThan(Date.now() + 24 * 3_600_000);
	const firstVisit = visits.sort((a, b) => a.start_ms - b.start_ms)[0];
	const [deposit] = await store.read(
		'SELECT id, total_cents, status FROM invoices WHERE deposit_for = $1',
		[firstVisit.id],
	);
	expect(deposit.status).toBe('open');
	expect(asked.text).toContain(`pay the ${money(Number(deposit.total_cents))} deposit`);
	// No welcome before it is paid.
	expect(mailsTo(customer.email, /is booked/)).toEqual([]);
	await payDepositPage(
		/(http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_\w+)/.exec(asked.text)![1],
		Number(deposit.total_cents),
	);
	// Paid: the visits confirmed, then the welcome with the calendar series.
	const welcome = await env.smtp.waitFor(customer.email, 90_000, (m: { subject?: string }) =>
		/is booked/.test(m.subject ?? ''),
	);
	expect(
		welcome.attachments.some((a: { contentType?: string }) =>
			/text\/calendar/.test(a.contentType ?? ''),
		),
	).toBe(true);
	const after = await store.listBookings(
		{ seriesId: firstVisit.series_id!, statuses: ['held', 'confirmed'] },
		Date.now(),
	);
	expect(new Set(after.map((v) => v.status))).toEqual(new Set(['confirmed']));
	expect(after).toHaveLength(visits.length);
});
