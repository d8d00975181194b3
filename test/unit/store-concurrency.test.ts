import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { schedule, type ScheduleRequest } from '../../nodes/SchedulingAgent/schedule';
import { PostgresBookingStore, SqliteBookingStore } from '../../nodes/shared/store';
import { Client } from 'pg';

import { createTestDatabase } from '../../dev/postgres';

jest.setTimeout(120_000);

const run = promisify(execFile);
const NOW = '2026-11-25T10:00:00-05:00';
/** One crew, one-hour jobs, no buffer: Monday 9:00-14:00 has exactly 5 slots; Tuesday has room for alternatives. */
const calendar = {
	crews: [{ id: 'solo', name: 'Solo crew', skills: ['cleaning'], on_call: false }],
	businessHours: {
		mon: [['09:00', '14:00']],
		tue: [['09:00', '12:00']],
		wed: [],
		thu: [],
		fri: [],
		sat: [],
		sun: [],
	} as never,
	bufferMinutes: 0,
	slotStepMinutes: 60,
};
const SLOTS = ['09', '10', '11', '12', '13'].map((h) => `2026-11-30T${h}:00:00-05:00`);
/** 50 requests, 10 for each of the 5 free slots, each with its own idempotency key. */
const requests: ScheduleRequest[] = Array.from({ length: 50 }, (_, i) => ({
	operation: 'book',
	job: { service_type: 'standard_cleaning', duration_minutes: 60 },
	start: SLOTS[i % 5],
	idempotency_key: `race-${i}`,
}));

function expectExactlyFive(
	results: Array<{ status: string; start: string | null; alternatives: number }>,
) {
	const booked = results.filter((r) => r.status === 'confirmed');
	expect(booked).toHaveLength(5);
	expect(new Set(booked.map((r) => r.start))).toEqual(new Set(SLOTS));
	const taken = results.filter((r) => r.status === 'taken');
	expect(taken).toHaveLength(45);
	for (const t of taken) expect(t.alternatives).toBeGreaterThan(0);
}

type Outcome = {
	status: string;
	start: string | null;
	crew_id: string | null;
	alternatives: number;
};

