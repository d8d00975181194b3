/**
 * Deposits on both stores: an emergency's call-out fee is an invoice of its own toward the
 * visit, made once (asked again: the same one, with the newest resume address while unpaid);
 * Stripe's event that pays it says which waiting execution to resume, once (the same payment's
 * second event adds nothing and resumes nothing); the visit's invoice, when the crew marks it
 * done, counts the fee as paid. Bad input names the field.
 */
import { invoiceVisit } from '../../nodes/ContractAgent/invoice';
import { price } from '../../nodes/PricingAgent/price';
import { recordCaseStep } from '../../nodes/shared/records/cases';
import { depositRefund, requestDeposit } from '../../nodes/shared/records/deposits';
import { applyStripeEvent } from '../../nodes/shared/records/payments';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const NOW = '2026-11-25T10:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };
const customer = {
	name: 'Rosa Diaz',
	email: 'rosa@example.com',
	phone: '+12125550142',
	address: '12 Pine St',
};
const business = { name: 'Bright Clean Co.', email: 'billing@brightclean.example' };

describe.each(storeBackends('deposits'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	/** An emergency visit booked and recorded on its case, at its quote. */
	async function emergencyVisit(caseId = 'cs_deposit0001') {
		const quote = await price(
			{ service_type: 'water_damage', is_emergency: true, square_feet: 400 } as never,
			{ now: NOW, rateCard: { tax_rate_pct: 8.875 } },
		);
		const booking = await schedule(
			{
				operation: 'book',
				job: { service_type: 'water_damage', estimated_hours: 3 },
				start: '2026-11-25T11:00:00-05:00',
				case_id: caseId,
				customer,
			},
			{ store, now: NOW },
		);
		await recordCaseStep(
			store,
			{ case: { case_id: caseId }, customer, quote, booking },
			'answered',
			BY,
			NOW_MS,
		);
		return { quote, booking };
	}

	const paidEvent = (id: string, invoiceId: string, amount: number, intent = 'pi_fee_1') => ({
		id,
		type: 'checkout.session.completed',
		data: {
			object: {
				id: `cs_${id}`,
				payment_status: 'paid',
				amount_total: amount,
				currency: 'usd',
				payment_intent: intent,
				metadata: { invoice_id: invoiceId },
			},
		},
	});

	it('the call-out fee is asked once; paying it resumes the waiting flow once; the visit invoice counts it', async () => {
		const { quote, booking } = await emergencyVisit();
		const first = await requestDeposit(
			store,
			{
				booking_id: booking.booking_id!,
				amount_cents: 15000,
				label: 'Emergency call-out fee',
				resume_url: 'http://n8n.test/webhook-waiting/41',
				business,
			},
			NOW_MS,
		);
		expect(first).toMatchObject({
			created: true,
			resume_url: 'http://n8n.test/webhook-waiting/41',
			invoice: {
				invoice_number: 'INV-000001',
				status: 'open',
				total_cents: 15000,
				tax_cents: 0,
				deposit_for: booking.booking_id,
				booking_id: null,
				customer: { name: 'Rosa Diaz', email: 'rosa@example.com' },
				lines: [{ label: 'Emergency call-out fee', kind: 'deposit', amount_cents: 15000 }],
			},
		});
		// The flow run again waits in its place: the same fee, the newest address.
		const again = await requestDeposit(
			store,
			{
				booking_id: booking.booking_id!,
				amount_cents: 15000,
				resume_url: 'http://n8n.test/webhook-waiting/42',
			},
			NOW_MS + 1000,
		);
		expect(again).toMatchObject({
			created: false,
			resume_url: 'http://n8n.test/webhook-waiting/42',
			invoice: { invoice_id: first.invoice.invoice_id },
		});
		// Paid on Stripe's page: the event says which execution to resume.
		const paid = await applyStripeEvent(
			store,
			paidEvent('evt_fee_1', first.invoice.invoice_id, 15000),
			NOW_MS + 60_000,
		);
		expect(paid).toMatchObject({
			outcome: 'paid',
			invoice_status: 'paid',
			deposit: { booking_id: booking.booking_id, resume_url: 'http://n8n.test/webhook-waiting/42' },
		});
		// The same payment's PaymentIntent event: nothing added, nothing resumed.
		const second = await applyStripeEvent(
			store,
			{
				id: 'evt_fee_2',
				type: 'payment_intent.succeeded',
				data: {
					object: {
						id: 'pi_fee_1',
						amount_received: 15000,
						currency: 'usd',
						metadata: { invoice_id: first.invoice.invoice_id },
					},
				},
			},
			NOW_MS + 61_000,
		);
		expect(second).toMatchObject({ outcome: 'replayed', deposit: null });
		// Once paid, asking again gives the paid fee and no address to resume.
		expect(
			await requestDeposit(
				store,
				{
					booking_id: booking.booking_id!,
					amount_cents: 15000,
					resume_url: 'http://n8n.test/w/43',
				},
				NOW_MS + 62_000,
			),
		).toMatchObject({ created: false, invoice: { status: 'paid' } });
		// The crew marks the visit done: its invoice counts the fee as paid.
		await schedule(
			{ operation: 'progress', booking_id: booking.booking_id, step: 'done' },
			{ store, now: new Date(Date.parse('2026-11-25T14:00:00-05:00')) },
		);
		const { invoice } = await invoiceVisit(
			store,
			{ booking_id: booking.booking_id!, business },
			Date.parse('2026-11-25T15:00:00-05:00'),
		);
		expect(invoice).toMatchObject({
			invoice_number: 'INV-000002',
			total_cents: quote.total_cents,
			paid_cents: 15000,
			status: quote.total_cents > 15000 ? 'open' : 'paid',
		});
		const payments = await store.read(
			'SELECT kind, provider, provider_id, amount_cents FROM payments WHERE invoice_id = $1',
			[invoice.invoice_id],
		);
		expect(payments.map((p) => ({ ...p, amount_cents: Number(p.amount_cents) }))).toEqual([
			{
				kind: 'payment',
				provider: 'deposit',
				provider_id: first.invoice.invoice_id,
				amount_cents: 15000,
			},
		]);
	});

	it('the refund policy: a visit still on keeps its deposit; called off by the business, all back; the customer, all back with the notice, nothing within it', async () => {
		const pay = async (caseId: string, n: number) => {
			const { booking } = await emergencyVisit(caseId);
			const { invoice } = await requestDeposit(
				store,
				{ booking_id: booking.booking_id!, amount_cents: 15000 },
				NOW_MS,
			);
			await applyStripeEvent(
				store,
				paidEvent(`evt_pol_${n}`, invoice.invoice_id, 15000, `pi_pol_${n}`),
				NOW_MS,
			);
			return { booking, invoice };
		};
		const kept = await pay('cs_policy0001', 1);
		expect(
			await depositRefund(store, { booking_id: kept.booking.booking_id! }, NOW_MS),
		).toMatchObject({
			amount_cents: 0,
			why: expect.stringContaining('is confirmed: its deposit counts toward it'),
		});
		// The business calls it off: all back, on the PaymentIntent that paid it, one key per deposit.
		await schedule(
			{ operation: 'cancel', booking_id: kept.booking.booking_id, reason: 'no crew after all' },
			{ store, now: NOW },
		);
		expect(
			await depositRefund(store, { booking_id: kept.booking.booking_id! }, NOW_MS),
		).toMatchObject({
			amount_cents: 15000,
			payment_intent: 'pi_pol_1',
			idempotency_key: `refund-${kept.invoice.invoice_id}`,
			why: 'The visit was called off (no crew after all): refunded in full.',
		});
		// Refunded (Stripe's event): nothing more to refund.
		await applyStripeEvent(
			store,
			{
				id: 'evt_pol_refund',
				type: 'charge.refunded',
				data: {
					object: {
						id: 'ch_pol_1',
						amount_refunded: 15000,
						currency: 'usd',
						metadata: { invoice_id: kept.invoice.invoice_id },
					},
				},
			},
			NOW_MS + 1000,
		);
		expect(
			(await depositRefund(store, { booking_id: kept.booking.booking_id! }, NOW_MS + 2000))
				.amount_cents,
		).toBe(0);
		// The customer cancels within the notice (the visit is an hour away): the fee is kept.
		const late = await pay('cs_policy0002', 2);
		await store.write(null, 'customer-cancel', NOW_MS, async (tx) => {
			await tx.updateBooking(
				late.booking.booking_id!,
				{ status: 'cancelled', cancel_reason: 'cancelled by customer' },
				NOW_MS,
			);
		});
		expect(
			await depositRefund(
				store,
				{ booking_id: late.booking.booking_id!, notice_hours: 24 },
				NOW_MS,
			),
		).toMatchObject({
			amount_cents: 0,
			why: expect.stringContaining("within the 24 hours' notice: the deposit is kept"),
		});
		// With a shorter notice the same cancellation gets it all back.
		expect(
			await depositRefund(
				store,
				{ booking_id: late.booking.booking_id!, notice_hours: 0.5 },
				NOW_MS,
			),
		).toMatchObject({ amount_cents: 15000, why: expect.stringContaining('with the notice') });
		await expect(depositRefund(store, { booking_id: 'x' }, NOW_MS)).rejects.toMatchObject({
			field: 'booking_id',
		});
		await expect(
			depositRefund(store, { booking_id: late.booking.booking_id!, notice_hours: -1 }, NOW_MS),
		).rejects.toMatchObject({ field: 'notice_hours' });
	});

	it('bad input names the field; a visit no longer to come takes no deposit', async () => {
		const { booking } = await emergencyVisit('cs_deposit0002');
		const tried: Array<[Parameters<typeof requestDeposit>[1], string]> = [
			[{ booking_id: 'nope', amount_cents: 15000 }, 'booking_id'],
			[{ booking_id: 'bk_missing-visit', amount_cents: 15000 }, 'booking_id'],
			[{ booking_id: booking.booking_id!, amount_cents: 10 }, 'amount_cents'],
			[{ booking_id: booking.booking_id!, amount_cents: 150.5 }, 'amount_cents'],
			[{ booking_id: booking.booking_id!, amount_cents: 15000, currency: 'dollars' }, 'currency'],
			[{ booking_id: booking.booking_id!, amount_cents: 15000, label: '' }, 'label'],
			[
				{ booking_id: booking.booking_id!, amount_cents: 15000, resume_url: 'javascript:alert(1)' },
				'resume_url',
			],
		];
		for (const [input, field] of tried)
			await expect(requestDeposit(store, input, NOW_MS)).rejects.toMatchObject({ field });
		await schedule({ operation: 'cancel', booking_id: booking.booking_id }, { store, now: NOW });
		await expect(
			requestDeposit(store, { booking_id: booking.booking_id!, amount_cents: 15000 }, NOW_MS),
		).rejects.toThrow(/is cancelled: a deposit is asked only for a visit still to come/);
		expect(await store.read('SELECT id FROM invoices')).toEqual([]);
	});
});
