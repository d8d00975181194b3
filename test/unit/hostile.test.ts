/**
 * Input an attacker (or a careless integration) sends: each case here failed before its fix,
 * with a parser that took seconds, a NaN price, extra e-mail recipients, a reordered text or a
 * TypeError instead of an error naming the field. Long text itself is read (e-mail intake can
 * bring 100 KB: test/unit/situation.test.ts); the parsers read it once.
 */
import { performance } from 'node:perf_hooks';

import { compose, type ComposeInput } from '../../nodes/ConfirmationAgent/compose';
import { readIntent } from '../../nodes/NegotiationAgent/intent';
import { DEFAULT_TEMPLATES } from '../../nodes/NegotiationAgent/negotiate';
import { decide, DEFAULT_POLICY } from '../../nodes/NegotiationAgent/policy';
import { draftIsSafe, writeReply } from '../../nodes/NegotiationAgent/reply';
import { priceSync } from '../../nodes/PricingAgent/price';
import { qualify, qualifyRules } from '../../nodes/QualifierAgent/qualify';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import { SEARCH_YEARS, seriesStarts } from '../../nodes/SchedulingAgent/series';
import { SqliteBookingStore, type BookingRecord } from '../../nodes/shared/store';
import { withoutNul, storedIdempotencyKey } from '../../nodes/shared/store/clean';
import { poolSsl } from '../../nodes/shared/store/postgres';
import { storeBackends } from '../support/stores';
import { DateTime } from 'luxon';
import { formatMoney, moneyAmountsIn } from '../../nodes/shared/money';

/** The fastest of a few runs, in milliseconds (the first runs warm the engine up). */
function fastest(run: () => unknown, times = 5): number {
	let best = Infinity;
	for (let i = 0; i < times; i++) {
		const start = performance.now();
		run();
		best = Math.min(best, performance.now() - start);
	}
	return best;
}

/**
 * How much longer ten times the input takes: about 10 for a parser that reads its input once,
 * about 100 when each position rescans the rest (the 100,000-digit reply that took 17 s).
 */
const growth = (run: (size: number) => unknown, size: number) =>
	fastest(() => run(size * 10)) /
	Math.max(
		fastest(() => run(size)),
		0.05,
	);

describe('parsers read a long input once', () => {
	it('money amounts: a run of 100,000 digits is no amount, and is read at once', () => {
		expect(moneyAmountsIn('1'.repeat(100_000))).toEqual([]);
		expect(growth((n) => moneyAmountsIn('1'.repeat(n)), 2_000)).toBeLessThan(40);
		// What it reads is unchanged.
		expect(
			moneyAmountsIn('$2,246.40 or 150 dollars, USD 99, 1,500 bucks and 2.50 dollars'),
		).toEqual([224640, 15000, 9900, 150000, 250]);
	});

	it("a reply's intent: digits, a percentage after them", () => {
		expect(growth((n) => readIntent('1'.repeat(n)), 2_000)).toBeLessThan(40);
		expect(growth((n) => readIntent(`${'1'.repeat(n)}%`), 2_000)).toBeLessThan(40);
	});
});

describe('a message that is not text is refused, naming the field', () => {
	it.each([42, null, undefined, { text: 'hi' }])('%p', async (message) => {
		expect(() => qualifyRules({ message } as never)).toThrow(
			expect.objectContaining({
				field: 'message',
				message: expect.stringMatching(/must be a string/),
			}),
		);
		await expect(qualify({ message } as never)).rejects.toMatchObject({ field: 'message' });
	});
});

describe('add-on codes are the rate card’s own', () => {
	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'"%s" is an unknown add-on, not a NaN price',
		(code) => {
			expect(() =>
				priceSync({
					service_type: 'standard_cleaning',
					bedrooms: 2,
					bathrooms: 1,
					add_ons: [code],
				}),
			).toThrow(
				expect.objectContaining({
					field: 'add_ons',
					message: expect.stringMatching(/Unknown add-on/),
				}),
			);
		},
	);
});

