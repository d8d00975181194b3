'use strict';
/**
 * npm run bench:flows: webhook-to-response latency (median, p95) and
 * throughput of each template in a real n8n, in rules mode and in AI mode
 * (the OpenAI-compatible fake answering every call in 700 ms), each next to a
 * baseline measured in the same n8n in the same run: a workflow of the same
 * shape (the same webhook with header auth, as many nodes as the template runs
 * before it answers, all n8n No Operation nodes, then Respond to Webhook).
 * Two more workflows show the most a template of that job can reach: "steps
 * only" (the template's own agents and delivery nodes in the order it runs
 * them, then its answer, and nothing else; see stepsOnlyWorkflow), and
 * "deliveries only", the baseline with the template's own Send Email and Twilio
 * nodes in place of as many No Operation nodes, sending the messages the
 * template sent (as plain fields, without attachments).
 *
 * Options: --requests N (sequential, for latency; default 30)
 *          --load N (sent with --concurrency in flight, for throughput; default 60)
 *          --concurrency N (default 8)   --rounds N (throughput rounds, template and
 *          baseline alternating; medians reported; default 5)   --only rules|ai
 *          --queue N (n8n in queue mode with N workers, Redis, its database and the
 *          booking store on PostgreSQL: the way a business scales it; default off)
 * BENCH_N8N_ENV='{"N8N_EXPRESSION_ENGINE":"legacy"}' passes settings to the n8n under test.
 */
const fs = require('node:fs');

const { startBookingEnv } = require('../booking-env');
const { startOpenAiFake } = require('../fakes/openai-fake');
const { createTestDatabase } = require('../postgres');
const { CREDENTIALS, stableId } = require('../../scripts/templates/lib');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const SEQUENTIAL = Number(arg('requests', 30));
const LOAD = Number(arg('load', 60));
const CONCURRENCY = Number(arg('concurrency', 8));
const ROUNDS = Number(arg('rounds', 5));
const ONLY = arg('only', null);
const QUEUE_WORKERS = Number(arg('queue', 0));
const LLM_DELAY_MS = 700;

/** What each template is sent; `i` varies it so that bookings spread out. */
const FLOWS = [
	{
		key: 'emergency',
		file: 'booking-emergency.json',
		path: 'emergency',
		answerNode: 'Answer With the Dispatch',
		body: (i) => ({
			message: 'Pipe burst in the basement, water everywhere!',
			channel: 'sms',
			customer: {
				name: `Bench ${i}`,
				phone: `+1 212 555 ${String(1000 + (i % 9000))}`,
				address: `${i} Bench St`,
			},
		}),
	},
	{
		key: 'simple booking',
		file: 'booking-simple.json',
		path: 'booking',
		answerNode: 'Answer With the Booking',
		body: (i) => ({
			message: 'Please clean our 3 bedroom, 2 bath house',
			customer: {
				name: `Bench ${i}`,
				email: `bench${i}@example.com`,
				phone: `+1 212 555 ${String(1000 + (i % 9000))}`,
				address: `${i} Bench St`,
			},
		}),
	},
	{
		key: 'commercial sales (to the quote)',
		file: 'booking-commercial-sales.json',
		path: 'commercial-inquiry',
		answerNode: 'Answer: Quote Sent',
		body: (i) => ({
			message:
				'We need our 12,000 sq ft office cleaned every week. I am the facilities manager and decide.',
			customer: {
				name: `Bench ${i}`,
				email: `bench${i}@acme.example`,
				address: `${i} Office Park`,
			},
		}),
	},
	{
		key: 'recurring service',
		file: 'booking-recurring-service.json',
		path: 'recurring',
		answerNode: 'Answer With the Series',
		body: (i) => ({
			message: 'Weekly cleaning for our 3 bed 2 bath house please',
			customer: {
				name: `Bench ${i}`,
				email: `bench${i}@example.com`,
				phone: `+1 212 555 ${String(1000 + (i % 9000))}`,
				address: `${i} Bench Rd`,
			},
			weekday: ['mon', 'tue', 'wed', 'thu', 'fri'][i % 5],
			time: `${String(8 + (Math.floor(i / 5) % 9)).padStart(2, '0')}:00`,
		}),
	},
];

