/**
 * Agreements billed by the month, and the card the customer saved for them. Once a month the
 * visits done under each agreement in the month before are billed on one invoice (at the price
 * of the agreement in force on each visit's day). When the customer saved a card, the invoice
 * is charged to it; a declined charge is tried again on a dunning schedule (1, 3 and 7 days
 * after the first decline) and then left to ops. Our code computes every amount and keeps the
 * ledger; the payment provider (Stripe) moves the money. A charge is made by the workflow (an
 * HTTP Request to Stripe, one idempotency key per attempt) and its answer recorded here.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import { DateTime } from 'luxon';

import { InputError } from '../errors';
import { MIN_SECRET_LENGTH } from '../signing';
import { applyPrepaid } from './credits';
import { jsonColumn } from './columns';
import { invoiceFromRow, nextNumber, readSeries, type Invoice, type InvoiceLine } from './invoices';
import type { BookingStore, ContractRecord, SqlRunner } from '../store';

export class MonthlyBillingInputError extends InputError {}

/** Days after the first declined charge on which it is tried again; after the last, ops decide. */
export const DUNNING_DAYS = [1, 3, 7] as const;

/** How long a charge handed to the workflow is held before another run may try it (its answer never came). */
export const CHARGE_LEASE_MS = 15 * 60_000;

export interface BillingMonth {
	/** YYYY-MM */
	month: string;
	label: string;
	from_day: string;
	to_day: string;
	fromMs: number;
	toMs: number;
}

/** The month to bill: the one named (YYYY-MM, over by now), else the calendar month before `nowMs` in the business's zone. */
export function billingMonth(nowMs: number, zone: string, month?: string | null): BillingMonth {
	if (!DateTime.local().setZone(zone).isValid)
		throw new MonthlyBillingInputError(
			'time_zone',
			`"${zone}" is not a time zone: use an IANA name such as America/New_York.`,
		);
	let start: DateTime;
	if (month !== null && month !== undefined && String(month).trim() !== '') {
		start = DateTime.fromFormat(String(month).trim(), 'yyyy-MM', { zone });
		if (!start.isValid)
			throw new MonthlyBillingInputError(
				'month',
				`"month" is the month to bill as YYYY-MM (2026-11), or empty for last month; got ${JSON.stringify(month)}.`,
			);
		if (start.plus({ months: 1 }).toMillis() > nowMs)
			throw new MonthlyBillingInputError(
				'month',
				`${String(month)} has not ended: a month is billed once it is over (billed early, its later visits would never be). Leave "month" empty to bill last month.`,
			);
	} else start = DateTime.fromMillis(nowMs, { zone }).startOf('month').minus({ months: 1 });
	const end = start.plus({ months: 1 });
	return {
		month: start.toFormat('yyyy-MM'),
		label: start.toFormat('LLLL yyyy'),
		from_day: start.toISODate()!,
		to_day: end.minus({ days: 1 }).toISODate()!,
		fromMs: start.toMillis(),
		toMs: end.toMillis(),
	};
}

const seriesOf = (contract: ContractRecord): string | null => {
	const booking = contract.terms?.booking as { series_id?: unknown } | null | undefined;
	return typeof booking?.series_id === 'string' ? booking.series_id : null;
};

