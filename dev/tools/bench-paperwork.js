'use strict';
// npm run bench (part): messages composed per second and contracts generated per second (with PDF).
const { DateTime } = require('luxon');

const api = require('../../index.js');

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(log = console.log) {
	const base = {
		kind: 'booking_confirmation',
		customer: {
			name: 'Dana Lee',
			email: 'dana@example.com',
			phone: '(212) 736-5000',
			address: '12 Oak St, Springfield',
		},
		business: { name: 'Bright Clean', email: 'ops@brightclean.example', phone: '+1 212 736 5001' },
		booking: {
			booking_id: 'bk_1',
			start: '2026-11-30T09:00:00-05:00',
			end: '2026-11-30T12:00:00-05:00',
			time_zone: 'America/New_York',
			crew_name: 'Crew A',
		},
		quote: { total_cents: 16490, currency: 'USD' },
		service: 'standard_cleaning',
	};
	const kinds = api.MESSAGE_KINDS;
	const extras = {
		links: {
			reply_url: 'https://e.example/q',
			signing_url: 'https://e.example/s',
			review_url: 'https://e.example/r',
			link_expires: '2026-12-05T00:00:00Z',
		},
		safety_instructions: ['Shut off the main water valve.'],
		crew_contact: { phone: '+12127365002' },
		renewal_date: '2027-01-01',
	};
	for (let i = 0; i < 200; i++)
		api.compose(
			{ ...base, ...extras, kind: kinds[i % kinds.length] },
			{ now: '2026-11-25T12:00:00Z' },
		);
	const n = 5000;
	let t = process.hrtime.bigint();
	for (let i = 0; i < n; i++)
		api.compose(
			{
				...base,
				...extras,
				kind: kinds[i % kinds.length],
				customer: { ...base.customer, name: `Customer ${i}` },
			},
			{ now: '2026-11-25T12:00:00Z' },
		);
	const composeMs = ms(t);
	t = process.hrtime.bigint();
	for (let i = 0; i < n; i++)
		api.compose(
			{ ...base, ...extras, kind: kinds[i % kinds.length] },
			{ now: '2026-11-25T12:00:00Z', channels: { calendar: false } },
		);
	const noIcsMs = ms(t);
	log(
		`\nPaperwork: ${n} messages over the 8 kinds (e-mail, SMS, invite where the kind has one, plan)`,
	);
	log(
		`messages composed per second           ${Math.round((n / composeMs) * 1000).toLocaleString('en-US')}/s (${Math.round((n / noIcsMs) * 1000).toLocaleString('en-US')}/s without calendar invites)`,
	);

	// A year's welcome: a weekly series whose invite leaves out two visits and moves three (EXDATE and RECURRENCE-ID).
	const first = Date.parse('2027-01-04T14:00:00Z');
	const week = 7 * 86_400_000;
	const occurrences = [];
	for (let k = 0; k < 52; k++) {
		if (k === 10 || k === 30) continue;
		const moved = [5, 20, 40].includes(k) ? 90 : 0;
		const start = new Date(first + k * week + moved * 60_000);
		occurrences.push({
			start: start.toISOString(),
			end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
			moved_minutes: moved,
		});
	}
	const series = {
		...base,
		booking: {
			series_id: 'sr_bench',
			rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=52',
			series_start: '2027-01-04T09:00:00-05:00',
			start: occurrences[0].start,
			end: occurrences[0].end,
			time_zone: 'America/New_York',
			occurrences,
			conflicts: [{ wanted_start: new Date(first + 10 * week).toISOString() }],
			skipped: [{ wanted_start: new Date(first + 30 * week).toISOString() }],
		},
	};
	for (let i = 0; i < 50; i++) api.compose(series, { now: '2026-11-25T12:00:00Z' });
	const s = 1000;
	t = process.hrtime.bigint();
	for (let i = 0; i < s; i++) api.compose(series, { now: '2026-11-25T12:00:00Z' });
	const seriesMs = ms(t) / s;
	t = process.hrtime.bigint();
	for (let i = 0; i < s; i++)
		api.compose(series, { now: '2026-11-25T12:00:00Z', channels: { calendar: false } });
	log(
		`a year's welcome with its invite       ${seriesMs.toFixed(2)} ms each (52 weekly visits: 2 left out, 3 moved; ${(ms(t) / s).toFixed(2)} ms without the invite)`,
	);

	// One Visit Reminders run: what is due for each listed visit (36 h ahead, 120 h back), a mix of
	// one-offs and series visits booked at various times; against the plan alone for the same visits.
	const runAt = DateTime.fromISO('2026-11-25T14:00:00-05:00', { setZone: true });
	const listed = [];
	for (let k = 0; k < 2000; k++) {
		const start = runAt.plus({ minutes: -120 * 60 + ((k * 97) % (156 * 4)) * 15 });
		listed.push({
			booking_id: `bk_${k}`,
			series_id: k % 3 === 0 ? `sr_${k % 50}` : null,
			status: 'confirmed',
			start: start.toISO(),
			end: start.plus({ hours: 3 }).toISO(),
			time_zone: 'America/New_York',
			created_at: start.minus({ hours: 6 + (k % 72) }).toISO(),
			first_of_series: k % 9 === 0,
		});
	}
	for (const v of listed) api.dueFollowUp(v, runAt);
	t = process.hrtime.bigint();
	let due = 0;
	for (const v of listed) if (api.dueFollowUp(v, runAt)) due++;
	const dueMs = ms(t);
	t = process.hrtime.bigint();
	for (const v of listed)
		api.followUpPlan(
			v.start,
			v.end,
			v.time_zone,
			DateTime.fromISO(v.created_at, { setZone: true }),
		);
	const planMs = ms(t);
	log(
		`follow-ups due, one reminders run      ${dueMs.toFixed(1)} ms for ${listed.length} listed visits (${((dueMs / listed.length) * 1000).toFixed(0)} µs each, ${due} due before Remove Duplicates; the plan alone ${planMs.toFixed(1)} ms, x${(dueMs / planMs).toFixed(2)})`,
	);

	const store = new api.SqliteBookingStore(':memory:');
	await store.init();
	const quote = api.priceSync(
		{ service_type: 'commercial_cleaning', square_feet: 7200, frequency: 'weekly' },
		{ now: '2026-11-25T12:00:00Z' },
	);
	const input = {
		customer: { name: 'Dana Lee', address: '1 Main St' },
		business: { name: 'Bright Clean' },
		quote,
		booking: {
			series_id: 'sr_1',
			start: '2026-12-07T09:00:00-05:00',
			time_zone: 'America/New_York',
		},
		signingBaseUrl: 'http://localhost/w/1',
	};
	const options = {
		store,
		signingSecret: 'bench-signing-secret-0123456789',
		now: '2026-11-25T12:00:00Z',
	};
	for (let i = 0; i < 20; i++) await api.generateContract(input, options);
	const c = 300;
	t = process.hrtime.bigint();
	let bytes = 0;
	for (let i = 0; i < c; i++)
		bytes += (
			await api.generateContract(
				{ ...input, customer: { ...input.customer, name: `Customer ${i}` } },
				options,
			)
		).pdf.length;
	const contractMs = ms(t);
	log(
		`contracts generated per second         ${Math.round((c / contractMs) * 1000).toLocaleString('en-US')}/s (HTML, SHA-256, PDF of ~${Math.round(bytes / c / 1024)} KB, stored in SQLite)`,
	);
	await store.close();
}

module.exports = { main };
if (require.main === module)
	main().catch((error) => {
		console.error(`bench: ${error.message}`);
		process.exit(1);
	});
