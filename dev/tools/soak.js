'use strict';
/**
 * npm run soak: a long day in a real n8n, on loopback only. The four booking flows (emergency,
 * simple booking, commercial sales to its quote, recurring service) are posted at a steady rate
 * in a fixed mix for --minutes, with every template running (the Outbox sends every message,
 * the reminders and crew pages run on their schedules). Every --window minutes it prints the
 * requests answered, the errors, the median and p95 latency, n8n's memory (resident set) and
 * the store's size (file, bookings, cases, outbox); at the end, the trend of each from the
 * first window to the last (least squares, per hour). Not part of npm test.
 *
 * n8n's own Prometheus metrics (N8N_METRICS) give its JavaScript heap beside the resident set,
 * so a rise can be told apart: live objects (a leak) or memory V8 keeps without needing it.
 *
 * Options: --minutes N (default 30)   --window N (minutes per report, default 5)
 *          --rate R (requests a second, default 1)   --concurrency N (at most in flight, default 8)
 *          --heap-mb N (n8n's heap limit, --max-old-space-size; default: Node's own)
 *          --sample-heap (V8's sampling heap profiler over the inspector, from the end of the first
 *          window to the end: the objects still alive, by the package and function that allocated
 *          them; the profile is written to test-results/ for Chrome DevTools' Memory tab)
 *          --flows emergency,booking (only these flows, in their shares of the mix: emergency,
 *          booking, commercial, recurring; the last two leave an execution waiting for a reply)
 *          --waits-minutes N (every wait for a person (a reply, a signature, a deposit, a time) ends
 *          after N minutes instead of hours or days, so the waiting executions reach a steady number
 *          within the run and the heap can be read at steady state)
 *          --snapshots (two heap snapshots over the inspector, at the end of the first window and at
 *          the end: the objects allocated in between and still alive, grouped by the older object
 *          they hang from, with its path from the roots; the snapshots are removed afterwards)
 * Exit code 1 when a request failed or was answered with an error.
 */
const fs = require('node:fs');
const path = require('node:path');

const { startBookingEnv } = require('../booking-env');
const { connect, freePort, startSampling } = require('./heap-sampler');
const { growthSince, highestId, takeSnapshot } = require('./heap-snapshot');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MINUTES = arg('minutes', 30);
const WINDOW_MINUTES = arg('window', 5);
const RATE = arg('rate', 1);
const CONCURRENCY = arg('concurrency', 8);
const HEAP_MB = arg('heap-mb', null);
const WAITS_MINUTES = arg('waits-minutes', null);
const SAMPLE_HEAP = process.argv.includes('--sample-heap');
const SNAPSHOTS = process.argv.includes('--snapshots');
const FLOW_KEYS = (() => {
	const i = process.argv.indexOf('--flows');
	return i > 0 ? process.argv[i + 1].split(',').map((k) => k.trim()) : null;
})();

/** The mix: what a cleaning and restoration business gets in a day, each answer's expected status. */
const FLOWS = [
	{
		key: 'emergency',
		share: 0.15,
		path: 'emergency',
		ok: ['dispatched', 'dispatcher_will_call'],
		body: (i) => ({
			message: 'Pipe burst in the kitchen, water everywhere!',
			channel: 'sms',
			customer: { name: `Soak ${i}`, phone: phone(i), address: `${i} Soak St` },
		}),
	},
	{
		key: 'simple booking',
		share: 0.55,
		path: 'booking',
		ok: ['booked', 'handed_to_person'],
		body: (i) => ({
			message: ['Please clean our 3 bedroom, 2 bath house', 'Deep clean, 2 bed 1 bath apartment'][
				i % 2
			],
			customer: {
				name: `Soak ${i}`,
				email: `soak${i}@example.com`,
				phone: phone(i),
				address: `${i} Soak St`,
			},
			preference: ['next Tuesday morning', 'Friday', 'any weekday afternoon'][i % 3],
			request_id: `soak-${i}`,
		}),
	},
	{
		key: 'commercial sales',
		share: 0.15,
		path: 'commercial-inquiry',
		ok: ['quote_sent', 'handed_to_person'],
		body: (i) => ({
			message:
				'We need our 12,000 sq ft office cleaned every week. I am the facilities manager and decide.',
			customer: { name: `Soak ${i}`, email: `soak${i}@acme.example`, address: `${i} Office Park` },
		}),
	},
	{
		key: 'recurring service',
		share: 0.15,
		path: 'recurring',
		ok: ['series_booked', 'handed_to_person'],
		body: (i) => ({
			message: 'Weekly cleaning for our 3 bed 2 bath house please',
			customer: {
				name: `Soak ${i}`,
				email: `soak${i}@example.com`,
				phone: phone(i),
				address: `${i} Soak Rd`,
			},
			weekday: ['mon', 'tue', 'wed', 'thu', 'fri'][i % 5],
			time: `${String(8 + (Math.floor(i / 5) % 9)).padStart(2, '0')}:00`,
		}),
	},
];

