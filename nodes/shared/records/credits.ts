/**
 * Credits and prepayments: money a customer has with us that the next bill uses before
 * anything is charged. A credit is given by ops (goodwill, a billing mistake) or by the refund
 * policy when the business gives a cancelled visit's deposit back as credit rather than to the
 * card; it belongs to the customer, in one currency, and is used up oldest first by the
 * invoices made after it. A deposit counts toward the bill of its visit or, for an agreement's
 * visits, the agreement's first bill. Each use is a payment on the invoice (provider `credit`
 * or `deposit`, the credit's or deposit's id beside it), so the ledger shows where it went.
 */
import { randomUUID } from 'node:crypto';

import { InputError } from '../errors';
import { numberColumn } from './columns';
import type { BookingStore, SqlRunner } from '../store';

export class CreditInputError extends InputError {}

export interface Credit {
	credit_id: string;
	customer_id: string;
	currency: string;
	amount_cents: number;
	/** What is left to use (0: used up). */
	remaining_cents: number;
	reason: string;
	/** What gave it, once: `deposit:<invoice id>` for a deposit given back as credit, or the key ops gave. */
	source: string;
	created_at: string;
}

export interface CreditInput {
	customer_id: string;
	amount_cents: number;
	currency?: string | null;
	reason: string;
	/** The same source gives the same credit back (a retried flow, a form sent twice). */
	source?: string | null;
}

const MAX_CENTS = 10_000_000;

export const creditFromRow = (row: Record<string, unknown>): Credit => ({
	credit_id: String(row.id),
	customer_id: String(row.customer_id),
	currency: String(row.currency),
	amount_cents: numberColumn(row.amount_cents) ?? 0,
	remaining_cents: numberColumn(row.remaining_cents) ?? 0,
	reason: String(row.reason),
	source: String(row.source),
	created_at: new Date(numberColumn(row.created_at_ms) ?? 0).toISOString(),
});

/** Checks a credit before it is written: every field named, with its fix. */
export function readCreditInput(input: CreditInput): {
	customer_id: string;
	amount_cents: number;
	currency: string;
	reason: string;
	source: string;
} {
	const customerId = input?.customer_id;
	if (typeof customerId !== 'string' || !/^cu_[\w-]{4,64}$/.test(customerId))
		throw new CreditInputError(
			'customer_id',
			`"customer_id" is the customer the credit is for (cu_..., from Look Up the Customer or the customer's page); got ${JSON.stringify(customerId ?? null)}.`,
		);
	const amount = input.amount_cents;
	if (!Number.isInteger(amount) || amount < 1 || amount > MAX_CENTS)
		throw new CreditInputError(
			'amount_cents',
			`"amount_cents" is the credit in cents, a whole number from 1 to ${MAX_CENTS} (a form's dollars become cents); got ${JSON.stringify(amount ?? null)}.`,
		);
	const currency = String(input.currency ?? 'USD')
		.trim()
		.toUpperCase();
	if (!/^[A-Z]{3}$/.test(currency))
		throw new CreditInputError('currency', '"currency" is a three-letter code such as USD.');
	const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
	if (!reason || reason.length > 300)
		throw new CreditInputError(
			'reason',
			'"reason" says why the credit is given (1-300 characters), e.g. "Crew arrived two hours late".',
		);
	const source = input.source == null ? `credit:${randomUUID()}` : String(input.source).trim();
	if (!source || source.length > 200)
		throw new CreditInputError(
			'source',
			'"source" is a key that makes the credit once (1-200 characters), or empty.',
		);
	return { customer_id: customerId, amount_cents: amount, currency, reason, source };
}

/** Writes a credit once per source, inside a write the caller holds. */
export async function insertCredit(
	sql: SqlRunner,
	input: CreditInput,
	nowMs: number,
): Promise<{ credit: Credit; created: boolean }> {
	const credit = readCreditInput(input);
	const [known] = await sql.query('SELECT * FROM credits WHERE source = $1', [credit.source]);
	if (known) return { credit: creditFromRow(known), created: false };
	const [customer] = await sql.query('SELECT id FROM customers WHERE id = $1', [
		credit.customer_id,
	]);
	if (!customer)
		throw new CreditInputError('customer_id', `No customer with id ${credit.customer_id}.`);
	const id = `cr_${randomUUID()}`;
	await sql.query(
		'INSERT INTO credits (id, customer_id, currency, amount_cents, remaining_cents, reason, source, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $7)',
		[
			id,
			credit.customer_id,
			credit.currency,
			credit.amount_cents,
			credit.reason,
			credit.source,
			nowMs,
		],
	);
	const [row] = await sql.query('SELECT * FROM credits WHERE id = $1', [id]);
	return { credit: creditFromRow(row), created: true };
}

/** Gives a customer a credit that their next invoices use (once per source). */
export async function giveCredit(
	store: BookingStore,
	input: CreditInput,
	nowMs: number,
): Promise<{ credit: Credit; created: boolean; balance_cents: number }> {
	const checked = readCreditInput(input);
	return await store.lockedWrite(`credit:${checked.customer_id}`, async (sql) => {
		const given = await insertCredit(sql, checked, nowMs);
		return {
			...given,
			balance_cents: await creditBalance(sql, checked.customer_id, checked.currency),
		};
	});
}

