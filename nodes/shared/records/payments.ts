/**
 * Payments from Stripe's webhook: the event is checked against its `Stripe-Signature` (an
 * HMAC-SHA256 of "timestamp.body" with the endpoint's signing secret, within a tolerance
 * window), then applied to our invoice once: the event id is kept, so a replay (Stripe retries
 * a delivery until it is answered 2xx) changes nothing. Our code keeps the ledger (what was
 * paid, refunded or failed, against which invoice); Stripe moves the money.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import { InputError } from '../errors';
import { jsonColumn } from './columns';
import { saveCard } from './monthly';
import type { BookingStore, SqlRunner } from '../store';

export class PaymentInputError extends InputError {}

/** How old a signed event may be (seconds): Stripe's libraries use five minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Whether `rawBody` is what Stripe signed with `secret` (whsec_...), per the `Stripe-Signature`
 * header: `t=<unix seconds>,v1=<hex HMAC>` (several v1 while a secret is being rolled).
 */
export function verifyStripeSignature(
	rawBody: Buffer | string,
	header: string | null | undefined,
	secret: string,
	nowMs: number,
	toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): { ok: true; timestamp: number } | { ok: false; reason: string } {
	if (typeof secret !== 'string' || secret.length < 16)
		throw new PaymentInputError(
			'signingSecret',
			"The Stripe webhook's signing secret is missing or too short: copy it from Stripe (Developers > Webhooks > your endpoint > Signing secret, whsec_...) into the Booking Agents Stripe Webhook credential.",
		);
	if (typeof header !== 'string' || !header.trim())
		return { ok: false, reason: 'no Stripe-Signature header' };
	const parts = header.split(',').map((p) => p.trim().split('='));
	const timestamp = Number(parts.find(([k]) => k === 't')?.[1]);
	const signatures = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''));
	if (!Number.isInteger(timestamp) || !signatures.length)
		return { ok: false, reason: 'the Stripe-Signature header has no timestamp or no v1 signature' };
	if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds)
		return {
			ok: false,
			reason: `the signature is ${Math.round(Math.abs(nowMs / 1000 - timestamp))} s old, outside the ${toleranceSeconds} s window (a replay, or this server's clock is off)`,
		};
	const expected = createHmac('sha256', secret)
		.update(`${timestamp}.`)
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest();
	const matches = signatures.some(([, v]) => {
		const given = Buffer.from(v, 'hex');
		return given.length === expected.length && timingSafeEqual(given, expected);
	});
	return matches
		? { ok: true, timestamp }
		: {
				ok: false,
				reason: 'the signature does not match the body (forged, altered, or another secret)',
			};
}

/** The header Stripe would send for `rawBody` (tests, the fake and ops' own checks). */
export function stripeSignatureHeader(rawBody: string, secret: string, timestampSeconds: number) {
	const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
	return `t=${timestampSeconds},v1=${mac}`;
}

export type EventOutcome =
	| 'paid'
	| 'part_paid'
	| 'refunded'
	| 'payment_failed'
	| 'card_saved'
	| 'replayed'
	| 'ignored'
	| 'unmatched';

export interface AppliedEvent {
	event_id: string;
	type: string;
	outcome: EventOutcome;
	/** Our invoice the event was about, when it named one we have. */
	invoice_id: string | null;
	invoice_number: string | null;
	invoice_status: string | null;
	amount_cents: number | null;
	currency: string | null;
	/** Why: what was done, or why nothing was (for ops, and the workflow's answer). */
	detail: string;
	/**
	 * A deposit this event paid in full (a call-out fee): the visit, and the waiting execution to
	 * resume (the Payments workflow posts to it, so the crew is sent).
	 */
	deposit: { booking_id: string; resume_url: string | null } | null;
}

