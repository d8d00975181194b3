/**
 * The PostgreSQL store when its server restarts in the middle of a burst of bookings. The server
 * is real; a TCP proxy on loopback stands between it and the store, and a restart is what its
 * clients see of one: every open connection ended by the server (pg_terminate_backend, the same
 * "terminating connection due to administrator command" a shutdown sends), then connections
 * refused for two seconds, then accepted again. (The server itself stays up: other tests share it.)
 * Afterwards every booking is booked once (writes cut off are run again on a new connection, and
 * an idempotency key replays one that had committed), nothing is half-written, and reads work; a
 * server that stays away fails the write with an error naming the credential.
 */
import { createTestDatabase, adminClient } from '../../dev/postgres';
import { startTcpProxy } from '../../dev/fakes/tcp-proxy';
import { schedule, type ScheduleRequest } from '../../nodes/SchedulingAgent/schedule';
import { PostgresBookingStore } from '../../nodes/shared/store';

jest.setTimeout(120_000);

const NOW = '2026-11-25T10:00:00-05:00';
const day = [['08:00', '18:00']];
const calendar = {
	crews: Array.from({ length: 8 }, (_, i) => ({
		id: `crew-${i}`,
		name: `Crew ${i}`,
		skills: ['cleaning'],
		on_call: false,
	})),
	businessHours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } as never,
	bufferMinutes: 0,
	slotStepMinutes: 60,
};
const request = (i: number): ScheduleRequest => ({
	operation: 'book',
	job: { service_type: 'standard_cleaning', duration_minutes: 60 },
	idempotency_key: `restart-${i}`,
});

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let store: PostgresBookingStore;

beforeAll(async () => {
	database = await createTestDatabase('ba_restart');
	proxy = await startTcpProxy({ host: database.connection.host, port: database.connection.port });
	store = new PostgresBookingStore({ ...database.connection, host: '127.0.0.1', port: proxy.port });
	await store.init();
});

afterAll(async () => {
	await store?.close();
	await proxy?.stop();
	await database?.drop();
});

/** What a server restart does to its clients: their sessions ended, then no answer for `downMs`. */
async function restart(downMs: number) {
	await proxy.down();
	const admin = adminClient();
	await admin.connect();
	try {
		await admin.query(
			'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
			[database.name],
		);
	} finally {
		await admin.end();
	}
	await new Promise((resolve) => setTimeout(resolve, downMs));
	await proxy.up();
}

it('books every request of a burst once when the server restarts in the middle of it', async () => {
	const burst = Array.from({ length: 40 }, (_, i) =>
		schedule(request(i), { store, now: NOW, calendar }).then(
			(result) => ({ ok: true as const, result }),
			(error: Error) => ({ ok: false as const, error }),
		),
	);
	await new Promise((resolve) => setTimeout(resolve, 60));
	const restarted = restart(2_000);
	const outcomes = await Promise.all(burst);
	await restarted;
	// Cut off mid-write, each write ran again once the server was back: none failed.
	expect(outcomes.filter((o) => !o.ok).map((o) => (o as { error: Error }).error.message)).toEqual(
		[],
	);
	const booked = outcomes.map(
		(o) => (o as { result: { booking_id: string | null; status: string } }).result,
	);
	expect(booked.every((b) => b.status === 'confirmed')).toBe(true);
	const ids = booked.map((b) => b.booking_id);
	expect(new Set(ids).size).toBe(40);
	// Stored once each, and no crew twice at once.
	const rows = await store.read(
		"SELECT id, crew_id, start_ms, busy_until_ms FROM bookings WHERE status = 'confirmed' ORDER BY crew_id, start_ms",
	);
	expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
	for (let k = 1; k < rows.length; k++)
		if (rows[k].crew_id === rows[k - 1].crew_id)
			expect(Number(rows[k].start_ms)).toBeGreaterThanOrEqual(Number(rows[k - 1].busy_until_ms));
	// Asked again with the same keys (a caller's retry): the same bookings, nothing new.
	const again = await Promise.all(
		Array.from({ length: 40 }, (_, i) => schedule(request(i), { store, now: NOW, calendar })),
	);
	expect(again.map((b) => b.booking_id)).toEqual(ids);
	const [{ n }] = await store.read('SELECT COUNT(*) AS n FROM bookings');
	expect(Number(n)).toBe(40);
});

it('reads again after a restart closed its idle connections', async () => {
	await store.read('SELECT 1');
	await restart(500);
	const [{ n }] = await store.read('SELECT COUNT(*) AS n FROM bookings');
	expect(Number(n)).toBe(40);
});

it('fails a write cleanly, naming the credential, when the server stays away', async () => {
	await proxy.down();
	try {
		const started = Date.now();
		await expect(schedule(request(99), { store, now: NOW, calendar })).rejects.toMatchObject({
			field: 'bookingStorePostgres',
			message: expect.stringMatching(/Could not connect to PostgreSQL .*server is running/),
		});
		// It waited for the server (a restart takes seconds), then gave up.
		expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
	} finally {
		await proxy.up();
	}
	const [{ n }] = await store.read('SELECT COUNT(*) AS n FROM bookings');
	expect(Number(n)).toBe(40);
});
