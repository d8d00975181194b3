/**
 * Backups of the booking store and their restore: a SQLite store copied while another process
 * books into it, the copy opened as the store; a PostgreSQL store through pg_dump and
 * pg_restore; and a store written by a newer version of the package is not opened.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { createTestDatabase } from '../../dev/postgres';
import { schedule, type ScheduleRequest } from '../../nodes/SchedulingAgent/schedule';
import { PostgresBookingStore, SqliteBookingStore } from '../../nodes/shared/store';

jest.setTimeout(120_000);

const run = promisify(execFile);
const NOW = '2026-11-25T10:00:00-05:00';
const JOB = { service_type: 'standard_cleaning', duration_minutes: 60 };
/** One-hour visits two hours apart (an hour's job, then the crew's travel buffer), crew A, weekdays from 30 November. */
function requests(count: number): ScheduleRequest[] {
	const out: ScheduleRequest[] = [];
	for (let day = 0; out.length < count; day++) {
		const date = new Date(Date.UTC(2026, 10, 30 + day));
		if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
		for (let hour = 8; hour < 17 && out.length < count; hour += 2)
			out.push({
				operation: 'book',
				job: JOB,
				crew_id: 'crew-a',
				start: `${date.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00-05:00`,
			});
	}
	return out;
}

let dir: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-backup-test-'));
});
afterEach(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

it('a SQLite store backed up while another process books into it; the copy restored is whole', async () => {
	const file = path.join(dir, 'store.sqlite');
	const live = new SqliteBookingStore(file);
	await live.init();
	// Another OS process books 240 visits, one at a time, while this one takes backups.
	const worker = spawn(
		process.execPath,
		[
			path.join(__dirname, '..', 'harness', 'book-worker.js'),
			JSON.stringify({ file, requests: requests(240), now: NOW, calendar: {}, oneByOne: true }),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const finished = new Promise<number>((resolve) =>
		worker.on('exit', (code) => resolve(code ?? 1)),
	);
	const copies: Array<{ file: string; before: number; whileBooking: boolean }> = [];
	for (let i = 0; i < 20 && worker.exitCode === null; i++) {
		const copy = path.join(dir, `backup-${i}.sqlite`);
		const before = (await live.listBookings({}, Date.parse(NOW))).length;
		await live.backUpTo(copy);
		copies.push({ file: copy, before, whileBooking: worker.exitCode === null });
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	expect(await finished).toBe(0);
	const all = await live.listBookings({}, Date.parse(NOW));
	expect(all).toHaveLength(240);
	const byId = new Map(all.map((b) => [b.id, b]));
	expect(copies.filter((c) => c.whileBooking).length).toBeGreaterThan(1);
	// Each copy is a consistent store: opened as the store, every visit it holds is as booked.
	for (const copy of copies) {
		const restored = new SqliteBookingStore(copy.file);
		try {
			await restored.init();
			expect(await restored.read('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
			const held = await restored.listBookings({}, Date.parse(NOW));
			expect(held.length).toBeGreaterThanOrEqual(copy.before);
			for (const booking of held) expect(byId.get(booking.id)).toEqual(booking);
			// It books like the live store: the next free hour, not one a copied visit holds.
			const next = await schedule(
				{ operation: 'book', job: JOB, crew_id: 'crew-a', start: '2026-11-30T08:00:00-05:00' },
				{ store: restored, now: NOW },
			);
			expect(next.status).toBe(held.length ? 'taken' : 'confirmed');
		} finally {
			await restored.close();
		}
	}
	await expect(live.backUpTo(copies[0].file)).rejects.toMatchObject({
		field: 'file',
		message: expect.stringMatching(/exists already/),
	});
	await live.close();
});

it('a PostgreSQL store restored from pg_dump holds the same bookings', async () => {
	const source = await createTestDatabase('ba_backup_src');
	const target = await createTestDatabase('ba_backup_dst');
	const store = new PostgresBookingStore(source.connection);
	const restored = new PostgresBookingStore(target.connection);
	try {
		await store.init();
		for (const request of requests(30)) await schedule(request, { store, now: NOW });
		const dump = path.join(dir, 'store.dump');
		const { host, port, user, database } = source.connection;
		const connection = ['-h', host, '-p', String(port), '-U', user];
		await run('pg_dump', [...connection, '-Fc', '-f', dump, database]);
		await run('pg_restore', [...connection, '-d', target.connection.database, dump]);
		await restored.init();
		const before = await store.listBookings({}, Date.parse(NOW));
		expect(before).toHaveLength(30);
		expect(await restored.listBookings({}, Date.parse(NOW))).toEqual(before);
	} finally {
		await store.close();
		await restored.close();
		await source.drop();
		await target.drop();
	}
});

it('a store written by a newer version of the package is not opened, on either engine', async () => {
	const file = path.join(dir, 'newer.sqlite');
	const sqlite = new SqliteBookingStore(file);
	await sqlite.init();
	await sqlite.lockedWrite('x', (sql) =>
		sql.query(
			"INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES (999, 'from the future', 0)",
		),
	);
	await sqlite.close();
	const again = new SqliteBookingStore(file);
	await expect(again.init()).rejects.toMatchObject({
		field: 'sqlitePath',
		message: expect.stringMatching(
			/has schema version 999, written by a newer n8n-nodes-booking-agents; this version knows up to \d+/,
		),
	});
	await again.close();

	const db = await createTestDatabase('ba_newer');
	const postgres = new PostgresBookingStore(db.connection);
	try {
		await postgres.init();
		await postgres.lockedWrite('x', (sql) =>
			sql.query(
				"INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES (999, 'from the future', 0)",
			),
		);
		await expect(postgres.init()).rejects.toMatchObject({
			field: 'bookingStorePostgres',
			message: expect.stringMatching(/has schema version 999/),
		});
	} finally {
		await postgres.close();
		await db.drop();
	}
});
