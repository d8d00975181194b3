import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseSync as DatabaseSyncType, SQLInputValue, StatementSync } from 'node:sqlite';

import {
	ATTEMPTS_SQL,
	CASES_SQL,
	LINKS_SQL,
	OUTBOX_SQL,
	CUSTOMERS_SQL,
	INVOICES_SQL,
	PAYMENTS_SQL,
	AUTOPAY_SQL,
	CREDITS_SQL,
	THREADS_SQL,
	threadsBackfill,
} from './cases-schema';
import { storedIdempotencyKey } from './clean';
import {
	bookingFromRow,
	refuseNewerSchema,
	StoreError,
	type BookingChanges,
	type BookingFilter,
	type BookingRecord,
	type BookingStore,
	type CrewRecord,
	type BusyInterval,
	type ContractRecord,
	type SeriesRecord,
	type SqlRunner,
	type SqlValue,
	type TimeWindow,
	type WriteTx,
} from './types';

/**
 * The earliest start a booking overlapping [from, ...) can have: from minus the longest span any
 * booking has had (booking_span, kept by triggers). It bounds the (crew_id, start_ms) index range,
 * so overlap checks and busy-time reads touch nearby rows, not the crew's whole history.
 */
const earliestStart = (from: string) => `${from} - (SELECT max_ms FROM booking_span WHERE id = 1)`;

/** An active booking of NEW's crew that overlaps NEW. */
const overlapWith = (
	extra: string,
) => `SELECT 1 FROM bookings b WHERE b.crew_id = NEW.crew_id AND b.start_ms >= ${earliestStart('NEW.start_ms')} AND b.start_ms < NEW.busy_until_ms
      AND NEW.start_ms < b.busy_until_ms AND b.status IN ('held','confirmed')${extra}`;

