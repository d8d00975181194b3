/**
 * Reads the settings tables' rows (as the templates' Business Settings workflow
 * puts them on the item under `settings`) into what the agents use: the rate
 * card, the business calendar and crews, the discount policy, quiet hours.
 * Every value is checked as it is read; a bad one is a SettingsError naming the
 * table, the row (n8n's row id, shown in the Data Tables grid) and the column.
 */
import { createHash } from 'node:crypto';

import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime, IANAZone } from 'luxon';

import { InputError } from '../errors';
import { WEEKDAYS, type Weekday } from '../vocabulary';
import { dollarsToCents } from '../money';
import {
	ADD_ON_PREFIX,
	BUSINESS_SETTINGS,
	MESSAGE_PARTS,
	type MessagePart,
	RATES,
	SETTINGS_TABLES,
	type BusinessSettingName,
	type RateName,
	type SettingsKey,
	type SettingsRow,
	type SettingsRows,
} from './tables';

/** A bad row in a settings table: says which table, row and column, and how to fix it. */
export class SettingsError extends InputError {
	readonly table: string;
	readonly row: string | null;
	readonly column: string | null;
	/** What to do, for the node error's description. */
	readonly fix: string;
	/** What is wrong, and how to fix it, without where (for the same rows kept elsewhere, such as a node's fields). */
	readonly problem: string;
	readonly hint: string;

	constructor(
		key: SettingsKey,
		row: SettingsRow | null,
		column: string | null,
		problem: string,
		fix: string,
	) {
		const table = SETTINGS_TABLES[key].name;
		const rowId = row?.id === undefined || row?.id === null ? null : String(row.id);
		const where = [
			`Data table "${table}"`,
			rowId ? `row ${rowId}` : null,
			column ? `column "${column}"` : null,
		]
			.filter(Boolean)
			.join(', ');
		super(`${table}${column ? `.${column}` : ''}`, `${where}: ${problem}`);
		this.table = table;
		this.row = rowId;
		this.column = column;
		this.problem = problem;
		this.hint = fix;
		this.fix = `${fix} Edit it in n8n under Overview > Data tables > ${table}${rowId ? ` (the row with id ${rowId})` : ''}; the next execution uses it, nothing needs publishing.`;
	}
}

export interface BusinessSettings {
	business_name: string;
	business_email: string;
	business_phone: string | null;
	business_address: string | null;
	ops_email: string;
	owner_email: string | null;
	sms_from: string | null;
	crew_phone: string | null;
	/** Who acknowledges an emergency after hours, in order; empty: nobody is asked. */
	on_call_ladder: OnCallPerson[];
	dispatch_ack_minutes: number | null;
	/** Hours before a visit from which the customer's own link no longer moves, cancels or skips it. */
	cancel_notice_hours: number | null;
	time_zone: string;
	public_url: string;
	review_url: string | null;
	currency: string | null;
	buffer_minutes: number | null;
	lead_time_minutes: number | null;
	slot_step_minutes: number | null;
	horizon_days: number | null;
	max_automatic_discount_pct: number | null;
	approval_band_up_to_pct: number | null;
	floor_price_per_visit: number | null;
	max_negotiation_rounds: number | null;
	concession_steps_pct: number[] | null;
	quiet_hours_start: string | null;
	quiet_hours_end: string | null;
	/** Whether the invoice e-mailed after a visit carries a Stripe payment link. */
	payment_links: boolean | null;
	/** Whether agreements of regular services are billed once a month (Recurring Billing) instead of visit by visit. */
	monthly_billing: boolean | null;
	/** An emergency's call-out fee ($), paid on a link before the crew is sent; 0: none. */
	callout_fee: number | null;
	/** Whether the call-out fee is asked after hours too (no: after hours the crew is sent at once). */
	callout_fee_after_hours: boolean | null;
	/** Minutes the customer has to pay the call-out fee before ops are told to call. */
	callout_fee_minutes: number | null;
	/** The services whose visits are confirmed only once a deposit is paid (service types, comma-separated). */
	deposit_services: string | null;
	/** The deposit, in percent of the quote. */
	deposit_pct: number | null;
	/** Hours the customer has to pay the deposit before the visit's time is released. */
	deposit_hours: number | null;
	/** Whether a cancelled visit's deposit that the policy gives back becomes credit (no: refunded to the card). */
	refund_as_credit: boolean | null;
}

