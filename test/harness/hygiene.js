'use strict';
/**
 * What a test run leaves behind. The run gets a temp folder of its own (TMPDIR, inherited by
 * every test, n8n, Chromium and Dovecot it starts), and its PostgreSQL databases and Redis keys
 * carry its tag (dev/postgres.js, dev/n8n/queue.js). The teardown lists what is still there,
 * removes it, and fails the run naming each: a CI machine that runs the suite daily would
 * otherwise fill its disk. Another run on the same machine is never touched.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { adminClient, runTag } = require('../../dev/postgres');

/** The run's own temp folder (made readable to Dovecot's mail processes, which run as nobody). */
function makeRunTemp(run) {
	const dir = path.join(os.tmpdir(), `booking-agents-run-${run}`);
	fs.mkdirSync(dir, { recursive: true });
	fs.chmodSync(dir, 0o755);
	return dir;
}

/** Caches the tools keep for themselves (Node.js's compiled modules): removed with the folder, not a leak. */
const CACHES = ['node-compile-cache'];

/** The run's test databases still there, dropped; [] when no PostgreSQL answers (a unit-only run elsewhere). */
async function dropRunDatabases(tag) {
	const client = adminClient();
	try {
		await client.connect();
	} catch {
		return [];
	}
	try {
		const { rows } = await client.query(
			"SELECT datname FROM pg_database WHERE datname LIKE '%\\_' || $1 || '\\_%'",
			[tag],
		);
		const names = rows.map((r) => r.datname);
		for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		return names;
	} finally {
		await client.end().catch(() => undefined);
	}
}

/** The run's Redis keys still there, deleted; 0 when no Redis answers. */
async function dropRunRedisKeys(tag) {
	let client;
	try {
		client = await require('../../dev/n8n/queue').redisClient();
	} catch {
		return 0;
	}
	try {
		let removed = 0;
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(
				cursor,
				'MATCH',
				`booking-agents-${tag}-*`,
				'COUNT',
				1000,
			);
			if (keys.length) removed += await client.del(...keys);
			cursor = next;
		} while (cursor !== '0');
		return removed;
	} finally {
		client.disconnect();
	}
}

/** What the run left (removed now): a line per kind, none when it was clean. */
async function sweep(runTemp, tag = runTag()) {
	const left = [];
	const entries = (fs.existsSync(runTemp) ? fs.readdirSync(runTemp) : []).filter(
		(name) => !CACHES.includes(name),
	);
	if (entries.length) left.push(`temp folders and files: ${entries.join(', ')}`);
	fs.rmSync(runTemp, { recursive: true, force: true });
	const databases = await dropRunDatabases(tag);
	if (databases.length) left.push(`PostgreSQL databases: ${databases.join(', ')}`);
	const keys = await dropRunRedisKeys(tag);
	if (keys) left.push(`${keys} Redis keys (booking-agents-${tag}-*)`);
	return left;
}

module.exports = { makeRunTemp, sweep };
