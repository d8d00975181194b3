/**
 * Credits and an agreement's deposit, on both stores. Ops give a customer a credit (once per
 * key); their next invoices use it before anything is charged, oldest first, part by part, each
 * use a payment on the invoice. A cancelled visit's deposit the policy gives back becomes a
 * credit when the business says so (once: asked again, nothing more; a refund to the card is
 * then refused), except a deposit paid for a visit released for want of it (back to the card).
 * An agreement's deposit, asked with its first visit while the visits stay held (Hold Longer),
 * counts toward the agreement's first bill, even when that first visit is skipped; the policy
 * keeps it while the agreement's visits go on. Bad input names the field.
 */
import { compose } from '../../nodes/ConfirmationAgent/compose';
import { generateContract, recordSignature } from '../../nodes/ContractAgent/contract';
import { invoiceVisit } from '../../nodes/ContractAgent/invoice';
import { price } from '../../nodes/PricingAgent/price';
import { recordCaseStep } from '../../nodes/shared/records/cases';
import { creditBalance, creditsOf, giveCredit } from '../../nodes/shared/records/credits';
import { getCustomer } from '../../nodes/shared/records/customers';
import { depositRefund, requestDeposit } from '../../nodes/shared/records/deposits';
import { billMonth } from '../../nodes/shared/records/monthly';
import { applyStripeEvent } from '../../nodes/shared/records/payments';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore, SqlValue } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const ZONE = 'America/New_York';
const NOW = '2026-11-02T08:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const HOUR = 3_600_000;
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };
const SECRET = 'a-test-signing-secret-of-enough-length-0123456789';
const business = { name: 'Bright Clean Co.', email: 'billing@brightclean.example' };
const customer = {
	name: 'Kim Osei',
	email: 'kim@example.com',
	phone: '+12125550177',
	address: '9 Bank St',
};

const paidEvent = (n: string, invoiceId: string, amount: number) => ({
	id: `evt_${n}`,
	type: 'checkout.session.completed',
	data: {
		object: {
			id: `cs_${n}`,
			payment_status: 'paid',
			amount_total: amount,
			currency: 'usd',
			payment_intent: `pi_${n}`,
			metadata: { invoice_id: invoiceId },
		},
	},
});