/** SQLite schema by version. Overlap is refused by triggers, inside the store itself. Exported for the upgrade tests. */
export const MIGRATIONS: Array<{ version: number; description: string; sql: string }> = [
	{
		version: 1,
		description: 'crews, bookings (no overlap per crew), series, idempotency keys',
		sql: `
CREATE TABLE crews (id TEXT PRIMARY KEY, name TEXT NOT NULL, skills TEXT NOT NULL, on_call INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE TABLE series (id TEXT PRIMARY KEY, rrule TEXT NOT NULL, time_zone TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('active','cancelled')),
  customer TEXT, service TEXT, details TEXT, created_at_ms INTEGER NOT NULL);
CREATE TABLE bookings (
  id TEXT PRIMARY KEY, crew_id TEXT NOT NULL REFERENCES crews(id), start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, busy_until_ms INTEGER NOT NULL,
  time_zone TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('held','confirmed','cancelled','completed')),
  hold_expires_ms INTEGER, series_id TEXT REFERENCES series(id), service TEXT, priority INTEGER, customer TEXT, details TEXT, cancel_reason TEXT,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL,
  CHECK (end_ms > start_ms AND busy_until_ms >= end_ms));
CREATE INDEX bookings_crew_start ON bookings (crew_id, start_ms);
CREATE INDEX bookings_start ON bookings (start_ms);
CREATE INDEX bookings_series ON bookings (series_id);
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
  WHEN NEW.status IN ('held','confirmed') AND EXISTS (
    SELECT 1 FROM bookings b WHERE b.crew_id = NEW.crew_id AND b.status IN ('held','confirmed')
      AND b.start_ms < NEW.busy_until_ms AND NEW.start_ms < b.busy_until_ms)
  BEGIN SELECT RAISE(ABORT, 'booking_overlap'); END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE ON bookings
  WHEN NEW.status IN ('held','confirmed') AND EXISTS (
    SELECT 1 FROM bookings b WHERE b.id <> NEW.id AND b.crew_id = NEW.crew_id AND b.status IN ('held','confirmed')
      AND b.start_ms < NEW.busy_until_ms AND NEW.start_ms < b.busy_until_ms)
  BEGIN SELECT RAISE(ABORT, 'booking_overlap'); END;
CREATE TABLE idempotency (key TEXT PRIMARY KEY, operation TEXT NOT NULL, result TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
`,
	},
	{
		version: 2,
		description: 'SMS opt-outs (STOP replies)',
		sql: `CREATE TABLE sms_opt_outs (phone TEXT PRIMARY KEY, opted_out INTEGER NOT NULL, keyword TEXT, updated_at_ms INTEGER NOT NULL);`,
	},
	{
		version: 3,
		description: 'contracts and their signatures',
		sql: `CREATE TABLE contracts (id TEXT PRIMARY KEY, status TEXT NOT NULL, end_date TEXT NOT NULL, record TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE INDEX contracts_end ON contracts (status, end_date);`,
	},
	{
		version: 4,
		// Covering indexes, by time and by crew: overlap checks and busy-time reads never touch the table rows.
		description:
			'overlap checks and busy-time reads bounded by the longest booking span, covering indexes for both; an index for held bookings',
		sql: `
CREATE TABLE booking_span (id INTEGER PRIMARY KEY CHECK (id = 1), max_ms INTEGER NOT NULL);
INSERT INTO booking_span (id, max_ms) SELECT 1, COALESCE(MAX(busy_until_ms - start_ms), 0) FROM bookings;
CREATE TRIGGER bookings_span_insert AFTER INSERT ON bookings
  BEGIN UPDATE booking_span SET max_ms = NEW.busy_until_ms - NEW.start_ms WHERE id = 1 AND max_ms < NEW.busy_until_ms - NEW.start_ms; END;
CREATE TRIGGER bookings_span_update AFTER UPDATE OF start_ms, busy_until_ms ON bookings
  BEGIN UPDATE booking_span SET max_ms = NEW.busy_until_ms - NEW.start_ms WHERE id = 1 AND max_ms < NEW.busy_until_ms - NEW.start_ms; END;
DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
  WHEN NEW.status IN ('held','confirmed') AND EXISTS (${overlapWith('')})
  BEGIN SELECT RAISE(ABORT, 'booking_overlap'); END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE ON bookings
  WHEN NEW.status IN ('held','confirmed') AND EXISTS (${overlapWith(' AND b.id <> NEW.id')})
  BEGIN SELECT RAISE(ABORT, 'booking_overlap'); END;
CREATE INDEX bookings_held_expiry ON bookings (hold_expires_ms) WHERE status = 'held';
DROP INDEX bookings_start;
DROP INDEX bookings_crew_start;
CREATE INDEX bookings_busy ON bookings (start_ms, busy_until_ms, crew_id, status, hold_expires_ms);
CREATE INDEX bookings_crew_busy ON bookings (crew_id, start_ms, busy_until_ms, status, hold_expires_ms);
`,
	},
	{
		version: 5,
		description: 'cases and their events (the ops board and the weekly numbers)',
		sql: CASES_SQL,
	},
	{
		version: 6,
		description: 'the links people open (quote replies, ops decisions) and their answers',
		sql: LINKS_SQL,
	},
	{
		version: 7,
		description: 'the keys that route a follow-up (a text, an e-mail reply) to its case',
		sql: THREADS_SQL + threadsBackfill((name) => `json_extract(thread, '$.${name}')`),
	},
	{
		version: 8,
		description: 'public form submissions per sender, for the rate limit',
		sql: ATTEMPTS_SQL,
	},
	{
		version: 9,
		description:
			'the outbox: every message to a customer kept until it is sent, retried on a schedule',
		sql: OUTBOX_SQL,
	},
	{
		version: 10,
		description: 'customers and the e-mails and phones they are known by',
		sql: CUSTOMERS_SQL,
	},
	{
		version: 11,
		description: "invoices, numbered without gaps per series, and each case's agreed quote terms",
		sql: INVOICES_SQL,
	},
	{
		version: 12,
		description:
			'payment provider events, taken once, and the payments, refunds and failed attempts of each invoice',
		sql: PAYMENTS_SQL,
	},
	{
		version: 13,
		description:
			"agreements billed by the month: the card a customer saved, each month's invoice and its charge attempts; deposits paid toward a visit",
		sql: AUTOPAY_SQL,
	},
	{
		version: 14,
		description: "credits a customer's next invoices use before any card",
		sql: CREDITS_SQL,
	},
];

type Row = Record<string, unknown>;

/**
 * Prepared statements by SQL text, per connection: preparing costs several times more than
 * running a small statement (a 52-visit series runs the same INSERT 52 times). Texts that vary
 * (IN lists by crew count, UPDATE by changed columns) are few; the cache is emptied past 256.
 */