/** What one visit of the agreement costs, tax inside (the agreed recurring price, else the quote's total). */
function perVisitCents(contract: ContractRecord): number | null {
	const quote = contract.terms?.quote as
		{ total_cents?: unknown; recurring?: { per_visit_cents?: unknown } | null } | null | undefined;
	const value = quote?.recurring?.per_visit_cents ?? quote?.total_cents;
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

const currencyOf = (contract: ContractRecord) => {
	const quote = contract.terms?.quote as { currency?: unknown } | null | undefined;
	return typeof quote?.currency === 'string' ? quote.currency.toUpperCase() : 'USD';
};

export interface MonthInvoice {
	invoice: Invoice;
	created: boolean;
	/** The customer as the agreement has them (name, e-mail, phone, address): who is told. */
	customer: Record<string, unknown>;
	/** A saved card will be charged for it (the run's charges); else the customer pays another way. */
	autopay: boolean;
}

export interface BillMonthInput {
	time_zone: string;
	/** YYYY-MM; empty: last month. */
	month?: string | null;
	series?: string | null;
	due_days?: number | null;
	business?: { name?: string | null; email?: string | null; address?: string | null } | null;
}

export interface BillMonthResult {
	month: string;
	label: string;
	invoices: MonthInvoice[];
	/** Agreements with nothing billed, and why (no visit done in the month, no price on record). */
	skipped: Array<{ contract_id: string; series_id: string | null; reason: string }>;
}

/**
 * Bills the month for every agreement of a regular service that was in force in it: one invoice
 * per agreement and month (a second run gives the same invoices back, `created` false), its
 * lines the visits done in the month, each at the price of the agreement in force on its day. A
 * visit already billed on its own (Bill a Visit) is left out. With a saved card the invoice is
 * due for a charge at once.
 */
export async function billMonth(
	store: BookingStore,
	input: BillMonthInput,
	nowMs: number,
): Promise<BillMonthResult> {
	const zone = String(input?.time_zone ?? '');
	const period = billingMonth(nowMs, zone, input.month);
	const series = readSeries(input.series);
	const dueDays = input.due_days ?? 15;
	if (!(Number.isInteger(dueDays) && dueDays >= 0 && dueDays <= 365))
		throw new MonthlyBillingInputError(
			'due_days',
			'"due_days" is a whole number of days from 0 to 365.',
		);
	// The agreements in force at some time in the month (signed; active, renewed or ended since).
	const rows = await store.read(
		"SELECT record FROM contracts WHERE status <> 'awaiting_signature' AND end_date >= $1",
		[period.from_day],
	);
	const bySeries = new Map<string, ContractRecord[]>();
	const result: BillMonthResult = {
		month: period.month,
		label: period.label,
		invoices: [],
		skipped: [],
	};
	for (const row of rows) {
		const contract = jsonColumn<ContractRecord | null>(row.record, null);
		// Signed (the query leaves out those waiting for a signature), or a renewal of one: a renewed term has no signature of its own.
		if (!contract || contract.start_date > period.to_day) continue;
		const seriesId = seriesOf(contract);
		if (!seriesId) continue;
		bySeries.set(seriesId, [...(bySeries.get(seriesId) ?? []), contract]);
	}
	for (const [seriesId, agreements] of [...bySeries].sort(([a], [b]) => a.localeCompare(b))) {
		// The invoice belongs to the agreement in force at the month's end (the latest that began by then).
		agreements.sort((a, b) => b.start_date.localeCompare(a.start_date));
		const contract = agreements[0];
		const billed = await billSeriesMonth(store, {
			seriesId,
			contract,
			agreements,
			period,
			series,
			dueDays,
			zone,
			business: input.business ?? null,
			nowMs,
		});
		if ('reason' in billed)
			result.skipped.push({ contract_id: contract.id, series_id: seriesId, reason: billed.reason });
		else result.invoices.push(billed);
	}
	return result;
}

async function billSeriesMonth(
	store: BookingStore,
	job: {
		seriesId: string;
		contract: ContractRecord;
		agreements: ContractRecord[];
		period: BillingMonth;
		series: string;
		dueDays: number;
		zone: string;
		business: BillMonthInput['business'];
		nowMs: number;
	},
): Promise<MonthInvoice | { reason: string }> {
	const { seriesId, contract, agreements, period, nowMs, zone } = job;
	const customer = (contract.customer ?? {}) as Record<string, unknown>;
	return await store.lockedWrite(`invoice-month:${contract.id}:${period.month}`, async (sql) => {
		const [existing] = await sql.query(
			'SELECT * FROM invoices WHERE contract_id = $1 AND period = $2',
			[contract.id, period.month],
		);
		const [card] = await sql.query(
			"SELECT contract_id FROM autopay WHERE series_id = $1 AND status = 'active'",
			[seriesId],
		);
		if (existing)
			return { invoice: invoiceFromRow(existing), created: false, customer, autopay: !!card };
		const visits = await sql.query(
			"SELECT b.id, b.start_ms, b.service, b.details FROM bookings b WHERE b.series_id = $1 AND b.status = 'completed' AND b.start_ms >= $2 AND b.start_ms < $3 AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.booking_id = b.id) ORDER BY b.start_ms",
			[seriesId, period.fromMs, period.toMs],
		);
		if (!visits.length) return { reason: `no visit done in ${period.label}` };
		// Each visit at the price of the agreement in force on its day.
		const priced = new Map<number, Array<{ id: string; day: DateTime }>>();
		for (const visit of visits) {
			const day = DateTime.fromMillis(Number(visit.start_ms), { zone });
			const iso = day.toISODate()!;
			const inForce = agreements.find((a) => a.start_date <= iso && iso <= a.end_date) ?? contract;
			const price = perVisitCents(inForce);
			if (price === null)
				return {
					reason: `agreement ${inForce.id} has no per-visit price on record: bill it by hand`,
				};
			priced.set(price, [...(priced.get(price) ?? []), { id: String(visit.id), day }]);
		}
		// The tax rate of the quote the customer agreed (its case), tax inside the agreed price.
		const [seriesRow] = await sql.query('SELECT details FROM series WHERE id = $1', [seriesId]);
		const caseId = jsonColumn<{ case_id?: string }>(seriesRow?.details, {}).case_id ?? null;
		const [kase] = caseId
			? await sql.query('SELECT customer_id, quote_terms FROM cases WHERE id = $1', [caseId])
			: [];
		const taxRate = Number(
			jsonColumn<{ tax_rate_pct?: number } | null>(kase?.quote_terms, null)?.tax_rate_pct ?? 0,
		);
		const service = String(visits[0].service ?? 'service').replace(/_/g, ' ');
		const lines: InvoiceLine[] = [];
		let total = 0;
		let tax = 0;
		for (const [price, days] of priced) {
			const lineTotal = price * days.length;
			const lineTax = Math.round((lineTotal * taxRate) / (100 + taxRate));
			total += lineTotal;
			tax += lineTax;
			lines.push({
				label: `${service[0].toUpperCase()}${service.slice(1)} visit${days.length === 1 ? '' : 's'} in ${period.label} (${days.map((d) => d.day.toFormat('LLL d')).join(', ')})`,
				kind: 'service',
				quantity: days.length,
				amount_cents: lineTotal - lineTax,
			});
		}
		if (tax)
			lines.push({ label: `Tax (${taxRate}%)`, kind: 'tax', quantity: null, amount_cents: tax });
		const number = await nextNumber(sql, job.series);
		const id = `in_${randomUUID()}`;
		const record = {
			lines,
			tax_rate_pct: taxRate,
			customer: {
				name: (customer.name as string | null) ?? null,
				email: (customer.email as string | null) ?? null,
				address: (customer.address as string | null) ?? null,
			},
			business: {
				name: job.business?.name ?? null,
				email: job.business?.email ?? null,
				address: job.business?.address ?? null,
			},
			visit: null,
			period: {
				month: period.month,
				label: period.label,
				visits: visits.length,
				booking_ids: visits.map((v) => String(v.id)),
				service,
				time_zone: zone,
			},
			provider: {},
		};
		await sql.query(
			'INSERT INTO invoices (id, series, number, invoice_number, status, customer_id, case_id, booking_id, contract_id, currency, subtotal_cents, discount_cents, tax_cents, total_cents, paid_cents, due_date, issued_at_ms, paid_at_ms, voided_at_ms, record, updated_at_ms, period, series_id, next_charge_at_ms, charge_attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, 0, $11, $12, 0, $13, $14, NULL, NULL, $15, $14, $16, $17, $18, 0)',
			[
				id,
				job.series,
				number,
				`${job.series}-${String(number).padStart(6, '0')}`,
				'open',
				(kase?.customer_id as string | null) ?? null,
				caseId,
				contract.id,
				currencyOf(contract),
				total - tax,
				tax,
				total,
				DateTime.fromMillis(nowMs, { zone }).plus({ days: job.dueDays }).toISODate()!,
				nowMs,
				JSON.stringify(record),
				period.month,
				seriesId,
				card ? nowMs : null,
			],
		);
		// The agreement's deposit (on its first bill) and the customer's credits pay it first.
		await applyPrepaid(
			sql,
			{
				id,
				customer_id: (kase?.customer_id as string | null) ?? null,
				currency: currencyOf(contract),
				total_cents: total,
				booking_ids: visits.map((v) => String(v.id)),
				series_id: seriesId,
			},
			nowMs,
		);
		const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [id]);
		return { invoice: invoiceFromRow(row), created: true, customer, autopay: !!card };
	});
}

