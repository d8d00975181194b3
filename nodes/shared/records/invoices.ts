/**
 * The invoice ledger: invoices for visits done: the lines, discount and tax of the quote the customer agreed (kept on
 * their case when it was booked; a renewed agreement's price for a series visit in its term),
 * numbered per series (the number's prefix) without gaps, due a number of days after issue,
 * (the Contract Agent writes its PDF). The ledger is ours, in the store: a payment provider's ids go beside ours.
 */
import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { InputError } from '../errors';
import type { QuoteTerms } from './cases';
import { applyPrepaid } from './credits';
import { jsonColumn, numberColumn } from './columns';
import type { BookingStore, ContractRecord, SqlRunner } from '../store';

export class InvoiceInputError extends InputError {}

/** A visit that is not billed on its own, and rightly so: not a failure (the node says why, `not_billed`). */
export class NotBilledError extends InvoiceInputError {}

/** A visit with nothing to bill from: no agreed quote on record (booked before invoices were kept, or by hand). */
export class NoAgreedQuoteError extends NotBilledError {}

/** A visit of an agreement billed by the month (Bill the Month): on that invoice, not one of its own. */
export class BilledByTheMonthError extends NotBilledError {}

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceLine {
	label: string;
	kind: string | null;
	quantity: number | null;
	amount_cents: number;
}

/** An invoice as the item carries it (`invoice`) and the store keeps it. */
export interface Invoice {
	invoice_id: string;
	invoice_number: string;
	series: string;
	number: number;
	status: InvoiceStatus;
	currency: string;
	lines: InvoiceLine[];
	subtotal_cents: number;
	discount_cents: number;
	tax_rate_pct: number;
	tax_cents: number;
	total_cents: number;
	paid_cents: number;
	due_date: string;
	issued_at: string;
	paid_at: string | null;
	voided_at: string | null;
	customer_id: string | null;
	case_id: string | null;
	booking_id: string | null;
	contract_id: string | null;
	/** Who and what was billed, as they were when it was issued. */
	customer: { name: string | null; email: string | null; address: string | null };
	business: { name: string | null; email: string | null; address: string | null };
	visit: { start: string; service: string | null; time_zone: string } | null;
	/** A month's invoice of an agreement (Bill the Month): which month and which visits; null for one visit's invoice. */
	period: {
		month: string;
		label: string;
		visits: number;
		booking_ids: string[];
		service: string;
		time_zone: string;
	} | null;
	/** The regular service (series) it bills, when it bills one. */
	series_id: string | null;
	/** A deposit (a call-out fee paid before the crew is sent): the visit it is paid toward. */
	deposit_for: string | null;
	/** The saved card's tries so far, and when it is tried next (null: no charge waits). */
	charge_attempts: number;
	next_charge_at: string | null;
	/** A payment provider's ids for it (e.g. stripe_invoice_id), beside ours, never instead. */
	provider: Record<string, string>;
}

export interface InvoiceVisitInput {
	booking_id: string;
	/** The numbers' prefix: one gap-free sequence per series (default INV). */
	series?: string | null;
	/** Days from issue to due (default 15). */
	due_days?: number | null;
	business?: { name?: string | null; email?: string | null; address?: string | null } | null;
	/** Visits of a signed agreement are billed by the month, not one by one (the business's `monthly_billing`). */
	agreements_monthly?: boolean | null;
}

const NUMBER_SERIES = /^[A-Z0-9][A-Z0-9-]{0,19}$/;

export function readSeries(value: string | null | undefined): string {
	const series = (value ?? 'INV').trim().toUpperCase();
	if (!NUMBER_SERIES.test(series))
		throw new InvoiceInputError(
			'series',
			`"series" (the invoice numbers' prefix) is 1-20 letters, digits or dashes, like INV or BC-2027; got ${JSON.stringify(value)}.`,
		);
	return series;
}

const iso = (ms: number | null, zone = 'UTC') =>
	ms === null ? null : DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;

