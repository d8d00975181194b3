/**
 * Payments from Stripe in a real n8n: the Payments workflow as shipped, Stripe's events posted
 * to /webhook/stripe exactly as Stripe posts them (its JSON body, signed in Stripe-Signature
 * with the endpoint's secret). A payment marks the invoice paid; the same event delivered again
 * changes nothing; a forged, altered or stale event is answered 400 and changes nothing; an
 * event about no invoice of ours reaches ops.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { price, recordCaseStep, schedule } from '../../nodes/api';
import { getInvoice, invoiceVisit } from '../../nodes/shared/records/invoices';
import { eventually } from '../support/eventually';
import { stripeSignatureHeader } from '../../nodes/shared/records/payments';
import { SqliteBookingStore } from '../../nodes/shared/store';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CREW_EMAIL = 'crew-a@brightclean.example';
let browser: Browser;

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	env = await startBookingEnv({
		only: [
			'support-payments.json',
			'support-crew-visits.json',
			'support-crew-steps.json',
			'support-customer-links.json',
		],
		// Payment links on; no quiet hours, so messages go out whenever the test runs.
		settings: { payment_links: 'yes', quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		tableRows: {
			crews: [
				{
					crew_id: 'crew-a',
					name: 'Crew A',
					phone: '',
					email: CREW_EMAIL,
					skills: 'cleaning',
					on_call: false,
					working_days: '',
					service_area: '',
					time_off: '',
					active: true,
				},
			],
		},
		customize(file, workflow) {
			if (file === 'support-crew-visits.json')
				for (const node of workflow.nodes)
					if (node.type === 'n8n-nodes-base.scheduleTrigger')
						node.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 4 }] } };
		},
	});
	await env.n8n.waitForWebhook('stripe', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	await store.syncCrews([{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], on_call: false }]);
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

/** What Stripe sends: the event as JSON, signed with `secret` at `at` (seconds). */
async function postEvent(
	event: Record<string, unknown>,
	{
		secret = env.stripeWebhookSecret,
		at = Math.floor(Date.now() / 1000),
		body,
	}: { secret?: string; at?: number; body?: string } = {},
) {
	const raw = JSON.stringify(event, null, 2);
	const response = await fetch(`${env.n8n.baseUrl}/webhook/stripe`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
			'stripe-signature': stripeSignatureHeader(raw, secret, at),
		},
		body: body ?? raw,
	});
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

let n = 0;
const stripeEvent = (type: string, object: Record<string, unknown>) => ({
	id: `evt_1Qe2e${Date.now().toString(36)}${++n}`,
	object: 'event',
	api_version: '2024-06-20',
	created: Math.floor(Date.now() / 1000),
	type,
	livemode: false,
	pending_webhooks: 1,
	request: { id: null, idempotency_key: null },
	data: { object },
});

