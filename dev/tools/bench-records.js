'use strict';
/**
 * npm run bench:records: what the case records cost, and how fast the office's view reads.
 *
 * 1. The store, SQLite and PostgreSQL: a year of a busy business's cases (--cases, default
 *    26,000: 500 a week) recorded step by step as the templates record them, then the weekly
 *    numbers (one week, the whole year), the ops board and a month's CSV read back. The
 *    baseline, measured in the same run: booking a visit (the store's own main write).
 *    Customers: every case is linked to its customer as it is recorded (one customer in four
 *    writes again, by phone only), and Look Up the Customer is timed on the full store.
 * 2. A real n8n: the Simple Booking template as shipped (it looks up the customer and records
 *    the case) against the same template without its Record the Case node, and without its
 *    Look Up the Customer node, interleaved: latency and throughput.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startBookingEnv } = require('../booking-env');
const { compareInterleaved, copyOf, median, p95 } = require('./interleaved');
const { createTestDatabase } = require('../postgres');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const CASES = Number(arg('cases', 26_000));
const SEQUENTIAL = Number(arg('requests', 20));
const LOAD = Number(arg('load', 48));
const ROUNDS = Number(arg('rounds', 3));

const api = require('../../dist/nodes/api.js');
const { SqliteBookingStore, PostgresBookingStore } = require('../../dist/nodes/shared/store');
const { readBoard } = require('../../dist/nodes/BookingRecords/board');

const ZONE = 'America/New_York';
const YEAR_START = Date.parse('2026-01-05T13:00:00Z'); // a Monday, 08:00 in New York
const WEEK = 7 * 86_400_000;
const CREWS = Array.from({ length: 12 }, (_, i) => ({
	id: `crew-${i + 1}`,
	name: `Crew ${i + 1}`,
	skills: ['cleaning', 'restoration'],
	on_call: i === 0,
}));
const CALENDAR = {
	timeZone: ZONE,
	businessHours: {
		mon: [['08:00', '18:00']],
		tue: [['08:00', '18:00']],
		wed: [['08:00', '18:00']],
		thu: [['08:00', '18:00']],
		fri: [['08:00', '18:00']],
		sat: [],
		sun: [],
	},
	holidays: [],
	crews: CREWS,
};
const CHANNELS = ['web', 'sms', 'email', 'chat', 'webhook'];

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** Case i of the year: received through the week, most quoted, a third booked on a crew, one in ten an emergency. */
function caseItem(i) {
	const received = YEAR_START + Math.floor((i / CASES) * 52 * WEEK) + (i % 600) * 1000;
	const emergency = i % 10 === 0;
	return {
		idempotency_key: `bench-${i}`,
		channel: CHANNELS[i % CHANNELS.length],
		message: `Bench request ${i}`,
		received_at: new Date(received).toISOString(),
		// One customer in four writes again later, by text (the phone only): the same customer.
		customer:
			i % 4 === 3
				? { name: `Customer ${i - 3}`, phone: `+1212${String(i - 3).padStart(7, '0')}` }
				: {
						name: `Customer ${i}`,
						email: `c${i}@example.com`,
						phone: `+1212${String(i).padStart(7, '0')}`,
					},
		qualification: {
			is_qualified: i % 7 !== 0,
			lead_score: 40 + (i % 60),
			service_type: 'standard_cleaning',
		},
		...(emergency ? { triage: { is_emergency: true, emergency_type: 'water_damage' } } : {}),
		...(i % 5 !== 4
			? {
					quote: {
						quote_id: `q-${i}`,
						total_cents: 10_000 + (i % 50) * 1000,
						currency: 'USD',
						valid_until: new Date(received + 14 * 86_400_000).toISOString(),
					},
				}
			: {}),
	};
}