const statements = new WeakMap<DatabaseSyncType, Map<string, StatementSync>>();
function prepared(db: DatabaseSyncType, sql: string): StatementSync {
	let cache = statements.get(db);
	if (!cache) statements.set(db, (cache = new Map()));
	let statement = cache.get(sql);
	if (!statement) {
		if (cache.size >= 256) cache.clear();
		statement = db.prepare(sql);
		cache.set(sql, statement);
	}
	return statement;
}

const json = (value: unknown) =>
	value === null || value === undefined ? null : JSON.stringify(value);
const parse = <T>(value: unknown): T | null =>
	typeof value === 'string' ? (JSON.parse(value) as T) : null;

const toSeries = (row: Row): SeriesRecord => ({
	id: String(row.id),
	rrule: String(row.rrule),
	time_zone: String(row.time_zone),
	status: row.status as SeriesRecord['status'],
	customer: parse(row.customer),
	service: (row.service as string | null) ?? null,
	details: parse(row.details),
	created_at_ms: Number(row.created_at_ms),
});

const toBooking = (row: Row): BookingRecord =>
	bookingFromRow(row, (v) => parse<Record<string, unknown>>(v));

/** Portable SQL on this connection: $1, $2... become SQLite's ?1, ?2... */
function sqliteRunner(db: DatabaseSyncType): SqlRunner {
	return {
		query: async (sql, params = []) =>
			prepared(db, sql.replace(/\$(\d+)/g, '?$1')).all(...params) as Row[],
	};
}

/** The triggers' refusal. Duck-typed: errors from node:sqlite may come from another realm (vm contexts, test runners). */
export function isOverlapError(error: unknown): boolean {
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' && /booking_overlap/.test(message);
}

/** SQLite through Node's built-in node:sqlite: WAL, busy timeout, BEGIN IMMEDIATE writes. */
export class SqliteBookingStore implements BookingStore {
	readonly kind = 'sqlite' as const;
	private db: DatabaseSyncType | null = null;
	/** One transaction at a time on this connection; other processes wait on SQLite's lock. */
	private queue: Promise<unknown> = Promise.resolve();

	constructor(
		readonly file: string,
		private readonly busyTimeoutMs = 10_000,
	) {}