it('a payment marks the invoice paid once; a replay, a forgery, an altered body and a stale signature change nothing', async () => {
	const now = new Date();
	const start = new Date(now.getTime() - 2 * 86_400_000).toISOString();
	const quote = await price(
		{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
		{ now: new Date(now.getTime() - 5 * 86_400_000) },
	);
	const booking = await schedule(
		{
			operation: 'book',
			job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
			crew_id: 'crew-a',
			start,
			case_id: 'cs_stripe0001',
		},
		{
			store,
			now: new Date(now.getTime() - 5 * 86_400_000),
			calendar: {
				leadTimeMinutes: 0,
				// Open every hour: the visit is two days ago, whatever the day the test runs.
				businessHours: Object.fromEntries(
					(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((d) => [
						d,
						[['00:00', '23:59']] as Array<[string, string]>,
					]),
				) as Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>,
			},
		},
	);
	expect(booking.booking_id).toBeTruthy();
	await recordCaseStep(
		store,
		{
			case: { case_id: 'cs_stripe0001' },
			customer: { name: 'Ana Ruiz', email: 'ana@example.com' },
			quote,
			booking,
		},
		'answered',
		{ workflow: 'test', executionId: '1', executionUrl: null },
		now.getTime(),
	);
	await schedule(
		{ operation: 'progress', booking_id: booking.booking_id, step: 'done' },
		{ store, now },
	);
	const { invoice } = await invoiceVisit(store, { booking_id: booking.booking_id! }, now.getTime());
	const session = {
		id: 'cs_test_a1b2c3',
		object: 'checkout.session',
		amount_total: invoice.total_cents,
		currency: 'usd',
		payment_status: 'paid',
		status: 'complete',
		payment_intent: 'pi_3Qe2e',
		metadata: { invoice_id: invoice.invoice_id },
	};
	const paid = stripeEvent('checkout.session.completed', session);
	expect(await postEvent(paid)).toEqual({
		status: 200,
		body: { received: true, outcome: 'paid', invoice: invoice.invoice_number },
	});
	expect(await getInvoice(store, invoice.invoice_id)).toMatchObject({
		status: 'paid',
		paid_cents: invoice.total_cents,
	});
	// Stripe delivers it again (it had no answer in time): taken before, nothing changes.
	expect((await postEvent(paid)).body).toMatchObject({ received: true, outcome: 'replayed' });
	const refund = stripeEvent('charge.refunded', {
		id: 'ch_3Qe2e',
		object: 'charge',
		amount_refunded: 1000,
		currency: 'usd',
		metadata: { invoice_id: invoice.invoice_id },
	});
	// Signed with another secret, its body altered after signing, or signed ten minutes ago: refused.
	const forged = await postEvent(refund, { secret: 'whsec_not_the_endpoints_secret_0000' });
	expect(forged).toEqual({
		status: 400,
		body: {
			error: {
				field: 'Stripe-Signature',
				message: expect.stringContaining('does not match the body'),
			},
		},
	});
	const altered = await postEvent(refund, {
		body: JSON.stringify(
			{ ...refund, data: { object: { ...refund.data.object, amount_refunded: 100_000 } } },
			null,
			2,
		),
	});
	expect(altered.status).toBe(400);
	const stale = await postEvent(refund, { at: Math.floor(Date.now() / 1000) - 600 });
	expect(stale.body.error.message).toContain('outside the 300 s window');
	expect(await getInvoice(store, invoice.invoice_id)).toMatchObject({
		status: 'paid',
		paid_cents: invoice.total_cents,
	});
	expect(await store.read('SELECT id FROM payment_events WHERE id = $1', [refund.id])).toEqual([]);
	expect((await store.read('SELECT kind FROM payments')).map((r) => r.kind)).toEqual(['payment']);
	// The refund, signed by Stripe: taken.
	expect((await postEvent(refund)).body).toMatchObject({ outcome: 'refunded' });
	expect((await getInvoice(store, invoice.invoice_id))?.paid_cents).toBe(
		invoice.total_cents - 1000,
	);
});

it('an event about no invoice of ours is answered and goes to ops; a body no one signed is answered 400', async () => {
	const stray = stripeEvent('payment_intent.succeeded', {
		id: 'pi_stray',
		object: 'payment_intent',
		amount_received: 5000,
		currency: 'usd',
		metadata: {},
	});
	expect((await postEvent(stray)).body).toMatchObject({ received: true, outcome: 'unmatched' });
	const mail = await env.smtp.waitFor('ops@brightclean.example', 30_000, (m: { text?: string }) =>
		String(m.text).includes(stray.id),
	);
	expect(mail.text).toContain('names no invoice of ours');
	// Not JSON at all: n8n itself refuses it before the workflow runs (422).
	const broken = await fetch(`${env.n8n.baseUrl}/webhook/stripe`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{"hello":',
	});
	expect(broken.status).toBe(422);
	// JSON, but nobody signed it: 400, naming the header.
	const unsigned = await fetch(`${env.n8n.baseUrl}/webhook/stripe`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(stray),
	});
	expect(unsigned.status).toBe(400);
	expect(((await unsigned.json()) as { error: { message: string } }).error.message).toContain(
		'no Stripe-Signature header',
	);
});

async function tap(page: Page, button: string) {
	const [answer] = await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: button, exact: true }).click(),
	]);
	return answer?.status();
}