describe("a model's draft says nothing the policy did not approve", () => {
	const quote = priceSync(
		{
			service_type: 'commercial_cleaning',
			property_type: 'commercial',
			square_feet: 7200,
			frequency: 'weekly',
		},
		{ now: '2026-11-25T12:00:00Z' },
	);
	// The customer asked for 10%: within the automatic limit, accepted at 10% off.
	const decision = decide(
		quote,
		{ type: 'counter_percent', amount_cents: null, percent: 10, frequency: null },
		1,
		DEFAULT_POLICY,
		quote.pricing_inputs.priced_at,
	);
	const price = formatMoney(decision.offer.quote.total_cents, 'USD');

	it('its own words with the approved price and discount go out', () => {
		expect(decision.action).toBe('accept');
		expect(
			draftIsSafe(`Happy to help, Sam: ${price} per visit, 10% off. Feel free to ask.`, decision),
		).toBe(true);
	});

	it.each([
		['a bigger discount', `Done: 60% off, ${price} per visit.`],
		['a giveaway', `Deal at ${price} per visit, and three free cleanings!`],
		['on the house', `Deal at ${price}; the first visit is on the house.`],
		['a payment link', `Deal at ${price}: pay at https://pay.example.net/abc`],
		['a bare domain', `Deal at ${price}: see www.example.net`],
		['an e-mail address', `Deal at ${price}: write to sales@elsewhere.example`],
		['a phone number', `Deal at ${price}: call +1 (646) 555-0199`],
		['another price', 'Deal at $1.00 per visit.'],
	])('%s is replaced by the template', (_what, draft) => {
		expect(draftIsSafe(draft, decision)).toBe(false);
		const reply = writeReply(decision, 'Sam', DEFAULT_TEMPLATES, draft);
		expect(reply.source).toBe('template');
	});
});

describe('messages', () => {
	const base: ComposeInput = {
		kind: 'booking_confirmation',
		customer: { name: 'Dana Lee', email: 'dana@example.com', phone: '+12127365000' },
		business: { name: 'Bright Clean', email: 'ops@brightclean.example' },
		booking: {
			booking_id: 'bk_1',
			start: '2026-11-30T09:00:00-05:00',
			end: '2026-11-30T12:00:00-05:00',
			time_zone: 'America/New_York',
			crew_name: 'Crew A',
		},
		service: 'standard_cleaning',
	};
	const c = (input: Partial<ComposeInput>) =>
		compose({ ...base, ...input }, { now: '2026-11-25T12:00:00Z' });

	it.each([
		'dana@example.com, boss@example.com',
		'dana@example.com; boss@example.com',
		'dana@example.com\r\nBcc: boss@example.com',
		'Dana <dana@example.com>',
		'undisclosed: dana@example.com;',
	])('an e-mail address that would add recipients is not sent to: %p', (email) => {
		const sent = c({ customer: { ...base.customer, email } });
		expect(sent.email).toBeNull();
		expect(sent.skipped).toEqual([expect.stringMatching(/is not one e-mail address/)]);
		// The text still goes.
		expect(sent.sms?.to).toBe('+12127365000');
	});

	it('control characters and right-to-left overrides in a name or note reach no text or e-mail', () => {
		const sent = c({
			customer: { ...base.customer, name: 'Dana\u202e moc.live\u202c \u0007Lee\u200f' },
		});
		for (const text of [sent.sms!.text, sent.email!.text, sent.email!.subject])
			expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202a-\u202e\u200e\u200f]/);
		expect(sent.email!.text).toContain('Dana moc.live Lee');
	});

	it('a placeholder named like an object property stays as written', () => {
		const sent = compose(
			{ ...base },
			{
				now: '2026-11-25T12:00:00Z',
				templates: { booking_confirmation: { subject: 'Hi {constructor} {__proto__} {name}' } },
			},
		);
		expect(sent.email!.subject).toBe('Hi {constructor} {__proto__} Dana Lee');
	});
});

