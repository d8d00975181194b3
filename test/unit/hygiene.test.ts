/**
 * The end-of-suite check (test/harness/hygiene.js): what a run leaves in its temp folder, in
 * PostgreSQL and in Redis is found, removed and named, and nothing of another run is touched.
 * A made-up run tag stands for a run here, so the real run's own things are left alone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Client } from 'pg';

import { adminClient } from '../../dev/postgres';
import { redisClient } from '../../dev/n8n/queue';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeRunTemp, sweep } = require('../harness/hygiene') as {
	makeRunTemp: (run: string) => string;
	sweep: (runTemp: string, tag: string) => Promise<string[]>;
};

jest.setTimeout(60_000);

async function admin(run: (client: Client) => Promise<unknown>) {
	const client = adminClient();
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

it('finds, removes and names what a run left; leaves what another run has', async () => {
	const tag = crypto.randomBytes(4).toString('hex');
	const other = crypto.randomBytes(4).toString('hex');
	const runTemp = makeRunTemp(`run-1-${tag}`);
	const otherTemp = makeRunTemp(`run-2-${other}`);
	const redis = await redisClient();
	try {
		fs.mkdirSync(path.join(runTemp, 'booking-agents-n8n-left'));
		fs.writeFileSync(path.join(otherTemp, 'in-use'), 'another run');
		await admin(async (c) => {
			await c.query(`CREATE DATABASE ba_left_${tag}_1`);
			await c.query(`CREATE DATABASE ba_busy_${other}_1`);
		});
		await redis.set(`booking-agents-${tag}-1:bull:jobs`, 'x');
		await redis.set(`booking-agents-${other}-1:bull:jobs`, 'x');
		expect(fs.statSync(runTemp).mode & 0o777).toBe(0o755);

		expect(await sweep(runTemp, tag)).toEqual([
			'temp folders and files: booking-agents-n8n-left',
			`PostgreSQL databases: ba_left_${tag}_1`,
			`1 Redis keys (booking-agents-${tag}-*)`,
		]);
		expect(fs.existsSync(runTemp)).toBe(false);
		// Another run's things are where they were.
		expect(fs.readFileSync(path.join(otherTemp, 'in-use'), 'utf8')).toBe('another run');
		const left = (await admin((c) =>
			c.query("SELECT datname FROM pg_database WHERE datname LIKE 'ba_%'"),
		)) as { rows: Array<{ datname: string }> };
		expect(left.rows.map((r) => r.datname)).toContain(`ba_busy_${other}_1`);
		expect(await redis.get(`booking-agents-${other}-1:bull:jobs`)).toBe('x');
		// A clean run: nothing to name.
		expect(await sweep(makeRunTemp(`run-3-${tag}`), tag)).toEqual([]);
	} finally {
		fs.rmSync(runTemp, { recursive: true, force: true });
		fs.rmSync(otherTemp, { recursive: true, force: true });
		await admin(async (c) => {
			await c.query(`DROP DATABASE IF EXISTS ba_left_${tag}_1`);
			await c.query(`DROP DATABASE IF EXISTS ba_busy_${other}_1`);
		});
		await redis.del(`booking-agents-${tag}-1:bull:jobs`, `booking-agents-${other}-1:bull:jobs`);
		redis.disconnect();
	}
});
