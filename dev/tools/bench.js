'use strict';
/**
 * npm run bench: throughput and memory of the agents' pure logic in rules
 * mode, on one core (this process), over at least 10,000 messages built from
 * the dev set with varied customer details. A baseline measured in the same
 * run (normalising the text only: the floor any rule engine pays) gives the
 * ratios. Prints figures; asserts nothing (targets are in the README).
 */
const path = require('node:path');
const api = require('../../index.js');
const { normalize } = require('../../dist/nodes/shared/text.js');
const { readLabeledSet } = require('./evaluate');
const { longMessages } = require('./long-messages');
const { startOpenAiFake } = require('../fakes/openai-fake');

const COUNT = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = 3;

function buildMessages(count) {
	const base = readLabeledSet(
		path.join(__dirname, '..', '..', 'test', 'fixtures', 'dev-set.jsonl'),
	).map((c) => c.message);
	const streets = ['Oak St', 'Maple Ave', 'Pine Rd', 'Cedar Ln', 'Elm Dr'];
	const out = [];
	for (let i = 0; i < count; i++) {
		const m = base[i % base.length];
		// Vary each copy so no cache of any kind could help.
		out.push(
			i % 3 === 0
				? `${m} (ref ${i})`
				: i % 3 === 1
					? `${m} Address: ${100 + (i % 900)} ${streets[i % 5]}.`
					: `#${i} ${m}`,
		);
	}
	return out;
}

function measure(label, messages, fn) {
	let best = Infinity;
	for (let round = 0; round < ROUNDS; round++) {
		const started = process.hrtime.bigint();
		for (let i = 0; i < messages.length; i++) fn(messages[i]);
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		best = Math.min(best, ms);
	}
	return { label, ms: best, perSecond: (messages.length / best) * 1000 };
}