function phone(i) {
	return `+1 212 555 ${String(1000 + (i % 9000))}`;
}

/** The flows posted: all, or those --flows names (by the first word of their key). */
const MIX = FLOW_KEYS ? FLOWS.filter((f) => FLOW_KEYS.includes(f.key.split(' ')[0])) : FLOWS;
if (!MIX.length) throw new Error(`--flows: name some of ${FLOWS.map((f) => f.key.split(' ')[0])}`);
const MIX_SHARES = MIX.reduce((sum, f) => sum + f.share, 0);

/** The flow of request i: the same sequence every run (the mix's shares over each 20 requests). */
function flowOf(i) {
	const slot = ((i % 20) / 20) * MIX_SHARES;
	let acc = 0;
	for (const flow of MIX) {
		acc += flow.share;
		if (slot < acc) return flow;
	}
	return MIX[MIX.length - 1];
}

/** Every Wait step with a time limit ends after WAITS_MINUTES (the templates' limits are hours to days). */
function shortenWaits(file, workflow) {
	for (const node of workflow.nodes)
		if (node.type === 'n8n-nodes-base.wait' && node.parameters?.limitWaitTime)
			Object.assign(node.parameters, {
				limitType: 'afterTimeInterval',
				resumeAmount: WAITS_MINUTES,
				resumeUnit: 'minutes',
			});
}