it("the crew taps Done: the customer gets the invoice (its PDF) with Stripe's payment page, pays there, and the invoice is paid", async () => {
	const now = Date.now();
	const customer = {
		name: 'Rae Holt',
		email: 'rae.holt@example.com',
		address: '5 Hudson St, New York, NY 10013',
	};
	const quote = await price(
		{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
		{ now: new Date(now - 3 * 86_400_000), rateCard: { tax_rate_pct: 8.875 } },
	);
	// A visit booked days ago for a customer who agreed the quote; the crew is there now.
	const visitId = `bk_billed_${now}`;
	await store.write(null, 'book', now, async (tx) => {
		await tx.insertBooking({
			id: visitId,
			crew_id: 'crew-a',
			start_ms: now - 60 * 60_000,
			end_ms: now + 60_000,
			busy_until_ms: now + 31 * 60_000,
			time_zone: 'America/New_York',
			status: 'confirmed',
			hold_expires_ms: null,
			series_id: null,
			service: 'standard_cleaning',
			priority: 5,
			customer,
			details: { case_id: 'cs_billedvisit' },
			cancel_reason: null,
			created_at_ms: now - 3 * 86_400_000,
			updated_at_ms: now - 3 * 86_400_000,
		});
	});
	await recordCaseStep(
		store,
		{
			case: { case_id: 'cs_billedvisit' },
			customer,
			quote,
			booking: { booking_id: visitId, status: 'confirmed' },
		},
		'answered',
		{ workflow: 'test', executionId: '1', executionUrl: null },
		now - 3 * 86_400_000,
	);
	// Stripe is busy when n8n first asks: a 429, then a dropped connection; n8n's retries go on.
	env.stripe.rateLimitNext(1);
	env.stripe.dropNext(1);
	// The crew's page, by e-mail: Started, then Done.
	const crewMail = await env.smtp.waitFor(CREW_EMAIL, 60_000, (m: { text?: string }) =>
		String(m.text).includes('Rae Holt'),
	);
	const crewUrl = /(http\S+\/webhook\/link\?t=[\w.-]+)/.exec(crewMail.text)![1];
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(crewUrl);
		expect(await tap(page, 'Started')).toBe(200);
		expect(await tap(page, 'Done')).toBe(200);
	} finally {
		await page.close();
	}
	// The invoice: its number, what is due, the PDF attached, and Stripe's payment page.
	const mail = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/^Invoice /.test(m.subject ?? ''),
	);
	const [stored] = await store.read(
		'SELECT id, invoice_number, total_cents FROM invoices WHERE booking_id = $1',
		[visitId],
	);
	const due = `$${(Number(stored.total_cents) / 100).toFixed(2)}`;
	expect(mail.subject).toBe(`Invoice ${stored.invoice_number} from Bright Clean Co.: ${due}`);
	expect(mail.text).toContain(`Your invoice ${stored.invoice_number} for the standard cleaning on`);
	const pdf = mail.attachments.find(
		(a: { filename?: string }) => a.filename === `invoice-${stored.invoice_number}.pdf`,
	);
	expect(pdf).toBeTruthy();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-invoice-mail-'));
	try {
		const file = path.join(dir, 'invoice.pdf');
		fs.writeFileSync(file, pdf.content);
		expect(execFileSync('qpdf', ['--check', file]).toString()).toContain(
			'No syntax or stream encoding errors',
		);
		expect(execFileSync('pdftotext', [file, '-']).toString()).toContain(`Total: ${due}`);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	// What n8n asked Stripe: a Checkout Session for what is due, our invoice in its metadata, once.
	const asked = env.stripe.requests.filter(
		(r: { path: string }) => r.path === '/v1/checkout/sessions',
	);
	expect(asked.map((r: { status: number | string }) => r.status)).toEqual([429, 'dropped', 200]);
	// Every try carried the same idempotency key: Stripe makes one session whatever got through.
	expect(new Set(asked.map((r: { idempotencyKey: string }) => r.idempotencyKey)).size).toBe(1);
	expect(asked[2]).toMatchObject({
		status: 200,
		idempotencyKey: `invoice-${stored.id}`,
		params: {
			mode: 'payment',
			customer_email: customer.email,
			metadata: { invoice_id: stored.id },
			line_items: [
				{ quantity: '1', price_data: { currency: 'usd', unit_amount: String(stored.total_cents) } },
			],
		},
	});
	const payUrl = /Pay online: (\S+)/.exec(mail.text)![1];
	// She pays on Stripe's page, opened as the e-mail carried it; a declined card first.
	const pay = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await pay.goto(payUrl);
		expect(await pay.locator('h1').innerText()).toBe(
			`Pay ${(Number(stored.total_cents) / 100).toFixed(2)} USD`,
		);
		await pay.getByLabel('Card number').fill('4000 0000 0000 0002');
		await Promise.all([
			pay.waitForNavigation(),
			pay.getByRole('button', { name: /^Pay / }).click(),
		]);
		expect(await pay.locator('h1').innerText()).toBe('Your card was declined');
		expect((await getInvoice(store, stored.id as string))?.status).toBe('open');
		await pay.getByLabel('Card number').fill('4242 4242 4242 4242');
		await Promise.all([
			pay.waitForNavigation(),
			pay.getByRole('button', { name: /^Pay / }).click(),
		]);
		// Back from Stripe: the business's thank-you page.
		expect(pay.url()).toContain(`/webhook/paid?invoice=${stored.invoice_number}`);
		expect(await pay.locator('body').innerText()).toContain(
			`Your payment for invoice ${stored.invoice_number} is with Stripe`,
		);
	} finally {
		await pay.close();
	}
	expect(
		env.stripe.deliveries.map((d: { event: { type: string }; status: number }) => [
			d.event.type,
			d.status,
		]),
	).toEqual([
		['payment_intent.payment_failed', 200],
		['checkout.session.completed', 200],
	]);
	const paid = await eventually(
		async () => await getInvoice(store, stored.id as string),
		(invoice) => invoice?.status === 'paid',
	);
	expect(paid).toMatchObject({ status: 'paid', paid_cents: Number(stored.total_cents) });
	const attempts = await store.read(
		'SELECT kind, failure FROM payments WHERE invoice_id = $1 ORDER BY created_at_ms',
		[String(stored.id)],
	);
	expect(attempts.map((a) => a.kind)).toEqual(['failed', 'payment']);
	expect(String(attempts[0].failure)).toContain('card_declined');
});

