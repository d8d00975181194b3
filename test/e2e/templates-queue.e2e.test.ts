/**
 * The templates in n8n's queue mode, the way a business scales n8n: the main
 * process takes the webhooks and puts each execution on the Redis queue, two
 * `n8n worker` processes run them, n8n's own database is PostgreSQL, and every
 * agent keeps its bookings and contracts in the PostgreSQL booking store (the
 * Booking Store PostgreSQL credential). Checked here:
 * - the commercial flow's Wait steps (quote reply, signature) resumed through
 *   the main process and carried on by a worker;
 * - a year of weekly visits booked by a worker into the PostgreSQL store;
 * - 30 emergencies and 30 simple bookings at once, spread over both workers:
 *   every request answered (every booking booked), no crew with two overlapping jobs;
 * - with one worker stopped, the other takes the work;
 * - a worker killed (SIGKILL) in the middle of a burst: what n8n answers the requests it held,
 *   and each asked again books once, with its case and one confirmation;
 * - Redis restarted (n8n reaches it through a proxy on loopback that cuts its connections, and
 *   its keys are deleted, as a Redis that keeps nothing on disk loses them): measured, and
 *   bookings are taken again once it is back.
 */
import fs from 'node:fs';

import { strandedBookings } from '../../nodes/shared/records/stranded';
import { PostgresBookingStore } from '../../nodes/shared/store';
import { startTcpProxy } from '../../dev/fakes/tcp-proxy';
import { dropRedisPrefix } from '../../dev/n8n/queue';
import { startBookingEnv } from '../../dev/booking-env';
import { postToResumeUrl } from '../../dev/n8n';
import { createTestDatabase } from '../../dev/postgres';

jest.setTimeout(420_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: PostgresBookingStore;
/** n8n reaches Redis through it, so that the last test can take Redis away. */
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
const redisBefore = process.env.BOOKING_AGENTS_TEST_REDIS;

/** A setting of n8n's main process (from its environment). */
const mainEnv = (name: string) =>
	fs
		.readFileSync(`/proc/${env.n8n.child.pid}/environ`, 'utf8')
		.split('\0')
		.find((line) => line.startsWith(`${name}=`))
		?.slice(name.length + 1) ?? '';

beforeAll(async () => {
	const redis = new URL(redisBefore || 'redis://127.0.0.1:6379');
	redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
	process.env.BOOKING_AGENTS_TEST_REDIS = `redis://127.0.0.1:${redisProxy.port}`;
	database = await createTestDatabase('booking_agents_queue_store');
	env = await startBookingEnv({
		queue: { workers: 2 },
		postgresStore: database.connection,
		only: [
			'support-error-escalation.json',
			'support-human-queue.json',
			'support-agreement-signing.json',
			'support-customer-links.json',
			'booking-simple.json',
			'booking-emergency.json',
			'booking-commercial-sales.json',
			'booking-recurring-service.json',
		],
		// The Outbox's check for stranded bookings every 5 s, for visits a minute old (as shipped:
		// every 5 minutes, 15 minutes): every flow of this file runs under it, so none may be handed over but those a killed worker left.
		customize(file, workflow) {
			if (file !== 'support-outbox.json') return;
			for (const node of workflow.nodes as Array<{
				name: string;
				parameters: Record<string, unknown>;
			}>) {
				if (node.name === 'Every 5 Minutes')
					node.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } };
				if (node.name === 'Find Stranded Bookings') node.parameters.olderThanMinutes = 1;
			}
		},
	});
	for (const p of ['booking', 'emergency', 'commercial-inquiry', 'recurring'])
		await env.n8n.waitForWebhook(p, { probeBody: {} });
	store = new PostgresBookingStore(database.connection);
});

afterAll(async () => {
	await redisProxy?.up();
	await store?.close();
	await env?.stop();
	await database?.drop();
	await redisProxy?.stop();
	if (redisBefore === undefined) delete process.env.BOOKING_AGENTS_TEST_REDIS;
	else process.env.BOOKING_AGENTS_TEST_REDIS = redisBefore;
});

/** How many executions each worker has started, from its log. */
const startedByWorker = () =>
	env.n8n.workerLogs().map((log: string) => (log.match(/Worker started execution/g) ?? []).length);

