/**
 * Case records: what the business knows about each inquiry after the executions that
 * handled it have ended. A template records the case at the steps that matter (the
 * customer was answered, a person must take over, the case was won, lost or expired);
 * the record is merged from what the item holds at that moment (the item contract:
 * qualification, triage, quote, negotiation, booking, contract) and kept in the
 * booking store, where the ops board and the weekly numbers read it with SQL.
 *
 * Pure except for the store calls at the end; no n8n import.
 */
import { createHash, randomUUID } from 'node:crypto';

import { at, currentOffer, objectAt, textAt, type CaseItem } from '../case';
import { InputError } from '../errors';
import { phoneKey, threadKeysOf } from '../intake/keys';
import type { BookingStore, SqlRunner, SqlValue } from '../store/types';
import { jsonColumn, numberColumn } from './columns';
import { contactOf, linkCustomer } from './customers';

export const CASE_STATUSES = [
	'open',
	'waiting_customer',
	'waiting_ops',
	'booked',
	'lost',
	'expired',
	'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_CHANNELS = ['web_form', 'sms', 'email', 'chat', 'webhook'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const DECISION_KINDS = [
	'discount_approval',
	'no_room',
	'wants_human',
	'dispatch_ack',
	'missing_info',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** The step a template records: what just happened to the case. */
export const CASE_STEPS = [
	'answered',
	'asked',
	'handedOver',
	'decided',
	'won',
	'lost',
	'expired',
	'closed',
] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

export interface CaseDecision {
	/** null: a person must look at it, but there is no decision of a known kind (an error, a question). */
	kind: DecisionKind | null;
	reason: string;
	requested_at: string;
	/** Where the decision is taken: the link the flow waits on, else the execution in n8n. */
	link: string | null;
}

/** What an invoice needs of the agreed quote (the Pricing Agent's fields of the same names). */
export interface QuoteTerms {
	quote_id: string | null;
	currency: string;
	service_type: string | null;
	line_items: Array<{
		code?: string;
		kind?: string;
		label: string;
		quantity?: number;
		amount_cents: number;
	}>;
	subtotal_cents: number;
	discount_cents: number;
	tax_rate_pct: number;
	tax_cents: number;
	total_cents: number;
	recurring: { frequency: string; per_visit_cents: number; per_month_cents: number } | null;
}

/** The offer's terms when it carries them all (a quote from the Pricing Agent, as negotiated). */
export function quoteTermsOf(offer: Record<string, unknown> | null): QuoteTerms | null {
	if (!offer || !Array.isArray(offer.line_items)) return null;
	const cents = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
	const total = cents(offer.total_cents);
	if (total === null || typeof offer.currency !== 'string') return null;
	const recurring = objectAt(offer.recurring);
	return {
		quote_id: typeof offer.quote_id === 'string' ? offer.quote_id : null,
		currency: offer.currency,
		service_type: typeof offer.service_type === 'string' ? offer.service_type : null,
		line_items: (offer.line_items as Array<Record<string, unknown>>)
			.filter((l) => l && typeof l.label === 'string' && cents(l.amount_cents) !== null)
			.map((l) => ({
				code: typeof l.code === 'string' ? l.code : undefined,
				kind: typeof l.kind === 'string' ? l.kind : undefined,
				label: String(l.label),
				quantity: typeof l.quantity === 'number' ? l.quantity : undefined,
				amount_cents: l.amount_cents as number,
			})),
		subtotal_cents: cents(offer.subtotal_cents) ?? total,
		discount_cents: cents(offer.discount_cents) ?? 0,
		tax_rate_pct: typeof offer.tax_rate_pct === 'number' ? offer.tax_rate_pct : 0,
		tax_cents: cents(offer.tax_cents) ?? 0,
		total_cents: total,
		recurring:
			recurring && cents(recurring.per_visit_cents) !== null
				? {
						frequency: String(recurring.frequency),
						per_visit_cents: recurring.per_visit_cents as number,
						per_month_cents: cents(recurring.per_month_cents) ?? 0,
					}
				: null,
	};
}

export interface CaseRecord {
	case_id: string;
	customer_id: string | null;
	channel: CaseChannel;
	thread: Record<string, string>;
	status: CaseStatus;
	customer: {
		name: string | null;
		email: string | null;
		phone: string | null;
		address: string | null;
	};
	service_type: string | null;
	is_emergency: boolean;
	emergency_type: string | null;
	qualified: boolean | null;
	lead_score: number | null;
	quote_id: string | null;
	quote_cents: number | null;
	currency: string | null;
	quote_valid_until: string | null;
	/** The offer's charges as priced (lines, discount, tax, total, recurring price): what an invoice bills. */
	quote_terms: QuoteTerms | null;
	/** What the booked work is worth: the agreed price times the visits booked. */
	booked_cents: number | null;
	booking_ids: string[];
	contract_id: string | null;
	decision: CaseDecision | null;
	/** One line for the board: the message's start. */
	summary: string | null;
	received_at_ms: number;
	first_answer_at_ms: number | null;
	dispatched_at_ms: number | null;
	booked_at_ms: number | null;
	closed_at_ms: number | null;
	workflow: string | null;
	execution_url: string | null;
	updated_at_ms: number;
}

export interface CaseEvent {
	key: string;
	kind: string;
	at_ms: number;
	by: string | null;
	data: Record<string, unknown> | null;
}

/** Where the step was recorded: the workflow and execution (for "by" and the link to it). */
export interface RecordedBy {
	workflow: string | null;
	executionId: string | null;
	executionUrl: string | null;
}

/** The channel names the records keep; the request's own spelling is mapped onto them. */
export function caseChannel(value: unknown): CaseChannel {
	const text =
		typeof value === 'string'
			? value
					.trim()
					.toLowerCase()
					.replace(/[\s-]+/g, '_')
			: '';
	if (['web', 'web_form', 'form', 'website'].includes(text)) return 'web_form';
	if (['sms', 'text', 'texts', 'phone'].includes(text)) return 'sms';
	if (['email', 'e_mail', 'mail'].includes(text)) return 'email';
	if (text === 'chat') return 'chat';
	return 'webhook';
}

/**
 * The case's id: the one it already carries, else one derived from the request's
 * idempotency key (a retried request records the same case), else a new one.
 */
/** What a case id looks like: cs_ and 4 to 64 letters, digits, _ or -. */
export const CASE_ID = /^cs_[A-Za-z0-9_-]{4,64}$/;

/** The case's id when the item already decides it (carried, or made from its idempotency key), else null. */
export function knownCaseIdOf(item: CaseItem): string | null {
	return textAt(item, 'case', 'case_id') || textAt(item, 'idempotency_key') ? caseIdOf(item) : null;
}

export function caseIdOf(item: CaseItem): string {
	const carried = textAt(item, 'case', 'case_id');
	if (carried) {
		if (!CASE_ID.test(carried))
			throw new InputError(
				'case.case_id',
				`"${carried.slice(0, 80)}" is not a case id: case ids look like cs_ followed by 4 to 64 letters, digits, _ or -. Leave case.case_id out and one is made.`,
			);
		return carried;
	}
	const key = textAt(item, 'idempotency_key');
	const hash = key
		? createHash('sha256').update(`case:${key}`).digest('hex').slice(0, 24)
		: randomUUID().replace(/-/g, '').slice(0, 24);
	return `cs_${hash}`;
}

function instantMs(value: unknown): number | null {
	if (typeof value !== 'string' || !value.trim()) return null;
	const ms = Date.parse(value);
	return Number.isFinite(ms) ? ms : null;
}

const intOrNull = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;

/** The ids of the visits the item's booking holds (one booking, or a series' visits). */
function bookingIdsOf(item: CaseItem): string[] {
	const booking = objectAt(item.booking);
	if (!booking) return [];
	const ids = new Set<string>();
	if (typeof booking.booking_id === 'string') ids.add(booking.booking_id);
	for (const occurrence of Array.isArray(booking.occurrences) ? booking.occurrences : [])
		if (typeof objectAt(occurrence)?.booking_id === 'string')
			ids.add(objectAt(occurrence)!.booking_id as string);
	return [...ids];
}

/** Booked: a confirmed (or held) visit, or a series with at least one visit. */
function isBooked(item: CaseItem): boolean {
	const status = textAt(item, 'booking', 'status');
	return (
		((status === 'confirmed' || status === 'held') && !!textAt(item, 'booking', 'booking_id')) ||
		(status === 'series_booked' && bookingIdsOf(item).length > 0)
	);
}

/** What the booked work is worth: the agreed offer's total per visit times the visits booked. */
function bookedCentsOf(item: CaseItem): number | null {
	const offer = currentOffer(item);
	if (!offer || !isBooked(item)) return null;
	const recurring = objectAt(offer.recurring);
	const perVisit = intOrNull(recurring?.per_visit_cents) ?? intOrNull(offer.total_cents);
	if (perVisit === null) return null;
	return perVisit * Math.max(1, bookingIdsOf(item).length);
}

/** The delivery the item says failed (the Outbox's Record a Send sets it when the tries are used up; a few ops-facing sends set it themselves). */
export function deliveryFailureOf(
	item: CaseItem,
): { channel: string; label: string; error: string } | null {
	const failure = objectAt(item.delivery_failure);
	if (!failure) return null;
	return {
		channel: textAt(failure, 'channel') ?? 'email',
		label: textAt(failure, 'label') ?? 'message',
		error: textAt(failure, 'error') ?? 'unknown error',
	};
}

/** The kind of decision a handed-over case waits for, read from what the agents found. */
export function decisionKindOf(item: CaseItem): DecisionKind | null {
	const explicit = textAt(item, 'decision', 'kind');
	if (explicit && (DECISION_KINDS as readonly string[]).includes(explicit))
		return explicit as DecisionKind;
	if (at(item, 'negotiation', 'pending_approval') || at(item, 'negotiation', 'escalate_to_human'))
		return 'discount_approval';
	if (at(item, 'qualification', 'wants_human') === true) return 'wants_human';
	const booking = objectAt(item.booking);
	if (booking && !isBooked(item)) return 'no_room';
	if (at(item, 'triage', 'is_emergency') === true) return 'dispatch_ack';
	const missing = at(item, 'qualification', 'missing_info');
	if (Array.isArray(missing) && missing.length && !textAt(item, 'customer', 'address'))
		return 'missing_info';
	return null;
}

function summaryOf(item: CaseItem): string | null {
	const message = textAt(item, 'message');
	if (!message) return null;
	const line = message.replace(/\s+/g, ' ');
	return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}

/** What the item says about the case now: the facts a record keeps, with no step applied. */
export function caseFactsOf(item: CaseItem, caseId: string, nowMs: number): CaseRecord {
	const offer = currentOffer(item);
	const qualification = objectAt(item.qualification);
	const emergency = at(item, 'triage', 'is_emergency') === true;
	const customer = objectAt(item.customer) ?? {};
	const thread: Record<string, string> = {};
	const email = textAt(customer, 'email');
	const phone = textAt(customer, 'phone');
	if (email) thread.email = email.toLowerCase();
	// E.164 when it is a number (a text's From is); as typed otherwise, kept for people to read.
	if (phone) thread.phone = phoneKey(phone) ?? phone;
	for (const key of ['message_id', 'chat_session'] as const) {
		const value = textAt(item, 'case', 'thread', key);
		if (value) thread[key] = value;
	}
	return {
		case_id: caseId,
		customer_id: textAt(item, 'case', 'customer_id') ?? textAt(customer, 'customer_id'),
		// The channel the request named: the templates' case says "web" when it named none.
		channel: caseChannel(objectAt(item.request) ? at(item, 'request', 'channel') : item.channel),
		thread,
		status: 'open',
		customer: {
			name: textAt(customer, 'name'),
			email,
			phone,
			address: textAt(customer, 'address'),
		},
		service_type:
			textAt(item, 'quote', 'service_type') ?? textAt(qualification, 'service_type') ?? null,
		is_emergency: emergency,
		emergency_type: emergency ? textAt(item, 'triage', 'emergency_type') : null,
		qualified: typeof qualification?.is_qualified === 'boolean' ? qualification.is_qualified : null,
		lead_score: intOrNull(qualification?.lead_score),
		quote_id: textAt(offer, 'quote_id'),
		quote_cents: intOrNull(offer?.total_cents),
		currency: textAt(offer, 'currency'),
		quote_valid_until: textAt(offer, 'valid_until'),
		quote_terms: quoteTermsOf(offer),
		booked_cents: bookedCentsOf(item),
		booking_ids: bookingIdsOf(item),
		contract_id: textAt(item, 'contract', 'contract_id'),
		decision: null,
		summary: summaryOf(item),
		received_at_ms: instantMs(item.received_at) ?? nowMs,
		first_answer_at_ms: null,
		dispatched_at_ms: null,
		booked_at_ms: null,
		closed_at_ms: null,
		workflow: null,
		execution_url: null,
		updated_at_ms: nowMs,
	};
}

const TERMINAL: CaseStatus[] = ['booked', 'lost', 'expired', 'closed'];

/**
 * The record after a step: the stored one (if any) merged with what the item says now,
 * and the events the step adds. Milestones keep their first time; facts the item no
 * longer carries keep their stored value; a decision is cleared once the case moves on.
 */
export function applyCaseStep(
	stored: CaseRecord | null,
	item: CaseItem,
	step: CaseStep,
	by: RecordedBy,
	nowMs: number,
	reason: string | null = null,
): { record: CaseRecord; events: CaseEvent[] } {
	const facts = caseFactsOf(item, stored?.case_id ?? caseIdOf(item), nowMs);
	const pick = <K extends keyof CaseRecord>(key: K): CaseRecord[K] => {
		const value = facts[key];
		const empty = value === null || (Array.isArray(value) && value.length === 0);
		return (empty && stored ? stored[key] : value) as CaseRecord[K];
	};
	const record: CaseRecord = {
		...facts,
		customer_id: pick('customer_id'),
		channel: stored?.channel ?? facts.channel,
		thread: { ...(stored?.thread ?? {}), ...facts.thread },
		customer: stored
			? {
					name: facts.customer.name ?? stored.customer.name,
					email: facts.customer.email ?? stored.customer.email,
					phone: facts.customer.phone ?? stored.customer.phone,
					address: facts.customer.address ?? stored.customer.address,
				}
			: facts.customer,
		service_type: pick('service_type'),
		is_emergency: facts.is_emergency || (stored?.is_emergency ?? false),
		emergency_type: pick('emergency_type'),
		qualified: pick('qualified'),
		lead_score: pick('lead_score'),
		quote_id: pick('quote_id'),
		quote_cents: pick('quote_cents'),
		currency: pick('currency'),
		quote_valid_until: pick('quote_valid_until'),
		quote_terms: pick('quote_terms'),
		booked_cents: pick('booked_cents'),
		booking_ids: [...new Set([...(stored?.booking_ids ?? []), ...facts.booking_ids])],
		contract_id: pick('contract_id'),
		summary: pick('summary'),
		status: stored?.status ?? 'open',
		decision: stored?.decision ?? null,
		received_at_ms: Math.min(stored?.received_at_ms ?? facts.received_at_ms, facts.received_at_ms),
		first_answer_at_ms: stored?.first_answer_at_ms ?? null,
		dispatched_at_ms: stored?.dispatched_at_ms ?? null,
		booked_at_ms: stored?.booked_at_ms ?? null,
		closed_at_ms: stored?.closed_at_ms ?? null,
		workflow: by.workflow ?? stored?.workflow ?? null,
		execution_url: by.executionUrl ?? stored?.execution_url ?? null,
		updated_at_ms: nowMs,
	};
	const events: CaseEvent[] = [];
	const who = by.workflow;
	const run = by.executionId ?? String(nowMs);
	const event = (
		kind: string,
		data: Record<string, unknown> | null = null,
		key = kind,
		atMs = nowMs,
	) => events.push({ key, kind, at_ms: atMs, by: who, data });
	const setStatus = (status: CaseStatus) => {
		if (record.status !== status)
			event('status', { from: record.status, to: status }, `status:${run}:${status}`);
		if (status !== 'waiting_ops') record.decision = null;
		record.status = status;
		if (TERMINAL.includes(status) && status !== 'booked') record.closed_at_ms ??= nowMs;
	};

	if (!stored) event('received', { channel: record.channel }, 'received', record.received_at_ms);
	if (record.qualified !== null && stored?.qualified == null)
		event('qualified', { is_qualified: record.qualified, lead_score: record.lead_score });
	if (record.quote_id && record.quote_id !== stored?.quote_id)
		event(
			'quoted',
			{ quote_id: record.quote_id, total_cents: record.quote_cents },
			`quoted:${record.quote_id}`,
		);
	const bookedNow = isBooked(item);
	if (bookedNow && record.booked_at_ms === null) {
		record.booked_at_ms = nowMs;
		event('booked', { booking_ids: record.booking_ids, booked_cents: record.booked_cents });
	}
	if (bookedNow && record.is_emergency && record.dispatched_at_ms === null) {
		record.dispatched_at_ms = nowMs;
		event('dispatched', { booking_ids: record.booking_ids });
	}

	const failure = deliveryFailureOf(item);
	switch (step) {
		case 'answered':
			if (record.first_answer_at_ms === null) record.first_answer_at_ms = nowMs;
			event('answered', null, `answered:${run}`);
			if (bookedNow) setStatus('booked');
			// A quote out waits for the customer, unless a person already has the case.
			else if (
				record.quote_id &&
				(record.status === 'open' || record.status === 'waiting_customer')
			)
				setStatus('waiting_customer');
			break;
		case 'asked': {
			// The customer was asked for what the job lacks (an ask-back): the case waits for them.
			if (record.first_answer_at_ms === null) record.first_answer_at_ms = nowMs;
			const asked = at(item, 'qualification', 'ask_before_booking');
			event(
				'asked',
				{
					kind: textAt(item, 'decision', 'kind') ?? 'missing_info',
					fields: Array.isArray(asked) ? asked : [],
					link: textAt(item, 'link', 'url') ?? textAt(item, 'decision', 'link'),
					// An on-call turn: who was asked.
					...(textAt(item, 'dispatch', 'to', 'name')
						? { to: textAt(item, 'dispatch', 'to', 'name'), kind: 'dispatch_ack' }
						: {}),
				},
				// Each link is its own ask (an on-call ladder asks several people in one execution).
				`asked:${run}:${textAt(item, 'link', 'id') ?? ''}`,
			);
			if (!TERMINAL.includes(record.status)) setStatus('waiting_customer');
			break;
		}
		case 'handedOver':
			if (failure) {
				// A message that did not go out: ops are told; the case itself has not changed.
				event(
					'delivery_failed',
					failure,
					`delivery_failed:${run}:${failure.label}:${failure.channel}`,
				);
				break;
			}
			setStatus('waiting_ops');
			record.decision = {
				kind: decisionKindOf(item),
				reason: reason ?? textAt(item, 'handoff_reason') ?? 'A person should look at this case.',
				requested_at: new Date(nowMs).toISOString(),
				link: textAt(item, 'decision', 'link') ?? by.executionUrl,
			};
			event(
				'handed_over',
				{ kind: record.decision.kind, reason: record.decision.reason },
				`handed_over:${run}`,
			);
			break;
		case 'decided': {
			// A person answered the decision the case waited for: kept as an event; the case moves on.
			const decision = objectAt(item.decision) ?? {};
			event(
				'decided',
				{
					kind: textAt(decision, 'kind') ?? stored?.decision?.kind ?? null,
					outcome: textAt(decision, 'outcome') ?? 'decided',
					decided_by: textAt(decision, 'decided_by'),
					...(typeof decision.amount_cents === 'number'
						? { amount_cents: decision.amount_cents }
						: {}),
					...(textAt(decision, 'note') ? { note: textAt(decision, 'note') } : {}),
					...(objectAt(decision.answers) ? { answers: decision.answers } : {}),
				},
				`decided:${run}`,
			);
			setStatus(bookedNow ? 'booked' : 'open');
			break;
		}
		case 'won':
			if (record.booked_at_ms === null) {
				record.booked_at_ms = nowMs;
				event('booked', { booking_ids: record.booking_ids, booked_cents: record.booked_cents });
			}
			setStatus('booked');
			break;
		case 'lost':
		case 'expired':
		case 'closed':
			setStatus(step);
			event(step, reason ? { reason } : null, `${step}:${run}`);
			break;
	}
	return { record, events };
}

// ---- The store side: the same portable SQL on SQLite and PostgreSQL ----

const COLUMNS = [
	'id',
	'customer_id',
	'channel',
	'thread',
	'status',
	'customer',
	'service_type',
	'is_emergency',
	'emergency_type',
	'qualified',
	'lead_score',
	'quote_id',
	'quote_cents',
	'currency',
	'quote_valid_until',
	'quote_terms',
	'booked_cents',
	'booking_ids',
	'contract_id',
	'decision',
	'summary',
	'received_at_ms',
	'first_answer_at_ms',
	'dispatched_at_ms',
	'booked_at_ms',
	'closed_at_ms',
	'workflow',
	'execution_url',
	'updated_at_ms',
] as const;

const bit = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

function rowOf(record: CaseRecord): SqlValue[] {
	return [
		record.case_id,
		record.customer_id,
		record.channel,
		JSON.stringify(record.thread),
		record.status,
		JSON.stringify(record.customer),
		record.service_type,
		bit(record.is_emergency),
		record.emergency_type,
		bit(record.qualified),
		record.lead_score,
		record.quote_id,
		record.quote_cents,
		record.currency,
		record.quote_valid_until,
		record.quote_terms ? JSON.stringify(record.quote_terms) : null,
		record.booked_cents,
		JSON.stringify(record.booking_ids),
		record.contract_id,
		record.decision ? JSON.stringify(record.decision) : null,
		record.summary,
		record.received_at_ms,
		record.first_answer_at_ms,
		record.dispatched_at_ms,
		record.booked_at_ms,
		record.closed_at_ms,
		record.workflow,
		record.execution_url,
		record.updated_at_ms,
	];
}

export function caseFromRow(row: Record<string, unknown>): CaseRecord {
	const yesNo = (value: unknown) =>
		value === null || value === undefined ? null : Number(value) === 1;
	return {
		case_id: String(row.id),
		customer_id: (row.customer_id as string | null) ?? null,
		channel: row.channel as CaseChannel,
		thread: jsonColumn(row.thread, {}),
		status: row.status as CaseStatus,
		customer: jsonColumn(row.customer, { name: null, email: null, phone: null, address: null }),
		service_type: (row.service_type as string | null) ?? null,
		is_emergency: yesNo(row.is_emergency) === true,
		emergency_type: (row.emergency_type as string | null) ?? null,
		qualified: yesNo(row.qualified),
		lead_score: numberColumn(row.lead_score),
		quote_id: (row.quote_id as string | null) ?? null,
		quote_cents: numberColumn(row.quote_cents),
		currency: (row.currency as string | null) ?? null,
		quote_valid_until: (row.quote_valid_until as string | null) ?? null,
		quote_terms: jsonColumn(row.quote_terms, null),
		booked_cents: numberColumn(row.booked_cents),
		booking_ids: jsonColumn(row.booking_ids, []),
		contract_id: (row.contract_id as string | null) ?? null,
		decision: jsonColumn(row.decision, null),
		summary: (row.summary as string | null) ?? null,
		received_at_ms: Number(row.received_at_ms),
		first_answer_at_ms: numberColumn(row.first_answer_at_ms),
		dispatched_at_ms: numberColumn(row.dispatched_at_ms),
		booked_at_ms: numberColumn(row.booked_at_ms),
		closed_at_ms: numberColumn(row.closed_at_ms),
		workflow: (row.workflow as string | null) ?? null,
		execution_url: (row.execution_url as string | null) ?? null,
		updated_at_ms: Number(row.updated_at_ms),
	};
}

async function readCase(sql: SqlRunner, id: string): Promise<CaseRecord | null> {
	const rows = await sql.query('SELECT * FROM cases WHERE id = $1', [id]);
	return rows.length ? caseFromRow(rows[0]) : null;
}

/** Writes a whole record and its events (an event already there by key is kept as it was). */
export async function saveCase(
	sql: SqlRunner,
	record: CaseRecord,
	events: CaseEvent[],
): Promise<void> {
	const marks = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
	const updates = COLUMNS.slice(1)
		.map((column) => `${column} = excluded.${column}`)
		.join(', ');
	await sql.query(
		`INSERT INTO cases (${COLUMNS.join(', ')}) VALUES (${marks}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
		rowOf(record),
	);
	for (const key of threadKeysOf(record.thread))
		await sql.query(
			'INSERT INTO case_threads (thread_key, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
			[key, record.case_id],
		);
	for (const event of events)
		await sql.query(
			'INSERT INTO case_events (case_id, key, kind, at_ms, by_whom, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, key) DO NOTHING',
			[
				record.case_id,
				event.key,
				event.kind,
				event.at_ms,
				event.by,
				event.data ? JSON.stringify(event.data) : null,
			],
		);
}

/** Records a step of the case the item is: read, merge and write in one transaction. */
export async function recordCaseStep(
	store: BookingStore,
	item: CaseItem,
	step: CaseStep,
	by: RecordedBy,
	nowMs: number,
	reason: string | null = null,
): Promise<{ record: CaseRecord; events: CaseEvent[] }> {
	const id = caseIdOf(item);
	return await store.lockedWrite(id, async (sql) => {
		const stored = await readCase(sql, id);
		const result = applyCaseStep(stored, item, step, by, nowMs, reason);
		// Every case belongs to the customer its e-mail or phone names (made on the first case).
		const linked = await linkCustomer(sql, contactOf(item), nowMs, result.record.customer_id);
		if (linked) result.record.customer_id = linked.customer.id;
		await saveCase(sql, result.record, result.events);
		return result;
	});
}

export async function getCase(store: BookingStore, id: string): Promise<CaseRecord | null> {
	const rows = await store.read('SELECT * FROM cases WHERE id = $1', [id]);
	return rows.length ? caseFromRow(rows[0]) : null;
}

export async function caseEvents(store: BookingStore, id: string): Promise<CaseEvent[]> {
	const rows = await store.read(
		'SELECT key, kind, at_ms, by_whom, data FROM case_events WHERE case_id = $1 ORDER BY at_ms, key',
		[id],
	);
	return rows.map((row) => ({
		key: String(row.key),
		kind: String(row.kind),
		at_ms: Number(row.at_ms),
		by: (row.by_whom as string | null) ?? null,
		data: jsonColumn(row.data, null),
	}));
}

/** The short form the item carries under `case` (DESIGN's shared name). */
export function caseOnItem(record: CaseRecord, events: CaseEvent[]): Record<string, unknown> {
	return {
		case_id: record.case_id,
		customer_id: record.customer_id,
		channel: record.channel,
		thread: record.thread,
		status: record.status,
		decision: record.decision,
		received_at: new Date(record.received_at_ms).toISOString(),
		first_answer_at: record.first_answer_at_ms
			? new Date(record.first_answer_at_ms).toISOString()
			: null,
		events: events.map((event) => ({
			kind: event.kind,
			at: new Date(event.at_ms).toISOString(),
			by: event.by,
			...(event.data ? { data: event.data } : {}),
		})),
	};
}
