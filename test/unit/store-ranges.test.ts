/**
 * The stores read narrow index ranges (SQLite: bounded by the longest booking span,
 * kept in booking_span; PostgreSQL: the exclusion constraint's GiST index), so a
 * calendar's growing history does not slow every booking down. These tests check
 * that the narrow reads miss nothing: long bookings that started days earlier,
 * bookings lengthened later, many windows at once, and stores made by an older version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';

import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingRecord,
	type BookingStore,
	type TimeWindow,
} from '../../nodes/shared/store';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../nodes/shared/store/sqlite';
import {
	BUSY_TIMES_SQL,
	MIGRATIONS as POSTGRES_MIGRATIONS,
} from '../../nodes/shared/store/postgres';
import { createTestDatabase } from '../../dev/postgres';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const CREWS = ['a', 'b', 'c'].map((id) => ({
	id,
	name: `Crew ${id}`,
	skills: ['cleaning'],
	on_call: false,
}));

function row(
	id: string,
	crew: string,
	startMs: number,
	busyHours: number,
	extra: Partial<BookingRecord> = {},
): BookingRecord {
	return {
		id,
		crew_id: crew,
		start_ms: startMs,
		end_ms: startMs + Math.min(busyHours, 1) * HOUR,
		busy_until_ms: startMs + busyHours * HOUR,
		time_zone: 'UTC',
		status: 'confirmed',
		hold_expires_ms: null,
		series_id: null,
		service: null,
		priority: null,
		customer: null,
		details: null,
		cancel_reason: null,
		created_at_ms: 0,
		updated_at_ms: 0,
		...extra,
	};
}

/** Both backends, each fresh; PostgreSQL in a database of its own. */
async function eachStore(fn: (store: BookingStore) => Promise<void>) {
	const sqlite = new SqliteBookingStore(':memory:');
	const db = await createTestDatabase();
	const postgres = new PostgresBookingStore(db.connection);
	try {
		for (const store of [sqlite, postgres]) {
			await store.init();
			await store.syncCrews(CREWS);
			await fn(store);
		}
	} finally {
		await sqlite.close();
		await postgres.close();
		await db.drop();
	}
}