export interface OnCallPerson {
	name: string;
	/** E.164 */
	phone: string;
}

/** "Morgan +1 212 555 0181; Sam +1 212 555 0182": each person's name and phone, in order. */
export function readOnCallLadder(raw: string): OnCallPerson[] | { problem: string } {
	const people: OnCallPerson[] = [];
	for (const part of raw
		.split(/[;\n]+/)
		.map((p) => p.trim())
		.filter(Boolean)) {
		const match = /^(.*?)[\s,:]*(\+?[\d(][\d\s().-]{6,})$/.exec(part);
		const phone = match ? parsePhoneNumberFromString(match[2], 'US') : undefined;
		if (!match || !match[1].trim() || !phone?.isValid())
			return { problem: `"${part.slice(0, 60)}" is not a name followed by a phone number.` };
		people.push({ name: match[1].trim(), phone: phone.number });
	}
	return people;
}

export interface CrewSettings {
	id: string;
	name: string;
	phone: string | null;
	email: string | null;
	skills: string[];
	on_call: boolean;
	/** Days the crew works; null: every day the business opens. */
	working_days: Weekday[] | null;
	/** Postcodes (or their first digits) and town names the crew covers; empty: everywhere. */
	service_area: string[];
	/** Local date ranges off, inclusive. */
	time_off: Array<[string, string]>;
}

const text = (value: unknown): string =>
	value === null || value === undefined ? '' : String(value).trim();

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TIME = /^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function rowsOf(settings: SettingsRows, key: SettingsKey): SettingsRow[] {
	const rows = settings[key];
	if (rows === undefined || rows === null) return [];
	if (!Array.isArray(rows))
		throw new SettingsError(
			key,
			null,
			null,
			`the rows arrived as ${typeof rows}, not a list.`,
			'Let the Business Settings workflow read the table with its Data Table node (Get Many, all rows).',
		);
	// A Data Table node on an empty table with "Always Output Data" gives one empty item: not a row.
	return rows.filter(
		(r) => r && typeof r === 'object' && Object.keys(r).some((k) => k !== 'id' && r[k] != null),
	);
}

function readNumber(
	key: SettingsKey,
	row: SettingsRow,
	column: string,
	value: unknown,
	{ min = 0, max = Number.MAX_SAFE_INTEGER, example = '30' } = {},
): number {
	const n = typeof value === 'number' ? value : Number(text(value).replace(/[$,\s]/g, ''));
	if (text(value) === '' || !Number.isFinite(n))
		throw new SettingsError(
			key,
			row,
			column,
			`${JSON.stringify(value)} is not a number.`,
			`Type a number, for example ${example}.`,
		);
	if (n < min || n > max)
		throw new SettingsError(
			key,
			row,
			column,
			`${n} is out of range.`,
			`Use a number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}.`,
		);
	return n;
}

const WEEKDAY_NAMES: Record<string, Weekday> = Object.fromEntries(
	WEEKDAYS.flatMap((day, i) => {
		const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i];
		return [
			[day, day],
			[full, day],
			[full.slice(0, 4), day],
		];
	}),
);

function readWeekday(key: SettingsKey, row: SettingsRow, column: string, value: string): Weekday {
	const day = WEEKDAY_NAMES[value.toLowerCase().replace(/\.$/, '')];
	if (!day)
		throw new SettingsError(
			key,
			row,
			column,
			`${JSON.stringify(value)} is not a day of the week.`,
			'Use mon, tue, wed, thu, fri, sat or sun (or the full name).',
		);
	return day;
}

