'use strict';
/**
 * npm run bench:billing: how fast visits done are billed, on SQLite and PostgreSQL.
 *
 * A month of a busy business's visits (--visits, default 2,000), each with its case and agreed
 * quote recorded and marked done, then billed: one after another, and (PostgreSQL) eight at a
 * time, as several n8n workers would. Also the PDFs alone. The baseline, measured in the same
 * run on the same store: booking a visit (the store's own main write). Prints invoices a second,
 * the ratio to bookings a second, and the per-invoice median and p95.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { createTestDatabase } = require('../postgres');
const { median, p95 } = require('./interleaved');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const VISITS = Number(arg('visits', 2000));

const api = require('../../dist/nodes/api.js');
const { SqliteBookingStore, PostgresBookingStore } = require('../../dist/nodes/shared/store');

const ZONE = 'America/New_York';
const START = Date.parse('2027-03-01T13:00:00Z'); // a Monday, 08:00 in New York
const DAY = 86_400_000;
const CREWS = Array.from({ length: 12 }, (_, i) => ({
	id: `crew-${i + 1}`,
	name: `Crew ${i + 1}`,
	skills: ['cleaning', 'restoration'],
	on_call: false,
}));
const CALENDAR = {
	timeZone: ZONE,
	businessHours: Object.fromEntries(
		['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:59']]]),
	),
	holidays: [],
	crews: CREWS,
	leadTimeMinutes: 0,
	horizonDays: 730,
};
const BY = { workflow: 'bench', executionId: '1', executionUrl: null };
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Visit n's start: twelve crews, eight two-hour visits a day each, day after day. */
const startOf = (n) => {
	const perDay = CREWS.length * 4;
	const day = Math.floor(n / perDay);
	const slot = n % perDay;
	return {
		crew: CREWS[slot % CREWS.length].id,
		start: new Date(
			START + day * DAY + Math.floor(slot / CREWS.length) * 3 * 3_600_000,
		).toISOString(),
	};
};

async function prepare(store, count, offset = 0) {
	const quote = await api.price(
		{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
		{ now: '2027-02-01T12:00:00Z', rateCard: { tax_rate_pct: 8.875 } },
	);
	const ids = [];
	const bookTimes = [];
	for (let n = offset; n < offset + count; n++) {
		const { crew, start } = startOf(n);
		const caseId = `cs_bench${String(n).padStart(8, '0')}`;
		const t0 = now();
		const booking = await api.schedule(
			{
				operation: 'book',
				job: { service_type: 'standard_cleaning', estimated_hours: 2 },
				crew_id: crew,
				start,
				case_id: caseId,
			},
			{ store, now: '2027-02-01T12:00:00Z', calendar: CALENDAR },
		);
		bookTimes.push(now() - t0);
		if (!booking.booking_id) throw new Error(`visit ${n} not booked: ${booking.reason}`);
		const email = `customer${n % 700}@example.com`;
		await api.recordCaseStep(
			store,
			{
				case: { case_id: caseId },
				customer: { name: `Customer ${n % 700}`, email },
				quote,
				booking,
			},
			'answered',
			BY,
			Date.parse('2027-02-01T12:00:00Z'),
		);
		await api.schedule(
			{ operation: 'progress', booking_id: booking.booking_id, step: 'done' },
			{ store, now: new Date(Date.parse(start) + 2 * 3_600_000), calendar: CALENDAR },
		);
		ids.push(booking.booking_id);
	}
	return { ids, bookTimes, quote };
}

async function billAll(store, ids, concurrency) {
	const times = [];
	let next = 0;
	const t0 = now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < ids.length) {
				const id = ids[next++];
				const s = now();
				await api.invoiceVisit(
					store,
					{ booking_id: id, series: 'BENCH' },
					Date.parse('2027-04-01T12:00:00Z'),
				);
				times.push(now() - s);
			}
		}),
	);
	return { seconds: (now() - t0) / 1000, times };
}

function report(label, bill, bookTimes, concurrency) {
	const perSecond = bill.times.length / bill.seconds;
	const bookingsPerSecond = 1000 / median(bookTimes);
	console.log(
		`${label}: ${bill.times.length} invoices in ${bill.seconds.toFixed(2)} s = ${perSecond.toFixed(0)} invoices/s; per invoice median ${median(bill.times).toFixed(2)} ms, p95 ${p95(bill.times).toFixed(2)} ms. Baseline, booking a visit one at a time: median ${median(bookTimes).toFixed(2)} ms (${bookingsPerSecond.toFixed(0)}/s); invoices/s over bookings/s ${(perSecond / bookingsPerSecond).toFixed(2)}${concurrency > 1 ? ` (invoices ${concurrency} at a time)` : ''}`,
	);
}

async function checkGapless(store) {
	const rows = await store.read(
		"SELECT number FROM invoices WHERE series = 'BENCH' ORDER BY number",
	);
	rows.forEach((r, i) => {
		if (Number(r.number) !== i + 1) throw new Error(`gap or duplicate at ${i + 1}: ${r.number}`);
	});
	return rows.length;
}

async function main() {
	console.log(`npm run bench:billing: ${VISITS} visits done, billed (Node ${process.version})`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-bench-billing-'));
	try {
		const sqlite = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
		await sqlite.init();
		const s = await prepare(sqlite, VISITS);
		report('SQLite, one at a time', await billAll(sqlite, s.ids, 1), s.bookTimes, 1);
		console.log(`  numbers 1-${await checkGapless(sqlite)} without a gap`);
		await sqlite.close();

		const db = await createTestDatabase('bench_billing');
		try {
			const pg = new PostgresBookingStore(db.connection);
			await pg.init();
			const half = Math.floor(VISITS / 2);
			const a = await prepare(pg, half);
			report('PostgreSQL, one at a time', await billAll(pg, a.ids, 1), a.bookTimes, 1);
			const b = await prepare(pg, VISITS - half, half);
			report('PostgreSQL, eight at a time', await billAll(pg, b.ids, 8), b.bookTimes, 8);
			console.log(`  numbers 1-${await checkGapless(pg)} without a gap`);
			await pg.close();
		} finally {
			await db.drop();
		}

		// The PDF alone (what Bill a Visit attaches), for the same invoice.
		const invoice = {
			...(await (async () => {
				const store = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
				await store.init();
				const found = await api.getInvoice(store, 'BENCH-000001');
				await store.close();
				return found;
			})()),
		};
		const pdfTimes = [];
		for (let i = 0; i < 200; i++) {
			const t0 = now();
			await api.invoicePdf(invoice);
			pdfTimes.push(now() - t0);
		}
		console.log(
			`PDF: median ${median(pdfTimes).toFixed(2)} ms, p95 ${p95(pdfTimes).toFixed(2)} ms (${(1000 / median(pdfTimes)).toFixed(0)} a second on one core)`,
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
