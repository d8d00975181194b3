import { InputError } from '../errors';

/**
 * The booking store: where bookings from every execution meet. One interface,
 * two backends (SQLite through node:sqlite, PostgreSQL through pg). The store
 * itself makes an overlapping booking impossible; callers never have to be
 * careful for it to hold.
 */

export const BOOKING_STATUSES = ['held', 'confirmed', 'cancelled', 'completed'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export interface CrewRecord {
	id: string;
	name: string;
	skills: string[];
	on_call: boolean;
}

export interface BookingRecord {
	id: string;
	crew_id: string;
	start_ms: number;
	end_ms: number;
	/** End plus the buffer (travel) after the job: the crew is busy until then. */
	busy_until_ms: number;
	time_zone: string;
	status: BookingStatus;
	hold_expires_ms: number | null;
	series_id: string | null;
	service: string | null;
	priority: number | null;
	customer: Record<string, unknown> | null;
	details: Record<string, unknown> | null;
	cancel_reason: string | null;
	created_at_ms: number;
	updated_at_ms: number;
}

export interface SeriesRecord {
	id: string;
	rrule: string;
	time_zone: string;
	status: 'active' | 'cancelled';
	customer: Record<string, unknown> | null;
	service: string | null;
	details: Record<string, unknown> | null;
	created_at_ms: number;
}

export const CONTRACT_STATUSES = [
	'awaiting_signature',
	'active',
	'ending',
	'renewed',
	'ended',
] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export interface ContractRecord {
	id: string;
	status: ContractStatus;
	document_sha256: string;
	document_html: string;
	customer: Record<string, unknown> | null;
	terms: Record<string, unknown>;
	start_date: string;
	end_date: string;
	auto_renew: boolean;
	renewal_of: string | null;
	signature: {
		name: string;
		signed_at_ms: number;
		ip: string | null;
		user_agent: string | null;
		document_sha256: string;
	} | null;
	/** The execution that waits for the signature (kept in the record's JSON; older records have none). */
	resume_url?: string | null;
	created_at_ms: number;
	updated_at_ms: number;
}

export interface BookingFilter {
	fromMs?: number;
	toMs?: number;
	crewIds?: string[];
	statuses?: BookingStatus[];
	seriesId?: string;
	limit?: number;
}

/** What a write can change on a booking. */
export type BookingChanges = Partial<
	Pick<
		BookingRecord,
		| 'crew_id'
		| 'start_ms'
		| 'end_ms'
		| 'busy_until_ms'
		| 'status'
		| 'hold_expires_ms'
		| 'cancel_reason'
		| 'details'
	>
>;

/** The operations available inside one write transaction. */
export interface WriteTx {
	/** 'overlap' when the crew is busy then (the store refused it). */
	insertBooking(record: BookingRecord): Promise<'ok' | 'overlap'>;
	updateBooking(
		id: string,
		changes: BookingChanges,
		nowMs: number,
	): Promise<'ok' | 'overlap' | 'not_found'>;
	getBooking(id: string): Promise<BookingRecord | null>;
	listBookings(filter: BookingFilter): Promise<BookingRecord[]>;
	/** Active bookings' busy times only (no records to parse) overlapping any of the windows: what slot finding needs, inside the transaction. */
	busyIntervals(windows: TimeWindow[], crewIds: string[]): Promise<BusyInterval[]>;
	/**
	 * Waits until no other transaction that called it is running, and holds that until this one ends. Every write
	 * that places a booking takes it first: concurrent inserts of overlapping times under PostgreSQL's exclusion
	 * constraint wait on each other and deadlock, and a booking whose slots were taken searches again seeing every
	 * booking made before it. (SQLite writers already run one at a time.)
	 */
	takeTurn(): Promise<void>;
	insertSeries(record: SeriesRecord): Promise<void>;
	/** The series as this transaction sees it (locked for the rest of it on PostgreSQL). */
	getSeries(id: string): Promise<SeriesRecord | null>;
	updateSeries(id: string, changes: SeriesChanges): Promise<void>;
}

/** What a change to a series may set: its status, its rule from a date on, its details. */
export type SeriesChanges = Partial<Pick<SeriesRecord, 'status' | 'rrule' | 'details'>>;

export interface BookingStore {
	readonly kind: 'sqlite' | 'postgres';
	/** Creates or migrates the schema (versioned); safe to call from many processes at once. */
	init(): Promise<void>;
	syncCrews(crews: CrewRecord[]): Promise<void>;
	/**
	 * Runs `fn` in one serialised write transaction. With an idempotency key,
	 * the first result is stored and returned again for the same key.
	 */
	write<T>(
		idempotencyKey: string | null,
		operation: string,
		nowMs: number,
		fn: (tx: WriteTx) => Promise<T>,
	): Promise<{ result: T; replayed: boolean }>;
	getBooking(id: string): Promise<BookingRecord | null>;
	/** Active bookings (held and not expired, or confirmed) unless statuses say otherwise. */
	listBookings(filter: BookingFilter, nowMs: number): Promise<BookingRecord[]>;
	getSeries(id: string): Promise<SeriesRecord | null>;
	/** Records an SMS opt-out (STOP) or opt-in (START) for an E.164 number. */
	setSmsOptOut(
		phone: string,
		optedOut: boolean,
		keyword: string | null,
		nowMs: number,
	): Promise<void>;
	isSmsOptedOut(phone: string): Promise<boolean>;
	saveContract(record: ContractRecord): Promise<void>;
	getContract(id: string): Promise<ContractRecord | null>;
	/** The agreements written for a series (its terms' booking.series_id; a renewal is another), newest term first. */
	contractsForSeries(seriesId: string): Promise<ContractRecord[]>;
	/** Active contracts whose term ends on or before `endDate` (YYYY-MM-DD). */
	contractsEndingBy(endDate: string): Promise<ContractRecord[]>;
	/** Just when each crew is busy (active bookings overlapping any of the windows): the slot search's only need. */
	busyIntervals(windows: TimeWindow[], crewIds: string[], nowMs: number): Promise<BusyInterval[]>;
	/**
	 * Runs `fn` in one write transaction that holds the lock of one case (`key`): the case
	 * records' read-merge-write (see cases.ts). SQL is portable, parameters numbered $1, $2...
	 */
	lockedWrite<T>(key: string, fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
	/** A read-only query in the same portable SQL (reports, the ops board). */
	read(sql: string, params?: SqlValue[]): Promise<Array<Record<string, unknown>>>;
	close(): Promise<void>;
}

export type SqlValue = string | number | null;

/**
 * A store written by a newer version of this package (a schema version this one does not know)
 * is not opened: its tables may mean what this version cannot read, and writing could corrupt them.
 */
export function refuseNewerSchema(
	applied: Set<number>,
	migrations: Array<{ version: number }>,
	what: string,
	field: string,
): void {
	const known = Math.max(...migrations.map((m) => m.version));
	const newest = Math.max(0, ...applied);
	if (newest > known)
		throw new StoreError(
			`${what} has schema version ${newest}, written by a newer n8n-nodes-booking-agents; this version knows up to ${known}. Update the package on every n8n process (main and workers), or restore a backup taken with this version.`,
			field,
		);
}

/** Portable SQL (what SQLite and PostgreSQL both run), parameters numbered $1, $2... */
export interface SqlRunner {
	query(sql: string, params?: SqlValue[]): Promise<Array<Record<string, unknown>>>;
}

/** [fromMs, toMs): a period to read busy times for. A 52-visit series reads one window per visit, not the whole year. */
export type TimeWindow = readonly [fromMs: number, toMs: number];

export interface BusyInterval {
	crew_id: string;
	start_ms: number;
	busy_until_ms: number;
}

/** The store could not be reached or used: names what to check. */
export class StoreError extends InputError {
	constructor(message: string, field = 'store') {
		super(field, message);
	}
}

/** A stored row as a booking; `decode` reads the backend's JSON columns (text in SQLite, JSONB in PostgreSQL). */
export function bookingFromRow(
	row: Record<string, unknown>,
	decode: (value: unknown) => Record<string, unknown> | null,
): BookingRecord {
	const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
	return {
		id: String(row.id),
		crew_id: String(row.crew_id),
		start_ms: Number(row.start_ms),
		end_ms: Number(row.end_ms),
		busy_until_ms: Number(row.busy_until_ms),
		time_zone: String(row.time_zone),
		status: row.status as BookingStatus,
		hold_expires_ms: num(row.hold_expires_ms),
		series_id: (row.series_id as string | null) ?? null,
		service: (row.service as string | null) ?? null,
		priority: num(row.priority),
		customer: decode(row.customer),
		details: decode(row.details),
		cancel_reason: (row.cancel_reason as string | null) ?? null,
		created_at_ms: Number(row.created_at_ms),
		updated_at_ms: Number(row.updated_at_ms),
	};
}