/**
 * Enough crews that every request in the run is booked (a booking is what is
 * measured, not "calendar full"), for the template and its steps-only copy, in
 * the Booking Crews settings table all the templates read: for the recurring
 * flow, whose template and steps-only copy each book a year of weekly visits per
 * request (~700 series over 5 weekdays, at most 3 three-hour visits a crew a
 * day), enough that no weekday fills up (with 40, the later rounds' series found
 * no room: the template answered them through its route to a person, the
 * steps-only copy, which has none, with an error); the same number on call for
 * emergencies, one per request, since each holds its crew past the 2-hour
 * deadline. One-off visits take the regular crews.
 */
const CREW_COUNT = 2 * (SEQUENTIAL + ROUNDS * LOAD + 10);
const crewRows = (count, onCall) =>
	Array.from({ length: count }, (_, i) => ({
		crew_id: `${onCall ? 'on-call' : 'crew'}-${i}`,
		name: `${onCall ? 'On-call crew' : 'Crew'} ${i}`,
		skills: 'cleaning, restoration',
		on_call: onCall,
		active: true,
	}));
const BENCH_CREWS = [...crewRows(CREW_COUNT, false), ...crewRows(CREW_COUNT, true)];

/** The OpenAI fake's answer to each of our agents' structured calls, after LLM_DELAY_MS. */
function llmAnswer(body) {
	const name = body.response_format?.json_schema?.name;
	const user = String(body.messages?.at(-1)?.content ?? '');
	const answers = {
		lead_facts: /sq ft/.test(user)
			? {
					service_type: 'commercial_cleaning',
					property_type: 'commercial',
					is_emergency: false,
					emergency_type: null,
					urgency: 'normal',
					frequency: 'weekly',
					visits_per_week: null,
					visit_weekdays: null,
					bedrooms: null,
					bathrooms: null,
					square_feet: 12000,
					budget_min_dollars: null,
					budget_max_dollars: null,
					decision_maker: true,
					wants_human: false,
					discount_request_pct: null,
					price_shopping: false,
				}
			: {
					service_type: 'standard_cleaning',
					property_type: 'residential',
					is_emergency: false,
					emergency_type: null,
					urgency: 'normal',
					frequency: /weekly/i.test(user) ? 'weekly' : null,
					visits_per_week: null,
					visit_weekdays: null,
					bedrooms: 3,
					bathrooms: 2,
					square_feet: null,
					budget_min_dollars: null,
					budget_max_dollars: null,
					decision_maker: null,
					wants_human: false,
					discount_request_pct: null,
					price_shopping: false,
				},
		triage_facts: /burst|flood|water/i.test(user)
			? {
					describes_active_damage: true,
					damage_type: 'water_damage',
					hazards: [],
					figure_of_speech: false,
				}
			: { describes_active_damage: false, damage_type: null, hazards: [], figure_of_speech: false },
		message_reading: null,
		message_draft: {
			email_text: (/E-mail:\n([\s\S]*?)\nSMS:/.exec(user)?.[1] ?? '').replace(
				/^"""\n?|\n?"""$/g,
				'',
			),
			sms_text: null,
		},
		negotiation_intent: {
			type: 'accept',
			amount_cents: null,
			percent: null,
			frequency: null,
			draft_message: null,
		},
	};
	// One reading answers both the Qualifier and the Triage agent.
	answers.message_reading = { lead: answers.lead_facts, damage: answers.triage_facts };
	return { delayMs: LLM_DELAY_MS, json: answers[name] ?? {} };
}

/** The template's agents that read text, switched to "AI with rules fallback" (the emergency dispatch text stays rules: nothing optional on that path). */
function aiMode(workflow) {
	for (const node of workflow.nodes) {
		const type = node.type.replace('n8n-nodes-booking-agents.', '');
		if (!['qualifierAgent', 'triageAgent', 'negotiationAgent', 'confirmationAgent'].includes(type))
			continue;
		if (type === 'confirmationAgent' && node.parameters.messageKind === 'emergency_dispatch')
			continue;
		node.parameters = {
			...node.parameters,
			mode: 'aiWithFallback',
			aiOptions: { timeoutSeconds: 10, maxAttempts: 2 },
		};
		node.credentials = { bookingAgentsOpenAiApi: { id: 'set-by-env', name: 'Bench LLM' } };
	}
}

