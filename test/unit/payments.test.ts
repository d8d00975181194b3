/**
 * Stripe's webhook events on both stores: the signature is checked as Stripe specifies it
 * (HMAC-SHA256 of "timestamp.body", v1, a five-minute window); a verified event is applied to
 * our invoice once, by its id: a payment marks it paid (or part paid), a refund takes back
 * what was refunded since, a failed attempt is kept; a replay, five deliveries at once, an
 * event about no invoice of ours or in another currency change nothing and say so.
 */
import { price } from '../../nodes/PricingAgent/price';
import { invoiceVisit, getInvoice } from '../../nodes/shared/records/invoices';
import { recordCaseStep } from '../../nodes/shared/records/cases';
import {
	applyStripeEvent,
	stripeSignatureHeader,
	verifyStripeSignature,
} from '../../nodes/shared/records/payments';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const NOW = '2026-11-25T10:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const SECRET = 'whsec_test_0123456789abcdefghijklmnop';
const BY = { workflow: 'test', executionId: '1', executionUrl: null };

let n = 0;
const event = (type: string, object: Record<string, unknown>) => ({
	id: `evt_test${String(++n).padStart(6, '0')}`,
	object: 'event',
	type,
	created: Math.floor(NOW_MS / 1000),
	livemode: false,
	data: { object },
});

describe('the Stripe-Signature scheme', () => {
	const body = JSON.stringify(event('payment_intent.succeeded', { id: 'pi_1' }));
	const t = Math.floor(NOW_MS / 1000);
	it('accepts what Stripe signed, within five minutes, also beside another v1 (a secret being rolled)', () => {
		expect(
			verifyStripeSignature(body, stripeSignatureHeader(body, SECRET, t), SECRET, NOW_MS),
		).toEqual({
			ok: true,
			timestamp: t,
		});
		expect(
			verifyStripeSignature(body, stripeSignatureHeader(body, SECRET, t - 299), SECRET, NOW_MS).ok,
		).toBe(true);
		const rolled = `t=${t},v1=${'0'.repeat(64)},${stripeSignatureHeader(body, SECRET, t).split(',')[1]},v0=abc`;
		expect(verifyStripeSignature(body, rolled, SECRET, NOW_MS).ok).toBe(true);
		expect(
			verifyStripeSignature(
				Buffer.from(body),
				stripeSignatureHeader(body, SECRET, t),
				SECRET,
				NOW_MS,
			).ok,
		).toBe(true);
	});
	it.each([
		[
			'another secret',
			() => stripeSignatureHeader(body, 'whsec_another_secret_0123456789', t),
			body,
			/does not match/,
		],
		[
			'an altered body',
			() => stripeSignatureHeader(body, SECRET, t),
			body.replace('pi_1', 'pi_2'),
			/does not match/,
		],
		[
			'an old signature (a replay)',
			() => stripeSignatureHeader(body, SECRET, t - 301),
			body,
			/outside the 300 s window/,
		],
		[
			'one from the future',
			() => stripeSignatureHeader(body, SECRET, t + 400),
			body,
			/outside the 300 s window/,
		],
		['no header', () => '', body, /no Stripe-Signature header/],
		['no v1', () => `t=${t},v0=${'a'.repeat(64)}`, body, /no timestamp or no v1/],
		['no timestamp', () => `v1=${'a'.repeat(64)}`, body, /no timestamp or no v1/],
		['garbage', () => 'hello', body, /no timestamp or no v1/],
	])('refuses %s, saying why', (_what, header, sent, why) => {
		const result = verifyStripeSignature(sent, header(), SECRET, NOW_MS);
		expect(result).toEqual({ ok: false, reason: expect.stringMatching(why) });
	});
	it('names the credential when the secret is missing', () => {
		expect(() => verifyStripeSignature(body, 't=1,v1=aa', '', NOW_MS)).toThrow(
			expect.objectContaining({ field: 'signingSecret' }),
		);
	});
});