export function invoiceFromRow(row: Record<string, unknown>): Invoice {
	const record = jsonColumn<Record<string, unknown>>(row.record, {});
	return {
		invoice_id: String(row.id),
		invoice_number: String(row.invoice_number),
		series: String(row.series),
		number: Number(row.number),
		status: row.status as InvoiceStatus,
		currency: String(row.currency),
		lines: (record.lines as InvoiceLine[]) ?? [],
		subtotal_cents: Number(row.subtotal_cents),
		discount_cents: Number(row.discount_cents),
		tax_rate_pct: Number(record.tax_rate_pct ?? 0),
		tax_cents: Number(row.tax_cents),
		total_cents: Number(row.total_cents),
		paid_cents: Number(row.paid_cents),
		due_date: String(row.due_date),
		issued_at: iso(Number(row.issued_at_ms))!,
		paid_at: iso(numberColumn(row.paid_at_ms)),
		voided_at: iso(numberColumn(row.voided_at_ms)),
		customer_id: (row.customer_id as string | null) ?? null,
		case_id: (row.case_id as string | null) ?? null,
		booking_id: (row.booking_id as string | null) ?? null,
		contract_id: (row.contract_id as string | null) ?? null,
		customer: (record.customer as Invoice['customer']) ?? {
			name: null,
			email: null,
			address: null,
		},
		business: (record.business as Invoice['business']) ?? {
			name: null,
			email: null,
			address: null,
		},
		visit: (record.visit as Invoice['visit']) ?? null,
		period: (record.period as Invoice['period']) ?? null,
		series_id: (row.series_id as string | null) ?? null,
		deposit_for: (row.deposit_for as string | null) ?? null,
		charge_attempts: Number(row.charge_attempts ?? 0),
		next_charge_at: iso(numberColumn(row.next_charge_at_ms)),
		provider: (record.provider as Record<string, string>) ?? {},
	};
}

/** The next number of a series, taken inside the caller's transaction (the row is locked until it ends). */
export async function nextNumber(sql: SqlRunner, series: string): Promise<number> {
	await sql.query(
		'INSERT INTO invoice_numbers (series, last_number) VALUES ($1, 0) ON CONFLICT (series) DO NOTHING',
		[series],
	);
	const [row] = await sql.query(
		'UPDATE invoice_numbers SET last_number = last_number + 1 WHERE series = $1 RETURNING last_number',
		[series],
	);
	return Number(row.last_number);
}

/** The price of a series visit in a renewed term: the agreement in force that day, when its price changed. */
function renewedPrice(
	agreements: ContractRecord[],
	visitDay: string,
	terms: QuoteTerms,
): { contract_id: string; total_cents: number } | null {
	const contract = agreements.find(
		(c) => c.status !== 'awaiting_signature' && c.start_date <= visitDay && visitDay <= c.end_date,
	);
	if (!contract) return null;
	const quote = (contract.terms as { quote?: { total_cents?: number } }).quote;
	return {
		contract_id: contract.id,
		total_cents: typeof quote?.total_cents === 'number' ? quote.total_cents : terms.total_cents,
	};
}

/**
 * Bills a visit the crew marked done. Billing the same visit again gives the invoice it
 * already has (`created` false): a retried flow never bills twice or takes a second number.
 */