it('a visit with no agreed quote on record (booked before invoices were kept): Done is recorded, nothing is billed, nobody is bothered', async () => {
	const now = Date.now();
	const visitId = `bk_unbilled_${now}`;
	await store.write(null, 'book', now, async (tx) => {
		await tx.insertBooking({
			id: visitId,
			crew_id: 'crew-a',
			start_ms: now + 2 * 60 * 60_000,
			end_ms: now + 3 * 60 * 60_000,
			busy_until_ms: now + 3.5 * 60 * 60_000,
			time_zone: 'America/New_York',
			status: 'confirmed',
			hold_expires_ms: null,
			series_id: null,
			service: 'standard_cleaning',
			priority: 5,
			customer: { name: 'Old Booking', email: 'old.booking@example.com' },
			details: null,
			cancel_reason: null,
			created_at_ms: now - 30 * 86_400_000,
			updated_at_ms: now - 30 * 86_400_000,
		});
	});
	const crewMail = await env.smtp.waitFor(CREW_EMAIL, 60_000, (m: { text?: string }) =>
		String(m.text).includes('Old Booking'),
	);
	const page = await browser.newPage();
	try {
		await page.goto(/(http\S+\/webhook\/link\?t=[\w.-]+)/.exec(crewMail.text)![1]);
		expect(await tap(page, 'Done')).toBe(200);
	} finally {
		await page.close();
	}
	const steps = await env.n8n
		.waitForExecutions(env.workflows['support-crew-steps.json'].id, 'success', {
			count: 2,
		})
		.catch(async (error: Error) => {
			const [last] = await env.n8n.executions(env.workflows['support-crew-steps.json'].id, {
				limit: 1,
			});
			const runData = last?.data?.resultData?.runData ?? {};
			throw new Error(
				`${error.message}: ${JSON.stringify(
					Object.fromEntries(
						Object.entries(runData).map(([name, runs]) => [
							name,
							(runs as Array<{ error?: { message: string; description?: string } }>)[0].error ??
								'ok',
						]),
					),
				)}`,
			);
		});
	expect(steps.length).toBeGreaterThanOrEqual(2);
	expect((await store.getBooking(visitId))?.status).toBe('completed');
	expect(await store.read('SELECT id FROM invoices WHERE booking_id = $1', [visitId])).toEqual([]);
	await new Promise((resolve) => setTimeout(resolve, 2000));
	expect(
		env.smtp
			.to('old.booking@example.com')
			.filter((m: { subject?: string }) => /^Invoice/.test(m.subject ?? '')),
	).toEqual([]);
	expect(
		env.smtp
			.to('ops@brightclean.example')
			.filter((m: { text?: string }) => String(m.text).includes(visitId)),
	).toEqual([]);
});