describe.each(storeBackends('credits'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	/** A deep clean booked for a day and recorded on its case (the customer on record). */
	async function visit(caseId: string, start: string) {
		const quote = await price(
			{ service_type: 'deep_cleaning', bedrooms: 2, bathrooms: 1 },
			{ now: NOW, rateCard: { tax_rate_pct: 10 } },
		);
		const booking = await schedule(
			{
				operation: 'book',
				job: { service_type: 'deep_cleaning', bedrooms: 2, bathrooms: 1 },
				start,
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
		const [kase] = await store.read('SELECT customer_id FROM cases WHERE id = $1', [caseId]);
		return { quote, booking, customerId: String(kase.customer_id) };
	}

	async function doneAndBilled(bookingId: string, start: string) {
		await schedule(
			{ operation: 'progress', booking_id: bookingId, step: 'done' },
			{ store, now: new Date(Date.parse(start) + 3 * HOUR) },
		);
		return (
			await invoiceVisit(store, { booking_id: bookingId, business }, Date.parse(start) + 4 * HOUR)
		).invoice;
	}

	/** The store's reads, as the record functions that run inside a write take them. */
	const reader = () => ({
		query: (text: string, params: SqlValue[] = []) => store.read(text, params),
	});

	const paymentsOf = async (invoiceId: string) =>
		(
			await store.read(
				'SELECT provider, provider_id, amount_cents FROM payments WHERE invoice_id = $1 ORDER BY amount_cents DESC',
				[invoiceId],
			)
		).map((p) => ({ ...p, amount_cents: Number(p.amount_cents) }));

	it("ops give a credit once per key; the customer's next invoices use it, part by part, before any charge", async () => {
		const first = await visit('cs_credit0001', '2026-11-03T09:00:00-05:00');
		const given = await giveCredit(
			store,
			{
				customer_id: first.customerId,
				amount_cents: 25_000,
				reason: 'Crew arrived two hours late',
				source: 'credit-form:1',
			},
			NOW_MS,
		);
		expect(given).toMatchObject({
			created: true,
			balance_cents: 25_000,
			credit: { amount_cents: 25_000, remaining_cents: 25_000, currency: 'USD' },
		});
		// The form sent twice: the same credit, nothing added.
		expect(
			await giveCredit(
				store,
				{
					customer_id: first.customerId,
					amount_cents: 25_000,
					reason: 'Crew arrived two hours late',
					source: 'credit-form:1',
				},
				NOW_MS + 1000,
			),
		).toMatchObject({ created: false, balance_cents: 25_000, credit: given.credit });

		// The first bill is smaller than the credit: paid in full by it, the rest kept.
		const firstBill = await doneAndBilled(first.booking.booking_id!, '2026-11-03T09:00:00-05:00');
		const used = Math.min(25_000, first.quote.total_cents);
		expect(firstBill).toMatchObject({
			total_cents: first.quote.total_cents,
			paid_cents: used,
			status: used >= first.quote.total_cents ? 'paid' : 'open',
		});
		expect(await paymentsOf(firstBill.invoice_id)).toEqual([
			{ provider: 'credit', provider_id: given.credit.credit_id, amount_cents: used },
		]);
		// The next visit's bill takes what is left, and no more.
		const second = await visit('cs_credit0002', '2026-11-04T09:00:00-05:00');
		expect(second.customerId).toBe(first.customerId);
		const secondBill = await doneAndBilled(second.booking.booking_id!, '2026-11-04T09:00:00-05:00');
		const left = 25_000 - used;
		expect(secondBill.paid_cents).toBe(Math.min(left, second.quote.total_cents));
		const [credit] = await creditsOf(reader(), first.customerId);
		expect(credit.remaining_cents).toBe(Math.max(0, left - second.quote.total_cents));
		// The customer's record shows the credit with what is left.
		const { history } = await getCustomer(store, first.customerId);
		expect(history.credits).toEqual([
			expect.objectContaining({
				credit_id: given.credit.credit_id,
				reason: 'Crew arrived two hours late',
			}),
		]);
		// Bad input names the field, and nothing is written.
		const tried: Array<[Parameters<typeof giveCredit>[1], string]> = [
			[{ customer_id: 'nobody', amount_cents: 100, reason: 'x' }, 'customer_id'],
			[{ customer_id: 'cu_not-on-record', amount_cents: 100, reason: 'x' }, 'customer_id'],
			[{ customer_id: first.customerId, amount_cents: 0, reason: 'x' }, 'amount_cents'],
			[{ customer_id: first.customerId, amount_cents: Number.NaN, reason: 'x' }, 'amount_cents'],
			[{ customer_id: first.customerId, amount_cents: 12.5, reason: 'x' }, 'amount_cents'],
			[{ customer_id: first.customerId, amount_cents: 100, reason: ' ' }, 'reason'],
			[
				{ customer_id: first.customerId, amount_cents: 100, reason: 'x', currency: 'dollars' },
				'currency',
			],
		];
		for (const [input, field] of tried)
			await expect(giveCredit(store, input, NOW_MS)).rejects.toMatchObject({ field });
		expect(await store.read('SELECT id FROM credits')).toHaveLength(1);
	});

	it("a cancelled visit's deposit given back as credit: once, never also to the card; the next bill uses it", async () => {
		const start = '2026-11-05T09:00:00-05:00';
		const { booking, customerId } = await visit('cs_credit0003', start);
		const { invoice: deposit } = await requestDeposit(
			store,
			{ booking_id: booking.booking_id!, amount_cents: 6000, label: 'Deposit' },
			NOW_MS,
		);
		await applyStripeEvent(store, paidEvent('dep_1', deposit.invoice_id, 6000), NOW_MS);
		// The business calls it off.
		await schedule(
			{ operation: 'cancel', booking_id: booking.booking_id, reason: 'crew off sick' },
			{ store, now: NOW },
		);
		const back = await depositRefund(
			store,
			{ booking_id: booking.booking_id!, as_credit: true },
			NOW_MS + HOUR,
		);
		expect(back).toMatchObject({
			amount_cents: 0,
			given_as: 'credit',
			credit: { customer_id: customerId, amount_cents: 6000, remaining_cents: 6000 },
			why: 'The visit was called off (crew off sick): given back in full as credit toward the next invoice.',
		});
		// Asked again (a retried flow), or to the card now: nothing more.
		for (const as_credit of [true, false])
			expect(
				await depositRefund(
					store,
					{ booking_id: booking.booking_id!, as_credit },
					NOW_MS + 2 * HOUR,
				),
			).toMatchObject({
				amount_cents: 0,
				given_as: null,
				why: expect.stringMatching(/as credit already/),
			});
		expect(await creditBalance(reader(), customerId, 'USD')).toBe(6000);
		// The customer books again: that bill uses the credit.
		const again = await visit('cs_credit0004', '2026-11-09T09:00:00-05:00');
		const bill = await doneAndBilled(again.booking.booking_id!, '2026-11-09T09:00:00-05:00');
		expect(bill.paid_cents).toBe(6000);
		expect(await creditBalance(reader(), customerId, 'USD')).toBe(0);
		// The message the customer gets.
		const message = await compose(
			{
				kind: 'deposit_back',
				customer,
				business,
				service: 'deep_cleaning',
				invoice: back.invoice,
				refund: back,
			},
			{ timeZone: ZONE, now: NOW },
		);
		expect(message.email?.subject).toBe('Your $60.00 deposit is credited to your next invoice');
		expect(message.email?.text).toContain(
			'the $60.00 deposit you paid comes back to you: it is a credit on your account, taken off your next invoice.',
		);
	});

	it('a deposit paid for a visit released for want of it goes back to the card, even when credit is the policy', async () => {
		const { booking } = await visit('cs_credit0005', '2026-11-06T09:00:00-05:00');
		const { invoice: deposit } = await requestDeposit(
			store,
			{ booking_id: booking.booking_id!, amount_cents: 6000 },
			NOW_MS,
		);
		await schedule(
			{ operation: 'cancel', booking_id: booking.booking_id, reason: 'deposit not paid' },
			{ store, now: NOW },
		);
		await applyStripeEvent(store, paidEvent('dep_late', deposit.invoice_id, 6000), NOW_MS + HOUR);
		expect(
			await depositRefund(
				store,
				{ booking_id: booking.booking_id!, as_credit: true },
				NOW_MS + HOUR,
			),
		).toMatchObject({
			amount_cents: 6000,
			given_as: 'card',
			credit: null,
			payment_intent: 'pi_dep_late',
		});
		expect(await store.read('SELECT id FROM credits')).toEqual([]);
		// A visit with no deposit: nothing, and why.
		const other = await visit('cs_credit0006', '2026-11-10T09:00:00-05:00');
		expect(
			await depositRefund(store, { booking_id: other.booking.booking_id! }, NOW_MS),
		).toMatchObject({
			invoice: null,
			amount_cents: 0,
			given_as: null,
			why: `Visit ${other.booking.booking_id} has no deposit.`,
		});
	});

	it("an agreement's deposit: its visits held until it is paid, then counted on the agreement's first bill (its first visit skipped)", async () => {
		const quote = await price(
			{ service_type: 'commercial_cleaning', square_feet: 3000, frequency: 'weekly' },
			{ now: NOW, rateCard: { tax_rate_pct: 10 } },
		);
		const series = await schedule(
			{
				operation: 'bookSeries',
				job: { service_type: 'commercial_cleaning', square_feet: 3000 },
				customer,
				case_id: 'cs_credit0007',
				series: {
					frequency: 'weekly',
					weekday: 'tue',
					time: '09:00',
					start_date: '2026-11-10',
					count: 8,
					hold_hours: 73,
				},
			},
			{ store, now: NOW },
		);
		await recordCaseStep(
			store,
			{ case: { case_id: 'cs_credit0007' }, customer, quote, booking: series },
			'answered',
			BY,
			NOW_MS,
		);
		const { contract } = await generateContract(
			{
				customer,
				business,
				quote,
				booking: {
					series_id: series.series_id,
					start: series.occurrences[0].start,
					time_zone: ZONE,
				},
				terms: { term_months: 12, auto_renew: true },
			},
			{ store, signingSecret: SECRET, now: NOW },
		);
		const signed = await recordSignature(
			{ token: contract.signing_token!, name: 'Kim Osei' },
			{ store, signingSecret: SECRET, now: new Date(NOW_MS + 70 * HOUR) },
		);
		expect(signed).toMatchObject({ series_id: series.series_id, service: 'commercial_cleaning' });
		// Signed at hour 70 of a 73-hour hold: the deposit's day keeps the visits held.
		const signedAt = NOW_MS + 70 * HOUR;
		const held = await schedule(
			{ operation: 'holdSeries', series_id: series.series_id, hold_minutes: 25 * 60 },
			{ store, now: new Date(signedAt) },
		);
		expect(held).toMatchObject({ status: 'held', conflicts: [] });
		expect(held.bookings).toHaveLength(8);
		const visits = await store.listBookings(
			{ seriesId: series.series_id!, statuses: ['held'] },
			signedAt,
		);
		expect(visits.every((v) => v.hold_expires_ms === signedAt + 25 * HOUR)).toBe(true);
		// Hold Longer never shortens a hold.
		await schedule(
			{ operation: 'holdSeries', series_id: series.series_id, hold_minutes: 60 },
			{ store, now: new Date(signedAt) },
		);
		expect(
			(
				await store.listBookings({ seriesId: series.series_id!, statuses: ['held'] }, signedAt)
			).every((v) => v.hold_expires_ms === signedAt + 25 * HOUR),
		).toBe(true);
		await expect(
			schedule(
				{ operation: 'holdSeries', series_id: series.series_id, hold_minutes: 0 },
				{ store, now: new Date(signedAt) },
			),
		).rejects.toMatchObject({ field: 'hold_minutes' });
		// The deposit: a month of visits at 25%, toward the first visit, paid; the visits confirmed.
		const monthCents = quote.recurring!.per_month_cents;
		const amount = Math.round(monthCents * 0.25);
		const { invoice: deposit } = await requestDeposit(
			store,
			{ booking_id: series.occurrences[0].booking_id, amount_cents: amount },
			signedAt,
		);
		await applyStripeEvent(
			store,
			paidEvent('agreement_dep', deposit.invoice_id, amount),
			signedAt + HOUR,
		);
		const confirmed = await schedule(
			{ operation: 'confirmSeries', series_id: series.series_id },
			{ store, now: new Date(signedAt + 2 * HOUR) },
		);
		expect(confirmed.bookings).toHaveLength(8);
		// The customer skips the first visit: the deposit stays with the agreement.
		await schedule(
			{ operation: 'skipVisit', series_id: series.series_id, date: '2026-11-10' },
			{ store, now: new Date(signedAt + 3 * HOUR) },
		);
		expect(
			await depositRefund(
				store,
				{ booking_id: series.occurrences[0].booking_id },
				signedAt + 4 * HOUR,
			),
		).toMatchObject({
			amount_cents: 0,
			given_as: null,
			why: `The agreement's other visits go on: deposit ${deposit.invoice_number} counts toward its first bill.`,
		});
		// November's other visits done; December's bill run counts the deposit, once.
		for (const o of series.occurrences.slice(1).filter((o) => o.start < '2026-12-01'))
			await schedule(
				{ operation: 'progress', booking_id: o.booking_id, step: 'done' },
				{ store, now: new Date(Date.parse(o.start) + 3 * HOUR) },
			);
		const run = await billMonth(
			store,
			{ time_zone: ZONE, business },
			Date.parse('2026-12-01T06:00:00-05:00'),
		);
		const [{ invoice }] = run.invoices;
		expect(invoice.paid_cents).toBe(Math.min(amount, invoice.total_cents));
		expect(await paymentsOf(invoice.invoice_id)).toEqual([
			{
				provider: 'deposit',
				provider_id: deposit.invoice_id,
				amount_cents: Math.min(amount, invoice.total_cents),
			},
		]);
		for (const o of series.occurrences.filter(
			(o) => o.start >= '2026-12-01' && o.start < '2027-01-01',
		))
			await schedule(
				{ operation: 'progress', booking_id: o.booking_id, step: 'done' },
				{ store, now: new Date(Date.parse(o.start) + 3 * HOUR) },
			);
		const january = await billMonth(
			store,
			{ time_zone: ZONE, business },
			Date.parse('2027-01-01T06:00:00-05:00'),
		);
		expect(january.invoices[0].invoice.paid_cents).toBe(0);
		// Once used by a bill, the policy gives nothing back for it.
		expect(
			(await depositRefund(store, { booking_id: series.occurrences[0].booking_id }, signedAt)).why,
		).toMatch(/paid part of invoice INV-/);
		// The message that asks it names the agreement's visits.
		const asked = await compose(
			{
				kind: 'deposit_request',
				customer,
				business,
				service: 'commercial_cleaning',
				booking: { ...series, start: series.occurrences[0].start },
				invoice: deposit,
				links: {
					pay_url: 'https://pay.example/cs_1',
					link_expires: new Date(signedAt + 24 * HOUR).toISOString(),
				},
			},
			{ timeZone: ZONE, now: new Date(signedAt) },
		);
		expect(asked.email?.subject).toBe(
			'Pay the deposit to confirm your commercial cleaning visits from Tuesday, November 10',
		);
		expect(asked.email?.text).toContain(
			'Your commercial cleaning visits on Tuesdays at 9:00 AM are held for you, the first on Tuesday, November 10 at 9:00 AM EST',
		);
	});
});