function baselineWorkflow(flow, nodesBeforeAnswer, key = `baseline-${flow.path}`) {
	const nodes = [
		{
			parameters: {
				httpMethod: 'POST',
				path: key,
				authentication: 'headerAuth',
				responseMode: 'responseNode',
				options: {},
			},
			id: stableId(key, 'webhook'),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: stableId(key, 'hook'),
			credentials: CREDENTIALS.webhookKey,
		},
	];
	const connections = {};
	let previous = 'Webhook';
	for (let i = 1; i <= nodesBeforeAnswer; i++) {
		const name = `No Operation ${i}`;
		nodes.push({
			parameters: {},
			id: stableId(key, name),
			name,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [i * 200, 0],
		});
		connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
		previous = name;
	}
	nodes.push({
		parameters: { respondWith: 'json', responseBody: '={{ { status: "ok" } }}', options: {} },
		id: stableId(key, 'respond'),
		name: 'Respond',
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [(nodesBeforeAnswer + 1) * 200, 0],
	});
	connections[previous] = { main: [[{ node: 'Respond', type: 'main', index: 0 }]] };
	return {
		name: `Bench baseline: ${flow.key}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

const DELIVERY_TYPES = new Set(['n8n-nodes-base.emailSend', 'n8n-nodes-base.twilio']);
/** The templates' request check: its output is the case every later node works on. */
const CASE_NODE = 'Check the Request';
const SETTINGS_NODE = 'Business Settings';

/**
 * The baseline with the template's delivery nodes in it (same node count), their fields
 * literal: the messages the probe run composed (the last Confirmation Agent's output).
 */
function deliveriesOnlyWorkflow(flow, template, ran, confirmation, business) {
	const base = baselineWorkflow(flow, ran.length, `deliveries-${flow.path}`);
	base.name = `Bench deliveries only: ${flow.key}`;
	const deliveries = ran.filter((name) =>
		DELIVERY_TYPES.has(template.nodes.find((n) => n.name === name)?.type),
	);
	deliveries.forEach((name, i) => {
		const original = template.nodes.find((n) => n.name === name);
		const slot = base.nodes[ran.length - deliveries.length + i + 1]; // the last No Operation nodes before Respond
		const toCrew = /crew_notice/.test(JSON.stringify(original.parameters));
		const parameters =
			original.type === 'n8n-nodes-base.twilio'
				? {
						from: business.sms_from,
						to: toCrew ? confirmation.crew_notice.to : confirmation.sms.to,
						message: toCrew ? confirmation.crew_notice.text : confirmation.sms.text,
						options: {},
					}
				: {
						fromEmail: `${business.name} <${business.email}>`,
						toEmail: confirmation.email.to,
						subject: confirmation.email.subject,
						emailFormat: confirmation.email.html ? 'both' : 'text',
						text: confirmation.email.text,
						...(confirmation.email.html ? { html: confirmation.email.html } : {}),
						options: { appendAttribution: false },
					};
		Object.assign(slot, {
			...original,
			parameters,
			id: slot.id,
			name: slot.name,
			position: slot.position,
		});
		delete slot.onError; // a failed delivery fails the bench instead of taking an error route that is not there
	});
	return base;
}

const AGENT_PREFIX = 'n8n-nodes-booking-agents.';

/**
 * "Steps only": the steps the issue names for the template and nothing else, to
 * show the most a template of that job can reach. The template's own agents and
 * delivery nodes (with their parameters, mappings and credentials) in the order
 * the probe ran them, then its answer; the body is already the case (the one
 * the request check made in the probe, varied per request) and n8n's Split Out
 * puts it on the item; Business Settings stays. No request check, no routing,
 * no failure routes.
 */
function stepsOnlyWorkflow(flow, template, ran) {
	const key = `steps-${flow.path}`;
	const [webhook] = baselineWorkflow(flow, 0, key).nodes;
	const kept = ran.filter((name) => {
		const type = template.nodes.find((n) => n.name === name)?.type ?? '';
		return type.startsWith(AGENT_PREFIX) || DELIVERY_TYPES.has(type);
	});
	const copy = (name) => {
		const node = structuredClone(template.nodes.find((n) => n.name === name));
		delete node.onError; // a failure fails the bench instead of taking an error route that is not there
		return { ...node, id: stableId(key, name) };
	};
	// Business Settings stays: the deliveries read the business's numbers and addresses from it.
	const settings = template.nodes.some((n) => n.name === SETTINGS_NODE)
		? [copy(SETTINGS_NODE)]
		: [];
	const nodes = [
		webhook,
		{
			parameters: { fieldToSplitOut: 'body', options: {} },
			id: stableId(key, 'case'),
			name: 'Take the Case',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [200, 0],
		},
		...settings,
		...kept.map(copy),
		copy(flow.answerNode),
	];
	const connections = {};
	nodes.forEach((node, i) => {
		node.position = [i * 200, 0];
		if (i)
			connections[nodes[i - 1].name] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
	});
	return {
		name: `Bench steps only: ${flow.key}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** The body the steps-only workflow gets: the probe's case with request i's own facts (so bookings spread and never replay). */
function caseBody(flow, probeCase) {
	return (i) => {
		const b = flow.body(i);
		const c = b.customer ?? {};
		return [
			{
				...probeCase,
				...b,
				message: b.message,
				channel: b.channel ?? 'web',
				customer: {
					name: c.name ?? null,
					email: c.email || null,
					phone: c.phone || null,
					address: c.address || null,
				},
				idempotency_key: `steps-${i}`,
				request: b,
				received_at: new Date().toISOString(),
			},
		];
	};
}

const percentile = (sorted, p) =>
	sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** CPU milliseconds used so far by every process of these process groups (n8n, its workers, their task runners; all threads), from /proc; null off Linux. */
function groupCpuMs(pgids) {
	if (!fs.existsSync('/proc/self/stat')) return null;
	const groups = new Set(pgids);
	let total = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // the process ended meanwhile
		}
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (!groups.has(Number(fields[2]))) continue;
		total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
	}
	return total;
}