const obj = (v: unknown): Record<string, unknown> =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
const cents = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** What the event says about money: which invoice (our id in metadata), how much, which kind. */
function moneyOf(event: Record<string, unknown>) {
	const type = String(event.type);
	const data = obj(obj(event.data).object);
	const metadata = obj(data.metadata);
	const invoiceId = text(metadata.invoice_id);
	const currency = text(data.currency)?.toUpperCase() ?? null;
	switch (type) {
		case 'checkout.session.completed':
			return data.payment_status === 'paid'
				? {
						kind: 'payment' as const,
						invoiceId,
						amount: cents(data.amount_total),
						currency,
						providerId: text(data.payment_intent) ?? text(data.id),
						failure: null,
					}
				: null;
		case 'payment_intent.succeeded':
			return {
				kind: 'payment' as const,
				invoiceId,
				amount: cents(data.amount_received) ?? cents(data.amount),
				currency,
				providerId: text(data.id),
				failure: null,
			};
		case 'payment_intent.payment_failed': {
			const error = obj(data.last_payment_error);
			return {
				kind: 'failed' as const,
				invoiceId,
				amount: cents(data.amount),
				currency,
				providerId: text(data.id),
				failure: [text(error.code), text(error.decline_code), text(error.message)]
					.filter(Boolean)
					.join(': '),
			};
		}
		case 'charge.refunded':
			return {
				kind: 'refund' as const,
				invoiceId,
				amount: cents(data.amount_refunded),
				currency,
				providerId: text(data.id),
				failure: null,
			};
		default:
			return null;
	}
}

/**
 * Applies one verified Stripe event to our ledger, once. A payment marks the invoice paid when
 * it covers it (part paid otherwise); a refund (charge.refunded carries the charge's refunded
 * total) records what was refunded since; a failed attempt is kept for the dunning that follows.
 * An event about no invoice of ours, or in another currency, changes nothing and says so.
 */
export async function applyStripeEvent(
	store: BookingStore,
	event: unknown,
	nowMs: number,
): Promise<AppliedEvent> {
	const e = obj(event);
	const eventId = text(e.id);
	if (!eventId || !/^evt_\w{4,100}$/.test(eventId) || typeof e.type !== 'string')
		throw new PaymentInputError(
			'event',
			'The body is not a Stripe event (it needs "id": "evt_..." and "type"): post Stripe\'s webhook body as it came.',
		);
	const type = e.type;
	const money = moneyOf(e);
	return await store.lockedWrite(`payment-event:${eventId}`, async (sql) => {
		const out = (
			outcome: EventOutcome,
			detail: string,
			invoice: Record<string, unknown> | null = null,
		): AppliedEvent => ({
			event_id: eventId,
			type,
			outcome,
			invoice_id: invoice ? String(invoice.id) : null,
			invoice_number: invoice ? String(invoice.invoice_number) : null,
			invoice_status: invoice ? String(invoice.status) : null,
			amount_cents: money?.amount ?? null,
			currency: money?.currency ?? null,
			detail,
			deposit: null,
		});
		const [seen] = await sql.query('SELECT outcome, invoice_id FROM payment_events WHERE id = $1', [
			eventId,
		]);
		if (seen) {
			const [invoice] = seen.invoice_id
				? await sql.query('SELECT * FROM invoices WHERE id = $1', [String(seen.invoice_id)])
				: [];
			return out(
				'replayed',
				`Event ${eventId} was taken before (${String(seen.outcome)}): nothing changed.`,
				invoice ?? null,
			);
		}
		const record = async (result: AppliedEvent) => {
			await sql.query(
				'INSERT INTO payment_events (id, provider, type, received_at_ms, outcome, invoice_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
				[eventId, 'stripe', type, nowMs, result.outcome, result.invoice_id, result.detail],
			);
			return result;
		};
		if (type === 'setup_intent.succeeded') return await record(await cardSaved(sql, e, out, nowMs));
		if (!money)
			return await record(out('ignored', `A ${type} event is not about a payment to apply.`));
		const [found] = money.invoiceId
			? await sql.query('SELECT * FROM invoices WHERE id = $1', [money.invoiceId])
			: [];
		const invoice = found as Record<string, unknown> | undefined;
		if (!invoice)
			return await record(
				out(
					'unmatched',
					money.invoiceId
						? `No invoice ${money.invoiceId} here: nothing changed (check the payment in Stripe).`
						: 'The event names no invoice of ours (metadata.invoice_id): nothing changed.',
				),
			);
		if (money.amount === null || money.currency !== String(invoice.currency).toUpperCase())
			return await record(
				out(
					'unmatched',
					`The event's amount or currency (${money.amount ?? 'none'} ${money.currency ?? ''}) does not fit invoice ${String(invoice.invoice_number)} (${String(invoice.currency)}): nothing changed.`,
					invoice,
				),
			);
		const total = Number(invoice.total_cents);
		let paid = Number(invoice.paid_cents);
		let status = String(invoice.status);
		let outcome: EventOutcome;
		let amount = money.amount;
		// One payment seen twice (Checkout's completed session and its PaymentIntent's success, or the
		// charge's own answer first): kept once, under the PaymentIntent's id.
		const [already] =
			money.kind !== 'refund' && money.providerId
				? await sql.query('SELECT id FROM payments WHERE kind = $1 AND provider_id = $2', [
						money.kind,
						money.providerId,
					])
				: [];
		if (already)
			return await record(
				out(
					'replayed',
					`Invoice ${String(invoice.invoice_number)}: ${money.providerId} is on record already: nothing changed.`,
					invoice,
				),
			);
		if (money.kind === 'failed') {
			outcome = 'payment_failed';
		} else if (money.kind === 'payment') {
			paid += amount;
			if (paid >= total && status !== 'void') status = 'paid';
			outcome = paid >= total ? 'paid' : 'part_paid';
		} else {
			// charge.refunded carries the charge's refunded total: record what is new since the last.
			const [before] = await sql.query(
				"SELECT COALESCE(SUM(amount_cents), 0) AS refunded FROM payments WHERE invoice_id = $1 AND kind = 'refund' AND provider_id = $2",
				[String(invoice.id), money.providerId],
			);
			amount = Math.max(0, amount - Number(before?.refunded ?? 0));
			paid = Math.max(0, paid - amount);
			outcome = 'refunded';
		}
		await sql.query(
			'INSERT INTO payments (id, invoice_id, kind, amount_cents, currency, provider, provider_id, event_id, failure, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
			[
				`py_${randomUUID()}`,
				String(invoice.id),
				money.kind,
				amount,
				money.currency,
				'stripe',
				money.providerId,
				eventId,
				money.failure,
				nowMs,
			],
		);
		if (money.kind !== 'failed') {
			const kept = jsonColumn<Record<string, unknown>>(invoice.record, {});
			const provider = {
				...obj(kept.provider),
				...(money.providerId ? { [`stripe_${money.kind}`]: money.providerId } : {}),
			};
			await sql.query(
				'UPDATE invoices SET paid_cents = $2, status = $3, paid_at_ms = $4, record = $5, updated_at_ms = $6 WHERE id = $1',
				[
					String(invoice.id),
					paid,
					status,
					status === 'paid' ? Number(invoice.paid_at_ms ?? nowMs) : null,
					JSON.stringify({ ...kept, provider }),
					nowMs,
				],
			);
		}
		const [after] = await sql.query('SELECT * FROM invoices WHERE id = $1', [String(invoice.id)]);
		const word = {
			paid: 'paid in full',
			part_paid: 'part paid',
			refunded: 'refunded',
			payment_failed: 'a payment failed',
		}[outcome as 'paid' | 'part_paid' | 'refunded' | 'payment_failed'];
		const deposit =
			outcome === 'paid' && invoice.deposit_for
				? {
						booking_id: String(invoice.deposit_for),
						resume_url:
							(jsonColumn<{ deposit?: { resume_url?: string } }>(invoice.record, {}).deposit
								?.resume_url as string | undefined) ?? null,
					}
				: null;
		return await record({
			...out(
				outcome,
				`Invoice ${String(invoice.invoice_number)}: ${word} (${amount} ${money.currency}${money.failure ? `; ${money.failure}` : ''}); paid so far ${paid} of ${total}.`,
				after,
			),
			amount_cents: amount,
			deposit,
		});
	});
}

