import { DateTime, type Zone } from 'luxon';
import { RRule, Weekday as RRuleWeekday, type Options } from 'rrule';

import { WEEKDAYS, type Weekday } from '../shared/vocabulary';
import { SchedulingInputError } from './calendar';

export interface SeriesSpec {
	/** An RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO;COUNT=52 (wins over the fields below). */
	rrule?: string | null;
	frequency?: 'weekly' | 'biweekly' | 'monthly' | null;
	weekday?: Weekday | null;
	/** Weekly series: visits a week (1-7), spread from the weekday (see VISIT_DAYS). */
	visits_per_week?: number | null;
	/** Weekly series: the days of the week's visits ("mon", "thu"); they win over weekday when as many as the visits a week. */
	weekdays?: Weekday[] | string | null;
	/** Local start time, HH:MM (default 09:00). */
	time?: string | null;
	/** How many visits (default 52 weekly, 26 every other week, 12 monthly). */
	count?: number | null;
	/** First possible date, YYYY-MM-DD in the business time zone (default: the first matching day after the lead time). */
	start_date?: string | null;
	/** How far (minutes, either way) a visit may move on its day when its time is taken (default 120). */
	clash_window_minutes?: number | null;
	/** Hold the visits (status held) for this many hours instead of confirming them: until an agreement is signed. */
	hold_hours?: number | null;
}

const asList = <T>(value: T | T[] | null | undefined): T[] =>
	value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A rule that names no day that exists is refused before it is searched: rrule walks such a
 * rule day by day to the year 9999 (9 s for FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 on n8n's main
 * thread). Week numbers, days of the year and Easter are not used for visits; a day of the
 * month must exist in a month the rule names; a daily or weekly rule's BYSETPOS must pick
 * one of the times the period can have.
 */
function refuseRuleWithNoDay(options: Partial<Options>): void {
	const refuse = (why: string) => {
		throw new SchedulingInputError(
			'series.rrule',
			`"series.rrule" ${why}. Example: FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12.`,
		);
	};
	const o = options as Record<string, unknown>;
	for (const [part, name] of [
		['byweekno', 'BYWEEKNO'],
		['byyearday', 'BYYEARDAY'],
		['byeaster', 'BYEASTER'],
	] as const)
		if (asList(o[part] as number | number[] | null).length)
			refuse(`uses ${name}: a series of visits is written with BYDAY, BYMONTHDAY and BYMONTH`);
	const months = asList(o.bymonth as number | number[] | null);
	const monthDays = asList(o.bymonthday as number | number[] | null);
	if (monthDays.length) {
		const longest = Math.max(
			...(months.length ? months : [1]).map((m) => DAYS_IN_MONTH[m - 1] ?? 31),
		);
		if (!monthDays.some((d) => d !== 0 && Math.abs(d) <= longest))
			refuse(
				`names no day that exists (BYMONTHDAY=${monthDays.join(',')}${months.length ? ` in BYMONTH=${months.join(',')}` : ''})`,
			);
	}
	const positions = asList(o.bysetpos as number | number[] | null);
	const period = SET_PERIODS[options.freq ?? -1];
	if (positions.length && period) {
		const times =
			Math.max(1, asList(o.byhour as number | number[] | null).length) *
			Math.max(1, asList(o.byminute as number | number[] | null).length);
		const most =
			mostDaysIn(period, asList(o.byweekday as Array<{ n?: number }> | null), monthDays) * times;
		if (!positions.some((p) => p !== 0 && Math.abs(p) <= most))
			refuse(
				`picks BYSETPOS=${positions.join(',')} of at most ${most} time${most === 1 ? '' : 's'} a ${period}: no visit would be chosen`,
			);
	}
}

/** The periods whose days BYSETPOS picks from (a year's are too many to matter). */
const SET_PERIODS: Record<number, 'day' | 'week' | 'month'> = {
	[RRule.DAILY]: 'day',
	[RRule.WEEKLY]: 'week',
	[RRule.MONTHLY]: 'month',
};

/** The most days a period can hold: a month's named days, or five of each weekday (one of an nth). */
function mostDaysIn(
	period: 'day' | 'week' | 'month',
	weekdays: Array<{ n?: number }>,
	monthDays: number[],
): number {
	if (period === 'day') return 1;
	if (period === 'week') return Math.max(1, weekdays.length);
	if (monthDays.length) return monthDays.length;
	if (weekdays.length)
		return Math.min(
			31,
			weekdays.reduce((n, w) => n + (w?.n ? 1 : 5), 0),
		);
	return 1;
}

/** How far ahead a series' visits are looked for: a rule with no visit in that time has none. */
export const SEARCH_YEARS = 50;

const RRULE_DAYS: RRuleWeekday[] = [
	RRule.MO,
	RRule.TU,
	RRule.WE,
	RRule.TH,
	RRule.FR,
	RRule.SA,
	RRule.SU,
];

