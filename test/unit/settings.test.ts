/**
 * The settings tables ops staff keep in n8n's Data Tables: the seed rows read
 * back to the agents' defaults, every bad value is refused with the table, the
 * row id and the column, and what the crews' rows say (working days, time off,
 * service area) decides who can be booked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_RATE_CARD, resolveRateCard } from '../../nodes/PricingAgent/rateCard';
import { price } from '../../nodes/PricingAgent/price';
import {
	DEFAULT_CALENDAR,
	crewCovers,
	resolveCalendar,
} from '../../nodes/SchedulingAgent/calendar';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { settingsSeedRows } from '../../nodes/api';
import {
	BUSINESS_SETTINGS,
	SETTINGS_TABLES,
	SettingsError,
	readBusinessSettings,
	readCalendarSettings,
	readPolicySettings,
	readRateCard,
	readMessageSettings,
	readOnCallLadder,
	type SettingsRows,
} from '../../nodes/shared/settings';
import {
	DEFAULT_TEMPLATES,
	MESSAGE_KINDS,
	MESSAGE_PLACEHOLDERS,
	compose,
} from '../../nodes/ConfirmationAgent/compose';

/** The seed rows as n8n's Data Table node returns them: each with n8n's row id. */
function tables(change: (rows: ReturnType<typeof settingsSeedRows>) => void = () => {}) {
	const rows = settingsSeedRows();
	change(rows);
	return Object.fromEntries(
		Object.entries(rows).map(([key, list]) => [
			key,
			list.map((row, i) => ({ ...row, id: i + 1, createdAt: '2026-12-01T00:00:00.000Z' })),
		]),
	) as SettingsRows;
}

const readMessages = (settings: SettingsRows) =>
	readMessageSettings(settings, MESSAGE_KINDS, MESSAGE_PLACEHOLDERS);

/** The error a reader gives for these rows (the test fails if there is none). */
function refusal(read: (s: SettingsRows) => unknown, settings: SettingsRows): SettingsError {
	try {
		read(settings);
	} catch (error) {
		expect(error).toBeInstanceOf(SettingsError);
		return error as SettingsError;
	}
	throw new Error('the rows were accepted');
}

const rate = (rows: ReturnType<typeof settingsSeedRows>, name: string) =>
	rows.rate_card.find((r) => r.rate === name)!;
const setting = (rows: ReturnType<typeof settingsSeedRows>, name: string) =>
	rows.business.find((r) => r.setting === name)!;

describe('the Messages table', () => {
	it("seeds the Confirmation Agent's own wording, every message and part, which reads back to it", () => {
		const rows = settingsSeedRows().messages;
		expect(rows).toHaveLength(MESSAGE_KINDS.length * 3);
		expect(readMessages(tables())).toEqual(DEFAULT_TEMPLATES);
	});

	it('a changed wording is what the customer gets; an emptied one falls back to the default', async () => {
		const settings = tables((r) => {
			r.messages.find(
				(m) => m.message === 'booking_confirmation' && m.part === 'subject',
			)!.wording = 'All set, {name}: {service} on {date}';
			r.messages.find((m) => m.message === 'booking_confirmation' && m.part === 'sms')!.wording =
				'';
		});
		const templates = readMessages(settings);
		expect(templates.booking_confirmation).toEqual({
			subject: 'All set, {name}: {service} on {date}',
			text: DEFAULT_TEMPLATES.booking_confirmation.text,
		});
		const message = await compose(
			{
				kind: 'booking_confirmation',
				customer: { name: 'Ana', email: 'ana@example.com', phone: '+12125550100' },
				business: { name: 'Bright Clean Co.', email: 'hello@brightclean.example' },
				booking: {
					booking_id: 'bk_1',
					start: '2026-12-08T09:00:00-05:00',
					end: '2026-12-08T11:00:00-05:00',
					time_zone: 'America/New_York',
					crew_name: 'Crew A',
				},
				service: 'deep_cleaning',
			},
			{ templates: templates as never },
		);
		expect(message.email?.subject).toBe('All set, Ana: deep cleaning on Tuesday, December 8');
		expect(message.sms?.text).toMatch(/^Bright Clean Co\.: your deep cleaning is booked for/);
	});
});