describe('bad input names its field instead of a TypeError', () => {
	const job = { service_type: 'standard_cleaning', duration_minutes: 60 };
	const now = '2026-11-25T12:00:00-05:00';

	it('holidays that are not a list', async () => {
		const store = new SqliteBookingStore(':memory:');
		await store.init();
		try {
			await expect(
				schedule(
					{ operation: 'findSlots', job },
					{ store, now, calendar: { holidays: 'xmas' as never } },
				),
			).rejects.toMatchObject({
				field: 'holidays',
				message: expect.stringMatching(/a list of dates/),
			});
		} finally {
			await store.close();
		}
	});

	it('a start a person chose is within ten years (year 9999 was booked, as was a mistyped 2062), for a booking and a move', async () => {
		const store = new SqliteBookingStore(':memory:');
		await store.init();
		try {
			for (const start of ['9999-01-04T10:00:00-05:00', '2062-01-04T10:00:00-05:00'])
				await expect(
					schedule({ operation: 'book', job, start }, { store, now }),
				).rejects.toMatchObject({
					field: 'start',
					message: expect.stringMatching(/more than 3653 days ahead/),
				});
			const booked = await schedule(
				{ operation: 'book', job, start: '2027-06-01T10:00:00-04:00' },
				{ store, now },
			);
			expect(booked.status).toBe('confirmed');
			await expect(
				schedule(
					{
						operation: 'reschedule',
						booking_id: booked.booking_id!,
						start: '9999-01-04T10:00:00-05:00',
					},
					{ store, now },
				),
			).rejects.toMatchObject({ field: 'start' });
		} finally {
			await store.close();
		}
	});

	it("a booking's end that is not a date-time after its start", () => {
		for (const end of ['later', '2026-11-29T09:00:00-05:00'])
			expect(() =>
				compose(
					{
						kind: 'booking_confirmation',
						customer: { name: 'Dana', email: 'dana@example.com' },
						business: { name: 'Bright Clean', email: 'ops@brightclean.example' },
						booking: {
							booking_id: 'bk_1',
							start: '2026-11-30T09:00:00-05:00',
							end,
							time_zone: 'America/New_York',
						},
						service: 'standard_cleaning',
					},
					{ now: '2026-11-25T12:00:00Z' },
				),
			).toThrow(expect.objectContaining({ field: 'booking.end' }));
	});
});

describe.each(storeBackends('hostile'))('the %s store keeps what it is given', (_name, open) => {
	const visit = (id: string, crew: string, name: string): BookingRecord => ({
		id,
		crew_id: crew,
		start_ms: Date.parse('2030-06-03T13:00:00Z'),
		end_ms: Date.parse('2030-06-03T15:00:00Z'),
		busy_until_ms: Date.parse('2030-06-03T15:30:00Z'),
		time_zone: 'America/New_York',
		status: 'confirmed',
		hold_expires_ms: null,
		series_id: null,
		service: 'standard_cleaning',
		priority: null,
		customer: { name, note: `gate\u0000code` },
		details: null,
		cancel_reason: null,
		created_at_ms: 0,
		updated_at_ms: 0,
	});

	it('a NUL character in a name and a 3 KB idempotency key (PostgreSQL refused both with a raw error)', async () => {
		const { store, done } = await open();
		try {
			await store.syncCrews([
				{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], on_call: false },
			]);
			const longKey = `form:${'x'.repeat(3000)}`;
			const write = () =>
				store.write(longKey, 'book', 0, async (tx) => {
					expect(await tx.insertBooking(visit('bk_nul_1', 'crew-a', 'Ana\u0000 Ruiz'))).toBe('ok');
					return { name: 'Ana\u0000 Ruiz' };
				});
			expect(await write()).toEqual({ result: { name: 'Ana\u0000 Ruiz' }, replayed: false });
			// The same key again: the first result, once.
			expect((await write()).replayed).toBe(true);
			const stored = await store.getBooking('bk_nul_1');
			expect(stored?.customer).toEqual({
				name: store.kind === 'postgres' ? 'Ana Ruiz' : 'Ana\u0000 Ruiz',
				note: store.kind === 'postgres' ? 'gatecode' : 'gate\u0000code',
			});
			const rows = await store.read('SELECT key FROM idempotency', []);
			expect(rows.map((r) => String(r.key))).toEqual([storedIdempotencyKey(longKey)]);
		} finally {
			await done();
		}
	});

	it('40,000 crews in one search (SQLite allows 32,766 parameters a statement)', async () => {
		const { store, done } = await open();
		try {
			const crews = Array.from({ length: 40_000 }, (_, i) => `crew-${i}`);
			await store.syncCrews([
				{ id: 'crew-39999', name: 'The last crew', skills: ['cleaning'], on_call: false },
			]);
			await store.write(null, 'book', 0, async (tx) =>
				tx.insertBooking(visit('bk_many', 'crew-39999', 'Bo')),
			);
			const window: [number, number] = [
				Date.parse('2030-06-03T00:00:00Z'),
				Date.parse('2030-06-04T00:00:00Z'),
			];
			expect(await store.busyIntervals([window], crews, 0)).toEqual([
				expect.objectContaining({ crew_id: 'crew-39999' }),
			]);
			expect((await store.listBookings({ crewIds: crews }, 0)).map((b) => b.id)).toEqual([
				'bk_many',
			]);
		} finally {
			await done();
		}
	});
});

