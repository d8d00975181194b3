/**
 * The two booking stores a unit test runs against: SQLite in a temp folder and PostgreSQL in
 * a throwaway database. `done` closes the store and removes what it made, also after a failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase } from '../../dev/postgres';
import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingStore,
} from '../../nodes/shared/store';

/** Every row of the tables that can hold a person's data, as one text: what an erasure must leave no trace in. */
export async function everyRowWithPersonalData(store: BookingStore): Promise<string> {
	const tables = [
		'cases',
		'case_events',
		'case_threads',
		'case_links',
		'customers',
		'customer_keys',
		'outbox',
		'bookings',
		'series',
		'intake_attempts',
	];
	return JSON.stringify(
		await Promise.all(tables.map(async (table) => await store.read(`SELECT * FROM ${table}`))),
	);
}

export type OpenStore = () => Promise<{ store: BookingStore; done: () => Promise<void> }>;

export function storeBackends(prefix: string): Array<[string, OpenStore]> {
	return [
		[
			'SQLite',
			async () => {
				const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ba-${prefix}-`));
				const store = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
				await store.init();
				return {
					store,
					done: async () => {
						await store.close();
						fs.rmSync(dir, { recursive: true, force: true });
					},
				};
			},
		],
		[
			'PostgreSQL',
			async () => {
				const db = await createTestDatabase(`ba_${prefix}`);
				const store = new PostgresBookingStore(db.connection);
				await store.init();
				return {
					store,
					done: async () => {
						await store.close();
						await db.drop();
					},
				};
			},
		],
	];
}
