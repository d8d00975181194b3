/**
 * Payments from Stripe in a real n8n: the Payments workflow as shipped, Stripe's events posted
 * to /webhook/stripe exactly as Stripe posts them (its JSON body, signed in Stripe-Signature
 * with the endpoint's secret). A payment marks the invoice paid; the same event delivered again
 * changes nothing; a forged, altered or stale event is answered 400 and changes nothing; an
 * event about no invoice of ours reaches ops.
 */
import path from 'node:path';

import { startBookingEnv } from '../../dev/booking-env';
import { price, recordCaseStep, schedule } from '../../nodes/api';
import { getInvoice, invoiceVisit } from '../../nodes/shared/records/invoices';
import { stripeSignatureHeader } from '../../nodes/shared/records/payments';
import { SqliteBookingStore } from '../../nodes/shared/store';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;

beforeAll(async () => {
	env = await startBookingEnv({ only: ['support-payments.json'] });
	await env.n8n.waitForWebhook('stripe', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
});

afterAll(async () => {
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
