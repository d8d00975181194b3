'use strict';
/**
 * A PostgreSQL database of its own for a test file, on the server named by
 * BOOKING_AGENTS_TEST_PG (default postgres://postgres@127.0.0.1:5432, which runs
 * on this kind of machine). Fails with a clear message when no server answers.
 */
const { Client } = require('pg');

function serverUrl() {
	return new URL(
		process.env.BOOKING_AGENTS_TEST_PG || 'postgres://postgres@127.0.0.1:5432/postgres',
	);
}

/** The test run's tag (the random part of BOOKING_AGENTS_TEST_RUN), or "solo" outside a run. */
function runTag() {
	const run = process.env.BOOKING_AGENTS_TEST_RUN;
	return run ? run.split('-').pop() : 'solo';
}

/** A client of the server's own database (where databases are created and dropped); not connected yet. */
function adminClient() {
	const url = serverUrl();
	return new Client({
		host: url.hostname,
		port: Number(url.port || 5432),
		user: decodeURIComponent(url.username || 'postgres'),
		password: url.password ? decodeURIComponent(url.password) : undefined,
		database: url.pathname.slice(1) || 'postgres',
		connectionTimeoutMillis: 5000,
	});
}

/** @returns {Promise<{ connection: import('../nodes/shared/store').PostgresConnection, name: string, drop: () => Promise<void> }>} */
async function createTestDatabase(prefix = 'booking_agents_test') {
	const url = serverUrl();
	const admin = adminClient();
	try {
		await admin.connect();
	} catch (error) {
		throw new Error(
			`No PostgreSQL server answered at ${url.host} (${error.message}). Start one, or point BOOKING_AGENTS_TEST_PG at one, e.g. postgres://postgres@127.0.0.1:5432/postgres.`,
		);
	}
	// A test run's databases carry its tag: its teardown finds what it left, and no other run's.
	const name = `${prefix}_${runTag()}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.end();
	const connection = {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: name,
		user: decodeURIComponent(url.username || 'postgres'),
		password: url.password ? decodeURIComponent(url.password) : undefined,
	};
	return {
		connection,
		name,
		async drop() {
			const c = adminClient();
			await c.connect();
			await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await c.end();
		},
	};
}

module.exports = { createTestDatabase, serverUrl, runTag, adminClient };
