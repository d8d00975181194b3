/**
 * The outbox: every e-mail and text to a customer is written here before it is sent, and stays
 * until it is sent or ops are told it could not be. The flow that wrote it sends it at once; when
 * that try fails (the mail server is down, Twilio answers 503), the Outbox workflow's schedule
 * tries again on a backoff (1 min, 5 min, 30 min, 2 h as shipped), then hands the case to ops.
 *
 * Sending once: a sender first claims a message (status `sending`, held for a lease), so the
 * flow's own try and the schedule never both send it; a message written twice by a retried step
 * is one row (its key). A sender that dies while holding a message leaves it to be claimed again
 * when the lease ends: that try counts, and if the message had in fact gone out, it goes out
 * twice (no mail server or Twilio call can be asked whether it was); see docs/ops.md.
 */
import crypto from 'node:crypto';

import { DateTime } from 'luxon';

import { InputError } from '../errors';
import { inQuietWindow, minutesOfDay } from '../quiet';
import type { BookingStore, SqlValue } from '../store';

export type OutboxChannel = 'email' | 'sms';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxAttachment {
	/** The binary property it came from (and goes back to). */
	property: string;
	fileName: string;
	mimeType: string;
	/** base64 */
	data: string;
}

/** What is sent: an e-mail's from, subject, text, html and attachments; a text's from and text. */
export interface OutboxContent {
	from: string | null;
	subject?: string;
	text: string;
	html?: string | null;
	attachments?: OutboxAttachment[];
	/**
	 * When the tries are used up: hand the case to ops (the Human Queue; a customer's message),
	 * or only record it on the case (a message to ops themselves: handing it over would write to
	 * them again through the channel that failed). Absent: hand over.
	 */
	on_failure?: 'hand_over' | 'record';
}

/** Local "HH:MM" to "HH:MM" in a time zone: a retried text waits for them to end. */
export interface QuietHours {
	start: string;
	end: string;
	time_zone: string;
}

export interface OutboxDraft {
	/** Makes a message written twice one row (see messageKey). */
	key: string;
	case_id: string | null;
	/** What the message is, in ops' words ("Confirmation", "Details Reminder"). */
	label: string;
	channel: OutboxChannel;
	recipient: string;
	content: OutboxContent;
	quiet_hours: QuietHours | null;
	/** The item the message was written from: what the handoff to ops carries if it fails. */
	case_item: Record<string, unknown> | null;
}

export interface OutboxMessage extends OutboxDraft {
	id: string;
	status: OutboxStatus;
	/** Tries started (a try is counted when a sender claims the message). */
	attempts: number;
	next_attempt_at_ms: number | null;
	lease_until_ms: number | null;
	last_error: string | null;
	created_at_ms: number;
	sent_at_ms: number | null;
	updated_at_ms: number;
}

/** The retries as shipped: after the first try, 1 minute, 5 minutes, 30 minutes, 2 hours. */
export const DEFAULT_RETRY_SCHEDULE = '1m, 5m, 30m, 2h';
/** How long a sender holds a message it claimed before another may try it. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** The attachments a message may carry, base64 included (the store keeps them until it is sent). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** "1m, 5m, 30m, 2h" as milliseconds; a clear error naming `field` otherwise. */
export function parseRetrySchedule(text: unknown, field = 'retrySchedule'): number[] {
	const raw = typeof text === 'string' ? text.trim() : '';
	if (!raw) return [];
	const parts = raw.split(/\s*,\s*/);
	if (parts.length > 20)
		throw new InputError(
			field,
			`${parts.length} retries: give at most 20 (for example "${DEFAULT_RETRY_SCHEDULE}").`,
		);
	return parts.map((part) => {
		const match = /^(\d{1,6}(?:\.\d{1,3})?)\s*(s|m|h)$/i.exec(part);
		const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2].toLowerCase()]) : NaN;
		if (!match || !(ms > 0) || ms > 7 * 86_400_000)
			throw new InputError(
				field,
				`"${part.slice(0, 40)}" is not a wait: write each as a number and s, m or h, up to a week, separated by commas (for example "${DEFAULT_RETRY_SCHEDULE}").`,
			);
		return ms;
	});
}

export function inQuietHours(atMs: number, quiet: QuietHours | null): boolean {
	if (!quiet || quiet.start === quiet.end) return false;
	return inQuietWindow(
		DateTime.fromMillis(atMs, { zone: quiet.time_zone }),
		minutesOfDay(quiet.start),
		minutesOfDay(quiet.end),
	);
}

/**
 * The quiet hours a text written at `nowMs` keeps for its retries: none when it was written in
 * them (the flow meant it to go at night, such as an emergency answer).
 */
export function quietHoursForRetries(nowMs: number, quiet: QuietHours | null): QuietHours | null {
	return inQuietHours(nowMs, quiet) ? null : quiet;
}

