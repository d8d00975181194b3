/**
 * Agreements billed by the month, on both stores: the visits done under a signed weekly
 * agreement in November are billed once on one invoice (a second run gives it back); a visit
 * of such an agreement is not billed on its own; a card saved on Stripe's page (its
 * setup_intent.succeeded event) makes the open invoice due; a charge is handed out once per
 * lease with one idempotency key per attempt; declines follow the dunning schedule (1, 3, 7
 * days after the first) and then stop (ops decide); a lost answer retries the same attempt with
 * the same key; a new card pays; Stripe's own event for that payment adds nothing. Card links
 * cannot be made up, changed or stretched. Bad input names the field.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { compose } from '../../nodes/ConfirmationAgent/compose';
import {
	generateContract,
	recordSignature,
	renewContract,
} from '../../nodes/ContractAgent/contract';
import { getInvoice, invoicePdf, invoiceVisit } from '../../nodes/ContractAgent/invoice';
import { eraseCustomer } from '../../nodes/shared/records/customers';
import { price } from '../../nodes/PricingAgent/price';
import { recordCaseStep } from '../../nodes/shared/records/cases';
import {
	billMonth,
	billingMonth,
	cardLinkToken,
	cardLinkUrl,
	chargesDue,
	readCardLink,
	recordCharge,
	CHARGE_LEASE_MS,
} from '../../nodes/shared/records/monthly';
import { applyStripeEvent } from '../../nodes/shared/records/payments';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const ZONE = 'America/New_York';
const SIGNED = '2026-10-28T10:00:00-04:00';
const BILLING_RUN = Date.parse('2026-12-01T06:00:00-05:00');
const DAY = 86_400_000;
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };
const SECRET = 'a-test-signing-secret-of-enough-length-0123456789';
const business = {
	name: 'Bright Clean Co.',
	email: 'billing@brightclean.example',
	address: '1 Main St',
};
const customer = {
	name: 'Ana Ruiz',
	email: 'ana@example.com',
	phone: '+12125550123',
	address: '12 Elm St',
};

const declined = (intent: string) => ({
	error: {
		type: 'card_error',
		code: 'card_declined',
		decline_code: 'insufficient_funds',
		message: 'Your card has insufficient funds.',
		payment_intent: { id: intent, object: 'payment_intent', status: 'requires_payment_method' },
	},
});

describe.each(storeBackends('monthly_billing'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	/** A weekly agreement signed in October, its Monday visits from November 2; the first four done. */
	async function weeklyAgreement(caseId = 'cs_monthly0001') {
		const quote = await price(
			{
				service_type: 'standard_cleaning',
				bedrooms: 2,
				bathrooms: 1,
				frequency: 'weekly',
			} as never,
			{ now: SIGNED, rateCard: { tax_rate_pct: 10 } },
		);
		const series = await schedule(
			{
				operation: 'bookSeries',
				job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
				customer,
				case_id: caseId,
				series: {
					frequency: 'weekly',
					weekday: 'mon',
					time: '09:00',
					start_date: '2026-11-02',
					count: 20,
				},
			},
			{ store, now: SIGNED },
		);
		await recordCaseStep(
			store,
			{ case: { case_id: caseId }, customer, quote, booking: series },
			'answered',
			BY,
			Date.parse(SIGNED),
		);
		const { contract } = await generateContract(
			{
				customer,
				business,
				quote: quote as never,
				booking: {
					series_id: series.series_id,
					start: series.occurrences[0].start,
					time_zone: ZONE,
				},
				terms: { term_months: 12, auto_renew: true },
			},
			{ store, signingSecret: SECRET, now: SIGNED },
		);
		await recordSignature(
			{ token: contract.signing_token!, name: 'Ana Ruiz' },
			{ store, signingSecret: SECRET, now: SIGNED },
		);
		const novemberVisits = series.occurrences.filter((o) => o.start < '2026-11-24');
		for (const visit of novemberVisits)
			await schedule(
				{ operation: 'progress', booking_id: visit.booking_id, step: 'done' },
				{ store, now: new Date(Date.parse(visit.start) + 3 * 3_600_000) },
			);
		const perVisit = quote.recurring!.per_visit_cents;
		return { quote, series, contract, novemberVisits, perVisit };
	}

	const cardSavedEvent = (seriesId: string, contractId: string, n = 1) => ({
		id: `evt_card_saved_${n}`,
		type: 'setup_intent.succeeded',
		data: {
			object: {
				id: `seti_test_${n}`,
				object: 'setup_intent',
				status: 'succeeded',
				customer: 'cus_test_ana',
				payment_method: `pm_test_card_${n}`,
				metadata: { series_id: seriesId, contract_id: contractId },
			},
		},
	});

	it("bills November's visits of a weekly agreement on one invoice, once; its visits are not billed alone", async () => {
		const { contract, novemberVisits, perVisit, series } = await weeklyAgreement();
		expect(novemberVisits).toHaveLength(4);
		const run = await billMonth(store, { time_zone: ZONE, business }, BILLING_RUN);
		expect(run).toMatchObject({ month: '2026-11', label: 'November 2026', skipped: [] });
		expect(run.invoices).toHaveLength(1);
		const [{ invoice, created, autopay, customer: billed }] = run.invoices;
		expect({ created, autopay }).toEqual({ created: true, autopay: false });
		expect(billed).toMatchObject({ phone: '+12125550123', email: 'ana@example.com' });
		const total = 4 * perVisit;
		const tax = Math.round((total * 10) / 110);
		expect(invoice).toMatchObject({
			invoice_number: 'INV-000001',
			status: 'open',
			booking_id: null,
			contract_id: contract.contract_id,
			series_id: series.series_id,
			total_cents: total,
			tax_cents: tax,
			subtotal_cents: total - tax,
			due_date: '2026-12-16',
			next_charge_at: null,
			period: { month: '2026-11', visits: 4, booking_ids: novemberVisits.map((v) => v.booking_id) },
		});
		expect(invoice.lines[0]).toMatchObject({
			label: 'Standard cleaning visits in November 2026 (Nov 2, Nov 9, Nov 16, Nov 23)',
			quantity: 4,
			amount_cents: total - tax,
		});
		expect(invoice.lines.reduce((s, l) => s + l.amount_cents, 0)).toBe(total);
		// A second run (a retried schedule): the same invoice, no second number.
		const again = await billMonth(store, { time_zone: ZONE, business }, BILLING_RUN + 3_600_000);
		expect(again.invoices).toEqual([expect.objectContaining({ created: false })]);
		expect(again.invoices[0].invoice.invoice_id).toBe(invoice.invoice_id);
		// October: the agreement began in November; nothing billed, nothing to say.
		expect(
			await billMonth(store, { time_zone: ZONE, month: '2026-10' }, BILLING_RUN),
		).toMatchObject({
			invoices: [],
			skipped: [],
		});
		// December, once it has ended, with no visit marked done: skipped, and why.
		const december = await billMonth(
			store,
			{ time_zone: ZONE, month: '2026-12' },
			Date.parse('2027-01-02T06:00:00-05:00'),
		);
		expect(december.skipped).toEqual([
			{
				contract_id: contract.contract_id,
				series_id: series.series_id,
				reason: 'no visit done in December 2026',
			},
		]);
		// A visit of the agreement is billed with its month, not alone.
		await expect(
			invoiceVisit(
				store,
				{ booking_id: novemberVisits[0].booking_id, agreements_monthly: true },
				BILLING_RUN,
			),
		).rejects.toThrow(/billed by the month/);
		// The PDF: valid, and says what it bills.
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-monthly-'));
		try {
			const file = path.join(dir, 'invoice.pdf');
			fs.writeFileSync(file, await invoicePdf(invoice));
			expect(execFileSync('qpdf', ['--check', file]).toString()).toContain(
				'No syntax or stream encoding errors',
			);
			const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
			expect(text).toContain(
				`For: 4 standard cleaning visits in November 2026 (agreement ${contract.contract_id}).`,
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a saved card is charged; declines follow the dunning schedule, then stop; a new card pays, once', async () => {
		const { contract, series, perVisit } = await weeklyAgreement();
		const {
			invoices: [{ invoice }],
		} = await billMonth(store, { time_zone: ZONE, business }, BILLING_RUN);
		expect(await chargesDue(store, BILLING_RUN)).toEqual([]);
		// The customer saves a card on Stripe's page: the open invoice is due at once.
		const saved = await applyStripeEvent(
			store,
			cardSavedEvent(series.series_id!, contract.contract_id),
			BILLING_RUN + 60_000,
		);
		expect(saved).toMatchObject({ outcome: 'card_saved' });
		expect(saved.detail).toMatch(/1 open invoice is charged/);
		let now = BILLING_RUN + 120_000;
		const [first] = await chargesDue(store, now);
		expect(first.charge).toEqual({
			attempt: 1,
			idempotency_key: `charge-${invoice.invoice_id}-1`,
			amount_cents: 4 * perVisit,
			currency: 'usd',
			provider_customer: 'cus_test_ana',
			payment_method: 'pm_test_card_1',
			description: `Invoice ${invoice.invoice_number}, Bright Clean Co.`,
		});
		expect(first.customer).toMatchObject({ phone: '+12125550123' });
		// Held while the workflow charges it: an overlapping run does not charge it too.
		expect(await chargesDue(store, now + 1000)).toEqual([]);
		// The answer was lost (a dropped connection): nothing counted; after the lease, the same try and key.
		expect(
			await recordCharge(
				store,
				{ invoice_id: invoice.invoice_id, attempt: 1, status_code: null, response: {} },
				now,
			),
		).toMatchObject({ outcome: 'not_reached', attempt: 1 });
		now += CHARGE_LEASE_MS + 1000;
		const [retry] = await chargesDue(store, now);
		expect(retry.charge).toMatchObject({
			attempt: 1,
			idempotency_key: `charge-${invoice.invoice_id}-1`,
		});
		// Declined: tried again 1, 3 and 7 days after the first decline, then no more.
		const firstDecline = now;
		const expected = [1, 3, 7];
		for (let attempt = 1; attempt <= 4; attempt++) {
			const result = await recordCharge(
				store,
				{
					invoice_id: invoice.invoice_id,
					attempt,
					status_code: 402,
					response: declined(`pi_declined_${attempt}`),
				},
				now,
			);
			expect(result.failure).toBe(
				'card_declined: insufficient_funds: Your card has insufficient funds.',
			);
			if (attempt <= 3) {
				expect(result).toMatchObject({
					outcome: 'declined',
					next_try_at: new Date(firstDecline + expected[attempt - 1] * DAY).toISOString(),
				});
				// Not due before its day; due on it, as the next attempt with its own key.
				expect(
					await chargesDue(store, firstDecline + expected[attempt - 1] * DAY - 60_000),
				).toEqual([]);
				now = firstDecline + expected[attempt - 1] * DAY;
				const [next] = await chargesDue(store, now);
				expect(next.charge).toMatchObject({
					attempt: attempt + 1,
					idempotency_key: `charge-${invoice.invoice_id}-${attempt + 1}`,
				});
			} else {
				expect(result).toMatchObject({ outcome: 'gave_up', next_try_at: null });
				expect(result.detail).toMatch(/declined 4 times.*no more automatic tries/);
			}
		}
		expect(await chargesDue(store, now + 60 * DAY)).toEqual([]);
		// The same answer recorded twice (a retried node): counted once.
		expect(
			await recordCharge(
				store,
				{
					invoice_id: invoice.invoice_id,
					attempt: 4,
					status_code: 402,
					response: declined('pi_declined_4'),
				},
				now,
			),
		).toMatchObject({ outcome: 'already_recorded' });
		// Stripe's event for a decline already recorded adds nothing.
		const failedEvent = await applyStripeEvent(
			store,
			{
				id: 'evt_failed_4',
				type: 'payment_intent.payment_failed',
				data: {
					object: {
						id: 'pi_declined_4',
						amount: 4 * perVisit,
						currency: 'usd',
						metadata: { invoice_id: invoice.invoice_id },
						last_payment_error: { code: 'card_declined' },
					},
				},
			},
			now,
		);
		expect(failedEvent.outcome).toBe('replayed');
		// A new card, saved after ops called: charged at once, paid.
		now += DAY;
		await applyStripeEvent(store, cardSavedEvent(series.series_id!, contract.contract_id, 2), now);
		const [afterNewCard] = await chargesDue(store, now);
		expect(afterNewCard.charge).toMatchObject({ attempt: 5, payment_method: 'pm_test_card_2' });
		const paid = await recordCharge(
			store,
			{
				invoice_id: invoice.invoice_id,
				attempt: 5,
				status_code: 200,
				response: {
					id: 'pi_paid_5',
					object: 'payment_intent',
					status: 'succeeded',
					amount: 4 * perVisit,
					amount_received: 4 * perVisit,
					currency: 'usd',
				},
			},
			now,
		);
		expect(paid).toMatchObject({
			outcome: 'paid',
			invoice: { status: 'paid', paid_cents: 4 * perVisit, charge_attempts: 5 },
		});
		// Stripe's own event for the same payment: nothing added.
		const event = await applyStripeEvent(
			store,
			{
				id: 'evt_paid_5',
				type: 'payment_intent.succeeded',
				data: {
					object: {
						id: 'pi_paid_5',
						amount: 4 * perVisit,
						amount_received: 4 * perVisit,
						currency: 'usd',
						metadata: { invoice_id: invoice.invoice_id },
					},
				},
			},
			now + 1000,
		);
		expect(event.outcome).toBe('replayed');
		const [after] = await store.read('SELECT paid_cents, status FROM invoices WHERE id = $1', [
			invoice.invoice_id,
		]);
		expect({ paid: Number(after.paid_cents), status: after.status }).toEqual({
			paid: 4 * perVisit,
			status: 'paid',
		});
		const payments = await store.read(
			'SELECT kind, provider_id FROM payments WHERE invoice_id = $1 ORDER BY created_at_ms',
			[invoice.invoice_id],
		);
		expect(payments.map((p) => `${String(p.kind)} ${String(p.provider_id)}`)).toEqual([
			'failed pi_declined_1',
			'failed pi_declined_2',
			'failed pi_declined_3',
			'failed pi_declined_4',
			'payment pi_paid_5',
		]);
		// December: the card is on file, so December's invoice is due for a charge the moment it is billed.
		const january = Date.parse('2027-01-01T06:00:00-05:00');
		for (const visit of (
			await store.listBookings({ seriesId: series.series_id!, statuses: ['confirmed'] }, now)
		).filter((b) => b.start_ms < Date.parse('2027-01-01T00:00:00-05:00')))
			await schedule(
				{ operation: 'progress', booking_id: visit.id, step: 'done' },
				{ store, now: new Date(visit.start_ms + 3 * 3_600_000) },
			);
		const december = await billMonth(store, { time_zone: ZONE, business }, january);
		expect(december.invoices).toEqual([expect.objectContaining({ autopay: true, created: true })]);
		expect(december.invoices[0].invoice.next_charge_at).toBe(
			new Date(january).toISOString().replace('.000', ''),
		);
		expect((await chargesDue(store, january))[0].charge).toMatchObject({
			attempt: 1,
			payment_method: 'pm_test_card_2',
		});
	});

	it('after a renewal the month is billed under the renewed agreement, at its price', async () => {
		const { contract, series, perVisit } = await weeklyAgreement();
		// The first term's end moved to November 15 (as if signed a year before): renewed from the 16th, 10% up.
		const stored = (await store.getContract(contract.contract_id))!;
		await store.saveContract({ ...stored, end_date: '2026-11-15' });
		await renewContract(
			contract.contract_id,
			{ action: 'renew', price_change_pct: 10 },
			{ store, now: '2026-11-01T12:00:00Z' },
		);
		const run = await billMonth(store, { time_zone: ZONE, business }, BILLING_RUN);
		expect(run.invoices).toHaveLength(1);
		const [{ invoice }] = run.invoices;
		// The invoice belongs to the renewed agreement; Nov 2 and 9 at the old price, 16 and 23 at the new.
		expect(invoice.contract_id).not.toBe(contract.contract_id);
		expect(invoice.series_id).toBe(series.series_id);
		const renewed = Math.round(perVisit * 1.1);
		expect(invoice.total_cents).toBe(2 * perVisit + 2 * renewed);
		expect(invoice.lines.filter((l) => l.kind === 'service').map((l) => l.quantity)).toEqual([
			2, 2,
		]);
	});

	it('a card link cannot be made up, changed or stretched; it opens the agreement it names', async () => {
		const { contract, series } = await weeklyAgreement();
		const url = cardLinkUrl(
			'https://ops.example/webhook/autopay',
			contract.contract_id,
			BILLING_RUN,
			SECRET,
		);
		const token = new URL(url).searchParams.get('token')!;
		expect(await readCardLink(store, token, SECRET, BILLING_RUN)).toMatchObject({
			state: 'open',
			contract_id: contract.contract_id,
			series_id: series.series_id,
			currency: 'usd',
			provider_customer: null,
			customer: { email: 'ana@example.com' },
		});
		const [id, expires, mac] = token.split('.');
		const later = (parseInt(expires, 36) + DAY).toString(36);
		for (const bad of [
			`${id}.${later}.${mac}`,
			`${id}.${expires}.${mac.slice(0, -2)}AA`,
			cardLinkToken(contract.contract_id, BILLING_RUN + DAY, 'another-secret-of-enough-length-000'),
			'nonsense',
			'',
		])
			expect((await readCardLink(store, bad, SECRET, BILLING_RUN)).state).toBe('invalid');
		expect((await readCardLink(store, token, SECRET, BILLING_RUN + 31 * DAY)).state).toBe(
			'expired',
		);
		// Once a card was saved, its Stripe customer is reused.
		await applyStripeEvent(
			store,
			cardSavedEvent(series.series_id!, contract.contract_id),
			BILLING_RUN,
		);
		expect((await readCardLink(store, token, SECRET, BILLING_RUN)).provider_customer).toBe(
			'cus_test_ana',
		);
	});

	it('erasing the customer drops the saved card: no more charges, no provider id left; the invoices stay', async () => {
		const { contract, series } = await weeklyAgreement();
		const {
			invoices: [{ invoice }],
		} = await billMonth(store, { time_zone: ZONE, business }, BILLING_RUN);
		await applyStripeEvent(
			store,
			cardSavedEvent(series.series_id!, contract.contract_id),
			BILLING_RUN,
		);
		// Erasing needs the visits to come cancelled first.
		for (const visit of await store.listBookings(
			{ seriesId: series.series_id!, statuses: ['confirmed', 'held'] },
			BILLING_RUN,
		))
			await schedule(
				{ operation: 'cancel', booking_id: visit.id, reason: 'customer_request' },
				{ store, now: new Date(BILLING_RUN) },
			);
		const report = await eraseCustomer(store, invoice.customer_id!, 'ops', BILLING_RUN + 1000);
		expect(report.erased.saved_cards).toBe(1);
		expect(
			await store.read('SELECT status, provider_customer, payment_method FROM autopay'),
		).toEqual([{ status: 'removed', provider_customer: 'erased', payment_method: 'erased' }]);
		expect(await chargesDue(store, BILLING_RUN + 2000)).toEqual([]);
		expect((await getInvoice(store, invoice.invoice_id))?.status).toBe('open');
	});

	it('bad input names the field', async () => {
		expect(() => billingMonth(BILLING_RUN, ZONE, '2026-13')).toThrow(
			expect.objectContaining({ field: 'month' }),
		);
		expect(() => billingMonth(BILLING_RUN, ZONE, '2027-01')).toThrow(
			expect.objectContaining({ field: 'month' }),
		);
		// A month still running is not billed: its later visits would never be.
		expect(() => billingMonth(BILLING_RUN, ZONE, '2026-12')).toThrow(/has not ended/);
		expect(() => billingMonth(BILLING_RUN, 'Mars/Base', null)).toThrow(
			expect.objectContaining({ field: 'time_zone' }),
		);
		expect(billingMonth(BILLING_RUN, ZONE, null)).toMatchObject({
			month: '2026-11',
			from_day: '2026-11-01',
			to_day: '2026-11-30',
		});
		// Midnight of December 1 in New York is still November in UTC's calendar: the business's zone decides.
		expect(billingMonth(Date.parse('2026-12-01T00:30:00-05:00'), ZONE, null).month).toBe('2026-11');
		expect(billingMonth(Date.parse('2026-12-01T00:30:00-05:00'), 'UTC', null).month).toBe(
			'2026-11',
		);
		await expect(
			billMonth(store, { time_zone: ZONE, series: 'no spaces' }, BILLING_RUN),
		).rejects.toMatchObject({ field: 'series' });
		await expect(
			billMonth(store, { time_zone: ZONE, due_days: -3 }, BILLING_RUN),
		).rejects.toMatchObject({ field: 'due_days' });
		await expect(chargesDue(store, BILLING_RUN, 0)).rejects.toMatchObject({ field: 'limit' });
		await expect(
			recordCharge(
				store,
				{ invoice_id: 'x', attempt: 1, status_code: 200, response: {} },
				BILLING_RUN,
			),
		).rejects.toMatchObject({ field: 'invoice_id' });
		await expect(
			recordCharge(
				store,
				{ invoice_id: 'in_missing', attempt: 0, status_code: 200, response: {} },
				BILLING_RUN,
			),
		).rejects.toMatchObject({ field: 'attempt' });
		await expect(
			recordCharge(
				store,
				{ invoice_id: 'in_missing', attempt: 1, status_code: 200, response: {} },
				BILLING_RUN,
			),
		).rejects.toMatchObject({ field: 'invoice_id' });
		// A card event naming no series of ours keeps nothing.
		expect(
			await applyStripeEvent(store, cardSavedEvent('sr_nope', 'ct_nope'), BILLING_RUN),
		).toMatchObject({ outcome: 'unmatched' });
		expect(await store.read('SELECT * FROM autopay')).toEqual([]);
	});
});

