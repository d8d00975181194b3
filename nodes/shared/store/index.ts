import os from 'node:os';
import path from 'node:path';

import { PostgresBookingStore, type PostgresConnection } from './postgres';
import { SqliteBookingStore } from './sqlite';
import type { BookingStore } from './types';

export * from './types';
export { SqliteBookingStore } from './sqlite';
export { PostgresBookingStore, type PostgresConnection } from './postgres';

export type StoreConfig =
	| { backend: 'sqlite'; path?: string | null }
	| { backend: 'postgres'; connection: PostgresConnection };

/** The default SQLite file: in n8n's own folder, so it lives as long as n8n's data does. */
export function defaultSqlitePath(): string {
	const userFolder = process.env.N8N_USER_FOLDER || os.homedir();
	return path.join(userFolder, '.n8n', 'booking-agents.sqlite');
}

const open = new Map<string, { store: BookingStore; ready: Promise<void> }>();

function keyOf(config: StoreConfig): string {
	if (config.backend === 'sqlite')
		return `sqlite:${path.resolve(config.path || defaultSqlitePath())}`;
	const c = config.connection;
	return `postgres:${c.user}@${c.host}:${c.port}/${c.database}:${c.ssl ? 'ssl' : 'plain'}:${c.maxConnections ?? 'default'}:${c.password ?? ''}`;
}

/**
 * The store for a configuration, opened and migrated once per process and
 * shared by every execution in it (one SQLite connection, one pg pool).
 */
export async function openStore(config: StoreConfig): Promise<BookingStore> {
	const key = keyOf(config);
	let entry = open.get(key);
	if (!entry) {
		const store =
			config.backend === 'sqlite'
				? new SqliteBookingStore(config.path || defaultSqlitePath())
				: new PostgresBookingStore(config.connection);
		entry = { store, ready: store.init() };
		open.set(key, entry);
		entry.ready.catch(() => open.delete(key)); // a failed start is retried next time
	}
	await entry.ready;
	return entry.store;
}

/** Closes every store this process opened (tests, shutdown). */
export async function closeAllStores(): Promise<void> {
	const entries = [...open.values()];
	open.clear();
	await Promise.all(entries.map(async (e) => await e.store.close().catch(() => undefined)));
}