describe('the seed rows', () => {
	it('read back to the rate card the Pricing Agent uses by default', () => {
		const card = resolveRateCard(readRateCard(tables()));
		expect(card).toEqual(DEFAULT_RATE_CARD);
	});

	it('read back to the default crews and opening hours', () => {
		const calendar = readCalendarSettings(tables());
		expect(
			calendar.crews!.map(({ id, name, skills, on_call }) => ({ id, name, skills, on_call })),
		).toEqual(DEFAULT_CALENDAR.crews);
		expect(calendar.businessHours).toEqual(DEFAULT_CALENDAR.businessHours);
		expect(calendar.timeZone).toBe('America/New_York');
		expect(calendar.holidays).toEqual([]);
		expect(() => resolveCalendar(calendar)).not.toThrow();
	});

	it('carry the demo business and the discount policy', () => {
		const business = readBusinessSettings(tables());
		expect(business.business_name).toBe('Bright Clean Co.');
		expect(business.ops_email).toBe('ops@brightclean.example');
		expect(business.public_url).toBe('http://localhost:5678/');
		expect(readPolicySettings(tables())).toEqual({
			maxAutoDiscountPct: 10,
			approvalBandMaxPct: 15,
			floorPriceCents: 0,
			maxRounds: 3,
			concessionStepsPct: [5, 10],
		});
	});
});

describe('a change in a row', () => {
	it('changes the price: dollars in the table, cents on the quote', async () => {
		const settings = tables((rows) => {
			rate(rows, 'residential_base').amount = 150;
			rate(rows, 'tax_rate_pct').amount = 8.875;
			rows.rate_card.push({ rate: 'add_on:balcony', amount: 45.5, label: 'Balcony sweep' });
		});
		const card = readRateCard(settings) as Parameters<typeof price>[1] extends infer O
			? O extends { rateCard?: infer C }
				? C
				: never
			: never;
		const quote = await price(
			{ service_type: 'standard_cleaning', bedrooms: 1, bathrooms: 1, add_ons: ['balcony'] },
			{ rateCard: card },
		);
		const lines = Object.fromEntries(quote.line_items.map((l) => [l.code, l.amount_cents]));
		expect(lines.base).toBe(15000);
		expect(lines.add_on_balcony).toBe(4550);
		expect(quote.tax_rate_pct).toBe(8.875);
	});

	it('adds a promo code that a quote applies, in any case, within its expiry', async () => {
		const settings = tables((rows) => {
			rows.promo_codes = [
				{
					code: 'Spring10',
					type: 'percent',
					value: 10,
					expires: '2030-06-30',
					first_time_only: false,
				},
				{ code: 'WELCOME25', type: 'fixed', value: 25, expires: '', first_time_only: true },
			];
		});
		const card = readRateCard(settings) as { promo_codes: Record<string, unknown> };
		expect(card.promo_codes).toEqual({
			SPRING10: { type: 'percent', value: 10, expires: '2030-06-30', first_time_only: false },
			WELCOME25: { type: 'fixed', value: 2500, expires: null, first_time_only: true },
		});
		const job = { service_type: 'standard_cleaning', bedrooms: 1, bathrooms: 1 };
		const spring = await price(
			{ ...job, promo_code: 'spring10' },
			{ rateCard: card as never, now: '2030-01-01T12:00:00Z' },
		);
		const base = await price(job, { rateCard: card as never, now: '2030-01-01T12:00:00Z' });
		expect(spring.total_cents).toBe(base.total_cents - Math.round(base.total_cents * 0.1));
		const welcome = await price(
			{ ...job, promo_code: 'WELCOME25', first_time: false },
			{ rateCard: card as never, now: '2030-01-01T12:00:00Z' },
		);
		expect(welcome.total_cents).toBe(base.total_cents);
	});

	it('in the Business table changes the currency, the calendar numbers and the time zone', () => {
		const settings = tables((rows) => {
			setting(rows, 'currency').value = 'eur';
			setting(rows, 'buffer_minutes').value = '45';
			setting(rows, 'time_zone').value = 'Europe/Berlin';
		});
		expect(readRateCard(settings).currency).toBe('EUR');
		const calendar = readCalendarSettings(settings);
		expect(calendar.bufferMinutes).toBe(45);
		expect(calendar.timeZone).toBe('Europe/Berlin');
	});

	it('accepts the ways ops write days, times and ranges', () => {
		const settings = tables((rows) => {
			Object.assign(rows.crews[0], {
				working_days: 'Monday - Wednesday, fri',
				time_off: '2026-12-24 .. 2026-12-31, 2027-01-15',
				service_area: '100, Brooklyn',
			});
			rows.hours = [
				{ day: 'Monday', opens: '8:00', closes: '12:00' },
				{ day: 'mon', opens: '13:00', closes: '17:30' },
			];
			rows.holidays = [{ date: '2026-12-25', name: 'Christmas' }];
		});
		const calendar = readCalendarSettings(settings);
		expect(calendar.crews![0]).toMatchObject({
			working_days: ['mon', 'tue', 'wed', 'fri'],
			time_off: [
				['2026-12-24', '2026-12-31'],
				['2027-01-15', '2027-01-15'],
			],
			service_area: ['100', 'brooklyn'],
		});
		expect(calendar.businessHours!.mon).toEqual([
			['08:00', '12:00'],
			['13:00', '17:30'],
		]);
		expect(calendar.businessHours!.tue).toEqual([]);
		expect(calendar.holidays).toEqual(['2026-12-25']);
	});

	it('leaves an inactive crew out', () => {
		const calendar = readCalendarSettings(tables((rows) => (rows.crews[0].active = false)));
		expect(calendar.crews!.map((c) => c.id)).toEqual(['crew-b', 'on-call']);
	});
});

