'use strict';
/**
 * npm run bench:billing: how fast visits done are billed, on SQLite and PostgreSQL.
 *
 * A month of a busy business's visits (--visits, default 2,000), each with its case and agreed
 * quote recorded and marked done, then billed: one after another, and (PostgreSQL) eight at a
 * time, as several n8n workers would. Also the PDFs alone. The baseline, measured in the same
 * run on the same store: booking a visit (the store's own main write). Prints invoices a second,
 * the ratio to bookings a second, and the per-invoice median and p95.
 *
 * Then a month's billing run for --customers (default 1,000) weekly agreements, each with its
 * four visits of March done (a tenth with a credit their invoice uses first): Bill a Month of
 * Agreements for all of them, then, for the third
 * whose customers saved a card, List Charges Due and Record a Charge (Stripe's answers, a
 * decline in five, as the workflow gets them). Printed: the run's seconds, invoices a second
 * and its ratio to billing visits one by one (measured above in the same run), and the charges
 * a second.
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
const CUSTOMERS = Number(arg('customers', 1000));

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
const SECRET = 'bench-signing-secret-of-enough-length';
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

/** `count` weekly agreements signed in February, each with its four visits of March done. */
async function prepareAgreements(store, count) {
	const quote = await api.price(
		{ service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1, frequency: 'weekly' },
		{ now: '2027-02-01T12:00:00Z', rateCard: { tax_rate_pct: 8.875 } },
	);
	const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
	const series = [];
	for (let n = 0; n < count; n++) {
		const caseId = `cs_monthly${String(n).padStart(7, '0')}`;
		const customer = { name: `Customer ${n}`, email: `monthly${n}@example.com` };
		const weekday = days[n % 7];
		const booked = await api.schedule(
			{
				operation: 'bookSeries',
				job: { service_type: 'standard_cleaning', estimated_hours: 2 },
				customer,
				case_id: caseId,
				series: {
					frequency: 'weekly',
					weekday,
					time: `${String(Math.floor(n / 7) % 24).padStart(2, '0')}:00`,
					start_date: `2027-03-0${1 + (n % 7)}`,
					count: 4,
				},
			},
			{ store, now: '2027-02-20T12:00:00Z', calendar: CALENDAR },
		);
		if (booked.occurrences?.length !== 4)
			throw new Error(`series ${n}: ${JSON.stringify(booked).slice(0, 300)}`);
		await api.recordCaseStep(
			store,
			{ case: { case_id: caseId }, customer, quote, booking: booked },
			'answered',
			BY,
			Date.parse('2027-02-20T12:00:00Z'),
		);
		const { contract } = await api.generateContract(
			{
				customer,
				business: { name: 'Bench Clean' },
				quote,
				booking: {
					series_id: booked.series_id,
					start: booked.occurrences[0].start,
					time_zone: ZONE,
				},
			},
			{ store, signingSecret: SECRET, now: '2027-02-20T12:00:00Z' },
		);
		await api.recordSignature(
			{ token: contract.signing_token, name: customer.name },
			{ store, signingSecret: SECRET, now: '2027-02-20T13:00:00Z' },
		);
		for (const visit of booked.occurrences)
			await api.schedule(
				{ operation: 'progress', booking_id: visit.booking_id, step: 'done' },
				{ store, now: new Date(Date.parse(visit.start) + 2 * 3_600_000), calendar: CALENDAR },
			);
		series.push({ series_id: booked.series_id, contract_id: contract.contract_id });
	}
	return series;
}