/** `atMs`, or the end of the quiet hours it falls in. */
export function outsideQuietHours(atMs: number, quiet: QuietHours | null): number {
	if (!quiet || !inQuietHours(atMs, quiet)) return atMs;
	const at = DateTime.fromMillis(atMs, { zone: quiet.time_zone });
	const end = minutesOfDay(quiet.end);
	// Set the wall-clock time (adding minutes to midnight would be an hour off on a DST day).
	const endOn = (day: DateTime) =>
		day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
	let until = endOn(at);
	if (until.toMillis() <= atMs) until = endOn(at.plus({ days: 1 }));
	return until.toMillis();
}

/**
 * The key that makes a message written twice one row. Within a case (its id known from the
 * item), the same step writing the same words to the same person is one message: a retried
 * node, or the same request run again after a worker died, sends it once. Without a case, the
 * same step of the same execution.
 */
export function messageKey(parts: {
	caseId: string | null;
	executionId: string | null;
	node: string;
	itemIndex: number;
	channel: OutboxChannel;
	recipient: string;
	content: OutboxContent;
}): string {
	const scope = parts.caseId
		? ['case', parts.caseId]
		: ['execution', parts.executionId ?? crypto.randomUUID(), parts.itemIndex];
	const hash = crypto
		.createHash('sha256')
		.update(
			JSON.stringify([
				...scope,
				parts.node,
				parts.channel,
				parts.recipient,
				parts.content.subject ?? '',
				parts.content.text,
			]),
		)
		.digest('hex');
	return `${parts.channel}:${hash}`;
}

