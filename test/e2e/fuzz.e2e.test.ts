/**
 * Bad input at volume, in a real n8n with the templates as shipped: malformed, wrongly
 * typed, oversized and hostile bodies (unicode tricks, prototype-pollution keys, injection
 * strings and n8n expressions, deep nesting, 10 MB bodies), seeded so a failure replays,
 * posted eight at a time at every booking webhook, the link and signing pages and Incoming
 * Texts: 1,000 in `npm test` (about 3 minutes), 5,000 with `npm run fuzz` (about 13: each
 * request runs a workflow, and n8n runs one at a time per process). Every answer is a 4xx (a booking webhook's names the field to fix), a normal booking
 * posted meanwhile is booked, and the store holds no row from them.
 */
import path from 'node:path';

import { startBookingEnv } from '../../dev/booking-env';
import { SqliteBookingStore } from '../../nodes/shared/store';

/** How many bodies: BOOKING_AGENTS_FUZZ_BODIES (npm run fuzz: 5,000), else 1,000. */
const BODIES = Number(process.env.BOOKING_AGENTS_FUZZ_BODIES || 1_000);

jest.setTimeout(300_000 + BODIES * 400);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

beforeAll(async () => {
	env = await startBookingEnv({
		only: [
			'booking-simple.json',
			'booking-emergency.json',
			'booking-commercial-sales.json',
			'booking-recurring-service.json',
			'support-customer-links.json',
			'support-agreement-signing.json',
			'intake-texts.json',
		],
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		tableRows: { hours: EVERY_DAY.map((day) => ({ day, opens: '06:00', closes: '22:00' })) },
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	for (const hook of ['booking', 'emergency', 'commercial-inquiry', 'recurring'])
		await env.n8n.waitForWebhook(hook, { probeBody: {} });
});

afterAll(async () => {
	await store?.close();
	await env?.stop();
});

/** A small seeded generator (mulberry32): the same bodies every run. */
function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const HOSTILE_TEXT = [
	"'; DROP TABLE bookings; --",
	'{{ $env.HOME }}',
	"={{ $('Business Settings').first().json }}",
	'${process.exit(1)}',
	'<script>alert(document.cookie)</script>',
	'../../../../etc/passwd',
	'A\u0000B',
	'\u202Egnp.exe',
	'zero\u200Bwidth\uFEFF',
	'\uD800 lone surrogate',
	'👩‍👩‍👧‍👦'.repeat(500),
	'%s%s%s%n',
	'x'.repeat(6000),
];
const WRONG_TYPES: unknown[] = [123, -1, 1e308, true, null, [], ['a'], {}, { a: 1 }, '', ' '];

const VALID = () => ({
	message: 'Standard clean of a 2 bedroom 1 bathroom apartment',
	customer: {
		name: 'Fuzz Test',
		email: 'fuzz@example.com',
		phone: '+12125550142',
		address: '1 Test St',
	},
});

/** A body no webhook may accept: a valid one with at least one required field broken, or worse. */
function badBody(next: () => number): { raw: string | Buffer; contentType: string } {
	const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
	const kind = Math.floor(next() * 10);
	if (kind === 0)
		return {
			raw: pick([
				'{"message": ',
				'{',
				'[1,2',
				'null',
				'"just a string"',
				'12',
				'{"message":"a"}}',
				'{"message": "a", "customer": {"name": "b"',
				'\u0000\u0001',
			]),
			contentType: 'application/json',
		};
	if (kind === 1)
		return {
			// Not UTF-8.
			raw: Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
			contentType: 'application/json',
		};
	const body: Record<string, any> = VALID();
	let protoKey = false;
	// Always one break of a required field.
	const breaks = [
		() => delete body.message,
		() => (body.message = pick(WRONG_TYPES)),
		() => (body.message = 'x'.repeat(5001 + Math.floor(next() * 5000))),
		() => delete body.customer,
		() => (body.customer = pick(WRONG_TYPES.filter((v) => typeof v !== 'object' || v === null))),
		() =>
			(body.customer.email = pick([
				'a@b.com, c@d.com',
				'x\r\nBcc: evil@example.com',
				'no-at-sign',
				5,
			])),
		() => (body.customer.phone = pick(['1', {}, [], 'call me maybe'])),
		() => (body.customer.name = pick([5, [], {}, '   '])),
	];
	pick(breaks)();
	// Then hostile decoration anywhere.
	for (let i = Math.floor(next() * 3); i > 0; i--) {
		const decorate = [
			() => (body.__proto__polluted = true),
			() => (protoKey = true),
			() => (body['constructor'] = { prototype: { polluted: 1 } } as unknown),
			() => (body.preference = pick(HOSTILE_TEXT)),
			() => (body.notes = pick(HOSTILE_TEXT)),
			() => {
				if (typeof body.customer === 'object' && body.customer)
					body.customer.address = pick(HOSTILE_TEXT);
			},
			() => {
				let deep: Record<string, unknown> = {};
				const top = deep;
				for (let d = 0; d < 2000; d++) deep = deep.a = {};
				body.details = top;
			},
			() => (body.add_ons = Array.from({ length: 20_000 }, (_, j) => `addon-${j}`)),
			() => (body.channel = pick(HOSTILE_TEXT)),
			() => (body.request_id = pick(HOSTILE_TEXT)),
		];
		pick(decorate)();
	}
	const raw = JSON.stringify(body);
	// A "__proto__" key as an attacker writes it in the JSON text (an object literal would set the prototype).
	return {
		raw: protoKey ? raw.replace(/^\{/, '{"__proto__":{"isAdmin":true,"status":"booked"},') : raw,
		contentType: 'application/json',
	};
}

/** A 10 MB body: a message of 10 million characters (the request check allows 5,000). */
const HUGE = () =>
	JSON.stringify({ ...VALID(), message: 'water '.repeat(1_750_000) }).slice(0, 10_500_000);

async function post(url: string, raw: string | Buffer, contentType: string, headers = {}) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': contentType, ...headers },
		body: raw,
	});
	return { status: response.status, text: await response.text() };
}