/** Days after the first weekday that a week's visits fall on: from Monday, 2 is Mon+Thu, 3 Mon+Wed+Fri, 4 Mon+Tue+Thu+Fri, 5 Mon-Fri. */
const VISIT_DAYS: Record<number, number[]> = {
	1: [0],
	2: [0, 3],
	3: [0, 2, 4],
	4: [0, 1, 3, 4],
	5: [0, 1, 2, 3, 4],
	6: [0, 1, 2, 3, 4, 5],
	7: [0, 1, 2, 3, 4, 5, 6],
};

/** The weekdays a series names: a list or comma-separated text of mon..sun, each once, in week order; null when none. */
function namedWeekdays(value: SeriesSpec['weekdays']): Weekday[] | null {
	if (value === null || value === undefined || value === '') return null;
	const list =
		typeof value === 'string'
			? value
					.split(',')
					.map((d) => d.trim().toLowerCase())
					.filter(Boolean)
			: value;
	if (
		!Array.isArray(list) ||
		list.some((d) => !(WEEKDAYS as readonly string[]).includes(d as string))
	) {
		throw new SchedulingInputError(
			'series.weekdays',
			`"series.weekdays" must be a list of ${WEEKDAYS.join(', ')} (e.g. ["mon", "thu"] or "mon,thu"); got ${JSON.stringify(value)}.`,
		);
	}
	return list.length ? WEEKDAYS.filter((d) => list.includes(d)) : null;
}

/**
 * The local start times of a series. rrule works in "floating" wall-clock time
 * (dates whose UTC fields are the local time); luxon then places each one in
 * the business time zone, so 9:00 stays 9:00 across daylight-saving changes.
 */
export function seriesStarts(
	spec: SeriesSpec,
	zone: string | Zone,
	nowLocal: DateTime,
	/** Visits through this day only, whatever the count (a series changed for the rest of its term). */
	lastDay?: DateTime,
): { rule: string; starts: DateTime[] } {
	const time = spec.time ?? '09:00';
	const tm = /^(\d{1,2}):(\d{2})$/.exec(time);
	if (!tm || Number(tm[1]) > 23 || Number(tm[2]) > 59)
		throw new SchedulingInputError(
			'series.time',
			`"series.time" must be like 09:00; got ${JSON.stringify(time)}.`,
		);
	let first = nowLocal.plus({ days: 1 }).startOf('day');
	if (spec.start_date) {
		const parsed = DateTime.fromISO(spec.start_date, { zone });
		if (!/^\d{4}-\d{2}-\d{2}$/.test(spec.start_date) || !parsed.isValid)
			throw new SchedulingInputError(
				'series.start_date',
				`"series.start_date" must be a date like 2026-12-07; got ${JSON.stringify(spec.start_date)}.`,
			);
		if (parsed < nowLocal.startOf('day'))
			throw new SchedulingInputError(
				'series.start_date',
				`"series.start_date" ${spec.start_date} is in the past.`,
			);
		first = parsed;
	}
	const dtstart = floating(first.set({ hour: Number(tm[1]), minute: Number(tm[2]), second: 0 }));
	let options: ConstructorParameters<typeof RRule>[0];
	if (spec.rrule) {
		try {
			options = { ...RRule.parseString(spec.rrule.replace(/^RRULE:/i, '')), dtstart };
		} catch (error) {
			throw new SchedulingInputError(
				'series.rrule',
				`"series.rrule" is not a valid RFC 5545 rule (${(error as Error).message}). Example: FREQ=WEEKLY;BYDAY=MO;COUNT=52.`,
			);
		}
		// Visits are days apart: a rule by the hour, minute or second is not a series of visits.
		if (options.freq !== undefined && options.freq > RRule.DAILY)
			throw new SchedulingInputError(
				'series.rrule',
				`"series.rrule" repeats ${RRule.FREQUENCIES[options.freq].toLowerCase()}: a series repeats daily at most (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY).`,
			);
		refuseRuleWithNoDay(options);
		if (!options.count && !options.until) options.count = 52;
		if (options.byhour === undefined) options.byhour = [Number(tm[1])];
		if (options.byminute === undefined) options.byminute = [Number(tm[2])];
	} else {
		const frequency = spec.frequency ?? 'weekly';
		if (!['weekly', 'biweekly', 'monthly'].includes(frequency))
			throw new SchedulingInputError(
				'series.frequency',
				`"series.frequency" must be weekly, biweekly or monthly; got ${JSON.stringify(frequency)}.`,
			);
		const visits = spec.visits_per_week ?? 1;
		if (!(Number.isInteger(visits) && visits >= 1 && visits <= 7))
			throw new SchedulingInputError(
				'series.visits_per_week',
				`"series.visits_per_week" must be a whole number from 1 to 7; got ${JSON.stringify(spec.visits_per_week)}.`,
			);
		if (visits > 1 && frequency !== 'weekly')
			throw new SchedulingInputError(
				'series.visits_per_week',
				`"series.visits_per_week" is for weekly series; a ${frequency} series has one visit each time. Set it to 1 or use an RRULE.`,
			);
		const named = namedWeekdays(spec.weekdays);
		// Named days are the visits when they are as many as the visits a week (a count priced elsewhere wins).
		const days =
			frequency === 'weekly' &&
			named &&
			(spec.visits_per_week === null ||
				spec.visits_per_week === undefined ||
				named.length === visits)
				? named
				: null;
		// Several visits a week without a weekday make a working week from Monday, not from whatever day comes first.
		const weekday = spec.weekday ?? (visits > 1 ? 'mon' : WEEKDAYS[first.weekday - 1]);
		const dayIndex = WEEKDAYS.indexOf(weekday);
		if (dayIndex < 0)
			throw new SchedulingInputError(
				'series.weekday',
				`"series.weekday" must be one of ${WEEKDAYS.join(', ')}; got ${JSON.stringify(weekday)}.`,
			);
		const byweekday = days
			? days.map((d) => RRULE_DAYS[WEEKDAYS.indexOf(d)])
			: VISIT_DAYS[visits].map((offset) => RRULE_DAYS[(dayIndex + offset) % 7]);
		const count =
			spec.count ??
			(frequency === 'weekly' ? 52 * byweekday.length : frequency === 'biweekly' ? 26 : 12);
		options =
			frequency === 'monthly'
				? {
						freq: RRule.MONTHLY,
						byweekday: [RRULE_DAYS[dayIndex].nth(Math.min(4, Math.ceil(first.day / 7)))],
						count,
						dtstart,
						byhour: [Number(tm[1])],
						byminute: [Number(tm[2])],
						bysecond: [0],
					}
				: {
						freq: RRule.WEEKLY,
						interval: frequency === 'biweekly' ? 2 : 1,
						byweekday,
						count,
						dtstart,
						byhour: [Number(tm[1])],
						byminute: [Number(tm[2])],
						bysecond: [0],
					};
	}
	if (lastDay) {
		delete options.count;
		options.until = floating(lastDay.endOf('day'));
	}
	const count = options.count ?? 0;
	if (count > 520)
		throw new SchedulingInputError(
			'series.count',
			`A series of ${count} visits is too long; book at most 520 at a time.`,
		);
	if (spec.count !== null && spec.count !== undefined && !(spec.count >= 1))
		throw new SchedulingInputError('series.count', `"series.count" must be at least 1.`);
	let rule: RRule;
	let dates: Date[];
	try {
		rule = new RRule(options);
		// Visits searched no further than SEARCH_YEARS ahead: a rare day (Monday the 29th of
		// February) would otherwise be followed for centuries. rrule stops only at a visit, so a
		// rule with no day at all is refused before (refuseRuleWithNoDay).
		const searchUntil = new Date(dtstart);
		searchUntil.setUTCFullYear(searchUntil.getUTCFullYear() + SEARCH_YEARS);
		const until = options.until && options.until < searchUntil ? options.until : searchUntil;
		dates = new RRule({ ...options, until }).all((_, i) => i < 520);
	} catch (error) {
		throw new SchedulingInputError(
			spec.rrule ? 'series.rrule' : 'series',
			`The series rule is not valid (${(error as Error).message}). Example: FREQ=WEEKLY;BYDAY=MO;COUNT=52.`,
		);
	}
	return {
		rule: rule.toString().replace(/^DTSTART[^\n]*\n/, ''),
		starts: dates.map(localOf(zone)),
	};
}