/** A card saved on Stripe's page (a Checkout in setup mode whose SetupIntent names our series): kept for the series. */
async function cardSaved(
	sql: SqlRunner,
	event: Record<string, unknown>,
	out: (outcome: EventOutcome, detail: string) => AppliedEvent,
	nowMs: number,
): Promise<AppliedEvent> {
	const intent = obj(obj(event.data).object);
	const metadata = obj(intent.metadata);
	const seriesId = text(metadata.series_id);
	const customer = text(intent.customer);
	const method = text(intent.payment_method);
	if (!seriesId || !customer || !method)
		return out(
			'unmatched',
			'The saved card names no regular service of ours (metadata.series_id), or no customer or payment method: nothing kept.',
		);
	const [series] = await sql.query('SELECT id FROM series WHERE id = $1', [seriesId]);
	if (!series) return out('unmatched', `No regular service ${seriesId} here: nothing kept.`);
	const { invoices_due } = await saveCard(
		sql,
		{
			series_id: seriesId,
			contract_id: text(metadata.contract_id),
			provider_customer: customer,
			payment_method: method,
		},
		nowMs,
	);
	return out(
		'card_saved',
		`A card was saved for regular service ${seriesId}${invoices_due ? `; ${invoices_due} open invoice${invoices_due === 1 ? ' is' : 's are'} charged to it on the next run` : ''}.`,
	);
}