/** A deterministic pseudo-random sequence (the cases are the same on every run). */
function rng(seed: number) {
	let s = seed;
	return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('bounded overlap checks and busy-time reads', () => {
	it('a booking that started 30 hours earlier still blocks its last hour; the hour after it is free', async () => {
		await eachStore(async (store) => {
			const outcome = await store.write(null, 'raw', 0, async (tx) => [
				// Short bookings first, so the long one is not the first row the store saw.
				await tx.insertBooking(row('short-1', 'a', 100 * HOUR, 1)),
				await tx.insertBooking(row('long', 'a', 0, 30)),
				await tx.insertBooking(row('tail', 'a', 29 * HOUR, 1)),
				await tx.insertBooking(row('after', 'a', 30 * HOUR, 1)),
				await tx.insertBooking(row('other-crew', 'b', 29 * HOUR, 1)),
			]);
			expect(outcome.result).toEqual(['ok', 'ok', 'overlap', 'ok', 'ok']);
			const busy = await store.busyIntervals([[29.5 * HOUR, 29.6 * HOUR]], ['a', 'b'], 0);
			expect(busy.map((b) => b.crew_id).sort()).toEqual(['a', 'b']);
			expect(busy.find((b) => b.crew_id === 'a')?.start_ms).toBe(0);
			const listed = await store.listBookings(
				{ fromMs: 29.5 * HOUR, toMs: 29.6 * HOUR, crewIds: ['a'] },
				0,
			);
			expect(listed.map((b) => b.id)).toEqual(['long']);
		});
	});

	it('a booking lengthened by an update is checked at its new length', async () => {
		await eachStore(async (store) => {
			const outcome = await store.write(null, 'raw', 0, async (tx) => [
				await tx.insertBooking(row('first', 'a', 0, 2)),
				await tx.updateBooking('first', { busy_until_ms: 50 * HOUR, end_ms: 49 * HOUR }, 0),
				await tx.insertBooking(row('inside-the-new-length', 'a', 48 * HOUR, 1)),
				// Moving a short booking onto the long one's tail is refused too.
				await tx.insertBooking(row('elsewhere', 'a', 80 * HOUR, 1)),
				await tx.updateBooking(
					'elsewhere',
					{ start_ms: 49 * HOUR, end_ms: 50 * HOUR, busy_until_ms: 50 * HOUR },
					0,
				),
			]);
			expect(outcome.result).toEqual(['ok', 'ok', 'overlap', 'ok', 'overlap']);
		});
	});

	it('busy times over many windows are exactly the active bookings that overlap them (300 random bookings, 40 windows)', async () => {
		const random = rng(7);
		const bookings: BookingRecord[] = [];
		const nowMs = 500 * HOUR;
		for (let i = 0; i < 300; i++) {
			const crew = CREWS[Math.floor(random() * CREWS.length)].id;
			const start = Math.floor(random() * 1000) * HOUR;
			const hours = 1 + Math.floor(random() * (random() < 0.05 ? 60 : 6));
			const kind = random();
			const status = kind < 0.1 ? 'cancelled' : kind < 0.2 ? 'held' : 'confirmed';
			// Half the holds have expired by nowMs: they are not busy.
			const hold = status === 'held' ? (random() < 0.5 ? nowMs - HOUR : nowMs + HOUR) : null;
			bookings.push(row(`r${i}`, crew, start, hours, { status, hold_expires_ms: hold }));
		}
		const windows: TimeWindow[] = Array.from({ length: 40 }, () => {
			const from = Math.floor(random() * 1000) * HOUR + Math.floor(random() * 60) * 60_000;
			return [from, from + (1 + Math.floor(random() * 10)) * HOUR];
		});
		await eachStore(async (store) => {
			const stored = await store.write(null, 'raw', 0, async (tx) => {
				const kept: BookingRecord[] = [];
				for (const b of bookings) if ((await tx.insertBooking(b)) === 'ok') kept.push(b);
				return kept;
			});
			const active = stored.result.filter(
				(b) =>
					b.status === 'confirmed' ||
					(b.status === 'held' && (b.hold_expires_ms ?? Infinity) > nowMs),
			);
			const expected = new Set(
				active
					.filter(
						(b) =>
							b.crew_id !== 'c' &&
							windows.some(([from, to]) => b.start_ms < to && b.busy_until_ms > from),
					)
					.map((b) => `${b.crew_id}@${b.start_ms}`),
			);
			expect(expected.size).toBeGreaterThan(20);
			const got = await store.busyIntervals(windows, ['a', 'b'], nowMs);
			expect(new Set(got.map((b) => `${b.crew_id}@${b.start_ms}`))).toEqual(expected);
			// Inside a write transaction, the same answer.
			const inTx = await store.write(
				null,
				'raw',
				nowMs,
				async (tx) => await tx.busyIntervals(windows, ['a', 'b']),
			);
			expect(new Set(inTx.result.map((b) => `${b.crew_id}@${b.start_ms}`))).toEqual(expected);
			expect(await store.busyIntervals([], ['a'], nowMs)).toEqual([]);
			expect(await store.busyIntervals(windows, [], nowMs)).toEqual([]);
		});
	});
});

describe('stores made by the previous version upgrade in place', () => {
	const cleanUp: Array<() => void> = [];
	afterAll(() => cleanUp.forEach((remove) => remove()));

	it('SQLite: a version-3 file with a 30-hour booking gets the bounded checks and still refuses its tail', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-upgrade-'));
		cleanUp.push(() => fs.rmSync(dir, { recursive: true, force: true }));
		const file = path.join(dir, 'v3.sqlite');
		const old = new DatabaseSync(file);
		old.exec(
			'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
		);
		for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 3)) {
			old.exec(migration.sql);
			old
				.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
				.run(migration.version, migration.description, 0);
		}
		old.prepare("INSERT INTO crews VALUES ('a', 'Crew a', '[]', 0, 0)").run();
		old
			.prepare(
				"INSERT INTO bookings (id, crew_id, start_ms, end_ms, busy_until_ms, time_zone, status, created_at_ms, updated_at_ms) VALUES ('long', 'a', 0, ?, ?, 'UTC', 'confirmed', 0, 0)",
			)
			.run(HOUR, 30 * HOUR);
		old.close();

		const store = new SqliteBookingStore(file);
		await store.init();
		const check = new DatabaseSync(file);
		expect(check.prepare('SELECT max_ms FROM booking_span').get()).toEqual(
			expect.objectContaining({ max_ms: 30 * HOUR }),
		);
		expect(check.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual(
			expect.objectContaining({ v: SQLITE_MIGRATIONS.at(-1)!.version }),
		);
		check.close();
		const outcome = await store.write(null, 'raw', 0, async (tx) => [
			await tx.insertBooking(row('tail', 'a', 29 * HOUR, 1)),
			await tx.insertBooking(row('after', 'a', 30 * HOUR, 1)),
		]);
		expect(outcome.result).toEqual(['overlap', 'ok']);
		expect(
			(await store.busyIntervals([[29 * HOUR, 29.5 * HOUR]], ['a'], 0)).map((b) => b.start_ms),
		).toEqual([0]);
		await store.close();
		// Opening it again applies nothing twice.
		const again = new SqliteBookingStore(file);
		await again.init();
		await again.close();
	});

	it('PostgreSQL: a version-3 database upgrades, and busy times are read through the GiST index', async () => {
		const db = await createTestDatabase();
		const client = new Client(db.connection);
		await client.connect();
		try {
			await client.query(
				'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)',
			);
			for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= 3)) {
				await client.query(migration.sql);
				await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [
					migration.version,
					migration.description,
				]);
			}
			const store = new PostgresBookingStore(db.connection);
			await store.init();
			await store.syncCrews(CREWS);
			// Ten years of hourly history for crew a: a window far from it must not read it all.
			await client.query(
				"INSERT INTO bookings (id, crew_id, start_ms, end_ms, busy_until_ms, time_zone, status, created_at_ms, updated_at_ms) SELECT 'h' || g, 'a', g * 7200000::bigint, g * 7200000::bigint + 3600000, g * 7200000::bigint + 3600000, 'UTC', 'confirmed', 0, 0 FROM generate_series(1, 40000) AS g",
			);
			// The query the store runs, without ANALYZE: its plan must not depend on table statistics (a fresh or busy table has none yet).
			const plan = (
				await client.query(`EXPLAIN ${BUSY_TIMES_SQL}`, [
					0,
					`{[${80_000 * HOUR},${80_001 * HOUR}),[${90_000 * HOUR},${90_001 * HOUR})}`,
					['a'],
				])
			).rows
				.map((r: Record<string, string>) => r['QUERY PLAN'])
				.join('\n');
			expect(plan).toMatch(/bookings_no_overlap/);
			expect(plan).not.toMatch(/Seq Scan on bookings/);
			expect(
				(await store.busyIntervals([[80_000 * HOUR, 80_001 * HOUR]], ['a'], 0)).map(
					(b) => b.start_ms,
				),
			).toEqual([80_000 * HOUR]);
			const indexes = (
				await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'bookings'")
			).rows.map((r: Record<string, string>) => r.indexname);
			expect(indexes).toContain('bookings_held_expiry');
			await store.close();
		} finally {
			await client.end();
			await db.drop();
		}
	});
});