const counts = async () => {
	const [bookings] = await store.read('SELECT COUNT(*) AS n FROM bookings');
	const [cases] = await store.read('SELECT COUNT(*) AS n FROM cases');
	const [links] = await store.read('SELECT COUNT(*) AS n FROM case_links');
	return { bookings: Number(bookings.n), cases: Number(cases.n), links: Number(links.n) };
};

it(`${BODIES.toLocaleString('en-US')} bad bodies at every entry point: each a 4xx naming the field, a booking meanwhile booked, nothing stored`, async () => {
	const base = env.n8n.baseUrl;
	const key = { 'X-Booking-Key': env.webhookKey };
	const hooks = ['booking', 'emergency', 'commercial-inquiry', 'recurring'];
	const booking = (n: number) =>
		env.post('booking', {
			...VALID(),
			customer: { ...VALID().customer, email: `normal${n}@example.com` },
			request_id: `fuzz-normal-${n}`,
		});
	// Usual time first: a few normal bookings.
	const usual: number[] = [];
	for (let n = 0; n < 3; n++) {
		const started = performance.now();
		expect((await booking(n)).body).toMatchObject({ status: 'booked' });
		usual.push(performance.now() - started);
	}
	const before = await counts();

	const next = random(20261206);
	type Shot = { target: string; send: () => Promise<{ status: number; text: string }> };
	const shots: Shot[] = [];
	for (let i = 0; i < BODIES - 300; i++) {
		const hook = hooks[i % hooks.length];
		const { raw, contentType } = badBody(next);
		// One in twenty without the webhook key: refused before any check.
		const headers = i % 20 === 0 ? {} : key;
		shots.push({
			target: i % 20 === 0 ? `${hook} (no key)` : hook,
			send: () => post(`${base}/webhook/${hook}`, raw, contentType, headers),
		});
	}
	for (let i = 0; i < 5; i++)
		shots.push({
			target: 'booking',
			send: () => post(`${base}/webhook/booking`, HUGE(), 'application/json', key),
		});
	for (let i = 0; i < 100; i++) {
		// A lone surrogate cannot be sent in a URL: as a browser would, it becomes U+FFFD.
		const token = encodeURIComponent(
			[HOSTILE_TEXT[i % HOSTILE_TEXT.length], 'x'.repeat(i * 40), `${i}.${'a'.repeat(43)}`][
				i % 3
			].replace(
				/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
				'\uFFFD',
			),
		);
		shots.push({
			target: 'link page',
			send: () =>
				post(
					`${base}/webhook/link?t=${token}`,
					`choice=accept&reply=${token}`,
					'application/x-www-form-urlencoded',
				),
		});
		shots.push({
			target: 'signing page',
			send: () =>
				post(
					`${base}/webhook/sign-agreement?token=${token}`,
					JSON.stringify({ name: HOSTILE_TEXT[i % 13] }),
					'application/json',
				),
		});
	}
	for (let i = 0; i < 95; i++)
		shots.push({
			target: 'texts (not signed by Twilio)',
			send: () =>
				post(
					`${base}/webhook/sms`,
					new URLSearchParams({ From: '+12125550142', Body: HOSTILE_TEXT[i % 13] }).toString(),
					'application/x-www-form-urlencoded',
					i % 2 ? { 'X-Twilio-Signature': 'forged' } : {},
				),
		});
	expect(shots).toHaveLength(BODIES);

	const unexpected: string[] = [];
	const statuses: Record<string, number> = {};
	let during: { ms: number; status: string } | null = null;
	let cursor = 0;
	const worker = async () => {
		for (let i = cursor++; i < shots.length; i = cursor++) {
			if (i === Math.floor(BODIES / 2)) {
				const started = performance.now();
				const answer = await booking(99);
				during = { ms: performance.now() - started, status: String(answer.body?.status) };
			}
			const { status, text } = await shots[i].send();
			statuses[status] = (statuses[status] ?? 0) + 1;
			// A booking webhook's 400 names each field to fix.
			const named =
				!hooks.includes(shots[i].target) || status !== 400 || /"field":"[a-z_.]+"/.test(text);
			if (status < 400 || status >= 500 || !named)
				unexpected.push(`#${i} ${shots[i].target}: ${status} ${text.slice(0, 200)}`);
		}
	};
	const started = Date.now();
	await Promise.all(Array.from({ length: 8 }, worker));
	const seconds = (Date.now() - started) / 1000;
	const usualMs = [...usual].sort((a, b) => a - b)[1];
	const meanwhile = during as { ms: number; status: string } | null;
	// The figures, for the record (speed is judged by the benchmarks, not here).
	process.stdout.write(
		`fuzz: ${BODIES} bodies in ${seconds.toFixed(0)} s; answers ${JSON.stringify(statuses)}; a normal booking took ${usualMs.toFixed(0)} ms before and ${meanwhile?.ms.toFixed(0)} ms during\n`,
	);
	expect(unexpected.slice(0, 20)).toEqual([]);
	expect(meanwhile?.status).toBe('booked');
	// Nothing from them in the store: only the normal booking made during the flood.
	expect(await counts()).toEqual({
		bookings: before.bookings + 1,
		cases: before.cases + 1,
		links: before.links + 1,
	});
	// n8n answers as before.
	expect((await booking(100)).body).toMatchObject({ status: 'booked' });
});