export async function invoiceVisit(
	store: BookingStore,
	input: InvoiceVisitInput,
	nowMs: number,
): Promise<{ invoice: Invoice; created: boolean }> {
	const bookingId = input?.booking_id;
	if (typeof bookingId !== 'string' || !/^bk_[\w-]{4,64}$/.test(bookingId))
		throw new InvoiceInputError(
			'booking_id',
			`"booking_id" is the visit to bill (bk_...), e.g. {{ $json.booking.booking_id }}; got ${JSON.stringify(bookingId ?? null)}.`,
		);
	const series = readSeries(input.series);
	const dueDays = input.due_days ?? 15;
	if (!(Number.isInteger(dueDays) && dueDays >= 0 && dueDays <= 365))
		throw new InvoiceInputError('due_days', '"due_days" is a whole number of days from 0 to 365.');
	// The agreement of a series visit, read before the write (the store serves one call at a time).
	const seriesOfVisit = (await store.getBooking(bookingId))?.series_id ?? null;
	const agreements = seriesOfVisit ? await store.contractsForSeries(seriesOfVisit) : [];
	if (input.agreements_monthly && agreements.some((c) => c.signature))
		throw new BilledByTheMonthError(
			'booking_id',
			`Visit ${bookingId} is a visit of agreement ${agreements[0].id}, billed by the month (Recurring Billing): it goes on that month's invoice.`,
		);
	return await store.lockedWrite(`invoice:${bookingId}`, async (sql) => {
		const [existing] = await sql.query('SELECT * FROM invoices WHERE booking_id = $1', [bookingId]);
		if (existing) return { invoice: invoiceFromRow(existing), created: false };
		const [visit] = await sql.query(
			'SELECT id, status, start_ms, time_zone, series_id, service, customer, details FROM bookings WHERE id = $1',
			[bookingId],
		);
		if (!visit) throw new InvoiceInputError('booking_id', `No visit with id ${bookingId}.`);
		if (visit.status !== 'completed')
			throw new InvoiceInputError(
				'booking_id',
				`Visit ${bookingId} is ${String(visit.status)}, not done: it is billed once the crew marks it done.`,
			);
		const details = jsonColumn<Record<string, unknown>>(visit.details, {});
		const zone = String(visit.time_zone);
		const seriesId = (visit.series_id as string | null) ?? null;
		let caseId = typeof details.case_id === 'string' ? details.case_id : null;
		if (!caseId && seriesId) {
			const [s] = await sql.query('SELECT details FROM series WHERE id = $1', [seriesId]);
			const sd = jsonColumn<Record<string, unknown>>(s?.details, {});
			caseId = typeof sd.case_id === 'string' ? sd.case_id : null;
		}
		const [kase] = caseId
			? await sql.query('SELECT id, customer_id, customer, quote_terms FROM cases WHERE id = $1', [
					caseId,
				])
			: [];
		const terms = jsonColumn<QuoteTerms | null>(kase?.quote_terms, null);
		if (!terms)
			throw new NoAgreedQuoteError(
				'booking_id',
				`Visit ${bookingId} has no agreed quote on record (its case ${caseId ?? 'is unknown'}${caseId ? ' kept none: booked before invoices were kept' : ''}): bill it by hand.`,
			);
		const visitDay = DateTime.fromMillis(Number(visit.start_ms), { zone }).toISODate()!;
		const renewed = seriesId ? renewedPrice(agreements, visitDay, terms) : null;
		let lines: InvoiceLine[] = terms.line_items.map((l) => ({
			label: l.label,
			kind: l.kind ?? null,
			quantity: l.quantity ?? null,
			amount_cents: l.amount_cents,
		}));
		let { subtotal_cents, discount_cents, tax_cents, total_cents } = terms;
		if (renewed && renewed.total_cents !== terms.total_cents) {
			// A renewed term's price (a yearly increase): one line for the visit, the tax inside it at the quote's rate.
			total_cents = renewed.total_cents;
			tax_cents = Math.round((total_cents * terms.tax_rate_pct) / (100 + terms.tax_rate_pct));
			subtotal_cents = total_cents - tax_cents;
			discount_cents = 0;
			lines = [
				{
					label: `${String(visit.service ?? terms.service_type ?? 'service').replace(/_/g, ' ')} visit at the renewed price`,
					kind: 'service',
					quantity: 1,
					amount_cents: subtotal_cents,
				},
				...(tax_cents
					? [
							{
								label: `Tax (${terms.tax_rate_pct}%)`,
								kind: 'tax',
								quantity: null,
								amount_cents: tax_cents,
							},
						]
					: []),
			];
		}
		const number = await nextNumber(sql, series);
		const invoiceNumber = `${series}-${String(number).padStart(6, '0')}`;
		const customer = jsonColumn<Record<string, unknown>>(kase?.customer ?? visit.customer, {});
		const id = `in_${randomUUID()}`;
		const dueDate = DateTime.fromMillis(nowMs, { zone }).plus({ days: dueDays }).toISODate()!;
		const record = {
			lines,
			tax_rate_pct: terms.tax_rate_pct,
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
				start: iso(Number(visit.start_ms), zone)!,
				service: (visit.service as string | null) ?? terms.service_type,
				time_zone: zone,
			},
			provider: {},
		};
		await sql.query(
			'INSERT INTO invoices (id, series, number, invoice_number, status, customer_id, case_id, booking_id, contract_id, currency, subtotal_cents, discount_cents, tax_cents, total_cents, paid_cents, due_date, issued_at_ms, paid_at_ms, voided_at_ms, record, updated_at_ms, series_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, NULL, NULL, $17, $16, $18)',
			[
				id,
				series,
				number,
				invoiceNumber,
				'open',
				(kase?.customer_id as string | null) ?? null,
				caseId,
				bookingId,
				renewed?.contract_id ?? null,
				terms.currency,
				subtotal_cents,
				discount_cents,
				tax_cents,
				total_cents,
				dueDate,
				nowMs,
				JSON.stringify(record),
				seriesId,
			],
		);
		// A deposit paid toward this visit (or its agreement), then the customer's credits, pay it first.
		await applyPrepaid(
			sql,
			{
				id,
				customer_id: (kase?.customer_id as string | null) ?? null,
				currency: terms.currency,
				total_cents,
				booking_ids: [bookingId],
				series_id: seriesId,
			},
			nowMs,
		);
		const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [id]);
		return { invoice: invoiceFromRow(row), created: true };
	});
}