/** A charge for the workflow to make: Stripe's PaymentIntent parameters and the key that makes a retry safe. */
export interface DueCharge {
	invoice: Invoice;
	customer: Record<string, unknown>;
	charge: {
		/** This charge's try (1 the first; the dunning's retries after). */
		attempt: number;
		/** Stripe's Idempotency-Key: the same for every retry of one attempt (a lost answer), another for the next attempt. */
		idempotency_key: string;
		amount_cents: number;
		/** Lower case, as Stripe writes it. */
		currency: string;
		provider_customer: string;
		payment_method: string;
		description: string;
	};
}

/**
 * The invoices whose saved card is to be charged now (a month just billed, a dunning retry that
 * is due, a card saved for an invoice left open), held for CHARGE_LEASE_MS so that a run that
 * overlaps this one does not charge them too; the answer is recorded with recordCharge.
 */
export async function chargesDue(
	store: BookingStore,
	nowMs: number,
	limit = 200,
): Promise<DueCharge[]> {
	if (!(Number.isInteger(limit) && limit >= 1 && limit <= 5000))
		throw new MonthlyBillingInputError('limit', '"limit" is how many charges at most, 1 to 5000.');
	return await store.lockedWrite('charges-due', async (sql) => {
		const rows = await sql.query(
			`SELECT i.*, a.provider_customer, a.payment_method FROM invoices i JOIN autopay a ON a.series_id = i.series_id AND a.status = 'active' WHERE i.status = 'open' AND i.next_charge_at_ms IS NOT NULL AND i.next_charge_at_ms <= $1 ORDER BY i.next_charge_at_ms, i.number LIMIT ${limit}`,
			[nowMs],
		);
		const due: DueCharge[] = [];
		for (const row of rows) {
			const invoice = invoiceFromRow(row);
			await sql.query('UPDATE invoices SET next_charge_at_ms = $2 WHERE id = $1', [
				invoice.invoice_id,
				nowMs + CHARGE_LEASE_MS,
			]);
			const attempt = Number(row.charge_attempts ?? 0) + 1;
			const [contract] = invoice.contract_id
				? await sql.query('SELECT record FROM contracts WHERE id = $1', [invoice.contract_id])
				: [];
			const customer =
				(jsonColumn<ContractRecord | null>(contract?.record, null)?.customer as Record<
					string,
					unknown
				> | null) ?? invoice.customer;
			due.push({
				invoice,
				customer,
				charge: {
					attempt,
					idempotency_key: `charge-${invoice.invoice_id}-${attempt}`,
					amount_cents: invoice.total_cents - invoice.paid_cents,
					currency: invoice.currency.toLowerCase(),
					provider_customer: String(row.provider_customer),
					payment_method: String(row.payment_method),
					description: `Invoice ${invoice.invoice_number}${invoice.business.name ? `, ${invoice.business.name}` : ''}`,
				},
			});
		}
		return due;
	});
}