/** "mon-fri, sat" -> ['mon', ..., 'fri', 'sat']. */
function readWeekdays(
	key: SettingsKey,
	row: SettingsRow,
	column: string,
	value: string,
): Weekday[] {
	const days = new Set<Weekday>();
	for (const part of value.split(/[,;/]+/).map((p) => p.trim())) {
		if (!part) continue;
		const range = part.split(/\s*(?:-|–|to)\s*/);
		if (range.length === 2) {
			const from = WEEKDAYS.indexOf(readWeekday(key, row, column, range[0]));
			const to = WEEKDAYS.indexOf(readWeekday(key, row, column, range[1]));
			for (let i = from; ; i = (i + 1) % 7) {
				days.add(WEEKDAYS[i]);
				if (i === to) break;
			}
		} else days.add(readWeekday(key, row, column, part));
	}
	return WEEKDAYS.filter((d) => days.has(d));
}

function readDate(key: SettingsKey, row: SettingsRow, column: string, value: string): string {
	if (!DATE.test(value) || !DateTime.fromISO(value).isValid)
		throw new SettingsError(
			key,
			row,
			column,
			`${JSON.stringify(value)} is not a date.`,
			'Write dates as YYYY-MM-DD, for example 2026-12-25.',
		);
	return value;
}

function readTime(key: SettingsKey, row: SettingsRow, column: string, value: unknown): string {
	const t = text(value);
	if (!TIME.test(t))
		throw new SettingsError(
			key,
			row,
			column,
			`${JSON.stringify(value)} is not a time.`,
			'Use 24-hour HH:MM, for example 08:00 or 17:30.',
		);
	return t.padStart(5, '0');
}

// ---- the Business table ----

function businessValue(row: SettingsRow, name: BusinessSettingName, raw: string): unknown {
	const kind = BUSINESS_SETTINGS[name].kind as string;
	const bad = (problem: string, fix: string) =>
		new SettingsError('business', row, 'value', `${name}: ${problem}`, fix);
	switch (kind) {
		case 'email':
			if (!EMAIL.test(raw))
				throw bad(
					`${JSON.stringify(raw)} is not an e-mail address.`,
					'Type an address such as ops@example.com.',
				);
			return raw;
		case 'time_zone':
			if (!IANAZone.isValidZone(raw))
				throw bad(
					`${JSON.stringify(raw)} is not a time zone.`,
					'Use an IANA name such as America/New_York or Europe/London.',
				);
			return raw;
		case 'url':
			if (!/^https?:\/\/\S+$/.test(raw))
				throw bad(
					`${JSON.stringify(raw)} is not a web address.`,
					'Type the full address, starting with https://.',
				);
			return name === 'public_url' && !raw.endsWith('/') ? `${raw}/` : raw;
		case 'currency':
			if (!/^[A-Za-z]{3}$/.test(raw))
				throw bad(
					`${JSON.stringify(raw)} is not a currency code.`,
					'Use a three-letter ISO 4217 code such as USD, EUR or GBP.',
				);
			return raw.toUpperCase();
		case 'number': {
			const n = Number(raw.replace(/[$,%\s]/g, ''));
			if (!Number.isFinite(n) || n < 0)
				throw bad(`${JSON.stringify(raw)} is not a number.`, 'Type a number, for example 30.');
			return n;
		}
		case 'number_list': {
			const list = raw
				.split(/[,;]+/)
				.map((p) => p.trim().replace(/%$/, ''))
				.filter(Boolean)
				.map(Number);
			if (!list.length || list.some((n) => !Number.isFinite(n) || n < 0 || n > 100))
				throw bad(
					`${JSON.stringify(raw)} is not a list of percentages.`,
					'Type percentages separated by commas, for example 5, 10.',
				);
			return list;
		}
		case 'time':
			return readTime('business', row, 'value', raw);
		case 'yes_no':
			if (/^(yes|y|true|on|1)$/i.test(raw)) return true;
			if (/^(no|n|false|off|0)$/i.test(raw)) return false;
			throw bad(`${JSON.stringify(raw)} is not yes or no.`, 'Type yes or no.');
		case 'ladder': {
			const ladder = readOnCallLadder(raw);
			if ('problem' in ladder)
				throw bad(
					ladder.problem,
					'Type each person as a name and a phone number, in order, separated by ; for example Morgan +1 212 555 0181; Sam +1 212 555 0182.',
				);
			return ladder;
		}
		default:
			return raw;
	}
}