describe('the on-call ladder', () => {
	it('reads names and phones in order, as people type them, and says what is wrong with a part', () => {
		expect(
			readOnCallLadder('Morgan Lee +1 212 555 0181; Sam: (212) 555-0182\nAl, 212.555.0183'),
		).toEqual([
			{ name: 'Morgan Lee', phone: '+12125550181' },
			{ name: 'Sam', phone: '+12125550182' },
			{ name: 'Al', phone: '+12125550183' },
		]);
		expect(readOnCallLadder('Morgan +1 212 555 0181; Sam')).toEqual({
			problem: '"Sam" is not a name followed by a phone number.',
		});
		expect(readOnCallLadder('+12125550181')).toMatchObject({ problem: expect.any(String) });
		expect(readOnCallLadder('Sam 555-0182')).toMatchObject({ problem: expect.any(String) });
		const rows = tables((r) => {
			r.business.find((row) => row.setting === 'on_call_ladder')!.value =
				'Morgan; Sam +1 212 555 0182';
		});
		expect(refusal(readBusinessSettings, rows).message).toMatch(
			/Booking Business", row \d+, column "value": on_call_ladder: "Morgan" is not a name followed by a phone number/,
		);
		// Empty (as shipped): nobody is asked.
		expect(readBusinessSettings(tables()).on_call_ladder).toEqual([]);
	});
});

