/**
 * Deposits: money paid toward a visit before it goes ahead (an emergency's call-out fee, asked
 * before the crew is sent). A deposit is an invoice of its own (numbered in the same sequence,
 * no tax: a prepayment), one per visit, paid through Stripe like any invoice; the flow that
 * waits for it is resumed when Stripe's event says it is paid. The visit's own invoice, once
 * the crew marks it done, counts what the deposit paid.
 */
import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { InputError } from '../errors';
import { jsonColumn } from './columns';
import { creditFromRow, insertCredit, type Credit } from './credits';
import { invoiceFromRow, nextNumber, readSeries, type Invoice } from './invoices';
import type { BookingStore } from '../store';

export class DepositInputError extends InputError {}

export interface DepositInput {
	/** The visit the deposit is paid toward (bk_...). */
	booking_id: string;
	amount_cents: number;
	/** What the customer reads on the invoice and the payment page (default: "Call-out fee"). */
	label?: string | null;
	currency?: string | null;
	/** The waiting execution to resume when it is paid (an n8n Wait node's resume URL). */
	resume_url?: string | null;
	series?: string | null;
	business?: { name?: string | null; email?: string | null; address?: string | null } | null;
}

/** The customer a deposit belongs to: its case's, else the one the visit was booked for (Look Up the Customer's id). */
function customerIdOf(fromCase: unknown, visitCustomer: unknown): string | null {
	if (typeof fromCase === 'string' && fromCase) return fromCase;
	const id = jsonColumn<{ customer_id?: unknown }>(visitCustomer, {}).customer_id;
	return typeof id === 'string' && /^cu_/.test(id) ? id : null;
}

/** Stripe's smallest charge in most currencies, and a ceiling no deposit should reach. */
const MIN_CENTS = 50;
const MAX_CENTS = 10_000_000;

/**
 * The deposit for a visit: made once (a second call gives it back, `created` false, with the
 * newest resume URL while it is unpaid: a flow run again waits for it in its place).
 */
export async function requestDeposit(
	store: BookingStore,
	input: DepositInput,
	nowMs: number,
): Promise<{ invoice: Invoice; created: boolean; resume_url: string | null }> {
	const bookingId = input?.booking_id;
	if (typeof bookingId !== 'string' || !/^bk_[\w-]{4,64}$/.test(bookingId))
		throw new DepositInputError(
			'booking_id',
			`"booking_id" is the visit the deposit is for (bk_...); got ${JSON.stringify(bookingId ?? null)}.`,
		);
	const amount = input.amount_cents;
	if (!Number.isInteger(amount) || amount < MIN_CENTS || amount > MAX_CENTS)
		throw new DepositInputError(
			'amount_cents',
			`"amount_cents" is the deposit in cents, a whole number from ${MIN_CENTS} to ${MAX_CENTS} (the call-out fee in Booking Business, in dollars, becomes cents); got ${JSON.stringify(amount ?? null)}.`,
		);
	const label = (input.label ?? 'Call-out fee').trim();
	if (!label || label.length > 120)
		throw new DepositInputError('label', '"label" is 1-120 characters, e.g. Call-out fee.');
	const currency = (input.currency ?? 'USD').trim().toUpperCase();
	if (!/^[A-Z]{3}$/.test(currency))
		throw new DepositInputError('currency', '"currency" is a three-letter code such as USD.');
	const resumeUrl = input.resume_url ?? null;
	if (resumeUrl !== null && !/^https?:\/\/\S+$/.test(resumeUrl))
		throw new DepositInputError(
			'resume_url',
			'"resume_url" is the Wait node\'s resume address ({{ $execution.resumeUrl }}), or empty.',
		);
	const series = readSeries(input.series);
	return await store.lockedWrite(`deposit:${bookingId}`, async (sql) => {
		const [existing] = await sql.query('SELECT * FROM invoices WHERE deposit_for = $1', [
			bookingId,
		]);
		if (existing) {
			const record = jsonColumn<Record<string, unknown>>(existing.record, {});
			if (resumeUrl && existing.status === 'open') {
				await sql.query('UPDATE invoices SET record = $2, updated_at_ms = $3 WHERE id = $1', [
					String(existing.id),
					JSON.stringify({
						...record,
						deposit: { ...(record.deposit as object), resume_url: resumeUrl },
					}),
					nowMs,
				]);
				const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [
					String(existing.id),
				]);
				return { invoice: invoiceFromRow(row), created: false, resume_url: resumeUrl };
			}
			const kept = (record.deposit as { resume_url?: string } | undefined)?.resume_url ?? null;
			return { invoice: invoiceFromRow(existing), created: false, resume_url: kept };
		}
		const [visit] = await sql.query(
			'SELECT id, status, start_ms, time_zone, service, customer, details FROM bookings WHERE id = $1',
			[bookingId],
		);
		if (!visit) throw new DepositInputError('booking_id', `No visit with id ${bookingId}.`);
		if (!['held', 'confirmed'].includes(String(visit.status)))
			throw new DepositInputError(
				'booking_id',
				`Visit ${bookingId} is ${String(visit.status)}: a deposit is asked only for a visit still to come.`,
			);
		const details = jsonColumn<Record<string, unknown>>(visit.details, {});
		const caseId = typeof details.case_id === 'string' ? details.case_id : null;
		const [kase] = caseId
			? await sql.query('SELECT customer_id, customer FROM cases WHERE id = $1', [caseId])
			: [];
		const customer = jsonColumn<Record<string, unknown>>(kase?.customer ?? visit.customer, {});
		const zone = String(visit.time_zone);
		const number = await nextNumber(sql, series);
		const id = `in_${randomUUID()}`;
		const record = {
			lines: [{ label, kind: 'deposit', quantity: 1, amount_cents: amount }],
			tax_rate_pct: 0,
			customer: {
				name: (customer.name as string | null) ?? null,
				email: (customer.email as string | null) ?? null,
				address: (customer.address as string | null) ?? null,
			},
			business: {
				name: input.business?.name ?? null,
				email: input.business?.email ?? null,
				address: input.business?.address ?? null,
			},
			visit: {
				start: DateTime.fromMillis(Number(visit.start_ms), { zone }).toISO({
					suppressMilliseconds: true,
				}),
				service: (visit.service as string | null) ?? null,
				time_zone: zone,
			},
			deposit: { booking_id: bookingId, resume_url: resumeUrl },
			provider: {},
		};
		await sql.query(
			'INSERT INTO invoices (id, series, number, invoice_number, status, customer_id, case_id, booking_id, contract_id, currency, subtotal_cents, discount_cents, tax_cents, total_cents, paid_cents, due_date, issued_at_ms, paid_at_ms, voided_at_ms, record, updated_at_ms, deposit_for) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9, 0, 0, $9, 0, $10, $11, NULL, NULL, $12, $11, $13)',
			[
				id,
				series,
				number,
				`${series}-${String(number).padStart(6, '0')}`,
				'open',
				customerIdOf(kase?.customer_id, visit.customer),
				caseId,
				currency,
				amount,
				DateTime.fromMillis(nowMs, { zone }).toISODate()!,
				nowMs,
				JSON.stringify(record),
				bookingId,
			],
		);
		const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [id]);
		return { invoice: invoiceFromRow(row), created: true, resume_url: resumeUrl };
	});
}