/** The Business table as one object; unknown, repeated and missing required settings are errors. */
export function readBusinessSettings(settings: SettingsRows): BusinessSettings {
	return cached('business', settings, () => {
		const out: Record<string, unknown> = Object.fromEntries(
			Object.keys(BUSINESS_SETTINGS).map((k) => [k, null]),
		);
		const seen = new Map<string, SettingsRow>();
		for (const row of rowsOf(settings, 'business')) {
			const name = text(row.setting).toLowerCase();
			if (!(name in BUSINESS_SETTINGS))
				throw new SettingsError(
					'business',
					row,
					'setting',
					`there is no setting ${JSON.stringify(row.setting)}.`,
					`Use one of: ${Object.keys(BUSINESS_SETTINGS).join(', ')}.`,
				);
			if (seen.has(name))
				throw new SettingsError(
					'business',
					row,
					'setting',
					`${name} is set twice (also in row ${String(seen.get(name)!.id)}).`,
					'Delete one of the two rows.',
				);
			seen.set(name, row);
			const raw = text(row.value);
			if (raw) out[name] = businessValue(row, name as BusinessSettingName, raw);
		}
		for (const [name, spec] of Object.entries(BUSINESS_SETTINGS))
			if ((spec as { required?: boolean }).required && out[name] === null)
				throw new SettingsError(
					'business',
					seen.get(name) ?? null,
					seen.has(name) ? 'value' : 'setting',
					`${name} is ${seen.has(name) ? 'empty' : 'missing'}.`,
					seen.has(name)
						? `Fill in the value of ${name} (${spec.notes.toLowerCase()}).`
						: `Add a row with setting ${name} (${spec.notes.toLowerCase()}).`,
				);
		out.on_call_ladder ??= [];
		return out as unknown as BusinessSettings;
	});
}

// ---- the Rate Card table ----

/** The rate card override the Rate Card table (and the Business table's currency) make, in the card's units (cents). */
export function readRateCard(settings: SettingsRows): Record<string, unknown> {
	return cached('rate_card', settings, () => {
		const card = rateCardFromRows(settings);
		const currency = readBusinessSettings(settings).currency;
		if (currency) card.currency = currency;
		return card;
	});
}

/** The rate card the Rate Card and Promo Codes rows make (no currency: that is the Business table's). */
export function rateCardFromRows(
	settings: Pick<SettingsRows, 'rate_card' | 'promo_codes'>,
): Record<string, unknown> {
	const card: Record<string, unknown> = {};
	const set = (path: readonly string[], value: unknown) => {
		let target = card;
		for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
		target[path[path.length - 1]] = value;
	};
	const seen = new Map<string, SettingsRow>();
	for (const row of rowsOf(settings, 'rate_card')) {
		const name = text(row.rate).toLowerCase();
		if (seen.has(name))
			throw new SettingsError(
				'rate_card',
				row,
				'rate',
				`${name} is priced twice (also in row ${String(seen.get(name)!.id)}).`,
				'Delete one of the two rows.',
			);
		seen.set(name, row);
		if (name.startsWith(ADD_ON_PREFIX)) {
			const code = name.slice(ADD_ON_PREFIX.length);
			if (!/^[a-z0-9_]+$/.test(code))
				throw new SettingsError(
					'rate_card',
					row,
					'rate',
					`${JSON.stringify(row.rate)} is not an add-on code.`,
					'Write add-ons as add_on: and a code of letters, digits and _, for example add_on:inside_oven.',
				);
			set(['add_ons', code], {
				label: text(row.label) || code.replace(/_/g, ' '),
				price_cents: dollarsToCents(
					readNumber('rate_card', row, 'amount', row.amount, { example: '35' }),
				),
			});
			continue;
		}
		if (!(name in RATES))
			throw new SettingsError(
				'rate_card',
				row,
				'rate',
				`there is no rate ${JSON.stringify(row.rate)}.`,
				`Use one of: ${Object.keys(RATES).join(', ')}, or add_on:<code> for an add-on.`,
			);
		const { path, unit } = RATES[name as RateName];
		const limits =
			unit === 'percent'
				? { max: 100, example: '10' }
				: unit === 'multiplier'
					? { min: 0.01, max: 100, example: '1.5' }
					: unit === 'days'
						? { min: 1, max: 3650, example: '14' }
						: { example: '99' };
		const amount = readNumber('rate_card', row, 'amount', row.amount, limits);
		set(
			path,
			unit === 'dollars'
				? dollarsToCents(amount)
				: unit === 'dollars_fraction'
					? Math.round(amount * 100 * 10_000) / 10_000
					: unit === 'days'
						? Math.round(amount)
						: amount,
		);
	}
	const codes = new Map<string, SettingsRow>();
	for (const row of rowsOf(settings, 'promo_codes')) {
		const code = text(row.code).toUpperCase();
		if (!/^[A-Z0-9_-]{2,40}$/.test(code))
			throw new SettingsError(
				'promo_codes',
				row,
				'code',
				`${JSON.stringify(row.code)} is not a promo code.`,
				'Use letters, digits, - and _ (2 to 40), for example SPRING10; customers may type it in any case.',
			);
		if (codes.has(code))
			throw new SettingsError(
				'promo_codes',
				row,
				'code',
				`${code} is given twice (also in row ${String(codes.get(code)!.id)}).`,
				'Delete one of the two rows.',
			);
		codes.set(code, row);
		const type = text(row.type).toLowerCase();
		if (type !== 'percent' && type !== 'fixed')
			throw new SettingsError(
				'promo_codes',
				row,
				'type',
				`${JSON.stringify(row.type)} is not a kind of discount.`,
				'Write percent (value is a percentage) or fixed (value is an amount off, in dollars).',
			);
		const value = readNumber('promo_codes', row, 'value', row.value, {
			max: type === 'percent' ? 100 : Number.MAX_SAFE_INTEGER,
			example: type === 'percent' ? '10' : '25',
		});
		const expires = text(row.expires);
		set(['promo_codes', code], {
			type,
			value: type === 'percent' ? value : dollarsToCents(value),
			expires: expires ? readDate('promo_codes', row, 'expires', expires) : null,
			first_time_only: row.first_time_only === true || text(row.first_time_only) === 'true',
			...(text(row.description) ? { description: text(row.description) } : {}),
		});
	}
	return card;
}