/**
 * Latency of several workflows, one request at a time, their requests interleaved
 * (a, b, a, b...) so that a slow spell of the machine falls on all of them alike.
 */
async function latencies(senders) {
	const times = senders.map(() => []);
	for (let k = 0; k < SEQUENTIAL; k++) {
		for (const [w, { send, label }] of senders.entries()) {
			const started = process.hrtime.bigint();
			const r = await send(k);
			times[w].push(Number(process.hrtime.bigint() - started) / 1e6);
			if (r.status !== 200)
				throw new Error(`${label}: answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
		}
	}
	return times.map((list) => {
		list.sort((a, b) => a - b);
		return { median: percentile(list, 50), p95: percentile(list, 95) };
	});
}

/** LOAD requests, CONCURRENCY in flight: requests per second, n8n's CPU per request, failures. */
async function load(send, first, pgids) {
	const cpuBefore = groupCpuMs(pgids);
	const started = Date.now();
	let next = 0;
	let failed = 0;
	let firstFailure = null;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < LOAD) {
				const r = await send(first + next++);
				if (r.status !== 200) {
					failed++;
					firstFailure ??= `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
				}
			}
		}),
	);
	const seconds = (Date.now() - started) / 1000;
	const cpuAfter = groupCpuMs(pgids);
	return {
		throughput: LOAD / seconds,
		cpuMsPerRequest: cpuBefore === null ? null : (cpuAfter - cpuBefore) / LOAD,
		failed,
		firstFailure,
	};
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchMode(mode) {
	const llm = mode === 'ai' ? await startOpenAiFake() : null;
	if (llm) llm.fallback = llmAnswer;
	const storeDb = QUEUE_WORKERS ? await createTestDatabase('booking_agents_bench_store') : null;
	const env = await startBookingEnv({
		...(QUEUE_WORKERS
			? { queue: { workers: QUEUE_WORKERS }, postgresStore: storeDb.connection }
			: {}),
		// The mail catcher keeps raw messages only: parsing them would take CPU from the n8n being measured.
		parseMail: false,
		env: process.env.BENCH_N8N_ENV ? JSON.parse(process.env.BENCH_N8N_ENV) : {},
		only: [
			'support-error-escalation.json',
			'support-human-queue.json',
			...FLOWS.map((f) => f.file),
		],
		credentials: llm
			? [
					{
						name: 'Bench LLM',
						type: 'bookingAgentsOpenAiApi',
						data: { apiKey: 'test-key', baseUrl: llm.baseUrl },
					},
				]
			: [],
		tableRows: { crews: BENCH_CREWS },
		customize(_file, workflow) {
			if (llm) aiMode(workflow);
		},
	});
	const results = [];
	try {
		for (const flow of FLOWS) {
			await env.n8n
				.waitForWebhook(flow.path, { probeBody: {}, timeoutMs: 60_000 })
				.catch(() => null);
			// One real run tells how many nodes the template executes before it answers.
			const probe = await env.post(flow.path, flow.body(999_999));
			if (probe.status !== 200)
				throw new Error(
					`${flow.key}: the probe request answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 300)}`,
				);
			// The answer goes out before n8n saves the execution, and the commercial flow goes on after answering (e-mail, then the Wait): read the run once it is listed and parked.
			let execution;
			for (let tries = 0; tries < 100; tries++) {
				[execution] = await env.n8n.executions(env.workflows[flow.file].id, { limit: 1 });
				if (execution && !['new', 'running'].includes(execution.status)) break;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			if (!execution) throw new Error(`${flow.key}: n8n listed no execution of the probe request`);
			const runData = execution.data.resultData.runData;
			const answeredAt = runData[flow.answerNode]?.[0]?.startTime;
			if (!answeredAt)
				throw new Error(
					`${flow.key}: no run of ${flow.answerNode} in the probe execution (${execution.status}; ran ${Object.keys(runData).join(', ')})`,
				);
			const ranBefore = Object.entries(runData)
				.filter(([, runs]) => runs[0].startTime < answeredAt)
				.map(([name]) => name);
			const before = ranBefore.length - 1; // minus the webhook
			await env.n8n.importWorkflow(configureBaseline(baselineWorkflow(flow, before), env));
			await env.n8n.waitForWebhook(`baseline-${flow.path}`, { probeBody: {} });
			const shipped = env.workflows[flow.file].workflow;
			const typeOfNode = (name) => shipped.nodes.find((n) => n.name === name)?.type;
			const confirmationNode = ranBefore
				.filter((name) => typeOfNode(name) === 'n8n-nodes-booking-agents.confirmationAgent')
				.at(-1);
			const confirmation = confirmationNode
				? runData[confirmationNode][0].data.main[0][0].json.confirmation
				: null;
			const delivers = ranBefore.some((name) => DELIVERY_TYPES.has(typeOfNode(name)));
			if (delivers && confirmation) {
				const business = runData[confirmationNode][0].data.main[0][0].json.business;
				await env.n8n.importWorkflow(
					configureDeliveries(
						deliveriesOnlyWorkflow(flow, shipped, ranBefore.slice(1), confirmation, business),
						env,
					),
				);
				await env.n8n.waitForWebhook(`deliveries-${flow.path}`, { probeBody: {} });
			}
			const probeCase = runData[CASE_NODE]?.[0]?.data?.main?.[0]?.[0]?.json;
			await env.n8n.importWorkflow(
				configureBaseline(stepsOnlyWorkflow(flow, shipped, ranBefore.slice(1)), env),
			);
			await env.n8n.waitForWebhook(`steps-${flow.path}`, { probeBody: [] });
			const post =
				(p, body = flow.body) =>
				(i) =>
					env.post(p, body(i));
			const paths = {
				template: [flow.path],
				baseline: [`baseline-${flow.path}`],
				steps: [`steps-${flow.path}`, caseBody(flow, probeCase)],
				...(delivers && confirmation ? { deliveries: [`deliveries-${flow.path}`] } : {}),
			};
			for (let w = 0; w < 3; w++)
				for (const p of Object.values(paths)) await post(...p)(900_000 + w);
			const [template, baseline] = await latencies([
				{ send: post(flow.path), label: flow.key },
				{ send: post(`baseline-${flow.path}`), label: `${flow.key} baseline` },
			]);
			// Throughput in rounds that alternate the workflows, so that drift on the machine falls on all; medians are reported.
			const rounds = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
			for (let round = 0; round < ROUNDS; round++) {
				for (const [k, p] of Object.entries(paths))
					rounds[k].push(
						await load(post(...p), 1000 + round * LOAD, [
							env.n8n.child.pid,
							...env.n8n.workers.map((w) => w.child.pid),
						]),
					);
			}
			const summary = (list) => ({
				throughput: median(list.map((r) => r.throughput)),
				cpuMsPerRequest:
					list[0].cpuMsPerRequest === null ? null : median(list.map((r) => r.cpuMsPerRequest)),
				failed: list.reduce((n, r) => n + r.failed, 0),
				firstFailure: list.find((r) => r.firstFailure)?.firstFailure ?? null,
				ratios: [],
			});
			Object.assign(template, summary(rounds.template));
			Object.assign(baseline, summary(rounds.baseline));
			template.ratios = rounds.template.map((r, i) => r.throughput / rounds.baseline[i].throughput);
			const vsBaseline = (list) =>
				list
					? {
							...summary(list),
							ratios: list.map((r, i) => r.throughput / rounds.baseline[i].throughput),
						}
					: null;
			// The reference a template is held to: its deliveries alone (a template that answers before it
			// delivers: the baseline), measured next to it in each round.
			const reference = rounds.deliveries ?? rounds.baseline;
			template.vsReference = rounds.template.map((r, i) => r.throughput / reference[i].throughput);
			results.push({
				flow: flow.key,
				nodes: before,
				reference: rounds.deliveries ? 'deliveries only' : 'baseline',
				template,
				baseline,
				deliveries: vsBaseline(rounds.deliveries),
				steps: vsBaseline(rounds.steps),
			});
			process.stderr.write(`  ${mode}: ${flow.key} done\n`);
		}
	} finally {
		await env.stop();
		await llm?.stop();
		await storeDb?.drop();
	}
	return results;
}

function configureBaseline(workflow, env) {
	// The same header-auth credential the templates use, by the id n8n gave it.
	const { name } = CREDENTIALS.webhookKey.httpHeaderAuth;
	workflow.nodes[0].credentials = { httpHeaderAuth: { id: env.credentialIds[name], name } };
	return workflow;
}

/** The baseline's credential, and the delivery nodes' SMTP and Twilio credentials by the ids n8n gave them. */
function configureDeliveries(workflow, env) {
	configureBaseline(workflow, env);
	for (const node of workflow.nodes)
		for (const [type, ref] of Object.entries(node.credentials ?? {}))
			if (env.credentialIds[ref.name])
				node.credentials[type] = { id: env.credentialIds[ref.name], name: ref.name };
	return workflow;
}

function print(mode, results) {
	const f = (ms) => `${ms.toFixed(0)} ms`;
	const cpu = (r) => (r.cpuMsPerRequest === null ? '-' : f(r.cpuMsPerRequest));
	const ratio = (r) => r.template.throughput / r.baseline.throughput;
	console.log(
		`\n${mode === 'ai' ? `AI mode (OpenAI-compatible fake answering in ${LLM_DELAY_MS} ms)` : 'Rules mode'}: ${SEQUENTIAL} sequential requests for latency; throughput from ${ROUNDS} rounds of ${LOAD} requests with ${CONCURRENCY} in flight, template, baseline, steps only and deliveries only alternating (medians; n8n CPU is all its processes and threads per request)`,
	);
	console.log(
		[
			'template'.padEnd(34),
			'nodes',
			'median'.padStart(7),
			'p95'.padStart(7),
			'req/s'.padStart(6),
			'n8n CPU'.padStart(8),
			'| baseline median',
			'p95'.padStart(7),
			'req/s'.padStart(6),
			'n8n CPU'.padStart(8),
			'| throughput vs baseline (each round)',
		].join(' '),
	);
	for (const r of results) {
		console.log(
			[
				r.flow.padEnd(34),
				String(r.nodes).padStart(5),
				f(r.template.median).padStart(7),
				f(r.template.p95).padStart(7),
				r.template.throughput.toFixed(1).padStart(6),
				cpu(r.template).padStart(8),
				'|',
				f(r.baseline.median).padStart(15),
				f(r.baseline.p95).padStart(7),
				r.baseline.throughput.toFixed(1).padStart(6),
				cpu(r.baseline).padStart(8),
				'|',
				`${(ratio(r) * 100).toFixed(0)}% (${r.template.ratios.map((x) => `${(x * 100).toFixed(0)}%`).join(' ')})${r.template.failed ? ` (${r.template.failed} failed)` : ''}`,
			].join(' '),
		);
	}
	const pct = (x) => `${(x * 100).toFixed(0)}%`;
	const reference = (x, r) =>
		x
			? `${x.throughput.toFixed(1).padStart(6)} ${cpu(x).padStart(8)} ${`${pct(x.throughput / r.baseline.throughput)} (${x.ratios.map(pct).join(' ')})${x.failed ? ` (${x.failed} failed)` : ''}`.padEnd(20)}`
			: `${'-'.padStart(6)} ${'-'.padStart(8)} ${'-'.padEnd(20)}`;
	console.log('\nThe most a template of each job can reach, measured beside it:');
	console.log(
		"  deliveries only: the baseline with the template's Send Email and Twilio nodes sending its messages (literal fields);",
	);
	console.log(
		"  steps only: the template's own steps and nothing else: its agents and deliveries (their own mappings), then its answer; no request check, no routing, no failure routes.",
	);
	console.log(
		[
			'template'.padEnd(34),
			'| deliveries only: req/s',
			'n8n CPU',
			'vs baseline'.padEnd(12),
			'| steps only: req/s',
			'n8n CPU',
			'vs baseline'.padEnd(12),
			'| template vs steps only',
		].join(' '),
	);
	for (const r of results)
		console.log(
			[
				r.flow.padEnd(34),
				'|'.padEnd(10),
				reference(r.deliveries, r),
				'|'.padEnd(5),
				reference(r.steps, r),
				'|',
				r.steps ? pct(r.template.throughput / r.steps.throughput) : '-',
			].join(' '),
		);
}

async function main() {
	const shape = QUEUE_WORKERS
		? `queue mode (main process + ${QUEUE_WORKERS} worker${QUEUE_WORKERS > 1 ? 's' : ''}, Redis, n8n database and booking store on PostgreSQL)`
		: 'one process (SQLite database and booking store)';
	console.log(
		`bench:flows: real n8n, ${shape}, ${require('node:os').cpus().length} cores, templates against same-shape No Operation baselines`,
	);
	const modes = ONLY ? [ONLY] : ['rules', 'ai'];
	const all = {};
	for (const mode of modes) all[mode] = await benchMode(mode);
	for (const mode of modes) print(mode, all[mode]);
	const emergency = (mode) => all[mode]?.find((r) => r.flow === 'emergency');
	console.log('\nTargets:');
	if (all.ai)
		console.log(
			`  emergency p95 with the 700 ms fake < 2 s: ${emergency('ai').template.p95.toFixed(0)} ms`,
		);
	for (const mode of modes)
		for (const r of all[mode])
			for (const [which, x] of [
				['template', r.template],
				['baseline', r.baseline],
				['deliveries only', r.deliveries],
				['steps only', r.steps],
			])
				if (x?.failed)
					console.log(
						`  ${mode} ${r.flow} ${which}: ${x.failed} request(s) not answered 200; the first: ${x.firstFailure}`,
					);
	const pct = (x) => `${(x * 100).toFixed(0)}%`;
	if (all.rules) {
		const e = emergency('rules');
		console.log(
			`  emergency p95 in rules mode at most 1.5x the baseline's (interleaved, same run): ${e.template.p95.toFixed(0)} ms vs ${e.baseline.p95.toFixed(0)} ms = x${(e.template.p95 / e.baseline.p95).toFixed(2)}`,
		);
		for (const r of all.rules)
			console.log(
				`  ${r.flow}: ${pct(median(r.template.vsReference))} of its ${r.reference} reference's throughput (target >= 80%; each round ${r.template.vsReference.map(pct).join(' ')})`,
			);
	}
}

main().catch((error) => {
	console.error(`bench:flows: ${error.stack ?? error.message}`);
	process.exit(1);
});