/** Executions n8n holds as waiting (for a reply, a signature, a payment), from its own database. */
function waitingExecutions(userFolder) {
	const { DatabaseSync } = require('node:sqlite');
	const db = new DatabaseSync(path.join(userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		return Number(
			db.prepare(`SELECT COUNT(*) AS n FROM execution_entity WHERE status = 'waiting'`).get().n,
		);
	} catch {
		return null;
	} finally {
		db.close();
	}
}

/** Enough crews that the calendar does not fill in the run (a full calendar is not what is measured). */
function crewRows(total) {
	const rows = (count, onCall) =>
		Array.from({ length: count }, (_, i) => ({
			crew_id: `${onCall ? 'on-call' : 'crew'}-${i}`,
			name: `${onCall ? 'On-call crew' : 'Crew'} ${i}`,
			skills: 'cleaning, restoration',
			on_call: onCall,
			active: true,
		}));
	return [...rows(Math.ceil(total * 0.2) + 20, false), ...rows(Math.ceil(total * 0.2) + 20, true)];
}

const quantile = (sorted, q) =>
	sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;

/** n8n's JavaScript heap (used, total) and memory held outside it (buffers), in MB, from its /metrics. */
async function heapMb(baseUrl) {
	try {
		const text = await (await fetch(new URL('metrics', baseUrl))).text();
		const metric = (name) =>
			Number(new RegExp(`^n8n_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
		return {
			used: Math.round(metric('nodejs_heap_size_used_bytes')),
			total: Math.round(metric('nodejs_heap_size_total_bytes')),
			external: Math.round(metric('nodejs_external_memory_bytes')),
		};
	} catch {
		return { used: null, total: null, external: null };
	}
}

function rssMb(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
	} catch {
		return null;
	}
}

/** Slope per hour of y over x (minutes), least squares. */
function slopePerHour(points) {
	const n = points.length;
	if (n < 2) return null;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
	return sxx ? (sxy / sxx) * 60 : null;
}

async function main() {
	const total = Math.ceil(MINUTES * 60 * RATE);
	console.log(
		`Soak: ${MINUTES} min at ${RATE} request(s)/s (${total} requests), at most ${CONCURRENCY} in flight; a report every ${WINDOW_MINUTES} min; flows: ${MIX.map((f) => f.key).join(', ')}${WAITS_MINUTES ? `; waits end after ${WAITS_MINUTES} min` : ''}.`,
	);
	const inspectPort = SAMPLE_HEAP || SNAPSHOTS ? await freePort() : null;
	const resultsDir = path.join(__dirname, '..', '..', 'test-results');
	let firstSnapshotId = null;
	// One inspector session for both snapshots: V8 forgets its object ids when the last session closes.
	let snapshotInspector = null;
	let waitingAtFirstSnapshot = null;
	const nodeOptions = [
		...(HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : []),
		...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
	];
	const env = await startBookingEnv({
		parseMail: false,
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		tableRows: { crews: crewRows(total) },
		customize: WAITS_MINUTES ? shortenWaits : undefined,
		env: {
			N8N_METRICS: 'true',
			...(nodeOptions.length ? { NODE_OPTIONS: nodeOptions.join(' ') } : {}),
		},
	});
	let heapSampling = null;
	const storeFile = path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite');
	const { SqliteBookingStore } = require(
		path.join(__dirname, '..', '..', 'dist', 'nodes', 'api.js'),
	);
	const store = new SqliteBookingStore(storeFile);
	await store.init();
	let failures = 0;
	let sampler;
	// Stopped early (Ctrl-C, a kill): n8n, the fakes and their folders go with it.
	for (const signal of ['SIGINT', 'SIGTERM'])
		process.once(signal, () => {
			console.log(`\n${signal}: stopping n8n and the fakes.`);
			clearInterval(sampler);
			Promise.resolve(store.close())
				.catch(() => undefined)
				.then(() => env.stop())
				.finally(() => process.exit(130));
		});
	try {
		for (const flow of FLOWS) await env.n8n.waitForWebhook(flow.path, { probeBody: {} });
		const started = Date.now();
		const windowMs = WINDOW_MINUTES * 60_000;
		/** One entry per window: latencies, answered, errors, first error. */
		const windows = [];
		const windowOf = (ms) => {
			const k = Math.floor((ms - started) / windowMs);
			windows[k] ??= { latencies: [], answered: 0, errors: 0, firstError: null, byFlow: {} };
			return windows[k];
		};
		// n8n's heap every 10 s: the least used in a window is about what survives a collection
		// (live objects), the trend to read for a leak; one reading at the window's end is mostly garbage.
		const heapSamples = [];
		sampler = setInterval(() => {
			const at = Date.now();
			heapMb(env.n8n.baseUrl).then((heap) => heap.used && heapSamples.push([at, heap.used]));
		}, 10_000);
		const leastHeapIn = (k) => {
			const inWindow = heapSamples
				.filter(([at]) => Math.floor((at - started) / windowMs) === k)
				.map(([, used]) => used);
			return inWindow.length ? Math.min(...inWindow) : null;
		};
		const reports = [];
		const report = async (k) => {
			const w = windows[k] ?? { latencies: [], answered: 0, errors: 0, byFlow: {} };
			const sorted = [...w.latencies].sort((a, b) => a - b);
			const [counts] = await store.read(
				`SELECT (SELECT COUNT(*) FROM bookings) AS bookings, (SELECT COUNT(*) FROM cases) AS cases,
				 (SELECT COUNT(*) FROM outbox) AS messages, (SELECT COUNT(*) FROM outbox WHERE status <> 'sent') AS unsent`,
			);
			const bytes = ['', '-wal']
				.map((suffix) => fs.statSync(storeFile + suffix, { throwIfNoEntry: false })?.size ?? 0)
				.reduce((a, b) => a + b, 0);
			const row = {
				window: `${k * WINDOW_MINUTES}-${(k + 1) * WINDOW_MINUTES} min`,
				answered: w.answered,
				errors: w.errors,
				median_ms: quantile(sorted, 0.5),
				p95_ms: quantile(sorted, 0.95),
				n8n_rss_mb: Math.round(rssMb(env.n8n.child.pid) ?? 0),
				...(await heapMb(env.n8n.baseUrl).then((heap) => ({
					n8n_heap_live_mb: leastHeapIn(k),
					n8n_heap_total_mb: heap.total,
					n8n_external_mb: heap.external,
				}))),
				n8n_waiting: waitingExecutions(env.n8n.userFolder),
				store_mb: Math.round((bytes / 1048576) * 10) / 10,
				bookings: Number(counts.bookings),
				cases: Number(counts.cases),
				messages: Number(counts.messages),
				unsent: Number(counts.unsent),
			};
			reports.push(row);
			console.log(
				`${row.window.padEnd(12)} answered ${String(row.answered).padStart(5)}  errors ${row.errors}  median ${row.median_ms} ms  p95 ${row.p95_ms} ms  n8n ${row.n8n_rss_mb} MB (heap: live ${row.n8n_heap_live_mb}, reserved ${row.n8n_heap_total_mb} MB; external ${row.n8n_external_mb} MB; ${row.n8n_waiting} executions waiting)  store ${row.store_mb} MB (${row.bookings} bookings, ${row.cases} cases, ${row.messages} messages, ${row.unsent} not yet sent)`,
			);
			if (w.firstError) console.log(`  first error: ${w.firstError}`);
		};

		let inFlight = 0;
		let nextReport = 0;
		const pending = new Set();
		for (let i = 0; i < total; i++) {
			// A steady rate: request i leaves at i / RATE seconds (later if CONCURRENCY are in flight).
			const due = started + (i / RATE) * 1000;
			while (Date.now() < due || inFlight >= CONCURRENCY)
				await new Promise((resolve) =>
					setTimeout(resolve, Math.max(5, Math.min(50, due - Date.now()))),
				);
			while (Date.now() - started >= (nextReport + 1) * windowMs) {
				await report(nextReport++);
				// After the first window (warmed up): what is allocated from here on and still alive at the end.
				if (SAMPLE_HEAP && !heapSampling) {
					heapSampling = await startSampling(inspectPort);
					console.log('  heap sampling started');
				}
				if (SNAPSHOTS && firstSnapshotId === null) {
					waitingAtFirstSnapshot = waitingExecutions(env.n8n.userFolder);
					snapshotInspector = await connect(inspectPort);
					firstSnapshotId = await snapshotHighestId(snapshotInspector, resultsDir);
					console.log(`  first heap snapshot taken (objects up to id ${firstSnapshotId})`);
				}
			}
			const flow = flowOf(i);
			const sentAt = Date.now();
			inFlight++;
			const request = env
				.post(flow.path, flow.body(i))
				.then((response) => {
					const w = windowOf(sentAt);
					w.latencies.push(Date.now() - sentAt);
					const status = response.body?.status;
					if (response.status === 200 && flow.ok.includes(status)) w.answered++;
					else {
						w.errors++;
						failures++;
						w.firstError ??= `${flow.key}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
					}
				})
				.catch((error) => {
					const w = windowOf(sentAt);
					w.errors++;
					failures++;
					w.firstError ??= `${flow.key}: ${error.message}`;
				})
				.finally(() => {
					inFlight--;
					pending.delete(request);
				});
			pending.add(request);
		}
		await Promise.all(pending);
		// The last window (and one more minute, for the Outbox's schedule to finish).
		await new Promise((resolve) => setTimeout(resolve, 60_000));
		while (nextReport < windows.length) await report(nextReport++);

		const full = reports.filter((r) => r.answered + r.errors > 0);
		const trend = (key) =>
			slopePerHour(full.map((r, k) => [k * WINDOW_MINUTES + WINDOW_MINUTES / 2, r[key]]));
		console.log('\nTrend per hour (least squares over the windows):');
		for (const key of [
			'p95_ms',
			'median_ms',
			'n8n_rss_mb',
			'n8n_heap_live_mb',
			'n8n_heap_total_mb',
			'n8n_waiting',
		])
			console.log(`  ${key.padEnd(18)} ${trend(key)?.toFixed(1) ?? 'n/a'}`);
		const answered = full.reduce((n, r) => n + r.answered, 0);
		console.log(
			`\n${answered} answered, ${failures} errors in ${((Date.now() - started) / 60_000).toFixed(1)} min; store ${full.at(-1)?.store_mb} MB, ${full.at(-1)?.unsent} message(s) not sent.`,
		);
		if (full.at(-1)?.unsent) failures++;
		if (firstSnapshotId !== null)
			await reportGrowth(snapshotInspector, resultsDir, firstSnapshotId, {
				waitingBefore: waitingAtFirstSnapshot,
				waitingAfter: waitingExecutions(env.n8n.userFolder),
			});
		if (heapSampling) {
			fs.mkdirSync(resultsDir, { recursive: true });
			const file = path.join(
				resultsDir,
				`soak-heap-${new Date().toISOString().replace(/[:.]/g, '-')}.heapprofile`,
			);
			const alive = await heapSampling.stop(file);
			console.log(
				`\nStill alive at the end of what was allocated after the first window (sampled): ${alive.total_mb.toFixed(1)} MB; the profile: ${file}`,
			);
			console.log('By the package whose code allocated it:');
			for (const p of alive.packages) console.log(`  ${p.mb.toFixed(1).padStart(7)} MB  ${p.name}`);
			console.log('By allocating function:');
			for (const f of alive.functions)
				console.log(`  ${f.mb.toFixed(1).padStart(7)} MB  ${f.name}`);
		}
	} finally {
		clearInterval(sampler);
		snapshotInspector?.close();
		await store.close();
		await env.stop();
	}
	process.exit(failures ? 1 : 0);
}