describe('the messages of monthly billing', () => {
	const base = {
		customer: { name: 'Ana Ruiz', email: 'ana@example.com', phone: '+12125550123' },
		business: {
			name: 'Bright Clean Co.',
			email: 'billing@brightclean.example',
			phone: '+1 212 555 0100',
		},
		service: 'standard_cleaning',
	};
	const invoice = {
		invoice_number: 'INV-000007',
		currency: 'USD',
		total_cents: 44880,
		paid_cents: 0,
		due_date: '2026-12-16',
		period: { label: 'November 2026', visits: 4, service: 'standard cleaning' },
	};
	const options = { timeZone: ZONE, now: new Date(BILLING_RUN), channels: { calendar: false } };

	it("a month's invoice says what it bills; without a card it offers the card page, with one it says the card pays", () => {
		const card = 'https://ops.example/webhook/card?token=abc';
		const offered = compose(
			{ ...base, kind: 'invoice', invoice, links: { card_url: card } },
			options,
		);
		expect(offered.email!.text).toContain(
			'Your invoice INV-000007 for your 4 standard cleaning visits in November 2026 is attached: $448.80, due December 16, 2026.',
		);
		expect(offered.email!.text).toContain(
			`Save a card and each month's invoice is paid automatically: ${card}`,
		);
		const autopay = compose(
			{
				...base,
				kind: 'invoice',
				invoice: { ...invoice, autopay: true },
				links: { card_url: card },
			},
			options,
		);
		expect(autopay.email!.text).toContain(
			'It is charged to the card you saved: nothing for you to do.',
		);
		expect(autopay.email!.text).not.toContain(card);
		expect(autopay.sms!.text).toContain('Charged to your saved card.');
	});

	it('a declined charge says why in plain words, when it is tried again, or that it no longer is', () => {
		const card = 'https://ops.example/webhook/card?token=def';
		const declined = compose(
			{
				...base,
				kind: 'payment_failed',
				invoice,
				links: { card_url: card },
				charge: {
					next_try_at: '2026-12-02T11:00:00.000Z',
					failure: 'card_declined: insufficient_funds: Your card has insufficient funds.',
				},
			},
			options,
		);
		expect(declined.email!.subject).toBe('Your payment for invoice INV-000007 did not go through');
		expect(declined.email!.text).toContain(
			'We could not take $448.80 for invoice INV-000007 from the card you saved (the bank said there were not enough funds). We will try it again on Wednesday, December 2.',
		);
		expect(declined.email!.text).toContain(`To use another card: ${card}`);
		expect(declined.sms!.text).toContain(`Another card: ${card}`);
		const last = compose(
			{
				...base,
				kind: 'payment_failed',
				invoice,
				links: { card_url: card },
				charge: { next_try_at: null, failure: 'expired_card' },
			},
			options,
		);
		expect(last.email!.text).toContain(
			'from the card you saved (the card has expired). We have stopped trying the card and will be in touch.',
		);
	});
});
