import { DateTime, IANAZone, type Zone } from 'luxon';
import { InputError } from '../shared/errors';
import { WEEKDAYS, type Weekday } from '../shared/vocabulary';

/** Bad input to the Scheduling agent: names the field and the fix. */
export class SchedulingInputError extends InputError {}

export interface CrewConfig {
	id: string;
	name: string;
	skills: string[];
	/** On-call crews take priority (emergency) jobs at any hour. */
	on_call: boolean;
	/** Days the crew works; absent or null: every day the business opens (and any day on call). */
	working_days?: Weekday[] | null;
	/** Local date ranges [first, last] the crew is off, inclusive. */
	time_off?: Array<[string, string]>;
	/** Postcodes (or their first digits) and town names the crew covers; absent or empty: everywhere. */
	service_area?: string[];
	phone?: string | null;
	email?: string | null;
}

export interface CalendarConfig {
	timeZone: string;
	/** Local opening windows per weekday, "HH:MM" pairs; an empty list means closed. */
	businessHours: Record<Weekday, Array<[string, string]>>;
	/** Local dates (YYYY-MM-DD) with no regular work. */
	holidays: string[];
	/** Periods with no work at all, e.g. a company day off: ISO instants or local dates. */
	blackouts: Array<{ start: string; end: string }>;
	crews: CrewConfig[];
	bufferMinutes: number;
	slotStepMinutes: number;
	leadTimeMinutes: number;
	horizonDays: number;
}

export const DEFAULT_CALENDAR: CalendarConfig = {
	timeZone: 'America/New_York',
	businessHours: {
		mon: [['08:00', '18:00']],
		tue: [['08:00', '18:00']],
		wed: [['08:00', '18:00']],
		thu: [['08:00', '18:00']],
		fri: [['08:00', '18:00']],
		sat: [['09:00', '14:00']],
		sun: [],
	},
	holidays: [],
	blackouts: [],
	crews: [
		{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], on_call: false },
		{ id: 'crew-b', name: 'Crew B', skills: ['cleaning', 'restoration'], on_call: false },
		{
			id: 'on-call',
			name: 'On-call restoration crew',
			skills: ['cleaning', 'restoration'],
			on_call: true,
		},
	],
	bufferMinutes: 30,
	slotStepMinutes: 30,
	leadTimeMinutes: 120,
	horizonDays: 30,
};

/** A calendar checked once and made fast to query: minutes of day per weekday, holiday set, blackout ranges. */
export interface ResolvedCalendar extends CalendarConfig {
	/** Luxon weekday (1 = Monday) to [startMinute, endMinute] windows. */
	windows: Map<number, Array<[number, number]>>;
	holidaySet: Set<string>;
	blackoutRanges: Array<[number, number]>;
}

/**
 * The instants of a day's business-hour windows, read on the local wall clock:
 * 08:00-18:00 opens at 08:00 local on a daylight-saving day too, which is not
 * local midnight plus 480 minutes (luxon adds minutes as elapsed time). A time
 * the clocks skip falls forward (02:30 on a spring-forward night is 03:30, as
 * luxon sets it); 24:00 is the next midnight.
 */
export function windowsOn(calendar: ResolvedCalendar, day: DateTime): Array<[number, number]> {
	const midnight = day.startOf('day');
	const midnightMs = midnight.toMillis();
	const windows = calendar.windows.get(midnight.weekday) ?? [];
	// Most days the clocks do not change: the same offset 24 hours on means minutes after midnight are elapsed minutes.
	if (midnight.zone.offset(midnightMs + 86_400_000) === midnight.offset)
		return windows.map(([a, b]) => [midnightMs + a * 60_000, midnightMs + b * 60_000]);
	const at = (minute: number) =>
		(minute >= 24 * 60
			? midnight.plus({ days: 1 })
			: midnight.set({ hour: Math.floor(minute / 60), minute: minute % 60 })
		).toMillis();
	return windows.map(([a, b]) => [at(a), at(b)]);
}