describe.each(storeBackends('payments'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	async function anInvoice(caseId: string, start: string) {
		const quote = await price(
			{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
			{ now: NOW },
		);
		const booking = await schedule(
			{
				operation: 'book',
				job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
				crew_id: 'crew-a',
				start,
				case_id: caseId,
			},
			{ store, now: NOW },
		);
		await recordCaseStep(
			store,
			{
				case: { case_id: caseId },
				customer: { name: 'Ana', email: 'ana@example.com' },
				quote,
				booking,
			},
			'answered',
			BY,
			NOW_MS,
		);
		await schedule(
			{ operation: 'progress', booking_id: booking.booking_id, step: 'done' },
			{ store, now: new Date(Date.parse(start) + 3 * 3_600_000) },
		);
		return (await invoiceVisit(store, { booking_id: booking.booking_id! }, NOW_MS)).invoice;
	}

	it('a payment marks the invoice paid once; the same event again, or five times at once, changes nothing', async () => {
		const invoice = await anInvoice('cs_pay000001', '2026-11-27T09:00:00-05:00');
		const paid = event('checkout.session.completed', {
			id: 'cs_test_1',
			object: 'checkout.session',
			payment_status: 'paid',
			amount_total: invoice.total_cents,
			currency: 'usd',
			payment_intent: 'pi_paid_1',
			metadata: { invoice_id: invoice.invoice_id },
		});
		const first = await applyStripeEvent(store, paid, NOW_MS);
		expect(first).toMatchObject({
			outcome: 'paid',
			invoice_number: invoice.invoice_number,
			invoice_status: 'paid',
		});
		expect(await getInvoice(store, invoice.invoice_id)).toMatchObject({
			status: 'paid',
			paid_cents: invoice.total_cents,
			provider: { stripe_payment: 'pi_paid_1' },
		});
		const again = await applyStripeEvent(store, paid, NOW_MS + 60_000);
		expect(again).toMatchObject({ outcome: 'replayed', invoice_status: 'paid' });
		// A payment intent event for a second invoice, delivered five times at once.
		const second = await anInvoice('cs_pay000002', '2026-11-28T09:00:00-05:00');
		const succeeded = event('payment_intent.succeeded', {
			id: 'pi_2',
			object: 'payment_intent',
			amount: second.total_cents,
			amount_received: second.total_cents,
			currency: 'usd',
			metadata: { invoice_id: second.invoice_id },
		});
		const results = await Promise.all(
			Array.from({ length: 5 }, () => applyStripeEvent(store, succeeded, NOW_MS)),
		);
		expect(results.map((r) => r.outcome).sort()).toEqual([
			'paid',
			'replayed',
			'replayed',
			'replayed',
			'replayed',
		]);
		expect((await getInvoice(store, second.invoice_id))?.paid_cents).toBe(second.total_cents);
		const rows = await store.read('SELECT kind, amount_cents FROM payments ORDER BY created_at_ms');
		expect(rows.map((r) => [r.kind, Number(r.amount_cents)])).toEqual([
			['payment', invoice.total_cents],
			['payment', second.total_cents],
		]);
	});

	it('part payments add up; refunds take back what is new; a failed attempt is kept and changes nothing owed', async () => {
		const invoice = await anInvoice('cs_pay000003', '2026-11-27T13:00:00-05:00');
		const half = Math.floor(invoice.total_cents / 2);
		const pay = (amount: number, id: string) =>
			applyStripeEvent(
				store,
				event('payment_intent.succeeded', {
					id,
					amount,
					amount_received: amount,
					currency: 'usd',
					metadata: { invoice_id: invoice.invoice_id },
				}),
				NOW_MS,
			);
		const failed = await applyStripeEvent(
			store,
			event('payment_intent.payment_failed', {
				id: 'pi_declined',
				amount: invoice.total_cents,
				currency: 'usd',
				metadata: { invoice_id: invoice.invoice_id },
				last_payment_error: {
					code: 'card_declined',
					decline_code: 'insufficient_funds',
					message: 'Your card has insufficient funds.',
				},
			}),
			NOW_MS,
		);
		expect(failed).toMatchObject({ outcome: 'payment_failed', invoice_status: 'open' });
		expect(failed.detail).toContain('card_declined: insufficient_funds');
		expect((await pay(half, 'pi_half1')).outcome).toBe('part_paid');
		expect((await getInvoice(store, invoice.invoice_id))?.status).toBe('open');
		expect((await pay(invoice.total_cents - half, 'pi_half2')).outcome).toBe('paid');
		const refund = (refunded: number) =>
			applyStripeEvent(
				store,
				event('charge.refunded', {
					id: 'ch_half2',
					object: 'charge',
					amount_refunded: refunded,
					currency: 'usd',
					metadata: { invoice_id: invoice.invoice_id },
				}),
				NOW_MS,
			);
		expect(await refund(1000)).toMatchObject({ outcome: 'refunded', amount_cents: 1000 });
		// The charge's refunded total grows to 2,500: 1,500 more.
		expect(await refund(2500)).toMatchObject({ outcome: 'refunded', amount_cents: 1500 });
		expect((await getInvoice(store, invoice.invoice_id))?.paid_cents).toBe(
			invoice.total_cents - 2500,
		);
		const rows = await store.read(
			'SELECT kind, amount_cents, failure FROM payments ORDER BY created_at_ms, kind',
		);
		expect(rows.map((r) => r.kind).sort()).toEqual([
			'failed',
			'payment',
			'payment',
			'refund',
			'refund',
		]);
	});

	it('an event about no invoice of ours, in another currency, or not about money changes nothing; a body that is no event names it', async () => {
		const invoice = await anInvoice('cs_pay000004', '2026-11-30T09:00:00-05:00');
		const cases: Array<[Record<string, unknown>, string, RegExp]> = [
			[
				event('payment_intent.succeeded', {
					id: 'pi_x',
					amount_received: 100,
					currency: 'usd',
					metadata: {},
				}),
				'unmatched',
				/names no invoice of ours/,
			],
			[
				event('payment_intent.succeeded', {
					id: 'pi_y',
					amount_received: 100,
					currency: 'usd',
					metadata: { invoice_id: 'in_not-ours' },
				}),
				'unmatched',
				/No invoice in_not-ours/,
			],
			[
				event('payment_intent.succeeded', {
					id: 'pi_z',
					amount_received: invoice.total_cents,
					currency: 'eur',
					metadata: { invoice_id: invoice.invoice_id },
				}),
				'unmatched',
				/does not fit invoice/,
			],
			[event('customer.created', { id: 'cus_1' }), 'ignored', /not about a payment/],
			[
				event('checkout.session.completed', {
					id: 'cs_u',
					payment_status: 'unpaid',
					amount_total: 100,
					currency: 'usd',
					metadata: { invoice_id: invoice.invoice_id },
				}),
				'ignored',
				/not about a payment/,
			],
		];
		for (const [e, outcome, why] of cases) {
			const result = await applyStripeEvent(store, e, NOW_MS);
			expect([e.type, result.outcome]).toEqual([e.type, outcome]);
			expect(result.detail).toMatch(why);
		}
		expect(await getInvoice(store, invoice.invoice_id)).toMatchObject({
			status: 'open',
			paid_cents: 0,
		});
		expect(await store.read('SELECT * FROM payments')).toEqual([]);
		for (const bad of [null, 'text', { id: 'nope', type: 'x' }, { id: 'evt_123456' }])
			await expect(applyStripeEvent(store, bad, NOW_MS)).rejects.toMatchObject({ field: 'event' });
	});
});