/** One invoice by its id or number. */
export async function getInvoice(store: BookingStore, ref: string): Promise<Invoice | null> {
	if (typeof ref !== 'string' || !ref.trim())
		throw new InvoiceInputError(
			'invoice',
			'Name the invoice by its id (in_...) or its number (INV-000042).',
		);
	const [row] = await store.read('SELECT * FROM invoices WHERE id = $1 OR invoice_number = $1', [
		ref.trim(),
	]);
	return row ? invoiceFromRow(row) : null;
}

/** A customer's invoices, oldest first. */
export async function invoicesOf(sql: SqlRunner, customerId: string): Promise<Invoice[]> {
	return (
		await sql.query('SELECT * FROM invoices WHERE customer_id = $1 ORDER BY issued_at_ms, number', [
			customerId,
		])
	).map(invoiceFromRow);
}

/**
 * Voids an open invoice (billed by mistake): it keeps its number, so the sequence has no gap,
 * and is no longer owed. A paid invoice is not voided: refund it instead.
 */
export async function voidInvoice(
	store: BookingStore,
	ref: string,
	nowMs: number,
): Promise<Invoice> {
	const found = await getInvoice(store, ref);
	if (!found) throw new InvoiceInputError('invoice', `No invoice ${ref}.`);
	return await store.lockedWrite(`invoice:${found.booking_id ?? found.invoice_id}`, async (sql) => {
		const [row] = await sql.query('SELECT * FROM invoices WHERE id = $1', [found.invoice_id]);
		const current = invoiceFromRow(row);
		if (current.status === 'void') return current;
		if (current.status === 'paid')
			throw new InvoiceInputError(
				'invoice',
				`Invoice ${current.invoice_number} is paid: refund it instead of voiding it.`,
			);
		await sql.query(
			"UPDATE invoices SET status = 'void', voided_at_ms = $2, updated_at_ms = $2 WHERE id = $1",
			[current.invoice_id, nowMs],
		);
		const [after] = await sql.query('SELECT * FROM invoices WHERE id = $1', [current.invoice_id]);
		return invoiceFromRow(after);
	});
}