/** Whether the business is open at this instant: a working day (not a holiday) inside one of its windows. */
export function openAt(calendar: ResolvedCalendar, ms: number): boolean {
	const day = DateTime.fromMillis(ms, { zone: calendar.timeZone });
	if (calendar.holidaySet.has(day.toISODate()!)) return false;
	return windowsOn(calendar, day).some(([start, end]) => ms >= start && ms < end);
}

function minutesOf(field: string, text: string): number {
	const m = /^(\d{1,2}):(\d{2})$/.exec(String(text).trim());
	if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) !== 0)) {
		throw new SchedulingInputError(
			field,
			`"${field}" must be a time like 08:00 or 17:30; got ${JSON.stringify(text)}.`,
		);
	}
	return Number(m[1]) * 60 + Number(m[2]);
}

export function checkTimeZone(zone: unknown, field = 'timeZone'): string {
	if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
		throw new SchedulingInputError(
			field,
			`Unknown time zone ${JSON.stringify(zone)}. Use an IANA name such as America/New_York or Europe/London.`,
		);
	}
	return zone;
}

/** How far ahead a start chosen by a person may be: outside the hours or the horizon, not a decade away (9999 was booked). */
export const MAX_AHEAD_DAYS = 3653;

/** A start a person chose, checked: in the future and within `MAX_AHEAD_DAYS`. */
export function chosenStart(value: unknown, timeZone: string, nowMs: number): number {
	const start = parseInstant('start', value, timeZone).toMillis();
	if (start < nowMs)
		throw new SchedulingInputError(
			'start',
			`"start" ${String(value)} is in the past. Choose a future time.`,
		);
	if (start > nowMs + MAX_AHEAD_DAYS * 86_400_000)
		throw new SchedulingInputError(
			'start',
			`"start" ${String(value)} is more than ${MAX_AHEAD_DAYS} days ahead. Choose a time within ten years.`,
		);
	return start;
}

/** Parses an instant: ISO with an offset, or a local date-time / date read in the business time zone. */
export function parseInstant(field: string, value: unknown, zone: string | Zone): DateTime {
	if (value instanceof Date) return DateTime.fromJSDate(value, { zone });
	if (typeof value !== 'string' || !value.trim())
		throw new SchedulingInputError(
			field,
			`"${field}" must be a date-time such as 2026-12-01T09:00:00-05:00; got ${JSON.stringify(value)}.`,
		);
	const parsed = DateTime.fromISO(value.trim(), { zone, setZone: false });
	if (!parsed.isValid)
		throw new SchedulingInputError(
			field,
			`"${field}" is not a date-time: ${JSON.stringify(value)} (${parsed.invalidExplanation ?? parsed.invalidReason}). Use ISO 8601, e.g. 2026-12-01T09:00:00-05:00.`,
		);
	return parsed.setZone(zone);
}