/** A refund of a deposit to ask Stripe for (POST /v1/refunds), the credit given instead, or why neither is due. */
export interface DepositRefund {
	/** The deposit (null: the visit has none). */
	invoice: Invoice | null;
	/** Cents to refund to the card now: 0 when the policy keeps the deposit, it was refunded already, or it became a credit. */
	amount_cents: number;
	/** The credit the deposit became (the business gives deposits back as credit), or null. */
	credit: Credit | null;
	/** How it goes back now: `card` (refund amount_cents), `credit` (just given), or null (nothing now). */
	given_as: 'card' | 'credit' | null;
	/** The Stripe PaymentIntent that paid the deposit. */
	payment_intent: string | null;
	/** Stripe's Idempotency-Key: one refund per deposit, whatever retries. */
	idempotency_key: string | null;
	/** The policy's answer in words, for the message and ops. */
	why: string;
}

/**
 * Whether a paid deposit goes back to the customer, under the business's policy: a visit still
 * to come keeps it (cancel the visit first); a visit called off by the business, or a fee paid
 * after the crew was released for want of it, is refunded in full; a customer who cancels keeps
 * it refunded in full when at least `notice_hours` before the visit, and loses it after (it
 * paid for the crew's time). Asking twice asks nothing more (the key is the deposit's).
 */