export type ChargeOutcome =
	'paid' | 'processing' | 'declined' | 'gave_up' | 'not_reached' | 'already_recorded';

export interface RecordedCharge {
	outcome: ChargeOutcome;
	invoice: Invoice;
	attempt: number;
	/** The decline in the provider's words (code: message), when declined. */
	failure: string | null;
	/** When the card is tried again (ISO), when it will be. */
	next_try_at: string | null;
	/** For ops and the message: what happened and what follows. */
	detail: string;
}

const obj = (v: unknown): Record<string, unknown> =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Records Stripe's answer to a charge (a PaymentIntent created with confirm and off_session):
 * succeeded: the invoice is paid (the payment kept under the PaymentIntent's id, so Stripe's
 * event for it later adds nothing); a card error: the attempt is counted and the next try set
 * on the dunning schedule, or none after the last (`gave_up`: ops decide); no answer at all (a
 * dropped connection, a 5xx, a 429 after n8n's retries): nothing is counted and the same
 * attempt, with the same idempotency key, is tried again once the lease ends.
 */
export async function recordCharge(
	store: BookingStore,
	input: { invoice_id: string; attempt: number; status_code: number | null; response: unknown },
	nowMs: number,
	dunningDays: readonly number[] = DUNNING_DAYS,
): Promise<RecordedCharge> {
	if (typeof input?.invoice_id !== 'string' || !/^in_[\w-]{4,64}$/.test(input.invoice_id))
		throw new MonthlyBillingInputError(
			'invoice_id',
			'"invoice_id" is the invoice charged (in_...), as List Charges Due gave it.',
		);
	if (!Number.isInteger(input.attempt) || input.attempt < 1)
		throw new MonthlyBillingInputError(
			'attempt',
			'"attempt" is the charge\'s try (1, 2, ...), as List Charges Due gave it (charge.attempt).',
		);
	const body = obj(input.response);
	const error = obj(body.error);
	const status = input.status_code;
	return await store.lockedWrite(`charge:${input.invoice_id}`, async (sql) => {
		const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [input.invoice_id]);
		if (!row) throw new MonthlyBillingInputError('invoice_id', `No invoice ${input.invoice_id}.`);
		const before = invoiceFromRow(row);
		const attempts = Number(row.charge_attempts ?? 0);
		const kept = jsonColumn<Record<string, unknown>>(row.record, {});
		const dunning = obj(kept.dunning);
		const done = (
			outcome: ChargeOutcome,
			invoice: Invoice,
			detail: string,
			failure: string | null = null,
			next: number | null = null,
		): RecordedCharge => ({
			outcome,
			invoice,
			attempt: input.attempt,
			failure,
			next_try_at: next === null ? null : DateTime.fromMillis(next).toUTC().toISO(),
			detail,
		});
		if (input.attempt <= attempts || before.status !== 'open')
			return done(
				'already_recorded',
				before,
				`Invoice ${before.invoice_number}: this charge was recorded before (${before.status}, ${attempts} tries): nothing changed.`,
			);
		const intent = status === 200 ? body : obj(error.payment_intent);
		const intentId = typeof intent.id === 'string' ? intent.id : null;
		const reread = async () =>
			invoiceFromRow(
				(await sql.query('SELECT * FROM invoices WHERE id = $1', [input.invoice_id]))[0],
			);
		if (status === 200 && (body.status === 'succeeded' || body.status === 'processing')) {
			const amount = Number(body.amount_received ?? body.amount ?? 0);
			if (body.status === 'processing') {
				await sql.query(
					'UPDATE invoices SET charge_attempts = $2, next_charge_at_ms = NULL, updated_at_ms = $3 WHERE id = $1',
					[input.invoice_id, input.attempt, nowMs],
				);
				return done(
					'processing',
					await reread(),
					`Invoice ${before.invoice_number}: the charge is processing; Stripe's event will say when it is paid.`,
				);
			}
			const [seen] = intentId
				? await sql.query("SELECT id FROM payments WHERE kind = 'payment' AND provider_id = $1", [
						intentId,
					])
				: [];
			const paid = seen ? before.paid_cents : before.paid_cents + amount;
			const settled = paid >= before.total_cents;
			if (!seen)
				await sql.query(
					'INSERT INTO payments (id, invoice_id, kind, amount_cents, currency, provider, provider_id, event_id, failure, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8)',
					[
						`py_${randomUUID()}`,
						input.invoice_id,
						'payment',
						amount,
						before.currency,
						'stripe',
						intentId,
						nowMs,
					],
				);
			await sql.query(
				'UPDATE invoices SET paid_cents = $2, status = $3, paid_at_ms = $4, charge_attempts = $5, next_charge_at_ms = NULL, record = $6, updated_at_ms = $7 WHERE id = $1',
				[
					input.invoice_id,
					paid,
					settled ? 'paid' : 'open',
					settled ? nowMs : null,
					input.attempt,
					JSON.stringify({
						...kept,
						provider: { ...obj(kept.provider), ...(intentId ? { stripe_payment: intentId } : {}) },
					}),
					nowMs,
				],
			);
			return done(
				'paid',
				await reread(),
				`Invoice ${before.invoice_number}: ${amount} ${before.currency} charged to the saved card (try ${input.attempt}).`,
			);
		}
		// A card declined (402), or Stripe refused the request for good (a detached card, a deleted customer), or
		// the charge needs the customer's authentication, which an off-session charge cannot ask for.
		const refused =
			(typeof status === 'number' && status >= 400 && status < 500 && status !== 429) ||
			(status === 200 && body.status === 'requires_action') ||
			(status === 200 && body.status === 'requires_payment_method');
		if (!refused) {
			// No answer to count (a dropped connection, a 5xx, rate limited after n8n's retries): the lease ends, the same try again.
			return done(
				'not_reached',
				before,
				`Invoice ${before.invoice_number}: Stripe was not reached (${status ?? 'no answer'}); the same charge (try ${input.attempt}, same idempotency key) is tried again after ${CHARGE_LEASE_MS / 60_000} minutes.`,
			);
		}
		const failure =
			status === 200
				? `authentication_required: the bank asks the customer to confirm this payment`
				: [error.code, error.decline_code, error.message]
						.filter((v) => typeof v === 'string' && v)
						.join(': ') || `HTTP ${status}`;
		const firstFailedMs =
			typeof dunning.first_failed_at_ms === 'number' ? dunning.first_failed_at_ms : nowMs;
		// The n-th failed try (counting from the first decline) waits for the n-th dunning day; after the last, none.
		const failedTries = Number(dunning.failed_tries ?? 0) + 1;
		const next =
			failedTries <= dunningDays.length
				? DateTime.fromMillis(firstFailedMs)
						.plus({ days: dunningDays[failedTries - 1] })
						.toMillis()
				: null;
		// Stripe's event for this decline may have come first: one row per PaymentIntent.
		const [known] = intentId
			? await sql.query("SELECT id FROM payments WHERE kind = 'failed' AND provider_id = $1", [
					intentId,
				])
			: [];
		if (!known)
			await sql.query(
				'INSERT INTO payments (id, invoice_id, kind, amount_cents, currency, provider, provider_id, event_id, failure, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)',
				[
					`py_${randomUUID()}`,
					input.invoice_id,
					'failed',
					before.total_cents - before.paid_cents,
					before.currency,
					'stripe',
					intentId,
					failure,
					nowMs,
				],
			);
		await sql.query(
			'UPDATE invoices SET charge_attempts = $2, next_charge_at_ms = $3, record = $4, updated_at_ms = $5 WHERE id = $1',
			[
				input.invoice_id,
				input.attempt,
				next,
				JSON.stringify({
					...kept,
					dunning: {
						first_failed_at_ms: firstFailedMs,
						failed_tries: failedTries,
						last_failure: failure,
						gave_up_at_ms: next === null ? nowMs : null,
					},
				}),
				nowMs,
			],
		);
		const invoice = await reread();
		return next === null
			? done(
					'gave_up',
					invoice,
					`Invoice ${before.invoice_number}: the saved card was declined ${failedTries} times (last: ${failure}); no more automatic tries. Call the customer, or ask for another card.`,
					failure,
				)
			: done(
					'declined',
					invoice,
					`Invoice ${before.invoice_number}: the saved card was declined (${failure}); tried again on ${DateTime.fromMillis(next).toUTC().toISODate()}.`,
					failure,
					next,
				);
	});
}