describe('what the store is given is cleaned once, the same way', () => {
	it('NUL characters, also written as JSON escapes, and long or unprintable keys', () => {
		expect(withoutNul({ a: ['x\u0000y', { b: 'z' }], n: 1 })).toEqual({
			a: ['xy', { b: 'z' }],
			n: 1,
		});
		expect(withoutNul(JSON.stringify({ name: 'Ana\u0000' }))).toBe('{"name":"Ana"}');
		// An escaped backslash before "u0000" is text, kept.
		expect(withoutNul('{"path":"C:\\\\u0000"}')).toBe('{"path":"C:\\\\u0000"}');
		expect(storedIdempotencyKey('form-123')).toBe('form-123');
		expect(storedIdempotencyKey('a\nb')).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(storedIdempotencyKey('k'.repeat(201))).toMatch(/^sha256:[0-9a-f]{64}$/);
	});

	it("PostgreSQL over SSL verifies the server's certificate unless told not to", () => {
		const base = { host: 'db', port: 5432, database: 'booking', user: 'ops' };
		expect(poolSsl({ ...base, ssl: false })).toBeUndefined();
		expect(poolSsl({ ...base, ssl: true })).toEqual({ rejectUnauthorized: true });
		expect(poolSsl({ ...base, ssl: true, ignoreSslIssues: true })).toEqual({
			rejectUnauthorized: false,
		});
	});

	it('a series rule that names no day is refused naming series.rrule, and a rare day is searched 50 years ahead, not to the year 9999', async () => {
		const now = DateTime.fromISO('2026-12-06T09:00', { zone: 'America/New_York' });
		// rrule walked these day by day to the year 9999 before: 9 s for the daily rule on n8n's main thread.
		for (const [rrule, why] of [
			[
				'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
				/names no day that exists \(BYMONTHDAY=30 in BYMONTH=2\)/,
			],
			['FREQ=WEEKLY;BYMONTH=4,6;BYMONTHDAY=31,-31;COUNT=3', /names no day that exists/],
			['FREQ=MONTHLY;BYMONTHDAY=32', /names no day that exists/],
			['FREQ=DAILY;BYSETPOS=2', /BYSETPOS=2 of at most 1 time a day/],
			['FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=-3', /BYSETPOS=-3 of at most 2 times a week/],
			['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6', /BYSETPOS=6 of at most 5 times a month/],
			['FREQ=MONTHLY;BYDAY=1MO,2TU;BYSETPOS=3', /BYSETPOS=3 of at most 2 times a month/],
			['FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1', /uses BYYEARDAY/],
			['FREQ=YEARLY;BYWEEKNO=53', /uses BYWEEKNO/],
		] as const)
			expect(() => seriesStarts({ rrule }, 'America/New_York', now)).toThrow(
				expect.objectContaining({ field: 'series.rrule', message: expect.stringMatching(why) }),
			);
		// Rare days that exist are found: the 29th of February, and a Monday that is the 29th of February.
		const days = (rrule: string) =>
			seriesStarts({ rrule, time: '09:00' }, 'America/New_York', now).starts.map((start) =>
				start.toISODate(),
			);
		expect(days('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2')).toEqual([
			'2028-02-29',
			'2032-02-29',
		]);
		// 52 asked; those within SEARCH_YEARS are given (the rule's next ones are centuries away).
		expect(days('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=52')).toEqual([
			'2044-02-29',
			'2072-02-29',
		]);
		expect(SEARCH_YEARS).toBe(50);
		// What businesses write still books: the last weekday of each month.
		expect(days('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3')).toEqual([
			'2026-12-31',
			'2027-01-29',
			'2027-02-26',
		]);
		// Booking a rule with no day names it and books nothing.
		const store = new SqliteBookingStore(':memory:');
		try {
			await store.init();
			await expect(
				schedule(
					{
						operation: 'bookSeries',
						job: { service_type: 'standard_cleaning' },
						series: { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' },
					},
					{ store, now: '2026-12-06T09:00:00-05:00' },
				),
			).rejects.toMatchObject({ field: 'series.rrule' });
			expect(await store.listBookings({}, Date.parse('2026-12-06T14:00:00Z'))).toEqual([]);
		} finally {
			await store.close();
		}
	});

	it('a series rule by the hour, minute or second is refused, naming series.rrule', () => {
		const now = DateTime.fromISO('2026-12-06T09:00', { zone: 'America/New_York' });
		for (const rrule of ['FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=HOURLY;COUNT=5'])
			expect(() => seriesStarts({ rrule }, 'America/New_York', now)).toThrow(
				expect.objectContaining({
					field: 'series.rrule',
					message: expect.stringMatching(/daily at most/),
				}),
			);
	});
});
