'use strict';
/**
 * n8n's queue mode, the way a business scales it: the main process takes
 * webhooks and enqueues executions on Redis (Bull), `n8n worker` processes run
 * them, and all share an n8n database on PostgreSQL. Each instance gets a Redis
 * key prefix and a database of its own, removed when it stops.
 */
const path = require('node:path');

const runtime = require('./runtime');
const { createTestDatabase, runTag } = require('../postgres');

/** The Redis that queue mode uses: BOOKING_AGENTS_TEST_REDIS, default redis://127.0.0.1:6379. */
function redisUrl() {
	return new URL(process.env.BOOKING_AGENTS_TEST_REDIS || 'redis://127.0.0.1:6379');
}

/** Connects with n8n's own Redis client (ioredis): fails with a clear message when no Redis answers. */
async function redisClient() {
	const Redis = require(path.join(runtime.paths().modules, 'ioredis'));
	const url = redisUrl();
	const client = new Redis({
		host: url.hostname,
		port: Number(url.port || 6379),
		password: url.password || undefined,
		lazyConnect: true,
		maxRetriesPerRequest: 1,
		retryStrategy: () => null,
	});
	client.on('error', () => {});
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		client.disconnect();
		throw new Error(
			`No Redis answered at ${url.host} (${error.message}); queue mode needs one. Start Redis, or point BOOKING_AGENTS_TEST_REDIS at one, e.g. redis://127.0.0.1:6379.`,
		);
	}
	return client;
}

/** Deletes every Redis key under a prefix (queue mode leaves its job records and cache behind). */
async function dropRedisPrefix(prefix) {
	const client = await redisClient();
	try {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
			if (keys.length) await client.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}

/**
 * The settings every process of one queue-mode instance shares, and how to
 * remove what they leave (the database, the Redis keys).
 * @returns {Promise<{ env: Record<string, string>, cleanup: () => Promise<void> }>}
 */
async function queueSettings() {
	const redis = await redisClient();
	redis.disconnect();
	const database = await createTestDatabase('booking_agents_n8n');
	// Bull's queue and n8n's Redis cache (published webhooks, workflows) get a prefix of their own:
	// another n8n on the same Redis would otherwise see this one's webhooks.
	const prefix = `booking-agents-${runTag()}-${process.pid}-${Date.now().toString(36)}`;
	const url = redisUrl();
	const { connection } = database;
	return {
		env: {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_PREFIX: prefix,
			N8N_REDIS_KEY_PREFIX: prefix,
			QUEUE_BULL_REDIS_HOST: url.hostname,
			QUEUE_BULL_REDIS_PORT: String(url.port || 6379),
			...(url.password ? { QUEUE_BULL_REDIS_PASSWORD: decodeURIComponent(url.password) } : {}),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: connection.host,
			DB_POSTGRESDB_PORT: String(connection.port),
			DB_POSTGRESDB_DATABASE: connection.database,
			DB_POSTGRESDB_USER: connection.user,
			...(connection.password ? { DB_POSTGRESDB_PASSWORD: connection.password } : {}),
		},
		async cleanup() {
			await database.drop().catch(() => null);
			await dropRedisPrefix(prefix).catch(() => null);
		},
	};
}

/** The arguments and settings of worker `index` (1-based), each with a health port of its own. */
function workerLaunch(index, { concurrency = 10 } = {}, healthPort) {
	return {
		args: ['worker', `--concurrency=${concurrency}`],
		logName: `n8n-worker-${index}.log`,
		env: {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		},
	};
}

module.exports = { redisClient, dropRedisPrefix, queueSettings, workerLaunch };