/**
 * A card saved for an agreement (Stripe's setup_intent.succeeded, its metadata naming the
 * series): kept for the series (its renewals too); the open month invoices of the series that
 * wait for no charge are due at once, so a card saved after a decline pays what is owed.
 */
export async function saveCard(
	sql: SqlRunner,
	input: {
		series_id: string;
		contract_id: string | null;
		provider_customer: string;
		payment_method: string;
	},
	nowMs: number,
): Promise<{ invoices_due: number }> {
	const [seriesRow] = await sql.query('SELECT details FROM series WHERE id = $1', [
		input.series_id,
	]);
	const caseId = jsonColumn<{ case_id?: string }>(seriesRow?.details, {}).case_id ?? null;
	const [kase] = caseId
		? await sql.query('SELECT customer_id FROM cases WHERE id = $1', [caseId])
		: [];
	await sql.query(
		'INSERT INTO autopay (series_id, contract_id, customer_id, provider, provider_customer, payment_method, status, saved_at_ms, updated_at_ms) VALUES ($1, $2, $8, $3, $4, $5, $6, $7, $7) ON CONFLICT (series_id) DO UPDATE SET contract_id = excluded.contract_id, customer_id = excluded.customer_id, provider_customer = excluded.provider_customer, payment_method = excluded.payment_method, status = excluded.status, updated_at_ms = excluded.updated_at_ms',
		[
			input.series_id,
			input.contract_id,
			'stripe',
			input.provider_customer,
			input.payment_method,
			'active',
			nowMs,
			(kase?.customer_id as string | null) ?? null,
		],
	);
	const due = await sql.query(
		"UPDATE invoices SET next_charge_at_ms = $2 WHERE series_id = $1 AND status = 'open' AND period IS NOT NULL AND (next_charge_at_ms IS NULL OR next_charge_at_ms > $2) RETURNING id",
		[input.series_id, nowMs],
	);
	return { invoices_due: due.length };
}