it('every agent of the templates keeps its records in the PostgreSQL store (the Booking Store credential)', () => {
	const storeNodes = Object.values(env.workflows).flatMap(
		(w: {
			workflow: {
				nodes: Array<{
					type: string;
					name: string;
					parameters: { store?: string };
					credentials?: Record<string, unknown>;
				}>;
			};
		}) =>
			w.workflow.nodes.filter((n) =>
				/schedulingAgent|contractAgent|confirmationAgent/.test(n.type),
			),
	);
	expect(storeNodes.length).toBeGreaterThan(10);
	for (const node of storeNodes)
		expect({
			node: node.name,
			store: node.parameters.store,
			credential: Boolean(node.credentials?.bookingStorePostgres),
		}).toEqual({ node: node.name, store: 'postgres', credential: true });
});

it('resumes the commercial flow at its Wait steps (reply, signature) and books the year on a worker', async () => {
	const customer = { name: 'Sam Queue', email: 'sam@queue.example', address: '200 Main St' };
	const first = await env.post('commercial-inquiry', {
		message:
			'We need our 12,000 sq ft office cleaned every week, ongoing contract. I am the facilities manager and decide on this.',
		customer,
	});
	expect(first.status).toBe(200);
	expect(first.body).toMatchObject({ status: 'quote_sent' });
	const quoteMail = await env.smtp.waitFor('sam@queue.example', 30_000, (m: { subject?: string }) =>
		/quote/i.test(m.subject ?? ''),
	);
	const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(quoteMail.text)![1];
	const headers = { 'user-agent': 'E2E Browser/1.0' };
	// The quote's page, submitted as a browser does (a form post to the link).
	const answered = await fetch(replyUrl, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ choice: 'question', message: 'Looks good. Can you do 10% off?' }),
	});
	expect(answered.status).toBe(200);
	const agreementMail = await env.smtp.waitFor(
		'sam@queue.example',
		60_000,
		(m: { subject?: string }) => /agreement/i.test(m.subject ?? ''),
	);
	const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(agreementMail.text)![1];
	const contractId = /agreement-(ct_[\w-]+)\.pdf/.exec(
		agreementMail.attachments.find(
			(a: { contentType: string }) => a.contentType === 'application/pdf',
		).filename,
	)![1];
	expect(await store.getContract(contractId)).toMatchObject({ status: 'awaiting_signature' });
	expect(
		(await postToResumeUrl(signingUrl, { name: 'Sam Queue' }, { headers, timeoutMs: 30_000 }))
			.status,
	).toBe(200);
	await env.smtp.waitFor('sam@queue.example', 60_000, (m: { subject?: string }) =>
		/is booked/.test(m.subject ?? ''),
	);
	const signed = await store.getContract(contractId);
	expect(signed).toMatchObject({ status: 'active', signature: { name: 'Sam Queue' } });
	const series = (signed!.terms as { booking?: { series_id?: string } }).booking?.series_id;
	expect(
		await store.listBookings({ seriesId: series!, statuses: ['confirmed'] }, Date.now()),
	).toHaveLength(52);
	const [execution] = await env.n8n.waitForExecutions(
		env.workflows['booking-commercial-sales.json'].id,
		'success',
		{ timeoutMs: 30_000 },
	);
	expect(execution.data.resultData.runData['Wait for the Signature']).toHaveLength(1);
	// Workers ran it three times: from the inquiry to the first Wait, after the reply, after the signature.
	const runs = env.n8n
		.workerLogs()
		.reduce(
			(n: number, log: string) =>
				n + log.split(`Worker started execution ${execution.id} `).length - 1,
			0,
		);
	expect(runs).toBe(3);
});

it('books a year of weekly visits into the PostgreSQL store', async () => {
	const response = await env.post('recurring', {
		message: 'Weekly cleaning for our 3 bed 2 bath house please',
		customer: {
			name: 'Kim Queue',
			email: 'kim@queue.example',
			phone: '+1 212 736 7900',
			address: '9 Elm Rd',
		},
		weekday: 'wed',
		time: '10:00',
		start_date: '2027-02-03',
	});
	expect(response.status).toBe(200);
	expect(response.body).toMatchObject({ status: 'series_booked' });
	// Held until the agreement is signed.
	expect(
		await store.listBookings(
			{ seriesId: response.body.booking.series_id, statuses: ['held'] },
			Date.now(),
		),
	).toHaveLength(52);
	expect(await store.getContract(response.body.contract.contract_id)).toMatchObject({
		auto_renew: true,
		start_date: '2027-02-03',
	});
});