const idOf = (key: string) =>
	`msg_${crypto.createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

const json = (value: unknown) =>
	value === null || value === undefined ? null : JSON.stringify(value);
const parse = <T>(value: unknown): T | null =>
	value === null || value === undefined || value === ''
		? null
		: typeof value === 'string'
			? (JSON.parse(value) as T)
			: (value as T);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function messageFromRow(row: Record<string, unknown>): OutboxMessage {
	return {
		id: String(row.id),
		key: String(row.key),
		case_id: (row.case_id as string | null) ?? null,
		label: String(row.label),
		channel: row.channel as OutboxChannel,
		recipient: String(row.recipient),
		content: parse<OutboxContent>(row.content) ?? { from: null, text: '' },
		quiet_hours: parse<QuietHours>(row.quiet_hours),
		case_item: parse<Record<string, unknown>>(row.case_item),
		status: row.status as OutboxStatus,
		attempts: Number(row.attempts),
		next_attempt_at_ms: num(row.next_attempt_at_ms),
		lease_until_ms: num(row.lease_until_ms),
		last_error: (row.last_error as string | null) ?? null,
		created_at_ms: Number(row.created_at_ms),
		sent_at_ms: num(row.sent_at_ms),
		updated_at_ms: Number(row.updated_at_ms),
	};
}

/**
 * Writes the messages (one transaction), due now. A draft whose key is stored already is not
 * written again: the stored message comes back instead, whatever became of it.
 */
export async function queueMessages(
	store: BookingStore,
	drafts: OutboxDraft[],
	nowMs: number,
): Promise<OutboxMessage[]> {
	if (!drafts.length) return [];
	return await store.lockedWrite('outbox', async (sql) => {
		const out: OutboxMessage[] = [];
		for (const d of drafts) {
			const id = idOf(d.key);
			await sql.query(
				`INSERT INTO outbox (id, key, case_id, label, channel, recipient, content, quiet_hours, status, attempts,
				 next_attempt_at_ms, case_item, created_at_ms, updated_at_ms)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10, $9, $9) ON CONFLICT (key) DO NOTHING`,
				[
					id,
					d.key,
					d.case_id,
					d.label,
					d.channel,
					d.recipient,
					json(d.content),
					json(d.quiet_hours),
					nowMs,
					json(d.case_item),
				],
			);
			const [row] = await sql.query('SELECT * FROM outbox WHERE key = $1', [d.key]);
			out.push(messageFromRow(row));
		}
		return out;
	});
}

/**
 * Claims messages to send now: these ids (a flow sending what it wrote), or up to `limit` of
 * those due (the schedule). A message is claimed when it waits for a try that is due, or when
 * its sender's lease ran out (that sender died); each claim counts a try. Another sender never
 * gets a message claimed here until its lease ends.
 */
export async function claimMessages(
	store: BookingStore,
	which: { ids: string[] } | { due: true; limit: number },
	nowMs: number,
	leaseMs = DEFAULT_LEASE_MS,
): Promise<OutboxMessage[]> {
	return await store.lockedWrite('outbox', async (sql) => {
		let rows: Array<Record<string, unknown>>;
		if ('ids' in which) {
			const ids = [...new Set(which.ids)].slice(0, 1000);
			if (!ids.length) return [];
			const marks = ids.map((_, k) => `$${k + 2}`).join(', ');
			// The flow's own try is not held back by the backoff: a message it wrote is due.
			rows = await sql.query(
				`SELECT * FROM outbox WHERE id IN (${marks}) AND (status = 'queued' OR (status = 'sending' AND lease_until_ms < $1)) ORDER BY created_at_ms`,
				[nowMs, ...ids] as SqlValue[],
			);
		} else {
			rows = await sql.query(
				`SELECT * FROM outbox WHERE (status = 'queued' AND next_attempt_at_ms <= $1) OR (status = 'sending' AND lease_until_ms < $1)
				 ORDER BY next_attempt_at_ms LIMIT $2`,
				[nowMs, Math.max(1, Math.min(1000, Math.floor(which.limit)))],
			);
		}
		const claimed: OutboxMessage[] = [];
		for (const row of rows) {
			await sql.query(
				`UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until_ms = $2, updated_at_ms = $3 WHERE id = $1`,
				[String(row.id), nowMs + leaseMs, nowMs],
			);
			claimed.push(
				messageFromRow({
					...row,
					status: 'sending',
					attempts: Number(row.attempts) + 1,
					lease_until_ms: nowMs + leaseMs,
					updated_at_ms: nowMs,
				}),
			);
		}
		return claimed;
	});
}

export interface SendOutcome {
	message: OutboxMessage;
	/** True once, when this failure used up the tries: ops are to be told now. */
	gave_up: boolean;
}

/** A claimed message went out. */
export async function recordSent(
	store: BookingStore,
	id: string,
	nowMs: number,
): Promise<SendOutcome> {
	return await store.lockedWrite('outbox', async (sql) => {
		await sql.query(
			`UPDATE outbox SET status = 'sent', sent_at_ms = $2, lease_until_ms = NULL, next_attempt_at_ms = NULL, last_error = NULL, updated_at_ms = $2
			 WHERE id = $1 AND status IN ('sending', 'queued')`,
			[id, nowMs],
		);
		return { message: await mustGet(sql, id), gave_up: false };
	});
}

/**
 * A claimed message's try failed: it waits for its next try on the schedule (a text never in
 * the quiet hours it was written with), or, when the schedule is used up, fails for good and
 * `gave_up` says to tell ops.
 */
export async function recordFailure(
	store: BookingStore,
	id: string,
	error: string,
	nowMs: number,
	scheduleMs: number[],
): Promise<SendOutcome> {
	return await store.lockedWrite('outbox', async (sql) => {
		const before = await mustGet(sql, id);
		// Only the try that holds it decides (a message sent meanwhile stays sent).
		if (before.status !== 'sending') return { message: before, gave_up: false };
		const wait = scheduleMs[before.attempts - 1];
		const lastError = error.slice(0, 1000);
		if (wait === undefined) {
			await sql.query(
				`UPDATE outbox SET status = 'failed', lease_until_ms = NULL, next_attempt_at_ms = NULL, last_error = $2, updated_at_ms = $3 WHERE id = $1`,
				[id, lastError, nowMs],
			);
			return { message: await mustGet(sql, id), gave_up: true };
		}
		const next =
			before.channel === 'sms' ? outsideQuietHours(nowMs + wait, before.quiet_hours) : nowMs + wait;
		await sql.query(
			`UPDATE outbox SET status = 'queued', lease_until_ms = NULL, next_attempt_at_ms = $2, last_error = $3, updated_at_ms = $4 WHERE id = $1`,
			[id, next, lastError, nowMs],
		);
		return { message: await mustGet(sql, id), gave_up: false };
	});
}

async function mustGet(
	sql: { query(sql: string, params?: SqlValue[]): Promise<Array<Record<string, unknown>>> },
	id: string,
): Promise<OutboxMessage> {
	const [row] = await sql.query('SELECT * FROM outbox WHERE id = $1', [id]);
	if (!row)
		throw new InputError(
			'outbox_id',
			`No message "${id.slice(0, 80)}" in the outbox: pass the outbox_id that Take Messages to Send gave.`,
		);
	return messageFromRow(row);
}

export async function getMessage(store: BookingStore, id: string): Promise<OutboxMessage | null> {
	const [row] = await store.read('SELECT * FROM outbox WHERE id = $1', [id]);
	return row ? messageFromRow(row) : null;
}

/** Messages not sent yet (waiting for a try, or held by a sender) and those given up lately: the ops board's. */
export async function unsentMessages(
	store: BookingStore,
	sinceMs: number,
	limit = 50,
): Promise<OutboxMessage[]> {
	const rows = await store.read(
		`SELECT * FROM outbox WHERE status IN ('queued', 'sending') OR (status = 'failed' AND updated_at_ms >= $1)
		 ORDER BY created_at_ms DESC LIMIT $2`,
		[sinceMs, limit],
	);
	return rows.map(messageFromRow);
}