/** The card link: the agreement and an expiry, signed with the signing secret (it cannot be made up or stretched). */
export function cardLinkToken(contractId: string, expiresMs: number, secret: string): string {
	if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
		throw new MonthlyBillingInputError(
			'signingSecret',
			'A signing secret of at least 16 characters makes and checks the card links: set it in the Booking Agents Signing Secret credential.',
		);
	const mac = createHmac('sha256', secret)
		.update(`card|${contractId}|${expiresMs}`)
		.digest('base64url');
	return `${Buffer.from(contractId).toString('base64url')}.${expiresMs.toString(36)}.${mac}`;
}

/** Days a card link in a message stays good. */
export const CARD_LINK_DAYS = 30;

export function cardLinkUrl(
	base: string,
	contractId: string,
	nowMs: number,
	secret: string,
): string {
	const token = cardLinkToken(contractId, nowMs + CARD_LINK_DAYS * 86_400_000, secret);
	return `${base}${base.includes('?') ? '&' : '?'}token=${token}`;
}

export type CardLinkState = 'open' | 'expired' | 'invalid' | 'ended';

export interface CardLink {
	state: CardLinkState;
	contract_id: string | null;
	series_id: string | null;
	customer: Record<string, unknown> | null;
	currency: string | null;
	/** The provider's customer already kept for the series (reuse it), when a card was saved before. */
	provider_customer: string | null;
	/** What the page says when the link is not open. */
	reason: string | null;
}