it('a customer with no e-mail: Stripe is asked without an empty address (it refuses one), and the payment page goes by text', async () => {
	const now = Date.now();
	const customer = {
		name: 'Tom Reyes',
		phone: '+12125550177',
		address: '8 King St, New York, NY 10014',
	};
	const quote = await price(
		{ service_type: 'standard_cleaning', bedrooms: 1, bathrooms: 1 },
		{ now: new Date(now - 86_400_000) },
	);
	const visitId = `bk_textonly_${now}`;
	await store.write(null, 'book', now, async (tx) => {
		await tx.insertBooking({
			id: visitId,
			crew_id: 'crew-a',
			start_ms: now + 5 * 60 * 60_000,
			end_ms: now + 6 * 60 * 60_000,
			busy_until_ms: now + 6.5 * 60 * 60_000,
			time_zone: 'America/New_York',
			status: 'confirmed',
			hold_expires_ms: null,
			series_id: null,
			service: 'standard_cleaning',
			priority: 5,
			customer,
			details: { case_id: 'cs_textonly01' },
			cancel_reason: null,
			created_at_ms: now - 86_400_000,
			updated_at_ms: now - 86_400_000,
		});
	});
	await recordCaseStep(
		store,
		{
			case: { case_id: 'cs_textonly01' },
			customer,
			quote,
			booking: { booking_id: visitId, status: 'confirmed' },
		},
		'answered',
		{ workflow: 'test', executionId: '1', executionUrl: null },
		now - 86_400_000,
	);
	const crewMail = await env.smtp.waitFor(CREW_EMAIL, 60_000, (m: { text?: string }) =>
		String(m.text).includes('Tom Reyes'),
	);
	const page = await browser.newPage();
	try {
		await page.goto(/(http\S+\/webhook\/link\?t=[\w.-]+)/.exec(crewMail.text)![1]);
		expect(await tap(page, 'Done')).toBe(200);
	} finally {
		await page.close();
	}
	const texts = await eventually(
		async () =>
			env.twilio.messages
				.filter((m: { form: Record<string, string> }) => m.form.To === customer.phone)
				.map((m: { form: Record<string, string> }) => m.form.Body as string),
		(list) => list.some((t) => /Pay: http/.test(t)),
	);
	expect(texts.find((t) => /invoice/.test(t))).toMatch(
		/invoice INV-\d{6}, \$[\d.]+, due .*\. Pay: http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_test_/,
	);
	const asked = env.stripe.requests.filter(
		(r: { path: string; params: { metadata?: { customer_name?: string } } | null }) =>
			r.path === '/v1/checkout/sessions' && r.params?.metadata?.customer_name === 'Tom Reyes',
	);
	expect(asked).toHaveLength(1);
	expect(asked[0].status).toBe(200);
	expect(asked[0].params.customer_email).toBeUndefined();
});