describe('a bad row is refused with its table, row id and column', () => {
	const cases: Array<
		[
			string,
			(rows: ReturnType<typeof settingsSeedRows>) => void,
			(s: SettingsRows) => unknown,
			RegExp,
		]
	> = [
		[
			'an unknown rate',
			(r) => (rate(r, 'extra_bedroom').rate = 'extra_bedrom'),
			readRateCard,
			/Booking Rate Card", row 2, column "rate": there is no rate "extra_bedrom"/,
		],
		[
			'an amount that is not a number',
			(r) => (rate(r, 'residential_base').amount = 'ninety'),
			readRateCard,
			/row 1, column "amount": "ninety" is not a number/,
		],
		[
			'a negative price',
			(r) => (rate(r, 'residential_base').amount = -5),
			readRateCard,
			/column "amount": -5 is out of range/,
		],
		[
			'a discount over 100%',
			(r) => (rate(r, 'weekly_discount_pct').amount = 150),
			readRateCard,
			/column "amount": 150 is out of range/,
		],
		[
			'a rate priced twice',
			(r) => r.rate_card.push({ rate: 'residential_base', amount: 1 }),
			readRateCard,
			/residential_base is priced twice \(also in row 1\)/,
		],
		[
			'an add-on code with spaces',
			(r) => r.rate_card.push({ rate: 'add_on:inside oven', amount: 1 }),
			readRateCard,
			/column "rate": "add_on:inside oven" is not an add-on code/,
		],
		[
			'an unknown setting',
			(r) => r.business.push({ setting: 'buisness_name', value: 'x' }),
			readBusinessSettings,
			new RegExp(
				`Booking Business", row ${Object.keys(BUSINESS_SETTINGS).length + 1}, column "setting": there is no setting "buisness_name"`,
			),
		],
		[
			'a setting given twice',
			(r) => r.business.push({ setting: 'ops_email', value: 'a@b.co' }),
			readBusinessSettings,
			/ops_email is set twice \(also in row 5\)/,
		],
		[
			'an empty required setting',
			(r) => (setting(r, 'business_email').value = ''),
			readBusinessSettings,
			/row 2, column "value": business_email is empty/,
		],
		[
			'a missing required setting',
			(r) => (r.business = r.business.filter((b) => b.setting !== 'time_zone')),
			readBusinessSettings,
			/column "setting": time_zone is missing/,
		],
		[
			'an unknown time zone',
			(r) => (setting(r, 'time_zone').value = 'Mars/Olympus'),
			readBusinessSettings,
			/row 12, column "value": time_zone: "Mars\/Olympus" is not a time zone/,
		],
		[
			'a bad e-mail address',
			(r) => (setting(r, 'ops_email').value = 'ops at example'),
			readBusinessSettings,
			/ops_email: "ops at example" is not an e-mail address/,
		],
		[
			'a public URL without http',
			(r) => (setting(r, 'public_url').value = 'bookings.example.com'),
			readBusinessSettings,
			/public_url: "bookings.example.com" is not a web address/,
		],
		[
			'bad concession steps',
			(r) => (setting(r, 'concession_steps_pct').value = '5, lots'),
			readBusinessSettings,
			/concession_steps_pct: "5, lots" is not a list of percentages/,
		],
		[
			'a bad quiet hour',
			(r) => (setting(r, 'quiet_hours_start').value = '9pm'),
			readBusinessSettings,
			/column "value": "9pm" is not a time/,
		],
		[
			'a promo code with spaces',
			(r) => (r.promo_codes = [{ code: 'SPRING 10', type: 'percent', value: 10 }]),
			readRateCard,
			/Booking Promo Codes", row 1, column "code": "SPRING 10" is not a promo code/,
		],
		[
			'a promo code given twice',
			(r) =>
				(r.promo_codes = [
					{ code: 'SPRING10', type: 'percent', value: 10 },
					{ code: 'spring10', type: 'fixed', value: 5 },
				]),
			readRateCard,
			/row 2, column "code": SPRING10 is given twice \(also in row 1\)/,
		],
		[
			'a promo code of an unknown kind',
			(r) => (r.promo_codes = [{ code: 'HALF', type: 'half', value: 50 }]),
			readRateCard,
			/column "type": "half" is not a kind of discount/,
		],
		[
			'a percent promo over 100',
			(r) => (r.promo_codes = [{ code: 'FREE', type: 'percent', value: 150 }]),
			readRateCard,
			/column "value": 150 is out of range/,
		],
		[
			'a promo expiry that is not a date',
			(r) => (r.promo_codes = [{ code: 'XMAS', type: 'fixed', value: 5, expires: 'Christmas' }]),
			readRateCard,
			/column "expires": "Christmas" is not a date/,
		],
		[
			'a crew without an id',
			(r) => (r.crews[1].crew_id = ' '),
			readCalendarSettings,
			/Booking Crews", row 2, column "crew_id": the crew has no id/,
		],
		[
			'a crew without skills',
			(r) => (r.crews[0].skills = ''),
			readCalendarSettings,
			/row 1, column "skills": crew crew-a has no skills/,
		],
		[
			'two crews with one id',
			(r) => (r.crews[2].crew_id = 'crew-a'),
			readCalendarSettings,
			/row 3, column "crew_id": crew id crew-a is used twice \(also in row 1\)/,
		],
		[
			'a working day that is not one',
			(r) => (r.crews[0].working_days = 'mon, funday'),
			readCalendarSettings,
			/column "working_days": "funday" is not a day of the week/,
		],
		[
			'time off that ends before it starts',
			(r) => (r.crews[0].time_off = '2026-12-31 .. 2026-12-24'),
			readCalendarSettings,
			/column "time_off": 2026-12-31 .. 2026-12-24 ends before it starts/,
		],
		[
			'time off that is not a date',
			(r) => (r.crews[0].time_off = 'next week'),
			readCalendarSettings,
			/column "time_off": "next week" is not a date/,
		],
		[
			'a crew e-mail that is not one',
			(r) => (r.crews[0].email = 'crew-a'),
			readCalendarSettings,
			/column "email": "crew-a" is not an e-mail address/,
		],
		[
			'no active crew',
			(r) => r.crews.forEach((c) => (c.active = false)),
			readCalendarSettings,
			/Booking Crews", column "active": no crew is active/,
		],
		[
			'a day that closes before it opens',
			(r) => (r.hours[0].closes = '07:00'),
			readCalendarSettings,
			/Booking Hours", row 1, column "closes": mon closes \(07:00\) before it opens \(08:00\)/,
		],
		[
			'overlapping windows',
			(r) => r.hours.push({ day: 'mon', opens: '17:00', closes: '19:00' }),
			readCalendarSettings,
			/row 7, column "opens": mon 17:00-19:00 overlaps 08:00-18:00/,
		],
		[
			'a day name that is not one',
			(r) => (r.hours[0].day = 'Mo'),
			readCalendarSettings,
			/column "day": "Mo" is not a day of the week/,
		],
		[
			'an opening time that is not one',
			(r) => (r.hours[0].opens = '8am'),
			readCalendarSettings,
			/column "opens": "8am" is not a time/,
		],
		[
			'a holiday that is not a date',
			(r) => r.holidays.push({ date: '25/12/2026', name: 'Xmas' }),
			readCalendarSettings,
			/Booking Holidays", row 1, column "date": "25\/12\/2026" is not a date/,
		],
		[
			'a message the agent does not send',
			(r) => r.messages.push({ message: 'birthday_card', part: 'text', wording: 'Hi' }),
			readMessages,
			new RegExp(
				`Booking Messages", row ${MESSAGE_KINDS.length * 3 + 1}, column "message": there is no message "birthday_card"`,
			),
		],
		[
			'a placeholder the agent does not fill (a typo would reach customers)',
			(r) => (r.messages[1].wording = 'Hi {nmae}, your {service} is booked.'),
			readMessages,
			/Booking Messages", row 2, column "wording": \{nmae\} is not a placeholder the agent fills/,
		],
		[
			'a subject on two lines',
			(r) => (r.messages[0].wording = 'Booked\nfor {date}'),
			readMessages,
			/row 1, column "wording": a subject must be one line/,
		],
		[
			'a part that is not subject, text or sms',
			(r) => (r.messages[2].part = 'whatsapp'),
			readMessages,
			/row 3, column "part": there is no part "whatsapp"/,
		],
	];

	it.each(cases)('%s', (_what, change, read, expected) => {
		const error = refusal(read, tables(change));
		expect(error.message).toMatch(expected);
		expect(error.fix).toMatch(/Overview > Data tables > Booking /);
		expect(error.fix).toMatch(/nothing needs publishing/);
	});

	it('says how to fix it, with the known names when a name is wrong', () => {
		const error = refusal(
			readRateCard,
			tables((r) => (rate(r, 'extra_bedroom').rate = 'extra_bedrom')),
		);
		expect(error.fix).toMatch(/Use one of: residential_base, extra_bedroom/);
		expect(error.fix).toMatch(/the row with id 2/);
		expect(error).toMatchObject({ table: 'Booking Rate Card', row: '2', column: 'rate' });
	});

	it('refuses rows that are not a list', () => {
		const settings = { ...tables(), holidays: 'none' } as unknown as SettingsRows;
		expect(refusal(readCalendarSettings, settings).message).toMatch(
			/Booking Holidays": the rows arrived as string/,
		);
	});

	it('ignores the empty item an empty table gives', () => {
		const settings = tables();
		settings.holidays = [{}];
		expect(readCalendarSettings(settings).holidays).toEqual([]);
	});
});