/** What a card link opens (never throws on a bad token). */
export async function readCardLink(
	store: BookingStore,
	token: unknown,
	secret: string,
	nowMs: number,
): Promise<CardLink> {
	const closed = (state: CardLinkState, reason: string): CardLink => ({
		state,
		contract_id: null,
		series_id: null,
		customer: null,
		currency: null,
		provider_customer: null,
		reason,
	});
	const parts = typeof token === 'string' ? token.split('.') : [];
	if (parts.length !== 3 || !/^[\w-]+$/.test(parts[0]) || !/^[0-9a-z]+$/.test(parts[1]))
		return closed('invalid', 'This link is not valid. Use the newest link we sent you.');
	const contractId = Buffer.from(parts[0], 'base64url').toString('utf8');
	const expiresMs = parseInt(parts[1], 36);
	const expected = Buffer.from(cardLinkToken(contractId, expiresMs, secret));
	const given = Buffer.from(String(token));
	if (expected.length !== given.length || !timingSafeEqual(expected, given))
		return closed('invalid', 'This link is not valid. Use the newest link we sent you.');
	if (expiresMs <= nowMs)
		return closed(
			'expired',
			'This link has expired. Ask us for a new one, or reply to our last e-mail.',
		);
	const contract = await store.getContract(contractId);
	const seriesId = contract ? seriesOf(contract) : null;
	if (
		!contract ||
		!seriesId ||
		contract.status === 'ended' ||
		contract.status === 'awaiting_signature'
	)
		return closed('ended', 'This agreement is not in force, so no card is needed for it.');
	const [card] = await store.read(
		"SELECT provider_customer FROM autopay WHERE series_id = $1 AND status = 'active'",
		[seriesId],
	);
	return {
		state: 'open',
		contract_id: contract.id,
		series_id: seriesId,
		customer: (contract.customer ?? {}) as Record<string, unknown>,
		currency: currencyOf(contract).toLowerCase(),
		provider_customer: card ? String(card.provider_customer) : null,
		reason: null,
	};
}
