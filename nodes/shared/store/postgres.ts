import { setTimeout as delay } from 'node:timers/promises';
import { Pool, type PoolClient, type PoolConfig } from 'pg';

import { storedIdempotencyKey, withoutNul } from './clean';
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
 * PostgreSQL schema by version. An exclusion constraint on (crew, busy range)
 * makes overlapping active bookings impossible whatever the caller does.
 * Exported for the upgrade tests.
 */
export const MIGRATIONS: Array<{ version: number; description: string; sql: string }> = [
	{
		version: 1,
		description: 'crews, bookings (exclusion constraint per crew), series, idempotency keys',
		sql: `
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE crews (id TEXT PRIMARY KEY, name TEXT NOT NULL, skills JSONB NOT NULL, on_call BOOLEAN NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE TABLE series (id TEXT PRIMARY KEY, rrule TEXT NOT NULL, time_zone TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('active','cancelled')),
  customer JSONB, service TEXT, details JSONB, created_at_ms BIGINT NOT NULL);
CREATE TABLE bookings (
  id TEXT PRIMARY KEY, crew_id TEXT NOT NULL REFERENCES crews(id), start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, busy_until_ms BIGINT NOT NULL,
  time_zone TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('held','confirmed','cancelled','completed')),
  hold_expires_ms BIGINT, series_id TEXT REFERENCES series(id), service TEXT, priority INTEGER, customer JSONB, details JSONB, cancel_reason TEXT,
  created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,
  CHECK (end_ms > start_ms AND busy_until_ms >= end_ms),
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (crew_id WITH =, int8range(start_ms, busy_until_ms) WITH &&) WHERE (status IN ('held','confirmed')));
CREATE INDEX bookings_start ON bookings (start_ms);
CREATE INDEX bookings_series ON bookings (series_id);
CREATE TABLE idempotency (key TEXT PRIMARY KEY, operation TEXT NOT NULL, result JSONB NOT NULL, created_at_ms BIGINT NOT NULL);
`,
	},
	{
		version: 2,
		description: 'SMS opt-outs (STOP replies)',
		sql: `CREATE TABLE sms_opt_outs (phone TEXT PRIMARY KEY, opted_out BOOLEAN NOT NULL, keyword TEXT, updated_at_ms BIGINT NOT NULL);`,
	},
	{
		version: 3,
		description: 'contracts and their signatures',
		sql: `CREATE TABLE contracts (id TEXT PRIMARY KEY, status TEXT NOT NULL, end_date TEXT NOT NULL, record JSONB NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE INDEX contracts_end ON contracts (status, end_date);`,
	},
	{
		version: 4,
		description: 'an index for held bookings (expiring holds no longer reads the whole table)',
		sql: `CREATE INDEX bookings_held_expiry ON bookings (hold_expires_ms) WHERE status = 'held';`,
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
		sql: THREADS_SQL + threadsBackfill((name) => `(thread::jsonb ->> '${name}')`),
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

const toSeries = (row: Row): SeriesRecord =>
	({ ...row, created_at_ms: Number(row.created_at_ms) }) as unknown as SeriesRecord;

const toBooking = (row: Row): BookingRecord =>
	bookingFromRow(row, (v) => (v as Record<string, unknown> | null) ?? null);

const isExclusionViolation = (error: unknown) => (error as { code?: string })?.code === '23P01';

export interface PostgresConnection {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	ssl?: boolean;
	/** With SSL: connect although the server's certificate is not verified (off: it is verified). */
	ignoreSslIssues?: boolean;
	/** Connections in the pool (per n8n process). */
	maxConnections?: number;
}

/** TLS for the pool: the server's certificate verified unless the credential says to ignore it. */
export function poolSsl(connection: PostgresConnection): PoolConfig['ssl'] {
	if (!connection.ssl) return undefined;
	return { rejectUnauthorized: connection.ignoreSslIssues !== true };
}

const NUL_CLEANED = Symbol('nulCleaned');

/** The client's queries with NUL characters taken out of their parameters (PostgreSQL refuses them). */
function withoutNulParams(client: PoolClient): PoolClient {
	const marked = client as PoolClient & { [NUL_CLEANED]?: true };
	if (marked[NUL_CLEANED]) return client;
	const query = client.query.bind(client) as (...args: unknown[]) => unknown;
	(client as unknown as { query: (...args: unknown[]) => unknown }).query = (
		text: unknown,
		params?: unknown,
		...rest: unknown[]
	) => query(text, Array.isArray(params) ? params.map(withoutNul) : params, ...rest);
	marked[NUL_CLEANED] = true;
	return client;
}

/** PostgreSQL through pg: for queue mode, where workers on several hosts book at once. */
/** deadlock_detected and serialization_failure: the transaction may succeed when run again. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_TRANSACTION_ATTEMPTS = 5;
/**
 * The server went away under the connection (a restart: admin or crash shutdown, cannot connect
 * now; or the socket cut). The transaction did not commit, or (cut during COMMIT) its outcome is
 * unknown: it is run again on a new connection, where an idempotency key replays a write that
 * had committed.
 */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);
const CONNECTION_ERRORS =
	/ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|Connection terminated|Client has encountered a connection error|terminating connection/i;
/** How long a write waits for the server to come back (a restart) before it fails. */
const RECONNECT_WITHIN_MS = 10_000;

/** The pool's clients that have their error listener. */
const listened = new WeakSet<PoolClient>();

function isConnectionLoss(error: unknown): boolean {
	const e = error as { code?: string; message?: string } | null;
	return (
		!!e &&
		(CONNECTION_SQLSTATES.has(e.code ?? '') ||
			CONNECTION_ERRORS.test(e.code ?? '') ||
			CONNECTION_ERRORS.test(e.message ?? ''))
	);
}

export class PostgresBookingStore implements BookingStore {
	readonly kind = 'postgres' as const;
	private readonly pool: Pool;

	constructor(readonly connection: PostgresConnection) {
		const max = connection.maxConnections ?? 10;
		if (!(Number.isInteger(max) && max >= 1 && max <= 100)) {
			throw new StoreError(
				`"Max Connections" must be a whole number from 1 to 100; got ${JSON.stringify(connection.maxConnections)}. Set it in the Booking Store PostgreSQL credential.`,
				'bookingStorePostgres',
			);
		}
		const config: PoolConfig = {
			host: connection.host,
			port: connection.port,
			database: connection.database,
			user: connection.user,
			password: connection.password || undefined,
			ssl: poolSsl(connection),
			max,
			connectionTimeoutMillis: 10_000,
		};
		this.pool = new Pool(config);
		this.pool.on('error', () => undefined); // an idle client dropped by the server is replaced on next use
	}

	/** A connection; while the server is restarting (refused, shutting down), tried again for a while. */
	private async client(): Promise<PoolClient> {
		const giveUpAt = Date.now() + RECONNECT_WITHIN_MS;
		for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
			try {
				const client = await this.pool.connect();
				// A connection the server ends while it is checked out emits 'error' on the client; with no
				// listener that is an uncaught exception that would stop n8n. The query in flight fails
				// instead, and the transaction runs again.
				if (!listened.has(client)) {
					listened.add(client);
					client.on('error', () => undefined);
				}
				return withoutNulParams(client);
			} catch (error) {
				if (!isConnectionLoss(error) || Date.now() + wait > giveUpAt) throw this.unreachable(error);
				await delay(wait);
			}
		}
	}

	private unreachable(error: unknown): StoreError {
		const { host, port, database, user } = this.connection;
		return new StoreError(
			`Could not connect to PostgreSQL at ${host}:${port} (database "${database}", user "${user}"): ${(error as Error).message}. Check the Booking Store PostgreSQL credential and that the server is running.`,
			'bookingStorePostgres',
		);
	}

	/**
	 * Runs fn in a transaction. PostgreSQL may end one of two transactions that
	 * wait on each other (a deadlock: concurrent bookings checked by the same
	 * exclusion constraint can); that one is run again from the start, a few
	 * times, after a short random pause. fn keeps all its state inside the transaction.
	 */
	private async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
		const reconnectUntil = Date.now() + RECONNECT_WITHIN_MS;
		for (let attempt = 1; ; attempt++) {
			const client = await this.client();
			let broken: Error | undefined;
			try {
				await client.query('BEGIN');
				const result = await fn(client);
				await client.query('COMMIT');
				return result;
			} catch (error) {
				if (isConnectionLoss(error)) {
					// The connection is gone (the server restarted): dropped from the pool, and the
					// whole transaction runs again on a new one once the server is back.
					broken = error as Error;
					if (Date.now() >= reconnectUntil) throw this.unreachable(error);
				} else {
					await client.query('ROLLBACK').catch(() => undefined);
					if (
						!RETRYABLE_SQLSTATES.has((error as { code?: string }).code ?? '') ||
						attempt >= MAX_TRANSACTION_ATTEMPTS
					)
						throw error;
				}
			} finally {
				client.release(broken);
			}
			await delay(broken ? 200 : Math.random() * 20 * attempt);
		}
	}

	async init(): Promise<void> {
		await this.transaction(async (c) => {
			// One migrator at a time across every worker.
			await c.query('SELECT pg_advisory_xact_lock(7426001)');
			await c.query(
				'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)',
			);
			const applied = new Set(
				(await c.query('SELECT version FROM schema_migrations')).rows.map((r: Row) =>
					Number(r.version),
				),
			);
			const { host, port, database } = this.connection;
			refuseNewerSchema(
				applied,
				MIGRATIONS,
				`The PostgreSQL store ${database} at ${host}:${port}`,
				'bookingStorePostgres',
			);
			for (const migration of MIGRATIONS) {
				if (applied.has(migration.version)) continue;
				await c.query(migration.sql);
				await c.query(
					'INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES ($1, $2, $3)',
					[migration.version, migration.description, Date.now()],
				);
			}
		});
	}

	async syncCrews(crews: CrewRecord[]): Promise<void> {
		await this.transaction(async (c) => {
			for (const crew of crews) {
				await c.query(
					'INSERT INTO crews (id, name, skills, on_call, updated_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, skills = EXCLUDED.skills, on_call = EXCLUDED.on_call, updated_at_ms = EXCLUDED.updated_at_ms',
					[crew.id, crew.name, JSON.stringify(crew.skills), crew.on_call, Date.now()],
				);
			}
		});
	}

	private async select(
		c: PoolClient | Pool,
		filter: BookingFilter,
		nowMs: number | null,
	): Promise<BookingRecord[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		const add = (sql: string, value: unknown) => {
			params.push(value);
			where.push(sql.replace('?', `$${params.length}`));
		};
		add('status = ANY(?)', filter.statuses ?? ['held', 'confirmed']);
		if (nowMs !== null && !filter.statuses)
			add("(status <> 'held' OR hold_expires_ms IS NULL OR hold_expires_ms > ?)", nowMs);
		if (filter.fromMs !== undefined) add('busy_until_ms > ?', filter.fromMs);
		if (filter.toMs !== undefined) add('start_ms < ?', filter.toMs);
		// The same period as a range, so the exclusion constraint's GiST index finds the rows (the btree on start_ms alone reads all history before toMs).
		if (filter.fromMs !== undefined && filter.toMs !== undefined)
			add(
				'int8range(start_ms, busy_until_ms) && ?::int8range',
				`[${Math.floor(filter.fromMs)},${Math.ceil(filter.toMs)})`,
			);
		if (filter.crewIds?.length) add('crew_id = ANY(?)', filter.crewIds);
		if (filter.seriesId) add('series_id = ?', filter.seriesId);
		const limit = filter.limit ? ` LIMIT ${Math.floor(filter.limit)}` : '';
		const result = await c.query(
			`SELECT * FROM bookings WHERE ${where.join(' AND ')} ORDER BY start_ms, crew_id${limit}`,
			params,
		);
		return result.rows.map(toBooking);
	}

	async write<T>(
		idempotencyKey: string | null,
		operation: string,
		nowMs: number,
		fn: (tx: WriteTx) => Promise<T>,
	): Promise<{ result: T; replayed: boolean }> {
		const key = idempotencyKey === null ? null : storedIdempotencyKey(idempotencyKey);
		return await this.transaction(async (c) => {
			if (key) {
				// The same key from many workers at once: the first holds the lock, the rest then read its result.
				await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
				const stored = await c.query('SELECT operation, result FROM idempotency WHERE key = $1', [
					key,
				]);
				if (stored.rows.length) {
					if (stored.rows[0].operation !== operation) {
						throw new StoreError(
							`Idempotency key "${idempotencyKey!.slice(0, 80)}" was already used for "${stored.rows[0].operation}", not "${operation}". Use a key per operation.`,
							'idempotencyKey',
						);
					}
					return { result: stored.rows[0].result as T, replayed: true };
				}
			}
			await c.query(
				"UPDATE bookings SET status = 'cancelled', cancel_reason = 'hold_expired', updated_at_ms = $1 WHERE status = 'held' AND hold_expires_ms IS NOT NULL AND hold_expires_ms <= $1",
				[nowMs],
			);
			// Each attempt runs under a savepoint, so a refused insert does not abort the transaction.
			const attempt = async (
				sql: string,
				params: unknown[],
			): Promise<'ok' | 'overlap' | number> => {
				await c.query('SAVEPOINT attempt');
				try {
					const result = await c.query(sql, params);
					await c.query('RELEASE SAVEPOINT attempt');
					return result.rowCount ?? 0;
				} catch (error) {
					await c.query('ROLLBACK TO SAVEPOINT attempt');
					if (isExclusionViolation(error)) return 'overlap';
					throw error;
				}
			};
			const tx: WriteTx = {
				insertBooking: async (r) => {
					const outcome = await attempt(
						'INSERT INTO bookings (id, crew_id, start_ms, end_ms, busy_until_ms, time_zone, status, hold_expires_ms, series_id, service, priority, customer, details, cancel_reason, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)',
						[
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
							r.customer,
							r.details,
							r.cancel_reason,
							r.created_at_ms,
							r.updated_at_ms,
						],
					);
					return outcome === 'overlap' ? 'overlap' : 'ok';
				},
				updateBooking: async (id, changes: BookingChanges, now) => {
					const keys = Object.keys(changes);
					const sets = keys.map((k, i) => `${k} = $${i + 1}`);
					const params: unknown[] = keys.map((k) => (changes as Record<string, unknown>)[k]);
					params.push(now, id);
					const outcome = await attempt(
						`UPDATE bookings SET ${[...sets, `updated_at_ms = $${keys.length + 1}`].join(', ')} WHERE id = $${keys.length + 2}`,
						params,
					);
					if (outcome === 'overlap') return 'overlap';
					return outcome ? 'ok' : 'not_found';
				},
				getBooking: async (id) => {
					const result = await c.query('SELECT * FROM bookings WHERE id = $1', [id]);
					return result.rows.length ? toBooking(result.rows[0]) : null;
				},
				listBookings: async (filter) => await this.select(c, filter, nowMs),
				busyIntervals: async (windows, crewIds) => await busyRows(c, windows, crewIds, nowMs),
				takeTurn: async () => {
					// Released at commit; the next statement after it (READ COMMITTED) sees every booking committed before.
					await c.query('SELECT pg_advisory_xact_lock($1)', [BOOKING_TURN_LOCK]);
				},
				insertSeries: async (s: SeriesRecord) => {
					await c.query(
						'INSERT INTO series (id, rrule, time_zone, status, customer, service, details, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
						[
							s.id,
							s.rrule,
							s.time_zone,
							s.status,
							s.customer,
							s.service,
							s.details,
							s.created_at_ms,
						],
					);
				},
				getSeries: async (id) => {
					const rows = (await c.query('SELECT * FROM series WHERE id = $1 FOR UPDATE', [id])).rows;
					return rows.length ? toSeries(rows[0]) : null;
				},
				updateSeries: async (id, changes) => {
					if (changes.status !== undefined)
						await c.query('UPDATE series SET status = $1 WHERE id = $2', [changes.status, id]);
					if (changes.rrule !== undefined)
						await c.query('UPDATE series SET rrule = $1 WHERE id = $2', [changes.rrule, id]);
					if (changes.details !== undefined)
						await c.query('UPDATE series SET details = $1 WHERE id = $2', [changes.details, id]);
				},
			};
			const result = await fn(tx);
			if (key) {
				await c.query(
					'INSERT INTO idempotency (key, operation, result, created_at_ms) VALUES ($1, $2, $3, $4)',
					[key, operation, JSON.stringify(result), nowMs],
				);
			}
			return { result, replayed: false };
		});
	}

	async getBooking(id: string): Promise<BookingRecord | null> {
		const rows = await this.reading(
			async (c) => (await c.query('SELECT * FROM bookings WHERE id = $1', [id])).rows,
		);
		return rows.length ? toBooking(rows[0]) : null;
	}

	async listBookings(filter: BookingFilter, nowMs: number): Promise<BookingRecord[]> {
		return await this.reading(async (c) => await this.select(c, filter, nowMs));
	}

	async getSeries(id: string): Promise<SeriesRecord | null> {
		const rows = await this.reading(
			async (c) => (await c.query('SELECT * FROM series WHERE id = $1', [id])).rows,
		);
		return rows.length ? toSeries(rows[0]) : null;
	}

	async setSmsOptOut(
		phone: string,
		optedOut: boolean,
		keyword: string | null,
		nowMs: number,
	): Promise<void> {
		await this.transaction(async (c) => {
			await c.query(
				'INSERT INTO sms_opt_outs (phone, opted_out, keyword, updated_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (phone) DO UPDATE SET opted_out = EXCLUDED.opted_out, keyword = EXCLUDED.keyword, updated_at_ms = EXCLUDED.updated_at_ms',
				[phone, optedOut, keyword, nowMs],
			);
		});
	}

	async isSmsOptedOut(phone: string): Promise<boolean> {
		const rows = await this.reading(
			async (c) =>
				(await c.query('SELECT opted_out FROM sms_opt_outs WHERE phone = $1', [phone])).rows,
		);
		return Boolean(rows[0]?.opted_out);
	}

	async saveContract(record: ContractRecord): Promise<void> {
		await this.transaction(async (c) => {
			await c.query(
				'INSERT INTO contracts (id, status, end_date, record, updated_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, end_date = EXCLUDED.end_date, record = EXCLUDED.record, updated_at_ms = EXCLUDED.updated_at_ms',
				[record.id, record.status, record.end_date, JSON.stringify(record), record.updated_at_ms],
			);
		});
	}

	async getContract(id: string): Promise<ContractRecord | null> {
		const rows = await this.reading(
			async (c) => (await c.query('SELECT record FROM contracts WHERE id = $1', [id])).rows,
		);
		return rows.length ? (rows[0].record as ContractRecord) : null;
	}

	async contractsForSeries(seriesId: string): Promise<ContractRecord[]> {
		// A rare question (a customer ends their series, a visit is billed): a scan of the agreements, not an index.
		const rows = await this.reading(
			async (c) =>
				(
					await c.query(
						"SELECT record FROM contracts WHERE record->'terms'->'booking'->>'series_id' = $1 ORDER BY end_date DESC, updated_at_ms DESC",
						[seriesId],
					)
				).rows,
		);
		return rows.map((r: Record<string, unknown>) => r.record as ContractRecord);
	}

	async contractsEndingBy(endDate: string): Promise<ContractRecord[]> {
		const rows = await this.reading(
			async (c) =>
				(
					await c.query(
						"SELECT record FROM contracts WHERE status = 'active' AND end_date <= $1 ORDER BY end_date",
						[endDate],
					)
				).rows,
		);
		return rows.map((r: Record<string, unknown>) => r.record as ContractRecord);
	}

	async busyIntervals(
		windows: TimeWindow[],
		crewIds: string[],
		nowMs: number,
	): Promise<BusyInterval[]> {
		return await this.reading(async (c) => await busyRows(c, windows, crewIds, nowMs));
	}

	/**
	 * Runs a read on a connection of the pool. A connection the server ended (a restart closes the
	 * idle ones too) is dropped and the read runs again on a new one, a few times.
	 */
	private async reading<T>(fn: (client: PoolClient) => Promise<T>, triesLeft = 3): Promise<T> {
		const client = await this.client();
		let broken: Error | undefined;
		try {
			return await fn(client);
		} catch (error) {
			if (!isConnectionLoss(error)) throw error;
			if (triesLeft <= 1) throw this.unreachable(error);
			broken = error as Error;
		} finally {
			client.release(broken);
		}
		return await this.reading(fn, triesLeft - 1);
	}

	async lockedWrite<T>(key: string, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
		return await this.transaction(async (c) => {
			await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`case:${key}`]);
			return await fn({ query: async (sql, params = []) => (await c.query(sql, params)).rows });
		});
	}

	async read(sql: string, params: SqlValue[] = []): Promise<Row[]> {
		try {
			return await this.reading(
				async (c) => (await c.query(sql, params.map(withoutNul))).rows as Row[],
			);
		} catch (error) {
			if (error instanceof StoreError || (error as { code?: string }).code) throw error;
			throw new StoreError(
				`Could not read from PostgreSQL at ${this.connection.host}:${this.connection.port}: ${(error as Error).message}. Check the Booking Store PostgreSQL credential and that the server is running.`,
				'bookingStorePostgres',
			);
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/** $1 now, $2 the windows as an int8multirange, $3 the crews. Exported so the tests can check its plan. */
/** The advisory lock that bookings which lost a race for their slots take in turn (an arbitrary constant of this package). */
const BOOKING_TURN_LOCK = '7308911470652251001';

export const BUSY_TIMES_SQL =
	"SELECT crew_id, start_ms, busy_until_ms FROM bookings WHERE int8range(start_ms, busy_until_ms) && $2::int8multirange AND crew_id = ANY($3) AND status IN ('held','confirmed') AND (status <> 'held' OR hold_expires_ms IS NULL OR hold_expires_ms > $1)";

/**
 * Busy times of active bookings (held and unexpired, or confirmed) overlapping any window, for these crews:
 * one scan of the exclusion constraint's GiST index, the windows given as one multirange (PostgreSQL 14+).
 * A join against the list of windows would leave the plan to table statistics, and a fresh or busy
 * table without them got a nested loop over every active booking (a 52-visit series took 200 ms).
 */
async function busyRows(
	client: { query: PoolClient['query'] },
	windows: TimeWindow[],
	crewIds: string[],
	nowMs: number,
): Promise<BusyInterval[]> {
	const ranges = windows
		.filter(([from, to]) => to > from)
		.map(([from, to]) => `[${Math.floor(from)},${Math.ceil(to)})`);
	if (!crewIds.length || !ranges.length) return [];
	const result = await client.query(BUSY_TIMES_SQL, [nowMs, `{${ranges.join(',')}}`, crewIds]);
	return result.rows.map((r: Record<string, unknown>) => ({
		crew_id: String(r.crew_id),
		start_ms: Number(r.start_ms),
		busy_until_ms: Number(r.busy_until_ms),
	}));
}