	private open(): DatabaseSyncType {
		if (this.db) return this.db;
		let DatabaseSync: typeof DatabaseSyncType;
		try {
			// Required lazily: node:sqlite needs Node.js 22.5 or newer (n8n 2.x runs on 24).
			({ DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite'));
		} catch {
			throw new StoreError(
				'The SQLite store needs Node.js 22.5 or newer (node:sqlite). Use the PostgreSQL store on older Node.js.',
			);
		}
		if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
		try {
			this.db = new DatabaseSync(this.file);
		} catch (error) {
			throw new StoreError(
				`Could not open the SQLite store at ${this.file}: ${(error as Error).message}. Check the path and its permissions.`,
				'sqlitePath',
			);
		}
		this.db.exec(`PRAGMA busy_timeout = ${Math.floor(this.busyTimeoutMs)}`);
		this.db.exec('PRAGMA journal_mode = WAL');
		this.db.exec('PRAGMA synchronous = NORMAL');
		this.db.exec('PRAGMA foreign_keys = ON');
		return this.db;
	}

	private serial<T>(fn: () => Promise<T> | T): Promise<T> {
		const run = this.queue.then(fn, fn);
		this.queue = run.catch(() => undefined);
		return run;
	}

	/** BEGIN IMMEDIATE takes the write lock up front, so check-then-insert cannot race another process. */
	private async transaction<T>(fn: (db: DatabaseSyncType) => Promise<T>): Promise<T> {
		return await this.serial(async () => {
			const db = this.open();
			db.exec('BEGIN IMMEDIATE');
			try {
				const result = await fn(db);
				db.exec('COMMIT');
				return result;
			} catch (error) {
				if (db.isTransaction) db.exec('ROLLBACK');
				throw error;
			}
		});
	}

	async init(): Promise<void> {
		await this.transaction(async (db) => {
			db.exec(
				'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
			);
			const applied = new Set(
				(prepared(db, 'SELECT version FROM schema_migrations').all() as Row[]).map((r) =>
					Number(r.version),
				),
			);
			refuseNewerSchema(applied, MIGRATIONS, `The SQLite store at ${this.file}`, 'sqlitePath');
			for (const migration of MIGRATIONS) {
				if (applied.has(migration.version)) continue;
				db.exec(migration.sql);
				prepared(
					db,
					'INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES (?, ?, ?)',
				).run(migration.version, migration.description, Date.now());
			}
		});
	}

	async syncCrews(crews: CrewRecord[]): Promise<void> {
		await this.transaction(async (db) => {
			const upsert = prepared(
				db,
				'INSERT INTO crews (id, name, skills, on_call, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, skills = excluded.skills, on_call = excluded.on_call, updated_at_ms = excluded.updated_at_ms',
			);
			for (const crew of crews)
				upsert.run(
					crew.id,
					crew.name,
					JSON.stringify(crew.skills),
					crew.on_call ? 1 : 0,
					Date.now(),
				);
		});
	}

	private expireHolds(db: DatabaseSyncType, nowMs: number) {
		prepared(
			db,
			"UPDATE bookings SET status = 'cancelled', cancel_reason = 'hold_expired', updated_at_ms = ? WHERE status = 'held' AND hold_expires_ms IS NOT NULL AND hold_expires_ms <= ?",
		).run(nowMs, nowMs);
	}

	private select(
		db: DatabaseSyncType,
		filter: BookingFilter,
		nowMs: number | null,
	): BookingRecord[] {
		const where: string[] = [];
		const params: SQLInputValue[] = [];
		const statuses = filter.statuses ?? ['held', 'confirmed'];
		where.push(`status IN (${statuses.map(() => '?').join(',')})`);
		params.push(...statuses);
		if (nowMs !== null && !filter.statuses) {
			where.push("(status <> 'held' OR hold_expires_ms IS NULL OR hold_expires_ms > ?)");
			params.push(nowMs);
		}
		if (filter.fromMs !== undefined) {
			where.push(`busy_until_ms > ? AND start_ms >= ${earliestStart('?')}`);
			params.push(filter.fromMs, filter.fromMs);
		}
		if (filter.toMs !== undefined) {
			where.push('start_ms < ?');
			params.push(filter.toMs);
		}
		if (filter.crewIds?.length) {
			// One JSON parameter for any number of crews (SQLite allows 32,766 parameters a statement).
			where.push('crew_id IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(filter.crewIds));
		}
		if (filter.seriesId) {
			where.push('series_id = ?');
			params.push(filter.seriesId);
		}
		const limit = filter.limit ? ` LIMIT ${Math.floor(filter.limit)}` : '';
		return (
			prepared(
				db,
				`SELECT * FROM bookings WHERE ${where.join(' AND ')} ORDER BY start_ms, crew_id${limit}`,
			).all(...params) as Row[]
		).map(toBooking);
	}

	async write<T>(
		idempotencyKey: string | null,
		operation: string,
		nowMs: number,
		fn: (tx: WriteTx) => Promise<T>,
	): Promise<{ result: T; replayed: boolean }> {
		const key = idempotencyKey === null ? null : storedIdempotencyKey(idempotencyKey);
		return await this.transaction(async (db) => {
			if (key) {
				const stored = prepared(db, 'SELECT operation, result FROM idempotency WHERE key = ?').get(
					key,
				) as Row | undefined;
				if (stored) {
					if (stored.operation !== operation) {
						throw new StoreError(
							`Idempotency key "${idempotencyKey!.slice(0, 80)}" was already used for "${stored.operation}", not "${operation}". Use a key per operation.`,
							'idempotencyKey',
						);
					}
					return { result: JSON.parse(String(stored.result)) as T, replayed: true };
				}
			}
			this.expireHolds(db, nowMs);
			const tx: WriteTx = {
				insertBooking: async (r) => {
					try {
						prepared(
							db,
							'INSERT INTO bookings (id, crew_id, start_ms, end_ms, busy_until_ms, time_zone, status, hold_expires_ms, series_id, service, priority, customer, details, cancel_reason, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
						).run(
							r.id,
							r.crew_id,
							r.start_ms,
							r.end_ms,
							r.busy_until_ms,
							r.time_zone,
							r.status,
							r.hold_expires_ms,
							r.series_id,
							r.service,
							r.priority,
							json(r.customer),
							json(r.details),
							r.cancel_reason,
							r.created_at_ms,
							r.updated_at_ms,
						);
						return 'ok';
					} catch (error) {
						if (isOverlapError(error)) return 'overlap';
						throw error;
					}
				},
				updateBooking: async (id, changes: BookingChanges, now) => {
					const sets: string[] = [];
					const params: SQLInputValue[] = [];
					for (const [key, value] of Object.entries(changes)) {
						sets.push(`${key} = ?`);
						params.push(key === 'details' ? json(value) : (value as SQLInputValue));
					}
					sets.push('updated_at_ms = ?');
					params.push(now, id);
					try {
						const result = prepared(db, `UPDATE bookings SET ${sets.join(', ')} WHERE id = ?`).run(
							...params,
						);
						return result.changes ? 'ok' : 'not_found';
					} catch (error) {
						if (isOverlapError(error)) return 'overlap';
						throw error;
					}
				},
				getBooking: async (id) => {
					const row = prepared(db, 'SELECT * FROM bookings WHERE id = ?').get(id) as
						Row | undefined;
					return row ? toBooking(row) : null;
				},
				listBookings: async (filter) => this.select(db, filter, nowMs),
				busyIntervals: async (windows, crewIds) => busyRows(db, windows, crewIds, nowMs),
				// BEGIN IMMEDIATE: this transaction is already the only writer.
				takeTurn: async () => {},
				insertSeries: async (s: SeriesRecord) => {
					prepared(
						db,
						'INSERT INTO series (id, rrule, time_zone, status, customer, service, details, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
					).run(
						s.id,
						s.rrule,
						s.time_zone,
						s.status,
						json(s.customer),
						s.service,
						json(s.details),
						s.created_at_ms,
					);
				},
				getSeries: async (id) => {
					const row = prepared(db, 'SELECT * FROM series WHERE id = ?').get(id) as Row | undefined;
					return row ? toSeries(row) : null;
				},
				updateSeries: async (id, changes) => {
					if (changes.status !== undefined)
						prepared(db, 'UPDATE series SET status = ? WHERE id = ?').run(changes.status, id);
					if (changes.rrule !== undefined)
						prepared(db, 'UPDATE series SET rrule = ? WHERE id = ?').run(changes.rrule, id);
					if (changes.details !== undefined)
						prepared(db, 'UPDATE series SET details = ? WHERE id = ?').run(
							json(changes.details),
							id,
						);
				},
			};
			const result = await fn(tx);
			if (key) {
				prepared(
					db,
					'INSERT INTO idempotency (key, operation, result, created_at_ms) VALUES (?, ?, ?, ?)',
				).run(key, operation, JSON.stringify(result), nowMs);
			}
			return { result, replayed: false };
		});
	}

	async getBooking(id: string): Promise<BookingRecord | null> {
		return await this.serial(() => {
			const row = prepared(this.open(), 'SELECT * FROM bookings WHERE id = ?').get(id) as
				Row | undefined;
			return row ? toBooking(row) : null;
		});
	}

	async listBookings(filter: BookingFilter, nowMs: number): Promise<BookingRecord[]> {
		return await this.serial(() => this.select(this.open(), filter, nowMs));
	}

	async getSeries(id: string): Promise<SeriesRecord | null> {
		return await this.serial(() => {
			const row = prepared(this.open(), 'SELECT * FROM series WHERE id = ?').get(id) as
				Row | undefined;
			return row ? toSeries(row) : null;
		});
	}

	async setSmsOptOut(
		phone: string,
		optedOut: boolean,
		keyword: string | null,
		nowMs: number,
	): Promise<void> {
		await this.transaction(async (db) => {
			prepared(
				db,
				'INSERT INTO sms_opt_outs (phone, opted_out, keyword, updated_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT(phone) DO UPDATE SET opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at_ms = excluded.updated_at_ms',
			).run(phone, optedOut ? 1 : 0, keyword, nowMs);
		});
	}

	async isSmsOptedOut(phone: string): Promise<boolean> {
		return await this.serial(() => {
			const row = prepared(this.open(), 'SELECT opted_out FROM sms_opt_outs WHERE phone = ?').get(
				phone,
			) as Row | undefined;
			return Boolean(row && Number(row.opted_out));
		});
	}

	async saveContract(record: ContractRecord): Promise<void> {
		await this.transaction(async (db) => {
			prepared(
				db,
				'INSERT INTO contracts (id, status, end_date, record, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, end_date = excluded.end_date, record = excluded.record, updated_at_ms = excluded.updated_at_ms',
			).run(
				record.id,
				record.status,
				record.end_date,
				JSON.stringify(record),
				record.updated_at_ms,
			);
		});
	}

	async getContract(id: string): Promise<ContractRecord | null> {
		return await this.serial(() => {
			const row = prepared(this.open(), 'SELECT record FROM contracts WHERE id = ?').get(id) as
				Row | undefined;
			return row ? (JSON.parse(String(row.record)) as ContractRecord) : null;
		});
	}

	async contractsForSeries(seriesId: string): Promise<ContractRecord[]> {
		return await this.serial(() =>
			// A rare question (a customer ends their series, a visit is billed): a scan of the agreements, not an index.
			(
				prepared(
					this.open(),
					"SELECT record FROM contracts WHERE json_extract(record, '$.terms.booking.series_id') = ? ORDER BY end_date DESC, updated_at_ms DESC",
				).all(seriesId) as Row[]
			).map((r) => JSON.parse(String(r.record)) as ContractRecord),
		);
	}

	async contractsEndingBy(endDate: string): Promise<ContractRecord[]> {
		return await this.serial(() =>
			(
				prepared(
					this.open(),
					"SELECT record FROM contracts WHERE status = 'active' AND end_date <= ? ORDER BY end_date",
				).all(endDate) as Row[]
			).map((r) => JSON.parse(String(r.record)) as ContractRecord),
		);
	}

	async busyIntervals(
		windows: TimeWindow[],
		crewIds: string[],
		nowMs: number,
	): Promise<BusyInterval[]> {
		return await this.serial(() => busyRows(this.open(), windows, crewIds, nowMs));
	}

	async lockedWrite<T>(_key: string, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
		// BEGIN IMMEDIATE already holds the one write lock SQLite has.
		return await this.transaction(async (db) => await fn(sqliteRunner(db)));
	}

	async read(sql: string, params: SqlValue[] = []): Promise<Row[]> {
		return await this.serial(async () => await sqliteRunner(this.open()).query(sql, params));
	}

	/**
	 * A consistent copy of the store in `file` (which must not exist), taken while it is in use:
	 * `VACUUM INTO` reads one snapshot of the database while other processes go on writing. The
	 * copy is a store of its own: open it as the store to restore it (see docs/ops.md).
	 */
	async backUpTo(file: string): Promise<void> {
		if (this.file === ':memory:')
			throw new StoreError('An in-memory store has no file to back up.', 'sqlitePath');
		if (fs.existsSync(file))
			throw new StoreError(`The backup file ${file} exists already: give a new name.`, 'file');
		await this.serial(() => {
			prepared(this.open(), 'VACUUM INTO ?').run(file);
		});
	}

	async close(): Promise<void> {
		await this.serial(() => {
			if (this.db) statements.delete(this.db);
			this.db?.close();
			this.db = null;
		});
	}
}

/**
 * Busy times of active bookings (held and unexpired, or confirmed) overlapping any window, for these crews.
 * One statement for all windows: the windows are read out of the JSON once (a materialised CTE, so no row
 * compares against JSON), then each is a narrow range of a covering index (see earliestStart). A booking
 * inside two overlapping windows comes back twice, which the slot search does not mind.
 */
function busyRows(
	db: DatabaseSyncType,
	windows: TimeWindow[],
	crewIds: string[],
	nowMs: number,
): BusyInterval[] {
	if (!crewIds.length || !windows.length) return [];
	const rows = prepared(
		db,
		`WITH w(from_ms, to_ms) AS MATERIALIZED (SELECT value ->> 0, value ->> 1 FROM json_each(?))
		 SELECT b.crew_id, b.start_ms, b.busy_until_ms FROM w CROSS JOIN bookings b
		 ON b.start_ms >= ${earliestStart('w.from_ms')} AND b.start_ms < w.to_ms AND b.busy_until_ms > w.from_ms AND b.crew_id IN (SELECT value FROM json_each(?))
		 WHERE b.status IN ('held','confirmed') AND (b.status <> 'held' OR b.hold_expires_ms IS NULL OR b.hold_expires_ms > ?)`,
	).all(JSON.stringify(windows), JSON.stringify(crewIds), nowMs) as Array<{
		crew_id: string;
		start_ms: number;
		busy_until_ms: number;
	}>;
	return rows.map((r) => ({
		crew_id: r.crew_id,
		start_ms: Number(r.start_ms),
		busy_until_ms: Number(r.busy_until_ms),
	}));
}