/** Books `requests` from two OS processes (every other request each) on one SQLite file; what each answered, and what is stored. */
async function inTwoProcesses(requests: ScheduleRequest[], cal: object) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-race-'));
	try {
		const file = path.join(dir, 'store.sqlite');
		const init = new SqliteBookingStore(file);
		await init.init();
		await init.close();
		const worker = path.join(__dirname, '..', 'harness', 'book-worker.js');
		const job = (slice: ScheduleRequest[]) =>
			run(
				process.execPath,
				[worker, JSON.stringify({ file, requests: slice, now: NOW, calendar: cal })],
				{ maxBuffer: 10 * 1024 * 1024 },
			);
		const [a, b] = await Promise.all([
			job(requests.filter((_, i) => i % 2 === 0)),
			job(requests.filter((_, i) => i % 2 === 1)),
		]);
		const results: Outcome[] = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)];
		const store = new SqliteBookingStore(file);
		const stored = await store.listBookings({}, Date.parse(NOW));
		await store.close();
		return { results, stored };
	} finally {
		// Also when a worker fails: no folder is left behind.
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Books `requests` from two connection pools (every other request each) on one PostgreSQL database; the same answers. */
async function inTwoPools(requests: ScheduleRequest[], cal: object, maxConnections: number) {
	const db = await createTestDatabase();
	const workerA = new PostgresBookingStore({ ...db.connection, maxConnections });
	const workerB = new PostgresBookingStore({ ...db.connection, maxConnections });
	try {
		await Promise.all([workerA.init(), workerB.init()]);
		const answers = await Promise.all(
			requests.map((request, i) =>
				schedule(request, { store: i % 2 ? workerA : workerB, now: NOW, calendar: cal }),
			),
		);
		const results: Outcome[] = answers.map((r) => ({
			status: r.status,
			start: r.start,
			crew_id: r.crew_id,
			alternatives: r.alternatives.length,
		}));
		return { results, stored: await workerA.listBookings({}, Date.parse(NOW)) };
	} finally {
		await workerA.close();
		await workerB.close();
		await db.drop();
	}
}

/** One crew, 9:00-17:00 every weekday in one-hour jobs: 40 slots in the first week, far more than asked for. */
const roomy = {
	...calendar,
	businessHours: Object.fromEntries(
		['mon', 'tue', 'wed', 'thu', 'fri']
			.map((d) => [d, [['09:00', '17:00']]])
			.concat([
				['sat', []],
				['sun', []],
			]),
	) as never,
};
/** 30 "as soon as possible" bookings at once: each finds the same 5 soonest slots before its transaction. */
const soonest: ScheduleRequest[] = Array.from({ length: 30 }, (_, i) => ({
	operation: 'book',
	job: { service_type: 'standard_cleaning', duration_minutes: 60 },
	idempotency_key: `soonest-${i}`,
}));
function expectAllBookedApart(results: Outcome[]) {
	expect(results.map((r) => r.status)).toEqual(soonest.map(() => 'confirmed'));
	expect(new Set(results.map((r) => r.start)).size).toBe(30);
}

describe('no double booking under concurrency', () => {
	it('SQLite: 50 simultaneous bookings for 5 free slots from two OS processes book exactly 5', async () => {
		const { results, stored } = await inTwoProcesses(requests, calendar);
		expectExactlyFive(results);
		expect(stored).toHaveLength(5);
	});

	it('PostgreSQL: 50 simultaneous bookings from two pools of connections book exactly 5', async () => {
		const { results, stored } = await inTwoPools(requests, calendar, 10);
		expectExactlyFive(results);
		expect(stored).toHaveLength(5);
	});

	it('PostgreSQL: 30 simultaneous "soonest" bookings racing for the same slots all book, each at its own time', async () => {
		// A connection for each booking in flight, as an n8n worker has for its executions: the losers wait for their turn
		// holding theirs, so a smaller pool would measure its queue (10 s to a client under a loaded machine), not the race.
		const { results, stored } = await inTwoPools(soonest, roomy, 15);
		expectAllBookedApart(results);
		expect(stored.filter((b) => b.status === 'confirmed')).toHaveLength(30);
	});

	it('SQLite: 30 simultaneous "soonest" bookings from two OS processes all book, each at its own time', async () => {
		const { results, stored } = await inTwoProcesses(soonest, roomy);
		expectAllBookedApart(results);
		expect(stored).toHaveLength(30);
	});

	it('PostgreSQL refuses an overlapping row even when the caller skips every check (the exclusion constraint)', async () => {
		const db = await createTestDatabase();
		const store = new PostgresBookingStore(db.connection);
		try {
			await store.init();
			await store.syncCrews([{ id: 'solo', name: 'Solo', skills: [], on_call: false }]);
			const row = (id: string, start: number) => ({
				id,
				crew_id: 'solo',
				start_ms: start,
				end_ms: start + 3_600_000,
				busy_until_ms: start + 3_600_000,
				time_zone: 'UTC',
				status: 'confirmed' as const,
				hold_expires_ms: null,
				series_id: null,
				service: null,
				priority: null,
				customer: null,
				details: null,
				cancel_reason: null,
				created_at_ms: 0,
				updated_at_ms: 0,
			});
			const outcome = await store.write(null, 'raw', 0, async (tx) => [
				await tx.insertBooking(row('a', 0)),
				await tx.insertBooking(row('b', 1_800_000)),
				await tx.insertBooking(row('c', 3_600_000)),
			]);
			expect(outcome.result).toEqual(['ok', 'overlap', 'ok']);
		} finally {
			await store.close();
			await db.drop();
		}
	});

	it('SQLite refuses an overlapping row the same way (triggers in the store)', async () => {
		const store = new SqliteBookingStore(':memory:');
		await store.init();
		await store.syncCrews([{ id: 'solo', name: 'Solo', skills: [], on_call: false }]);
		const row = (id: string, start: number) => ({
			id,
			crew_id: 'solo',
			start_ms: start,
			end_ms: start + 3_600_000,
			busy_until_ms: start + 3_600_000,
			time_zone: 'UTC',
			status: 'confirmed' as const,
			hold_expires_ms: null,
			series_id: null,
			service: null,
			priority: null,
			customer: null,
			details: null,
			cancel_reason: null,
			created_at_ms: 0,
			updated_at_ms: 0,
		});
		const outcome = await store.write(null, 'raw', 0, async (tx) => [
			await tx.insertBooking(row('a', 0)),
			await tx.insertBooking(row('b', 1_800_000)),
			await tx.insertBooking(row('c', 3_600_000)),
		]);
		expect(outcome.result).toEqual(['ok', 'overlap', 'ok']);
		await store.close();
	});

	it('a PostgreSQL store keeps to its Max Connections: 20 bookings at once over 3 connections all book', async () => {
		const db = await createTestDatabase();
		const store = new PostgresBookingStore({ ...db.connection, maxConnections: 3 });
		const watcher = new Client({ ...db.connection, database: 'postgres' });
		await watcher.connect();
		const connectionsNow = async () =>
			Number(
				(
					await watcher.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [
						db.name,
					])
				).rows[0].n,
			);
		try {
			await store.init();
			let most = 0;
			const watching = (async () => {
				for (let i = 0; i < 50; i++) {
					most = Math.max(most, await connectionsNow());
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
			})();
			const answers = await Promise.all(
				soonest
					.slice(0, 20)
					.map((request) => schedule(request, { store, now: NOW, calendar: roomy })),
			);
			await watching;
			expect(answers.map((a) => a.status)).toEqual(answers.map(() => 'confirmed'));
			expect(most).toBeGreaterThanOrEqual(1);
			expect(most).toBeLessThanOrEqual(3);
			expect(await connectionsNow()).toBeLessThanOrEqual(3);
		} finally {
			await watcher.end();
			await store.close();
			await db.drop();
		}
		// A setting outside 1-100 is refused with the credential field to fix.
		for (const maxConnections of [0, 101, 2.5])
			expect(() => new PostgresBookingStore({ ...db.connection, maxConnections })).toThrow(
				/"Max Connections" must be a whole number from 1 to 100.*Booking Store PostgreSQL credential/,
			);
	});

	it('a failed write leaves nothing half-written (SQLite and PostgreSQL roll back)', async () => {
		const db = await createTestDatabase();
		for (const store of [
			new SqliteBookingStore(':memory:'),
			new PostgresBookingStore(db.connection),
		]) {
			await store.init();
			await store.syncCrews([{ id: 'solo', name: 'Solo', skills: [], on_call: false }]);
			const row = {
				id: 'x',
				crew_id: 'solo',
				start_ms: 0,
				end_ms: 1,
				busy_until_ms: 1,
				time_zone: 'UTC',
				status: 'confirmed' as const,
				hold_expires_ms: null,
				series_id: null,
				service: null,
				priority: null,
				customer: null,
				details: null,
				cancel_reason: null,
				created_at_ms: 0,
				updated_at_ms: 0,
			};
			await expect(
				store.write('half', 'raw', 0, async (tx) => {
					await tx.insertBooking(row);
					throw new Error('crash in the middle');
				}),
			).rejects.toThrow('crash in the middle');
			expect(await store.getBooking('x')).toBeNull();
			// The key was not used up either: a retry runs.
			expect((await store.write('half', 'raw', 0, async () => 'second try')).result).toBe(
				'second try',
			);
			await store.close();
		}
		await db.drop();
	});
});