export async function depositRefund(
	store: BookingStore,
	input: {
		booking_id: string;
		notice_hours?: number | null;
		/** Give what the policy returns as credit toward the next invoice instead of to the card. */
		as_credit?: boolean | null;
	},
	nowMs: number,
): Promise<DepositRefund> {
	const bookingId = input?.booking_id;
	if (typeof bookingId !== 'string' || !/^bk_[\w-]{4,64}$/.test(bookingId))
		throw new DepositInputError(
			'booking_id',
			`"booking_id" is the visit whose deposit may be refunded (bk_...); got ${JSON.stringify(bookingId ?? null)}.`,
		);
	const noticeHours = input.notice_hours ?? 24;
	if (!(typeof noticeHours === 'number' && noticeHours >= 0 && noticeHours <= 24 * 30))
		throw new DepositInputError('notice_hours', '"notice_hours" is 0 to 720 hours.');
	let [row] = await store.read('SELECT * FROM invoices WHERE deposit_for = $1', [bookingId]);
	if (!row) {
		// A visit of an agreement: its deposit was asked with the agreement's first visit.
		const seriesId = (await store.getBooking(bookingId))?.series_id;
		if (seriesId)
			[row] = await store.read(
				'SELECT i.* FROM invoices i JOIN bookings b ON b.id = i.deposit_for WHERE b.series_id = $1 ORDER BY i.issued_at_ms LIMIT 1',
				[seriesId],
			);
	}
	if (!row)
		return {
			invoice: null,
			amount_cents: 0,
			credit: null,
			given_as: null,
			payment_intent: null,
			idempotency_key: null,
			why: `Visit ${bookingId} has no deposit.`,
		};
	const invoice = invoiceFromRow(row);
	const depositVisit = invoice.deposit_for ?? bookingId;
	const [intent] = await store.read(
		"SELECT provider_id FROM payments WHERE invoice_id = $1 AND kind = 'payment' AND provider = 'stripe' ORDER BY created_at_ms LIMIT 1",
		[invoice.invoice_id],
	);
	const answer = (
		amount: number,
		why: string,
		credit: Credit | null = null,
		givenNow = false,
	): DepositRefund => ({
		invoice,
		amount_cents: amount,
		credit,
		given_as: amount > 0 ? 'card' : givenNow ? 'credit' : null,
		payment_intent: intent ? String(intent.provider_id) : null,
		idempotency_key: `refund-${invoice.invoice_id}`,
		why,
	});
	if (invoice.status !== 'paid' || invoice.paid_cents <= 0)
		return answer(
			0,
			`Deposit ${invoice.invoice_number} holds nothing to refund (${invoice.status}, ${invoice.paid_cents} paid).`,
		);
	const [given] = await store.read('SELECT * FROM credits WHERE source = $1', [
		`deposit:${invoice.invoice_id}`,
	]);
	if (given)
		return answer(
			0,
			`Deposit ${invoice.invoice_number} was given back as credit already.`,
			creditFromRow(given),
		);
	const [used] = await store.read(
		"SELECT i.invoice_number FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.provider = 'deposit' AND p.provider_id = $1",
		[invoice.invoice_id],
	);
	if (used)
		return answer(
			0,
			`Deposit ${invoice.invoice_number} paid part of invoice ${String(used.invoice_number)} already.`,
		);
	const visit = await store.getBooking(depositVisit);
	if (!visit || !['cancelled'].includes(visit.status))
		return answer(
			0,
			`Visit ${depositVisit} is ${visit?.status ?? 'unknown'}: its deposit counts toward it. Cancel the visit first to refund it.`,
		);
	if (visit.series_id) {
		// An agreement's deposit is toward its visits, not the one it was asked with.
		const [goingOn] = await store.read(
			"SELECT COUNT(*) AS n FROM bookings WHERE series_id = $1 AND status IN ('held', 'confirmed', 'completed')",
			[visit.series_id],
		);
		if (Number(goingOn?.n ?? 0) > 0)
			return answer(
				0,
				`The agreement's other visits go on: deposit ${invoice.invoice_number} counts toward its first bill.`,
			);
	}
	const reason = visit.cancel_reason ?? '';
	const byCustomer = /\bby customer\b/.test(reason);
	const hoursBefore = (visit.start_ms - visit.updated_at_ms) / 3_600_000;
	if (byCustomer && hoursBefore < noticeHours)
		return answer(
			0,
			`The customer cancelled ${Math.max(0, Math.round(hoursBefore * 10) / 10)} hours before the visit, within the ${noticeHours} hours' notice: the deposit is kept.`,
		);
	if (!intent)
		return answer(
			0,
			`Deposit ${invoice.invoice_number} was not paid through Stripe: refund it by hand.`,
		);
	const releasedUnpaid = reason === 'call-out fee not paid' || reason === 'deposit not paid';
	const why = releasedUnpaid
		? 'It was paid after the visit had been released for want of it: refunded in full.'
		: byCustomer
			? `The customer cancelled with the notice (${noticeHours} hours or more before the visit): refunded in full.`
			: `The visit was called off (${reason || 'cancelled'}): refunded in full.`;
	// A deposit paid for a visit that was released for want of it bought nothing: it goes back to the card.
	if (!input.as_credit || releasedUnpaid) return answer(invoice.paid_cents, why);
	// The business gives deposits back as credit toward the customer's next invoice.
	// A deposit asked before its case was recorded has no customer of its own: the visit's.
	const [caseNow] = invoice.case_id
		? await store.read('SELECT customer_id FROM cases WHERE id = $1', [invoice.case_id])
		: [];
	const customerId =
		invoice.customer_id ?? customerIdOf(caseNow?.customer_id, visit.customer ?? null);
	if (!customerId)
		return answer(
			invoice.paid_cents,
			`${why} The customer is not on record, so it goes back to the card rather than as credit.`,
		);
	const { credit, created } = await store.lockedWrite(`credit:${customerId}`, (sql) =>
		insertCredit(
			sql,
			{
				customer_id: customerId,
				amount_cents: invoice.paid_cents,
				currency: invoice.currency,
				reason: `Deposit ${invoice.invoice_number} for a cancelled visit`,
				source: `deposit:${invoice.invoice_id}`,
			},
			nowMs,
		),
	);
	return answer(
		0,
		why.replace(/refunded in full\.$/, 'given back in full as credit toward the next invoice.'),
		credit,
		created,
	);
}