export function resolveCalendar(config: Partial<CalendarConfig> = {}): ResolvedCalendar {
	const c: CalendarConfig = {
		...DEFAULT_CALENDAR,
		...config,
		businessHours: { ...DEFAULT_CALENDAR.businessHours, ...(config.businessHours ?? {}) },
	};
	checkTimeZone(c.timeZone);
	const windows = new Map<number, Array<[number, number]>>();
	WEEKDAYS.forEach((day, index) => {
		const list = c.businessHours[day] ?? [];
		if (!Array.isArray(list))
			throw new SchedulingInputError(
				`businessHours.${day}`,
				`"businessHours.${day}" must be a list of ["HH:MM", "HH:MM"] pairs.`,
			);
		windows.set(
			index + 1,
			list.map((pair, i) => {
				const field = `businessHours.${day}[${i}]`;
				if (!Array.isArray(pair) || pair.length !== 2)
					throw new SchedulingInputError(
						field,
						`"${field}" must be a pair like ["08:00", "18:00"].`,
					);
				const [start, end] = [minutesOf(field, pair[0]), minutesOf(field, pair[1])];
				if (end <= start)
					throw new SchedulingInputError(
						field,
						`"${field}" ends (${pair[1]}) before it starts (${pair[0]}).`,
					);
				return [start, end] as [number, number];
			}),
		);
	});
	if (!Array.isArray(c.holidays))
		throw new SchedulingInputError(
			'holidays',
			`"holidays" must be a list of dates like ["2026-12-25"]; got ${JSON.stringify(c.holidays).slice(0, 80)}.`,
		);
	const holidaySet = new Set(
		c.holidays.map((h, i) => {
			if (!/^\d{4}-\d{2}-\d{2}$/.test(String(h)) || !DateTime.fromISO(String(h)).isValid)
				throw new SchedulingInputError(
					`holidays[${i}]`,
					`"holidays[${i}]" must be a date like 2026-12-25; got ${JSON.stringify(h)}.`,
				);
			return String(h);
		}),
	);
	const blackoutRanges = c.blackouts.map((b, i) => {
		const start = parseInstant(`blackouts[${i}].start`, b?.start, c.timeZone);
		let end = parseInstant(`blackouts[${i}].end`, b?.end, c.timeZone);
		if (/^\d{4}-\d{2}-\d{2}$/.test(String(b.end))) end = end.endOf('day');
		if (end <= start)
			throw new SchedulingInputError(`blackouts[${i}]`, `"blackouts[${i}]" ends before it starts.`);
		return [start.toMillis(), end.toMillis()] as [number, number];
	});
	if (!Array.isArray(c.crews) || c.crews.length === 0)
		throw new SchedulingInputError(
			'crews',
			'At least one crew is needed: [{"id": "crew-a", "name": "Crew A", "skills": ["cleaning"], "on_call": false}].',
		);
	const ids = new Set<string>();
	c.crews = c.crews.map((crew, i) => {
		if (!crew || typeof crew.id !== 'string' || !crew.id.trim())
			throw new SchedulingInputError(
				`crews[${i}].id`,
				`"crews[${i}].id" must be a non-empty text.`,
			);
		if (ids.has(crew.id))
			throw new SchedulingInputError(`crews[${i}].id`, `Crew id "${crew.id}" is used twice.`);
		ids.add(crew.id);
		const days = crew.working_days;
		if (days != null && (!Array.isArray(days) || days.some((d) => !WEEKDAYS.includes(d))))
			throw new SchedulingInputError(
				`crews[${i}].working_days`,
				`"crews[${i}].working_days" must be a list of mon, tue, wed, thu, fri, sat, sun.`,
			);
		const timeOff = crew.time_off ?? [];
		if (
			!Array.isArray(timeOff) ||
			timeOff.some(
				(r) =>
					!Array.isArray(r) ||
					r.length !== 2 ||
					!r.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(String(d))) ||
					r[1] < r[0],
			)
		)
			throw new SchedulingInputError(
				`crews[${i}].time_off`,
				`"crews[${i}].time_off" must be a list of ["YYYY-MM-DD", "YYYY-MM-DD"] ranges (first and last day off).`,
			);
		return {
			id: crew.id,
			name: String(crew.name ?? crew.id),
			skills: Array.isArray(crew.skills) ? crew.skills.map(String) : [],
			on_call: Boolean(crew.on_call),
			working_days: days?.length ? days : null,
			time_off: timeOff,
			service_area: Array.isArray(crew.service_area)
				? crew.service_area.map((a) => String(a).trim().toLowerCase()).filter(Boolean)
				: [],
			phone: crew.phone ?? null,
			email: crew.email ?? null,
		};
	});
	for (const [field, min, max] of [
		['bufferMinutes', 0, 24 * 60],
		['slotStepMinutes', 5, 24 * 60],
		['leadTimeMinutes', 0, 30 * 24 * 60],
		['horizonDays', 1, 730],
	] as const) {
		const value = c[field];
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
			throw new SchedulingInputError(
				field,
				`"${field}" must be a number from ${min} to ${max}; got ${JSON.stringify(value)}.`,
			);
		}
	}
	return { ...c, windows, holidaySet, blackoutRanges };
}

/** Whether a crew works on a local date (YYYY-MM-DD, weekday 1 = Monday): its working days, less its time off. */
export function crewWorksOn(crew: CrewConfig, date: string, weekday: number): boolean {
	if (crew.working_days && !crew.working_days.includes(WEEKDAYS[weekday - 1])) return false;
	if (crew.time_off)
		for (const [first, last] of crew.time_off) if (date >= first && date <= last) return false;
	return true;
}