async function storeBench(name, store) {
	await store.syncCrews(CREWS);
	const by = (run) => ({ workflow: 'bench', executionId: run, executionUrl: null });
	const recordMs = [];
	const bookMs = [];
	const started = Date.now();
	for (let i = 0; i < CASES; i++) {
		const item = caseItem(i);
		const at = Date.parse(item.received_at);
		if (i % 3 === 0 && item.quote) {
			// The baseline: the store's own write of a visit, as the Scheduling Agent books one.
			const visitStart = at + 86_400_000 + (i % 8) * 3_600_000;
			const id = `bk-${i}`;
			const t = process.hrtime.bigint();
			await store.write(`bench-book-${i}`, 'book', at, async (tx) => {
				const crew = CREWS[i % CREWS.length].id;
				const outcome = await tx.insertBooking({
					id,
					crew_id: crew,
					start_ms: visitStart,
					end_ms: visitStart + 3_600_000,
					busy_until_ms: visitStart + 3_600_000,
					time_zone: ZONE,
					status: 'confirmed',
					hold_expires_ms: null,
					series_id: null,
					service: 'standard_cleaning',
					priority: 5,
					customer: item.customer,
					details: null,
					cancel_reason: null,
					created_at_ms: at,
					updated_at_ms: at,
				});
				return outcome;
			});
			bookMs.push(ms(t));
			item.booking = { status: 'confirmed', booking_id: id };
		}
		const t = process.hrtime.bigint();
		await api.recordCaseStep(store, item, 'answered', by(`r${i}`), at + 30_000 + (i % 90) * 1000);
		recordMs.push(ms(t));
	}
	const seededS = (Date.now() - started) / 1000;
	const timed = async (fn, times = 5) => {
		const list = [];
		let result;
		for (let k = 0; k < times; k++) {
			const t = process.hrtime.bigint();
			result = await fn();
			list.push(ms(t));
		}
		return { ms: median(list), result };
	};
	const week = api.periodOf('custom', ZONE, Date.now(), { from: '2026-06-01', to: '2026-06-07' });
	const year = api.periodOf('custom', ZONE, Date.now(), { from: '2026-01-05', to: '2027-01-03' });
	const month = api.periodOf('custom', ZONE, Date.now(), { from: '2026-06-01', to: '2026-06-30' });
	const weekly = await timed(() =>
		api.weeklyNumbers(store, week, { calendar: CALENDAR, goalSeconds: 120 }),
	);
	const yearly = await timed(
		() => api.weeklyNumbers(store, year, { calendar: CALENDAR, goalSeconds: 120 }),
		3,
	);
	const board = await timed(() =>
		readBoard(store, {
			nowMs: Date.parse('2026-06-03T15:00:00Z'),
			business: 'Bench',
			timeZone: ZONE,
			crews: CREWS,
			goalSeconds: 120,
			numbers: null,
			exportUrl: null,
		}),
	);
	const csv = await timed(() => api.exportCsv(store, 'cases', month), 3);
	const lookUpMs = [];
	let returning = 0;
	for (let k = 0; k < 2000; k++) {
		const i = (k * 13) % CASES;
		const t = process.hrtime.bigint();
		const found = await api.lookUpCustomer(
			store,
			{ customer: { email: `c${i - (i % 4 === 3 ? 3 : 0)}@example.com` } },
			Date.now(),
		);
		lookUpMs.push(ms(t));
		if (found.returning) returning++;
	}
	const [customers] = await store.read(
		'SELECT COUNT(*) AS n FROM customers WHERE merged_into IS NULL',
	);
	console.log(
		`\n${name}: ${CASES.toLocaleString('en-US')} cases over 52 weeks, ${bookMs.length.toLocaleString('en-US')} visits, seeded in ${seededS.toFixed(1)} s`,
	);
	console.log(
		`  record a case step      median ${median(recordMs).toFixed(2)} ms  p95 ${p95(recordMs).toFixed(2)} ms   (baseline, book a visit: median ${median(bookMs).toFixed(2)} ms; ratio ${(median(recordMs) / median(bookMs)).toFixed(2)}x)`,
	);
	console.log(
		`  look up a customer      median ${median(lookUpMs).toFixed(2)} ms  p95 ${p95(lookUpMs).toFixed(2)} ms   (${Number(customers.n).toLocaleString('en-US')} customers; ${returning} of 2,000 returning; ratio to booking a visit ${(median(lookUpMs) / median(bookMs)).toFixed(2)}x)`,
	);
	console.log(
		`  weekly numbers, a week  ${weekly.ms.toFixed(1)} ms (${weekly.result.leads} leads)`,
	);
	console.log(
		`  weekly numbers, a year  ${yearly.ms.toFixed(1)} ms (${yearly.result.leads} leads)`,
	);
	console.log(
		`  the ops board           ${board.ms.toFixed(1)} ms (${board.result.awaiting_reply.length} quotes listed, ${board.result.crews.reduce((n, c) => n + c.today.length + c.coming_up.length, 0)} visits)`,
	);
	console.log(
		`  a month's cases as CSV  ${csv.ms.toFixed(1)} ms (${csv.result.rows} rows, ${(csv.result.csv.length / 1024).toFixed(0)} KiB)`,
	);
}

/** The workflow without one node: what led into it leads to what it led to. */
function withoutNode(workflow, name) {
	const next = workflow.connections[name]?.main?.[0] ?? [];
	workflow.nodes = workflow.nodes.filter((n) => n.name !== name);
	delete workflow.connections[name];
	for (const outputs of Object.values(workflow.connections))
		for (const [index, targets] of (outputs.main ?? []).entries())
			if (targets?.some((t) => t.node === name))
				outputs.main[index] = [...targets.filter((t) => t.node !== name), ...next];
}

async function n8nBench() {
	const env = await startBookingEnv({ parseMail: false, only: ['booking-simple.json'] });
	try {
		const simple = env.workflows['booking-simple.json'].workflow;
		const bare = copyOf(
			simple,
			'Bench: Simple Booking without the case record',
			'bench-no-record',
			crypto.randomUUID(),
		);
		withoutNode(bare, 'Record the Case');
		await env.n8n.importWorkflow(bare);
		const unknown = copyOf(
			simple,
			'Bench: Simple Booking without the customer look-up',
			'bench-no-lookup',
			crypto.randomUUID(),
		);
		withoutNode(unknown, 'Look Up the Customer');
		await env.n8n.importWorkflow(unknown);
		await compareInterleaved(
			env,
			[
				{ key: 'as shipped (records the case)', path: 'booking' },
				{ key: 'without the record (before)', path: 'bench-no-record' },
				{ key: 'without the customer look-up', path: 'bench-no-lookup' },
			],
			{
				body: (tag, i) => ({
					message: '3 bed 2 bath house clean next week',
					customer: { name: 'Dana Lee', email: 'dana@example.com', address: '12 Oak St' },
					request_id: `${tag}-${i}`,
				}),
				sequential: SEQUENTIAL,
				load: LOAD,
				rounds: ROUNDS,
				title: 'Simple Booking in one n8n',
				baseline: 'before',
			},
		);
	} finally {
		await env.stop();
	}
}

async function main() {
	console.log('bench:records');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-bench-records-'));
	const sqlite = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
	try {
		await sqlite.init();
		await storeBench('SQLite', sqlite);
	} finally {
		await sqlite.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
	const db = await createTestDatabase('ba_bench_records');
	const pg = new PostgresBookingStore(db.connection);
	try {
		await pg.init();
		await storeBench('PostgreSQL', pg);
	} finally {
		await pg.close();
		await db.drop();
	}
	if (!process.argv.includes('--store-only')) await n8nBench();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