/** The month's run: bill every agreement, then charge the saved cards (Stripe's answers as the workflow records them). */
async function monthlyRun(label, store, count, perVisitInvoicesPerSecond) {
	const series = await prepareAgreements(store, count);
	// A third saved a card (Stripe's setup_intent.succeeded, as the Payments workflow applies it).
	const withCard = series.filter((_, n) => n % 3 === 0);
	for (const [n, s] of withCard.entries())
		await api.applyStripeEvent(
			store,
			{
				id: `evt_card_${n}`,
				type: 'setup_intent.succeeded',
				data: {
					object: {
						id: `seti_${n}`,
						customer: `cus_${n}`,
						payment_method: `pm_${n}`,
						metadata: { series_id: s.series_id, contract_id: s.contract_id },
					},
				},
			},
			Date.parse('2027-03-31T12:00:00Z'),
		);
	// A tenth have a $20 credit (goodwill from ops), which their month's invoice uses first.
	const withCredit = [];
	for (const [n] of series.entries())
		if (n % 10 === 5) {
			const [kase] = await store.read('SELECT customer_id FROM cases WHERE id = $1', [
				`cs_monthly${String(n).padStart(7, '0')}`,
			]);
			await api.giveCredit(
				store,
				{
					customer_id: kase.customer_id,
					amount_cents: 2000,
					reason: 'Goodwill',
					source: `bench-${n}`,
				},
				Date.parse('2027-03-31T12:00:00Z'),
			);
			withCredit.push(kase.customer_id);
		}
	const runAt = Date.parse('2027-04-01T10:00:00Z');
	const t0 = now();
	const run = await api.billMonth(store, { time_zone: ZONE, series: 'MONTH' }, runAt);
	const billSeconds = (now() - t0) / 1000;
	if (run.invoices.length !== count)
		throw new Error(`${run.invoices.length} invoices for ${count} agreements`);
	const credited = run.invoices.filter((i) => i.invoice.paid_cents === 2000).length;
	if (credited !== withCredit.length)
		throw new Error(`${credited} invoices used a credit, ${withCredit.length} customers had one`);
	const perSecond = count / billSeconds;
	console.log(
		`${label}: a month's billing run for ${count} weekly agreements (4 visits each): ${billSeconds.toFixed(2)} s = ${perSecond.toFixed(0)} month invoices/s; over billing visits one by one (same run) ${(perSecond / perVisitInvoicesPerSecond).toFixed(2)}`,
	);
	const t1 = now();
	const due = await api.chargesDue(store, runAt, 5000);
	const listed = now() - t1;
	const t2 = now();
	for (const [n, d] of due.entries())
		await api.recordCharge(
			store,
			{
				invoice_id: d.invoice.invoice_id,
				attempt: d.charge.attempt,
				...(n % 5 === 4
					? {
							status_code: 402,
							response: {
								error: {
									type: 'card_error',
									code: 'card_declined',
									payment_intent: { id: `pi_d${n}` },
								},
							},
						}
					: {
							status_code: 200,
							response: {
								id: `pi_${n}`,
								status: 'succeeded',
								amount: d.charge.amount_cents,
								amount_received: d.charge.amount_cents,
							},
						}),
			},
			runAt + 60_000,
		);
	const recordSeconds = (now() - t2) / 1000;
	console.log(
		`  charges: ${due.length} listed in ${listed.toFixed(0)} ms; ${due.length} answers recorded in ${recordSeconds.toFixed(2)} s = ${(due.length / recordSeconds).toFixed(0)}/s (a fifth declined, retried on the dunning schedule)`,
	);
}

async function main() {
	console.log(`npm run bench:billing: ${VISITS} visits done, billed (Node ${process.version})`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-bench-billing-'));
	try {
		const sqlite = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
		await sqlite.init();
		const s = await prepare(sqlite, VISITS);
		const sqliteBill = await billAll(sqlite, s.ids, 1);
		report('SQLite, one at a time', sqliteBill, s.bookTimes, 1);
		console.log(`  numbers 1-${await checkGapless(sqlite)} without a gap`);
		await monthlyRun('SQLite', sqlite, CUSTOMERS, sqliteBill.times.length / sqliteBill.seconds);
		await sqlite.close();

		const db = await createTestDatabase('bench_billing');
		try {
			const pg = new PostgresBookingStore(db.connection);
			await pg.init();
			const half = Math.floor(VISITS / 2);
			const a = await prepare(pg, half);
			const pgBill = await billAll(pg, a.ids, 1);
			report('PostgreSQL, one at a time', pgBill, a.bookTimes, 1);
			const b = await prepare(pg, VISITS - half, half);
			report('PostgreSQL, eight at a time', await billAll(pg, b.ids, 8), b.bookTimes, 8);
			console.log(`  numbers 1-${await checkGapless(pg)} without a gap`);
			await monthlyRun('PostgreSQL', pg, CUSTOMERS, pgBill.times.length / pgBill.seconds);
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