/** A heap snapshot of n8n now; only its highest object id is kept (the file is removed). */
async function snapshotHighestId(inspector, dir) {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `soak-first-${process.pid}.heapsnapshot`);
	try {
		await takeSnapshot(inspector, file);
		return highestId(file);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** The second snapshot: what was allocated since the first and is still alive, by where it hangs. */
async function reportGrowth(inspector, dir, sinceId, { waitingBefore, waitingAfter }) {
	const file = path.join(dir, `soak-last-${process.pid}.heapsnapshot`);
	try {
		await inspector.send('HeapProfiler.collectGarbage');
		await takeSnapshot(inspector, file);
	} finally {
		inspector.close();
	}
	try {
		const growth = growthSince(file, sinceId);
		console.log(
			`\nAllocated after the first window and still alive (heap snapshots): ${growth.new_mb.toFixed(1)} MB in ${growth.new_objects} objects. Where it hangs:`,
		);
		for (const group of growth.groups) {
			console.log(
				`  ${group.mb.toFixed(1).padStart(7)} MB  ${String(group.objects).padStart(8)} objects under ${group.anchor}  (${group.edges.join(', ')})`,
			);
			console.log(`      path: ${group.path.join(' ')}`);
		}
		// n8n keeps an execution that ends waiting in its ActiveExecutions until it resumes.
		const held = growth.groups
			.filter((g) => g.path.join(' ').includes('ActiveExecutions .activeExecutions'))
			.reduce((mb, g) => mb + g.mb, 0);
		const more = waitingAfter - waitingBefore;
		console.log(
			`\nExecutions waiting: ${waitingBefore} at the first snapshot, ${waitingAfter} at the second. Under n8n's ActiveExecutions: ${held.toFixed(1)} MB (${((held / growth.new_mb) * 100 || 0).toFixed(0)}% of what stayed alive)${more > 0 ? `, ${((held * 1024) / more).toFixed(0)} KB per execution that began waiting` : ''}; the rest: ${(growth.new_mb - held).toFixed(1)} MB.`,
		);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