/** rrule's floating time for a local wall-clock time: a Date whose UTC fields read as the local time. */
const floating = (local: DateTime): Date =>
	new Date(
		Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second),
	);

/** The local time in the business zone that a floating rrule date stands for. */
const localOf =
	(zone: string | Zone) =>
	(d: Date): DateTime =>
		DateTime.fromObject(
			{
				year: d.getUTCFullYear(),
				month: d.getUTCMonth() + 1,
				day: d.getUTCDate(),
				hour: d.getUTCHours(),
				minute: d.getUTCMinutes(),
			},
			{ zone },
		);

/** The longest stretch one call books: ten years, as the longest agreement term. */
export const LONGEST_TERM_DAYS = 3_660;

/**
 * The visits a stored series rule places from one day through another (both local, whole
 * days): the rule's own count or end date is left out, so a renewed term follows the same
 * pattern. `firstVisit` is where the rule started counting (its DTSTART), which keeps an
 * every-other-week series on its own weeks.
 */
export function termStarts(
	storedRule: string,
	firstVisit: DateTime,
	fromDay: DateTime,
	lastDay: DateTime,
): DateTime[] {
	const line = storedRule.split('\n').find((l) => /^RRULE:/i.test(l)) ?? storedRule;
	let options: Partial<Options>;
	try {
		options = RRule.parseString(line.replace(/^RRULE:/i, ''));
	} catch (error) {
		throw new SchedulingInputError(
			'series_id',
			`The series' stored rule cannot be read (${(error as Error).message}): change the series' day and time to give it a new one.`,
		);
	}
	delete options.count;
	delete options.until;
	const rule = new RRule({ ...options, dtstart: floating(firstVisit) });
	return rule
		.between(
			floating(fromDay.startOf('day')),
			floating(lastDay.endOf('day')),
			true,
			(_, i) => i < 520,
		)
		.map(localOf(firstVisit.zone));
}