describe('what the crews rows decide', () => {
	const NOW = '2026-11-30T07:00:00-05:00'; // a Monday morning, New York
	const job = { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 };
	let dir: string;
	let store: SqliteBookingStore;

	beforeEach(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-settings-'));
		store = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
		await store.init();
	});
	afterEach(async () => {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	const book = async (settings: SettingsRows, extra: Record<string, unknown> = {}) =>
		await schedule(
			{ operation: 'findSlots', job, count: 3, ...extra },
			{ store, now: NOW, calendar: resolveCalendar(readCalendarSettings(settings)) },
		);

	const onlyCrewA = (change: (crew: Record<string, unknown>) => void) =>
		tables((rows) => {
			rows.crews = rows.crews.filter((c) => c.crew_id === 'crew-a');
			change(rows.crews[0]);
		});

	it('a crew is offered only on its working days', async () => {
		const result = await book(onlyCrewA((c) => (c.working_days = 'wed')));
		expect(result.slots.length).toBe(3);
		for (const slot of result.slots) expect(slot.start.slice(0, 10)).toBe('2026-12-02');
	});

	it('a crew is not offered on its time off', async () => {
		const result = await book(onlyCrewA((c) => (c.time_off = '2026-11-30 .. 2026-12-01')));
		expect(result.slots.length).toBe(3);
		expect(result.slots[0].start.slice(0, 10)).toBe('2026-12-02');
		for (const slot of result.slots) expect(slot.start.slice(0, 10) >= '2026-12-02').toBe(true);
	});

	it('an address outside every crew area is refused with the address named', async () => {
		const settings = onlyCrewA((c) => (c.service_area = '100, Brooklyn'));
		await expect(
			book(settings, { customer: { address: '5 Main St, Hoboken NJ 07030' } }),
		).rejects.toThrow(/No crew with the skills cleaning covers 5 Main St, Hoboken NJ 07030/);
		const inArea = await book(settings, { customer: { address: '1 Wall St, New York NY 10005' } });
		expect(inArea.slots.length).toBe(3);
	});

	it('areas match postcodes by their first digits and towns as whole words', () => {
		const crew = {
			id: 'c',
			name: 'c',
			skills: [],
			on_call: false,
			service_area: ['112', 'park slope'],
		};
		expect(crewCovers(crew, '9 Elm St, Brooklyn NY 11215')).toBe(true);
		expect(crewCovers(crew, '40 5th Ave, Park Slope, Brooklyn')).toBe(true);
		expect(crewCovers(crew, '40 Parkslope Rd, Albany NY 12203')).toBe(false);
		expect(crewCovers(crew, null)).toBe(true);
		expect(crewCovers({ ...crew, service_area: [] }, 'anywhere')).toBe(true);
	});
});