/** What a customer has left to use, in one currency. */
export async function creditBalance(
	sql: SqlRunner,
	customerId: string,
	currency: string,
): Promise<number> {
	const [row] = await sql.query(
		'SELECT COALESCE(SUM(remaining_cents), 0) AS left_cents FROM credits WHERE customer_id = $1 AND currency = $2',
		[customerId, currency],
	);
	return Number(row?.left_cents ?? 0);
}

/** A customer's credits, oldest first. */
export async function creditsOf(sql: SqlRunner, customerId: string): Promise<Credit[]> {
	return (
		await sql.query('SELECT * FROM credits WHERE customer_id = $1 ORDER BY created_at_ms, id', [
			customerId,
		])
	).map(creditFromRow);
}

/** A paid deposit not yet used by a bill, refunded or given back as credit. */
async function unusedDeposits(
	sql: SqlRunner,
	bookingIds: string[],
	seriesId: string | null,
): Promise<Array<{ id: string; paid_cents: number }>> {
	// An agreement's bill: any visit of its series (the deposit came with its first); else the visits billed.
	const rows: Array<Record<string, unknown>> = [];
	if (seriesId)
		rows.push(
			...(await sql.query(
				"SELECT i.id, i.paid_cents FROM invoices i JOIN bookings b ON b.id = i.deposit_for WHERE b.series_id = $1 AND i.status = 'paid' ORDER BY i.issued_at_ms",
				[seriesId],
			)),
		);
	else
		for (const bookingId of bookingIds)
			rows.push(
				...(await sql.query(
					"SELECT id, paid_cents FROM invoices WHERE deposit_for = $1 AND status = 'paid'",
					[bookingId],
				)),
			);
	const unused: Array<{ id: string; paid_cents: number }> = [];
	for (const row of rows) {
		const id = String(row.id);
		if (unused.some((d) => d.id === id) || Number(row.paid_cents) <= 0) continue;
		const [used] = await sql.query(
			"SELECT 1 AS used FROM payments WHERE provider = 'deposit' AND provider_id = $1 UNION ALL SELECT 1 AS used FROM credits WHERE source = $2",
			[id, `deposit:${id}`],
		);
		if (!used) unused.push({ id, paid_cents: Number(row.paid_cents) });
	}
	return unused;
}

/**
 * What a new invoice is paid with before any card: the deposits paid toward its visits (or,
 * for an agreement's bill, toward any visit of the agreement, used by its first bill), then the
 * customer's credits, oldest first, up to its total. Runs inside the write that made the
 * invoice; gives what it now has paid.
 */
export async function applyPrepaid(
	sql: SqlRunner,
	invoice: {
		id: string;
		customer_id: string | null;
		currency: string;
		total_cents: number;
		booking_ids: string[];
		series_id: string | null;
	},
	nowMs: number,
): Promise<number> {
	let paid = 0;
	const pay = async (amount: number, provider: 'deposit' | 'credit', sourceId: string) => {
		await sql.query(
			'INSERT INTO payments (id, invoice_id, kind, amount_cents, currency, provider, provider_id, event_id, failure, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8)',
			[
				`py_${randomUUID()}`,
				invoice.id,
				'payment',
				amount,
				invoice.currency,
				provider,
				sourceId,
				nowMs,
			],
		);
		paid += amount;
	};
	for (const deposit of await unusedDeposits(sql, invoice.booking_ids, invoice.series_id)) {
		if (paid >= invoice.total_cents) break;
		await pay(Math.min(deposit.paid_cents, invoice.total_cents - paid), 'deposit', deposit.id);
	}
	if (invoice.customer_id)
		for (const credit of await sql.query(
			'SELECT id, remaining_cents FROM credits WHERE customer_id = $1 AND currency = $2 AND remaining_cents > 0 ORDER BY created_at_ms, id',
			[invoice.customer_id, invoice.currency],
		)) {
			if (paid >= invoice.total_cents) break;
			const use = Math.min(Number(credit.remaining_cents), invoice.total_cents - paid);
			// Taken only if still there: another bill of the same customer may be using it.
			const [taken] = await sql.query(
				'UPDATE credits SET remaining_cents = remaining_cents - $2, updated_at_ms = $3 WHERE id = $1 AND remaining_cents >= $2 RETURNING id',
				[String(credit.id), use, nowMs],
			);
			if (taken) await pay(use, 'credit', String(credit.id));
		}
	if (paid >= invoice.total_cents)
		// Nothing left to charge a saved card for.
		await sql.query(
			"UPDATE invoices SET paid_cents = $2, status = 'paid', paid_at_ms = $3, next_charge_at_ms = NULL WHERE id = $1",
			[invoice.id, paid, nowMs],
		);
	else if (paid > 0)
		await sql.query('UPDATE invoices SET paid_cents = $2 WHERE id = $1', [invoice.id, paid]);
	return paid;
}