/**
 * Whether a crew covers an address: an area with digits is a postcode or its
 * first characters ("100" covers 10001), one without is a town or district
 * named in the address. A crew with no area, or an unknown address, covers it.
 */
export function crewCovers(crew: CrewConfig, address: string | null | undefined): boolean {
	if (!crew.service_area?.length || !address) return true;
	const lower = address.toLowerCase();
	const tokens = lower.split(/[^a-z0-9]+/).filter(Boolean);
	return crew.service_area.some((area) => {
		const compact = area.replace(/\s+/g, '');
		if (/\d/.test(compact))
			return (
				tokens.some((t) => /\d/.test(t) && t.startsWith(compact)) ||
				lower.replace(/\s+/g, '').includes(compact)
			);
		return new RegExp(
			`(^|[^a-z0-9])${area.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`,
		).test(lower);
	});
}

const SERVICE_MULTIPLIER: Record<string, number> = {
	deep_cleaning: 1.5,
	move_in_out: 1.75,
	post_construction: 2,
};
const RESTORATION_SERVICES = new Set(['water_damage', 'fire_damage', 'mold_remediation']);

export interface JobFacts {
	service_type?: string | null;
	bedrooms?: number | null;
	bathrooms?: number | null;
	square_feet?: number | null;
	is_emergency?: boolean | null;
	estimated_hours?: number | null;
	duration_minutes?: number | null;
}

/** The skill a job needs: restoration work needs a restoration-certified crew. */
export function requiredSkillFor(job: JobFacts): string {
	return job.is_emergency || RESTORATION_SERVICES.has(String(job.service_type))
		? 'restoration'
		: 'cleaning';
}

/** How long a job takes, from its facts (or as given), rounded up to the slot step. */
export function jobDurationMinutes(
	job: JobFacts,
	stepMinutes: number,
): { minutes: number; basis: string } {
	const roundUp = (m: number) => Math.max(stepMinutes, Math.ceil(m / stepMinutes) * stepMinutes);
	if (job.duration_minutes !== null && job.duration_minutes !== undefined) {
		if (!(job.duration_minutes > 0 && job.duration_minutes <= 24 * 60))
			throw new SchedulingInputError(
				'duration_minutes',
				`"duration_minutes" must be between 1 and 1440; got ${job.duration_minutes}.`,
			);
		return { minutes: roundUp(job.duration_minutes), basis: 'as given' };
	}
	const service = String(job.service_type ?? 'standard_cleaning');
	if (job.is_emergency || RESTORATION_SERVICES.has(service)) {
		const hours = job.estimated_hours && job.estimated_hours > 0 ? job.estimated_hours : 4;
		return {
			minutes: roundUp(Math.min(hours, 12) * 60),
			basis: job.estimated_hours ? `${hours} h estimated in the quote` : '4 h restoration visit',
		};
	}
	if (service === 'commercial_cleaning') {
		const sqft = job.square_feet ?? 3000;
		return {
			minutes: roundUp(Math.min(sqft / 25, 10 * 60)),
			basis: `${sqft} sq ft at 25 sq ft a minute`,
		};
	}
	if (service === 'carpet_cleaning')
		return { minutes: roundUp(45 * ((job.bedrooms ?? 2) + 1)), basis: '45 minutes a room' };
	if (service === 'window_cleaning')
		return {
			minutes: roundUp(
				6 * (job.bedrooms !== null && job.bedrooms !== undefined ? job.bedrooms * 3 + 6 : 15),
			),
			basis: '6 minutes a window',
		};
	const base = job.square_feet
		? job.square_feet / 10
		: 90 + 30 * Math.max(0, (job.bedrooms ?? 2) - 1) + 20 * Math.max(0, (job.bathrooms ?? 1) - 1);
	const multiplier = SERVICE_MULTIPLIER[service] ?? 1;
	return {
		minutes: roundUp(base * multiplier),
		basis: job.square_feet ? `${job.square_feet} sq ft at 10 sq ft a minute` : 'rooms',
	};
}