function mb(bytes) {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function main() {
	const messages = buildMessages(COUNT);
	// Warm up the JIT on a slice before timing.
	for (const m of messages.slice(0, 2000)) {
		api.qualifyRules({ message: m });
		api.triageRules(m);
	}
	global.gc?.();
	const heapBefore = process.memoryUsage().heapUsed;

	const baseline = measure('baseline: normalise text only', messages, (m) => normalize(m));
	const qualifier = measure('Qualifier Agent (rules)', messages, (m) =>
		api.qualifyRules({ message: m, channel: 'web' }),
	);
	const triage = measure('Triage Agent (rules)', messages, (m) => api.triageRules(m));
	const both = measure('Qualifier + Triage together', messages, (m) => {
		api.qualifyRules({ message: m, channel: 'web' });
		api.triageRules(m);
	});
	// The async API (what the nodes call) on the same work, for the overhead of promises.
	const startedAsync = process.hrtime.bigint();
	for (const m of messages) {
		await api.qualify({ message: m });
		await api.triage({ message: m });
	}
	const asyncMs = Number(process.hrtime.bigint() - startedAsync) / 1e6;
	// What the run keeps, not the garbage it has not yet collected.
	global.gc?.();
	const memory = process.memoryUsage();

	console.log(
		`Booking agents benchmark: ${messages.length} messages, best of ${ROUNDS} rounds, one core, Node.js ${process.version}\n`,
	);
	console.log('what                                   messages/s     time     vs baseline');
	for (const r of [baseline, qualifier, triage, both]) {
		const ratio =
			r === baseline ? '1.00x' : `${(baseline.perSecond / r.perSecond).toFixed(2)}x slower`;
		console.log(
			`${r.label.padEnd(38)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(10)}   ${r.ms.toFixed(0).padStart(5)} ms   ${ratio}`,
		);
	}
	console.log(
		`${'Qualifier + Triage, async API'.padEnd(38)} ${Math.round((messages.length / asyncMs) * 1000)
			.toLocaleString('en-US')
			.padStart(10)}   ${asyncMs.toFixed(0).padStart(5)} ms`,
	);
	console.log(
		`\ntarget: Qualifier + Triage together >= 5,000 messages/s -> ${both.perSecond >= 5000 ? 'met' : 'NOT met'} (${Math.round(both.perSecond).toLocaleString('en-US')}/s)`,
	);

	// Pricing and negotiation: facts as the Qualifier produces them, varied per call.
	const qualified = messages.slice(0, 5000).map((m) => api.qualifyRules({ message: m }));
	const priceable = qualified
		.filter(
			(q) => q.service_type !== 'other' && !(q.property_type === 'commercial' && !q.square_feet),
		)
		.map((q, i) => ({
			...q,
			add_ons: i % 4 === 0 ? ['inside_oven'] : [],
			promo_code: i % 7 === 0 ? 'WELCOME' : null,
			first_time: i % 2 === 0,
		}));
	const card = {
		promo_codes: { WELCOME: { type: 'percent', value: 10, first_time_only: true } },
		tax_rate_pct: 7.25,
	};
	const factsList = Array.from({ length: COUNT }, (_, i) => priceable[i % priceable.length]);
	const now = new Date('2026-11-25T12:00:00Z');
	const pricing = measure('Pricing Agent (quotes)', factsList, (f) =>
		api.priceSync(f, { rateCard: card, now }),
	);
	const quotes = factsList.slice(0, 2000).map((f) => api.priceSync(f, { rateCard: card, now }));
	const replies = [
		'Can you do 10% off?',
		'sounds good, book it',
		'too expensive, any discount?',
		'would you do $150?',
		'what if we went every other week?',
		'give me 90% off',
		'no thanks',
		'can I talk to a manager',
	];
	const rounds = Array.from({ length: 10_000 }, (_, i) => ({
		quote: quotes[i % quotes.length],
		reply: replies[i % replies.length],
		round: 1 + (i % 3),
	}));
	let negotiationMs = Infinity;
	for (let round = 0; round < ROUNDS; round++) {
		const started = process.hrtime.bigint();
		for (const r of rounds) await api.negotiate(r);
		negotiationMs = Math.min(negotiationMs, Number(process.hrtime.bigint() - started) / 1e6);
	}
	const negotiationPerSecond = (rounds.length / negotiationMs) * 1000;
	console.log('');
	console.log(
		`${pricing.label.padEnd(38)} ${Math.round(pricing.perSecond).toLocaleString('en-US').padStart(10)}   ${pricing.ms.toFixed(0).padStart(5)} ms   ${(baseline.perSecond / pricing.perSecond).toFixed(2)}x the baseline's time per item`,
	);
	console.log(
		`${'Negotiation Agent (rules decisions)'.padEnd(38)} ${Math.round(negotiationPerSecond).toLocaleString('en-US').padStart(10)}   ${negotiationMs.toFixed(0).padStart(5)} ms   (${rounds.length} replies; each re-prices through the engine)`,
	);
	console.log(
		`target: quotes >= 20,000/s -> ${pricing.perSecond >= 20_000 ? 'met' : 'NOT met'} (${Math.round(pricing.perSecond).toLocaleString('en-US')}/s)`,
	);
	console.log(
		`memory: rss ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)} (grew ${mb(Math.max(0, memory.heapUsed - heapBefore))} over the run)`,
	);

	benchLongMessages();
	benchInABigProcess();
	await benchModelTokens(messages.slice(0, 200));

	await require('./bench-scheduling').main();
	await require('./bench-paperwork').main();
	const after = process.memoryUsage();
	console.log(`memory after scheduling: rss ${mb(after.rss)}, heap used ${mb(after.heapUsed)}`);
}

/** Milliseconds for Qualifier + Triage on one message, best of three. */
function timeOne(text) {
	let best = Infinity;
	for (let round = 0; round < 3; round++) {
		// A different text each round: the agents keep their last few readings, which must not help here.
		const message = `#${round} ${text}`;
		const started = process.hrtime.bigint();
		api.qualifyRules({ message, channel: 'email' });
		api.triageRules(message);
		best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
	}
	return best;
}

/**
 * Time must grow in proportion to the length: each kind at 25 KB and at 100 KB. Linear time
 * gives a ratio near 4; a rule whose time grows with the square of the length gives 16.
 */
function benchLongMessages() {
	const short = longMessages(25_000);
	const long = longMessages(100_000);
	console.log('\nLong messages: Qualifier + Triage on one message (best of 3)');
	console.log('kind                          25 KB      100 KB    100/25');
	let worst = 0;
	for (let i = 0; i < long.length; i++) {
		const a = timeOne(short[i].message);
		const b = timeOne(long[i].message);
		worst = Math.max(worst, b);
		console.log(
			`${long[i].kind.padEnd(26)} ${a.toFixed(1).padStart(8)} ms ${b.toFixed(1).padStart(8)} ms ${(b / Math.max(a, 0.05)).toFixed(1).padStart(7)}x`,
		);
	}
	console.log(
		`target: under 200 ms on any 100 KB message -> ${worst < 200 ? 'met' : 'NOT met'} (slowest ${worst.toFixed(0)} ms)`,
	);
}

/**
 * The same rules in a child process that first fills its code space, as a big process like
 * n8n's is filled, beside a fresh child in the same run: V8 optimizes a regular expression
 * less once much code is compiled, which the fresh process above does not show.
 */
function benchInABigProcess() {
	const { execFileSync } = require('node:child_process');
	const child = (megabytes) =>
		JSON.parse(
			execFileSync(
				process.execPath,
				[path.join(__dirname, 'bench-big-process.js'), String(megabytes)],
				{
					encoding: 'utf8',
				},
			).trim(),
		);
	const fresh = child(0);
	const big = child(60);
	console.log(
		'\nQualifier + Triage in a process that has compiled much code (a child fills 60 MB of code space first: a bound; n8n idle after start holds about 7 MB)',
	);
	console.log(
		`fresh child: ${fresh.perSecond.toLocaleString('en-US')}/s, slowest 100 KB message ${fresh.slowest100kbMs} ms`,
	);
	console.log(
		`filled child (${big.codeSpaceMegabytes} MB): ${big.perSecond.toLocaleString('en-US')}/s (x${(big.perSecond / fresh.perSecond).toFixed(2)}), slowest 100 KB message ${big.slowest100kbMs} ms (x${(big.slowest100kbMs / Math.max(1, fresh.slowest100kbMs)).toFixed(2)}; target 200 ms -> ${big.slowest100kbMs < 200 ? 'met' : 'NOT met'})`,
	);
}

/** The fake model's answer to the shared reading: what the rules read, in the model's shape. */
function readingFromRules(body) {
	const user = String(body.messages?.at(-1)?.content ?? '');
	const message = user.replace(/^[\s\S]*<customer_message>\n|\n<\/customer_message>[\s\S]*$/g, '');
	const q = api.qualifyRules({ message });
	const t = api.triageRules(message);
	return {
		json: {
			lead: {
				service_type: q.service_type,
				property_type: q.property_type,
				is_emergency: q.is_emergency,
				emergency_type: q.emergency_type,
				urgency: q.urgency === 'emergency' ? 'high' : q.urgency,
				frequency: q.frequency,
				visits_per_week: q.visits_per_week,
				visit_weekdays: q.visit_weekdays,
				bedrooms: q.bedrooms,
				bathrooms: q.bathrooms,
				square_feet: q.square_feet,
				budget_min_dollars: q.budget?.min == null ? null : q.budget.min / 100,
				budget_max_dollars: q.budget?.max == null ? null : q.budget.max / 100,
				decision_maker: q.decision_maker,
				wants_human: q.wants_human,
				discount_request_pct: q.discount_request_pct,
				price_shopping: false,
			},
			damage: {
				describes_active_damage: t.is_emergency,
				damage_type: t.emergency_type,
				hazards: t.hazards,
				figure_of_speech: false,
			},
		},
	};
}

/**
 * Tokens a message costs in the AI modes when the Qualifier and the Triage agent both read it:
 * each asking on its own, against one reading shared through the item. The OpenAI-compatible
 * fake (loopback) counts tokens at about 4 characters each, as OpenAI's rule of thumb.
 */
async function benchModelTokens(messages) {
	const fake = await startOpenAiFake();
	try {
		fake.reset([], readingFromRules);
		const ai = {
			connection: { apiKey: 'test-key', baseUrl: fake.baseUrl },
			call: { model: 'gpt-4o-mini', temperature: 0, timeoutMs: 5000, retry: { attempts: 1 } },
		};
		const options = { mode: 'aiWithFallback', ai };
		for (const message of messages) {
			await api.qualify({ message }, options);
			await api.triage({ message }, options);
		}
		const separate = {
			calls: fake.calls,
			prompt: fake.promptTokens,
			completion: fake.completionTokens,
		};
		fake.reset([], readingFromRules);
		for (const message of messages) {
			const first = await api.qualifyAndShareReading({ message }, options);
			await api.triageAndShareReading({ message }, { ...options, earlierReading: first.reading });
		}
		const shared = {
			calls: fake.calls,
			prompt: fake.promptTokens,
			completion: fake.completionTokens,
		};
		const per = (x) => (x / messages.length).toFixed(0).padStart(6);
		console.log(
			`\nModel tokens per message, Qualifier + Triage in AI mode (${messages.length} messages, the OpenAI fake's count)`,
		);
		console.log('                                  calls   prompt  completion   total');
		for (const [label, r] of [
			['each agent asks on its own', separate],
			['one reading shared on the item', shared],
		]) {
			console.log(
				`${label.padEnd(32)} ${(r.calls / messages.length).toFixed(1).padStart(6)} ${per(r.prompt)}  ${per(r.completion)}    ${per(r.prompt + r.completion)}`,
			);
		}
		const ratio = (shared.prompt + shared.completion) / (separate.prompt + separate.completion);
		console.log(`shared / separate: x${ratio.toFixed(2)} of the tokens, half the calls`);
	} finally {
		await fake.stop();
	}
}

main().catch((error) => {
	console.error(`bench: ${error.message}`);
	process.exit(1);
});