// ---- the Crews, Hours and Holidays tables and the calendar numbers ----

function readCrew(row: SettingsRow): CrewSettings | null {
	if (row.active === false || text(row.active).toLowerCase() === 'false') return null;
	const id = text(row.crew_id);
	if (!id)
		throw new SettingsError(
			'crews',
			row,
			'crew_id',
			'the crew has no id.',
			'Give every crew a short id such as crew-a (bookings keep it, so do not change it later).',
		);
	const skills = text(row.skills)
		.toLowerCase()
		.split(/[,;]+/)
		.map((s) => s.trim())
		.filter(Boolean);
	if (!skills.length)
		throw new SettingsError(
			'crews',
			row,
			'skills',
			`crew ${id} has no skills.`,
			'List what the crew does, comma-separated: cleaning, restoration.',
		);
	const email = text(row.email);
	if (email && !EMAIL.test(email))
		throw new SettingsError(
			'crews',
			row,
			'email',
			`${JSON.stringify(email)} is not an e-mail address.`,
			'Type an address such as crew@example.com, or leave it empty.',
		);
	const days = text(row.working_days);
	return {
		id,
		name: text(row.name) || id,
		phone: text(row.phone) || null,
		email: email || null,
		skills,
		on_call: row.on_call === true || text(row.on_call).toLowerCase() === 'true',
		working_days: days ? readWeekdays('crews', row, 'working_days', days) : null,
		service_area: text(row.service_area)
			.split(/[,;]+/)
			.map((s) => s.trim().toLowerCase())
			.filter(Boolean),
		time_off: text(row.time_off)
			.split(/[,;]+/)
			.map((s) => s.trim())
			.filter(Boolean)
			.map((part) => {
				const [from, to = from] = part.split(/\s*(?:\.\.|–|\bto\b|\s-\s)\s*/);
				const range: [string, string] = [
					readDate('crews', row, 'time_off', from.trim()),
					readDate('crews', row, 'time_off', to.trim()),
				];
				if (range[1] < range[0])
					throw new SettingsError(
						'crews',
						row,
						'time_off',
						`${part} ends before it starts.`,
						'Write a range as first day .. last day, for example 2026-12-24 .. 2026-12-31.',
					);
				return range;
			}),
	};
}