it('answers 30 concurrent emergencies and 30 concurrent bookings run by two workers, without a double booking', async () => {
	const before = startedByWorker();
	const phone = (i: number) => `+1 212 736 ${String(7000 + i)}`;
	const emergencies = Array.from({ length: 30 }, (_, i) =>
		env.post('emergency', {
			message: [
				'Pipe burst, water pouring through the ceiling!',
				'Sewage backing up into the basement now',
				'Kitchen fire, smoke damage everywhere',
			][i % 3],
			customer: { name: `Emergency ${i}`, phone: phone(i), address: `${i} Flood Ln` },
			request_id: `q-em-${i}`,
		}),
	);
	const bookings = Array.from({ length: 30 }, (_, i) =>
		env.post('booking', {
			message: `Standard clean, ${1 + (i % 4)} bedroom ${1 + (i % 2)} bath`,
			customer: {
				name: `Booking ${i}`,
				email: `q${i}@example.com`,
				phone: phone(100 + i),
				address: `${i} Queue St`,
			},
			request_id: `q-bk-${i}`,
		}),
	);
	const answers = await Promise.all([...emergencies, ...bookings]);
	const emergencyAnswers = answers.slice(0, 30);
	const bookingAnswers = answers.slice(30);
	for (const a of emergencyAnswers)
		expect({
			status: a.status,
			outcome: ['dispatched', 'dispatcher_will_call'].includes(a.body.status),
		}).toEqual({ status: 200, outcome: true });
	for (const a of bookingAnswers)
		expect({ status: a.status, outcome: a.body.status }).toEqual({
			status: 200,
			outcome: 'booked',
		});
	const dispatched = emergencyAnswers.filter((a) => a.body.status === 'dispatched');
	expect(dispatched.length).toBeGreaterThanOrEqual(1);

	// Both workers ran some of them (the main process only enqueues).
	const after = startedByWorker();
	const ran = after.map((n: number, i: number) => n - before[i]);
	expect(ran.every((n: number) => n > 0)).toBe(true);
	expect(ran.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(60);

	const confirmed = await store.listBookings({ statuses: ['confirmed'] }, Date.now());
	const ours = new Set([...dispatched, ...bookingAnswers].map((a) => a.body.booking.booking_id));
	expect(ours.size).toBe(dispatched.length + 30);
	const stored = new Set(confirmed.map((b) => b.id));
	for (const id of ours) expect({ id, stored: stored.has(id) }).toEqual({ id, stored: true });
	const byCrew = new Map<string, typeof confirmed>();
	for (const b of confirmed) byCrew.set(b.crew_id, [...(byCrew.get(b.crew_id) ?? []), b]);
	for (const [crew, jobs] of byCrew) {
		const sorted = [...jobs].sort((a, b) => a.start_ms - b.start_ms);
		for (let i = 1; i < sorted.length; i++)
			expect({ crew, overlaps: sorted[i].start_ms < sorted[i - 1].busy_until_ms }).toEqual({
				crew,
				overlaps: false,
			});
	}
	for (let i = 0; i < 30; i++)
		expect(
			env.twilio.messages.some(
				(m: { form: Record<string, string> }) => m.form.To === `+1212736${7000 + i}`,
			),
		).toBe(true);
});

it('keeps answering with one worker stopped: the other takes the work', async () => {
	// Worker 1 stops; worker 2 (index 1 of startedByWorker) must run everything after.
	const [stopped] = env.n8n.workers;
	stopped.child.kill('SIGTERM');
	await new Promise((resolve) =>
		stopped.child.exitCode === null ? stopped.child.once('exit', resolve) : resolve(null),
	);
	const before = startedByWorker()[1];
	const answers = await Promise.all(
		Array.from({ length: 5 }, (_, i) =>
			env.post('booking', {
				message: 'Standard clean, 2 bedroom 1 bath',
				customer: { name: `After ${i}`, email: `after${i}@example.com`, address: `${i} After St` },
				request_id: `q-after-${i}`,
			}),
		),
	);
	for (const a of answers)
		expect({ status: a.status, outcome: a.body.status }).toEqual({
			status: 200,
			outcome: 'booked',
		});
	expect(startedByWorker()[1] - before).toBeGreaterThanOrEqual(5);
});

it('loses nothing when a worker is killed (SIGKILL) in the middle of bookings: each request asked again books once, with its case and one confirmation', async () => {
	// Worker 1 was stopped above; a new worker joins worker 2, which is then killed mid-burst.
	await env.n8n.addWorker();
	const victim = env.n8n.workers[1];
	const before = startedByWorker()[1];
	const request = (i: number) => ({
		message: 'Standard clean, 2 bedroom 1 bath',
		customer: {
			name: `Killed ${i}`,
			email: `killed${i}@example.com`,
			phone: `+1 212 736 ${String(8100 + i)}`,
			address: `${i} Crash St`,
		},
		request_id: `q-kill-${i}`,
	});
	const post = async (i: number) =>
		await env
			.post('booking', request(i))
			.catch((error: Error) => ({ status: 0, body: { error: error.message } }));
	const burst = Array.from({ length: 16 }, (_, i) => post(i));
	// Killed while it runs some of them (it has started one, and a moment passed).
	for (const deadline = Date.now() + 30_000; startedByWorker()[1] === before;) {
		if (Date.now() > deadline) throw new Error('worker 2 started none of the burst');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	// Killed at a moment a visit of the burst is booked and its case does not list it yet (likely one of its own).
	for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
		if ((await strandedOfBurst(0)).length) break;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	victim.child.kill('SIGKILL');
	const first = await Promise.all(burst);
	const cut = first.map((a, i) => [i, a] as const).filter(([, a]) => a.body?.status !== 'booked');
	// What n8n answered the requests whose worker died (measured, documented in docs/queue-mode.md).
	console.log(
		`SIGKILL during a burst of 16: ${16 - cut.length} booked, ${cut.length} cut off: ${JSON.stringify(
			cut.map(([, a]) => [a.status, JSON.stringify(a.body).slice(0, 160)]),
		)}`,
	);
	// What n8n made of the executions the killed worker held: their status, and whether the error
	// workflow ran (ops e-mailed an escalation).
	const executions = await env.n8n.executions(env.workflows['booking-simple.json'].id, {
		limit: 40,
	});
	const statuses = executions
		.filter((e: { data?: { resultData?: { runData?: object } } }) =>
			JSON.stringify(e.data ?? {}).includes('Killed '),
		)
		.reduce(
			(n: Record<string, number>, e: { status: string }) => ({
				...n,
				[e.status]: (n[e.status] ?? 0) + 1,
			}),
			{},
		);
	const escalations = env.smtp
		.to('ops@brightclean.example')
		.filter((m: { subject?: string }) => /^\[Escalation\]/.test(m.subject ?? '')).length;
	console.log(
		`After SIGKILL: the burst's executions by status ${JSON.stringify(statuses)}; escalation e-mails to ops so far: ${escalations}`,
	);
	// Visits booked by the executions it held, their case never told: the Outbox's check (a
	// minute's grace here) hands each case to the Human Queue once, its visit then listed on the case.
	for (const deadline = Date.now() + 150_000; (await strandedOfBurst(0)).length;) {
		if (Date.now() > deadline)
			throw new Error(`still stranded: ${JSON.stringify(await strandedOfBurst(0))}`);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
	}
	await new Promise((resolve) => setTimeout(resolve, 12_000));
	const handed = (
		await store.read(
			"SELECT e.case_id, c.customer, c.booking_ids FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'handed_over' AND e.data LIKE '%stopped before it recorded the case%'",
		)
	).map((r) => ({
		name: JSON.parse(String(r.customer)).name as string,
		visit: (JSON.parse(String(r.booking_ids)) as string[])[0],
	}));
	console.log(
		`After SIGKILL: ${handed.length} visit(s) booked by a flow the killed worker held, handed to ops: ${JSON.stringify(handed)}`,
	);
	// Only requests that were cut off (none answered "booked", none of this file's other flows), each once.
	const cutNames = cut.map(([i]) => `Killed ${i}`);
	for (const { name, visit } of handed) {
		expect(cutNames).toContain(name);
		const told = env.smtp
			.to('ops@brightclean.example')
			.filter((m: { subject?: string }) =>
				(m.subject ?? '').startsWith(`[Human queue] ${name}: The visit ${visit}`),
			);
		expect({ name, told: told.length }).toEqual({ name, told: 1 });
	}
	// The caller asks again with the same request_id (a form's or an integration's retry).
	const again = await Promise.all(cut.map(([i]) => post(i)));
	for (const a of again)
		expect({ status: a.status, outcome: a.body.status }).toEqual({
			status: 200,
			outcome: 'booked',
		});
	const answers = first.map((a) => a);
	cut.forEach(([i], k) => (answers[i] = again[k]));
	// One booking per request, each with its case; no crew twice at once (the store refuses it).
	const ids = answers.map((a) => a.body.booking.booking_id as string);
	expect(new Set(ids).size).toBe(16);
	const rows = await store.read(
		"SELECT id, crew_id, start_ms, busy_until_ms, customer FROM bookings WHERE status = 'confirmed' AND customer::text LIKE '%Killed %'",
	);
	expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
	for (const a of answers) {
		const [record] = await store.read('SELECT booking_ids, status FROM cases WHERE id = $1', [
			a.body.reference,
		]);
		expect({ ref: a.body.reference, status: record?.status }).toEqual({
			ref: a.body.reference,
			status: 'booked',
		});
		expect(String(record.booking_ids)).toContain(a.body.booking.booking_id);
	}
	// Each customer confirmed once (the outbox keys a message by its case).
	await Promise.all(
		Array.from({ length: 16 }, (_, i) => env.smtp.waitFor(`killed${i}@example.com`, 60_000)),
	);
	await new Promise((resolve) => setTimeout(resolve, 5_000));
	for (let i = 0; i < 16; i++)
		expect({ i, mails: env.smtp.to(`killed${i}@example.com`).length }).toEqual({ i, mails: 1 });
});

/** The burst's confirmed visits whose case does not list them, booked at least `minutes` ago. */
async function strandedOfBurst(minutes: number) {
	return (
		await strandedBookings(store, {
			nowMs: Date.now(),
			olderThanMinutes: minutes,
			lookBackHours: 1,
		})
	).filter((s) => String(s.bookings[0].customer?.name ?? '').startsWith('Killed '));
}

it('measures Redis going away in queue mode: a short outage is ridden out, a long one stops n8n (its keys lost, as a Redis that keeps nothing on disk)', async () => {
	const booking = (name: string) =>
		env
			.post('booking', {
				message: 'Standard clean, 2 bedroom 1 bath',
				customer: {
					name,
					email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
					address: '1 Outage St',
				},
				request_id: `q-${name.toLowerCase().replace(/\W+/g, '-')}`,
			})
			.catch((error: Error) => ({ status: 0, body: { error: error.message } as never }));
	// A restart that takes 3 seconds: n8n's Redis clients reconnect, bookings go on.
	await redisProxy.down();
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	await redisProxy.up();
	const afterShort = await booking('Redis Blip');
	expect({ status: afterShort.status, outcome: afterShort.body.status }).toEqual({
		status: 200,
		outcome: 'booked',
	});
	// Away for 20 seconds, its keys lost: n8n gives up on Redis after
	// QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (10 s by default) and its processes exit, for a
	// supervisor (systemd, Docker's restart policy, Kubernetes) to start again.
	const prefix = mainEnv('QUEUE_BULL_PREFIX');
	await redisProxy.down();
	const viaProxy = process.env.BOOKING_AGENTS_TEST_REDIS;
	process.env.BOOKING_AGENTS_TEST_REDIS = redisBefore ?? 'redis://127.0.0.1:6379';
	try {
		await dropRedisPrefix(prefix);
	} finally {
		process.env.BOOKING_AGENTS_TEST_REDIS = viaProxy;
	}
	await new Promise((resolve) => setTimeout(resolve, 20_000));
	await redisProxy.up();
	const exited = [
		env.n8n.child,
		...env.n8n.workers.map((w: { child: typeof env.n8n.child }) => w.child),
	].map((child) => child.exitCode !== null || child.signalCode !== null);
	console.log(
		`Redis away for 3 s: booked right after (${afterShort.body.status}). Away for 20 s with its keys lost: n8n processes exited (main, workers): ${JSON.stringify(exited)}; main's last lines: ${env.n8n.logTail(3).replace(/\s+/g, ' ').slice(0, 300)}`,
	);
	// Nothing was half-written: every booking of this file has its case.
	const orphans = await store.read(
		`SELECT b.id FROM bookings b WHERE b.status = 'confirmed' AND b.series_id IS NULL
		 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.booking_ids LIKE '%' || b.id || '%')
		 AND b.customer::text NOT LIKE '%Emergency %'`,
	);
	expect(orphans).toEqual([]);
});