/** The active crews of these rows (the Booking Crews table's shape), checked: ids unique, at least one. */
export function crewsFromRows(rows: SettingsRow[]): CrewSettings[] {
	const ids = new Map<string, SettingsRow>();
	const crews: CrewSettings[] = [];
	for (const row of rows) {
		const crew = readCrew(row);
		if (!crew) continue;
		if (ids.has(crew.id))
			throw new SettingsError(
				'crews',
				row,
				'crew_id',
				`crew id ${crew.id} is used twice (also in row ${String(ids.get(crew.id)!.id)}).`,
				'Give each crew its own id.',
			);
		ids.set(crew.id, row);
		crews.push(crew);
	}
	if (!crews.length)
		throw new SettingsError(
			'crews',
			null,
			'active',
			'no crew is active.',
			'Set active on at least one crew.',
		);
	return crews;
}

/** Opening windows per weekday from these rows (the Booking Hours table's shape); a day with no row is closed. */
export function hoursFromRows(rows: SettingsRow[]): Record<Weekday, Array<[string, string]>> {
	const hours = Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Record<
		Weekday,
		Array<[string, string]>
	>;
	for (const row of rows) {
		const day = readWeekday('hours', row, 'day', text(row.day));
		const opens = readTime('hours', row, 'opens', row.opens);
		const closes = readTime('hours', row, 'closes', row.closes);
		if (closes <= opens)
			throw new SettingsError(
				'hours',
				row,
				'closes',
				`${day} closes (${closes}) before it opens (${opens}).`,
				'Make closes later than opens; for a split day add a second row.',
			);
		const clash = hours[day].find(([a, b]) => a < closes && opens < b);
		if (clash)
			throw new SettingsError(
				'hours',
				row,
				'opens',
				`${day} ${opens}-${closes} overlaps ${clash[0]}-${clash[1]}.`,
				'Merge the two rows into one window.',
			);
		hours[day].push([opens, closes]);
	}
	for (const day of WEEKDAYS) hours[day].sort((a, b) => a[0].localeCompare(b[0]));
	return hours;
}

export interface CalendarSettings {
	timeZone: string;
	businessHours?: Record<Weekday, Array<[string, string]>>;
	holidays: string[];
	crews?: CrewSettings[];
	bufferMinutes?: number;
	leadTimeMinutes?: number;
	slotStepMinutes?: number;
	horizonDays?: number;
}

/** The calendar the Scheduling Agent books on: crews, opening hours, holidays, the Business table's numbers and time zone. */
export function readCalendarSettings(settings: SettingsRows): CalendarSettings {
	return cached('calendar', settings, () => {
		const business = readBusinessSettings(settings);
		const out: CalendarSettings = { timeZone: business.time_zone, holidays: [] };
		const crewRows = rowsOf(settings, 'crews');
		if (crewRows.length) out.crews = crewsFromRows(crewRows);
		const hourRows = rowsOf(settings, 'hours');
		if (hourRows.length) out.businessHours = hoursFromRows(hourRows);
		out.holidays = rowsOf(settings, 'holidays').map((row) =>
			readDate('holidays', row, 'date', text(row.date)),
		);
		const numbers = [
			['buffer_minutes', 'bufferMinutes'],
			['lead_time_minutes', 'leadTimeMinutes'],
			['slot_step_minutes', 'slotStepMinutes'],
			['horizon_days', 'horizonDays'],
		] as const;
		for (const [setting, field] of numbers)
			if (business[setting] !== null) out[field] = business[setting]!;
		return out;
	});
}

/** The discount policy the Negotiation Agent keeps to, from the Business table (only what is set). */
export function readPolicySettings(settings: SettingsRows): {
	maxAutoDiscountPct?: number;
	approvalBandMaxPct?: number;
	floorPriceCents?: number;
	maxRounds?: number;
	concessionStepsPct?: number[];
} {
	const b = readBusinessSettings(settings);
	return {
		...(b.max_automatic_discount_pct !== null
			? { maxAutoDiscountPct: b.max_automatic_discount_pct }
			: {}),
		...(b.approval_band_up_to_pct !== null
			? { approvalBandMaxPct: b.approval_band_up_to_pct }
			: {}),
		...(b.floor_price_per_visit !== null
			? { floorPriceCents: dollarsToCents(b.floor_price_per_visit) }
			: {}),
		...(b.max_negotiation_rounds !== null ? { maxRounds: b.max_negotiation_rounds } : {}),
		...(b.concession_steps_pct !== null ? { concessionStepsPct: b.concession_steps_pct } : {}),
	};
}

// ---- the Messages table ----

/**
 * The wording ops set in the Messages table, per message kind and part; an empty wording
 * keeps the agent's own. `kinds` and `placeholders` are the agent's (the table must name
 * only messages it sends and placeholders it fills: a typo would otherwise go to customers).
 */
export function readMessageSettings(
	settings: SettingsRows,
	kinds: readonly string[],
	placeholders: readonly string[],
): Record<string, Partial<Record<MessagePart, string>>> {
	return cached('messages', settings, () => {
		const out: Record<string, Partial<Record<MessagePart, string>>> = {};
		const seen = new Map<string, SettingsRow>();
		for (const row of rowsOf(settings, 'messages')) {
			const message = text(row.message).toLowerCase();
			const part = text(row.part).toLowerCase();
			if (!kinds.includes(message))
				throw new SettingsError(
					'messages',
					row,
					'message',
					`there is no message ${JSON.stringify(row.message)}.`,
					`Use one of: ${kinds.join(', ')}.`,
				);
			if (!(MESSAGE_PARTS as readonly string[]).includes(part))
				throw new SettingsError(
					'messages',
					row,
					'part',
					`there is no part ${JSON.stringify(row.part)}.`,
					`Use one of: ${MESSAGE_PARTS.join(', ')}.`,
				);
			const key = `${message}/${part}`;
			if (seen.has(key))
				throw new SettingsError(
					'messages',
					row,
					'part',
					`${message} ${part} is set twice (also in row ${String(seen.get(key)!.id)}).`,
					'Delete one of the two rows.',
				);
			seen.set(key, row);
			const wording = String(row.wording ?? '')
				.replace(/\r\n/g, '\n')
				.trim();
			if (!wording) continue;
			const unknown = [...wording.matchAll(/\{(\w+)\}/g)]
				.map((m) => m[1])
				.filter((name) => !placeholders.includes(name));
			if (unknown.length)
				throw new SettingsError(
					'messages',
					row,
					'wording',
					`{${unknown[0]}} is not a placeholder the agent fills.`,
					`Use only: ${placeholders.map((p) => `{${p}}`).join(' ')}.`,
				);
			if (part === 'subject' && wording.includes('\n'))
				throw new SettingsError(
					'messages',
					row,
					'wording',
					'a subject must be one line.',
					'Remove the line breaks from the subject.',
				);
			(out[message] ??= {})[part as MessagePart] = wording;
		}
		return out;
	});
}

// ---- the same rows are read once per execution, not once per item and agent ----

const memo = new Map<string, unknown>();
const MEMO_SIZE = 32;
/**
 * The same rows object (every item of an execution reads the Business Settings node's one output) is
 * keyed once, by a digest of its rows: the key lives as long as n8n keeps the rows, so it must not be
 * a copy of them (a soak measured 50 KB kept per execution when it was).
 */
const keys = new WeakMap<object, string>();

function cached<T>(what: string, settings: SettingsRows, read: () => T): T {
	let rowsKey = keys.get(settings);
	if (rowsKey === undefined) {
		rowsKey = createHash('sha256').update(JSON.stringify(settings)).digest('base64');
		keys.set(settings, rowsKey);
	}
	const key = `${what}:${rowsKey}`;
	if (memo.has(key)) return memo.get(key) as T;
	const value = read();
	if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
	memo.set(key, value);
	return value;
}

/** The item's settings rows, or null when the item carries none (the Business Settings workflow did not run before). */
export function settingsOnItem(item: Record<string, unknown>): SettingsRows | null {
	const settings = item.settings;
	return settings && typeof settings === 'object' && !Array.isArray(settings)
		? (settings as SettingsRows)
		: null;
}
