import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { z } from 'zod/v4';

import { normalize } from '../shared/text';
import { anyWord, wordPattern, wordPatterns } from '../shared/words';
import { SchedulingInputError } from './calendar';

/** What a customer's words allow: every field narrows the search, none widens it. */
export interface PreferenceConstraints {
	/** Local dates, inclusive (YYYY-MM-DD). */
	dateFrom: string | null;
	dateTo: string | null;
	/** Luxon weekdays (1 = Monday) allowed; null means any. */
	weekdays: number[] | null;
	/** Minutes after local midnight the job may start from / must start by. */
	startFromMinute: number | null;
	startByMinute: number | null;
	/** What was understood, for the output and for people. */
	understood: string[];
}

const WEEKDAY_LISTS = [
	'weekday_mon',
	'weekday_tue',
	'weekday_wed',
	'weekday_thu',
	'weekday_fri',
	'weekday_sat',
	'weekday_sun',
] as const;

/** Each language's day names, English first, as [pattern, ISO weekday]. */
const DAY_NAMES: Array<[RegExp, number]> = [0, 1].flatMap((language) =>
	WEEKDAY_LISTS.map((list, index): [RegExp, number] => [wordPatterns(list)[language], index + 1]),
);

const DAY_LABEL = [
	'',
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday',
	'Sunday',
];

const PARTS_OF_DAY: Array<[RegExp, number, number, string]> = [
	[wordPattern('day_part_early'), 7 * 60, 9 * 60, 'early morning'],
	[wordPattern('day_part_morning'), 0, 12 * 60, 'morning (before noon)'],
	[wordPattern('day_part_midday'), 11 * 60, 13 * 60 + 30, 'around midday'],
	[wordPattern('day_part_afternoon'), 12 * 60, 17 * 60, 'afternoon (noon to 5pm)'],
	[wordPattern('day_part_evening'), 17 * 60, 21 * 60, 'evening (after 5pm)'],
];

const FLEXIBLE = wordPattern('preference_flexible');
const EXCLUSION = new RegExp(
	`\\b${anyWord('preference_except')}\\s+(?:on\\s+)?((?:(?:mon|tue|wed|thu|fri|sat|sun)\\w*(?:\\s*(?:,|or|and|&)\\s*)?)+)`,
	'g',
);
const WEEKDAYS_WORDS = wordPattern('preference_weekdays');
const WEEKEND_WORDS = wordPattern('preference_weekend');
const NEXT_WEEK = wordPattern('preference_next_week');
const THIS_WEEK = wordPattern('preference_this_week');
const NEXT_MONTH = wordPattern('preference_next_month');
const TOMORROW = wordPattern('preference_tomorrow');
const TODAY = wordPattern('preference_today');

function clockMinutes(
	hour: string,
	minute: string | undefined,
	meridiem: string | undefined,
): number | null {
	let h = parseInt(hour, 10);
	const m = minute ? parseInt(minute, 10) : 0;
	if (h > 24 || m > 59) return null;
	if (meridiem) {
		const pm = /^p/.test(meridiem);
		if (h === 12) h = pm ? 12 : 0;
		else if (pm) h += 12;
	} else if (h >= 1 && h <= 6) {
		h += 12; // "after 3" in a booking chat means 3pm
	}
	return h * 60 + m;
}

const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?`;

/**
 * Reads a customer's scheduling words ("Monday morning", "after 3pm", "next
 * week", "any weekday but Friday", "Dec 3") into constraints. chrono-node reads
 * calendar dates; rules read weekdays and parts of the day.
 */
export function parsePreference(
	text: string | null | undefined,
	nowLocal: DateTime,
): PreferenceConstraints {
	const out: PreferenceConstraints = {
		dateFrom: null,
		dateTo: null,
		weekdays: null,
		startFromMinute: null,
		startByMinute: null,
		understood: [],
	};
	if (text === null || text === undefined || String(text).trim() === '') return out;
	if (typeof text !== 'string')
		throw new SchedulingInputError(
			'preference',
			`"preference" must be text such as "Monday morning"; got ${JSON.stringify(text)}.`,
		);
	let t = normalize(text);
	let matched = false;

	const excluded = new Set<number>();
	for (const m of t.matchAll(EXCLUSION)) {
		for (const [pattern, day] of DAY_NAMES) if (pattern.test(m[1])) excluded.add(day);
	}
	t = t.replace(EXCLUSION, ' ');

	let weekdays: Set<number> | null = null;
	const addDays = (days: number[], label: string) => {
		weekdays ??= new Set();
		days.forEach((d) => weekdays!.add(d));
		out.understood.push(label);
		matched = true;
	};
	if (WEEKDAYS_WORDS.test(t)) addDays([1, 2, 3, 4, 5], 'weekdays');
	if (WEEKEND_WORDS.test(t)) addDays([6, 7], 'weekend');
	for (const [pattern, day] of DAY_NAMES) {
		if (pattern.test(t) && !excluded.has(day)) addDays([day], DAY_LABEL[day]);
	}
	if (excluded.size) {
		const base: Set<number> = weekdays ?? new Set([1, 2, 3, 4, 5, 6, 7]);
		for (const d of excluded) base.delete(d);
		weekdays = base;
		out.understood.push(`not ${[...excluded].map((d) => DAY_LABEL[d]).join(' or ')}`);
		matched = true;
	}
	if (weekdays) out.weekdays = [...(weekdays as Set<number>)].sort();

	const setDates = (from: DateTime, to: DateTime, label: string) => {
		out.dateFrom = from.toISODate();
		out.dateTo = to.toISODate();
		out.understood.push(label);
		matched = true;
	};
	if (NEXT_WEEK.test(t)) {
		const start = nowLocal.startOf('week').plus({ weeks: 1 });
		setDates(
			start,
			start.endOf('week'),
			`next week (${start.toISODate()} to ${start.endOf('week').toISODate()})`,
		);
	} else if (THIS_WEEK.test(t)) {
		setDates(nowLocal, nowLocal.endOf('week'), 'this week');
	} else if (NEXT_MONTH.test(t)) {
		const start = nowLocal.startOf('month').plus({ months: 1 });
		setDates(start, start.endOf('month'), `next month (${start.toFormat('LLLL')})`);
	} else if (TOMORROW.test(t)) {
		const d = nowLocal.plus({ days: 1 });
		setDates(d, d, `tomorrow (${d.toISODate()})`);
	} else if (TODAY.test(t)) {
		setDates(nowLocal, nowLocal, 'today');
	} else if (!out.weekdays) {
		// Calendar dates ("Dec 3", "12/03", "the 15th", "in two weeks"): chrono-node, read in the business time zone.
		const results = chrono.parse(
			text,
			{ instant: nowLocal.toJSDate(), timezone: nowLocal.offset },
			{ forwardDate: true },
		);
		const withDay = results.find((r) => r.start.isCertain('day') || r.start.isCertain('weekday'));
		if (withDay) {
			const start = DateTime.fromObject(
				{
					year: withDay.start.get('year')!,
					month: withDay.start.get('month')!,
					day: withDay.start.get('day')!,
				},
				{ zone: nowLocal.zone },
			);
			const end = withDay.end
				? DateTime.fromObject(
						{
							year: withDay.end.get('year')!,
							month: withDay.end.get('month')!,
							day: withDay.end.get('day')!,
						},
						{ zone: nowLocal.zone },
					)
				: start;
			if (start.isValid && end.isValid)
				setDates(
					start,
					end,
					start.equals(end) ? start.toISODate()! : `${start.toISODate()} to ${end.toISODate()}`,
				);
			if (withDay.start.isCertain('hour') && !/\b(?:after|before|by|from|between)\b/.test(t)) {
				out.startFromMinute = withDay.start.get('hour')! * 60 + (withDay.start.get('minute') ?? 0);
				out.startByMinute = out.startFromMinute;
				out.understood.push(
					`at ${String(withDay.start.get('hour')).padStart(2, '0')}:${String(withDay.start.get('minute') ?? 0).padStart(2, '0')}`,
				);
			}
		}
	}

	const between = new RegExp(
		String.raw`\b(?:between|from)\s+${TIME}\s*(?:and|to|-)\s*${TIME}`,
	).exec(t);
	const after = new RegExp(
		String.raw`\b(?:after|from|not before|no earlier than|starting at|despues de las?)\s+${TIME}`,
	).exec(t);
	const before = new RegExp(
		String.raw`\b(?:before|by|no later than|not after|antes de las?)\s+${TIME}`,
	).exec(t);
	if (between) {
		const from = clockMinutes(between[1], between[2], between[3] ?? between[6]);
		const to = clockMinutes(between[4], between[5], between[6]);
		if (from !== null && to !== null && to > from) {
			out.startFromMinute = from;
			out.startByMinute = to;
			out.understood.push(`between ${between[0].replace(/^(?:between|from)\s+/, '')}`);
			matched = true;
		}
	} else {
		if (after) {
			const from = clockMinutes(after[1], after[2], after[3]);
			if (from !== null) {
				out.startFromMinute = Math.max(out.startFromMinute ?? 0, from);
				out.understood.push(`after ${after[0].replace(/^\S+\s+/, '')}`);
				matched = true;
			}
		}
		if (before) {
			const by = /noon/.test(before[0]) ? 12 * 60 : clockMinutes(before[1], before[2], before[3]);
			if (by !== null) {
				out.startByMinute = by;
				out.understood.push(`before ${before[0].replace(/^\S+\s+/, '')}`);
				matched = true;
			}
		}
		if (/\bbefore (?:noon|lunch|midday)\b/.test(t)) {
			out.startByMinute = 12 * 60;
			out.understood.push('before noon');
			matched = true;
		}
	}
	if (out.startFromMinute === null && out.startByMinute === null) {
		for (const [pattern, from, to, label] of PARTS_OF_DAY) {
			if (pattern.test(t)) {
				out.startFromMinute = from;
				out.startByMinute = to;
				out.understood.push(label);
				matched = true;
				break;
			}
		}
	}
	if (out.dateFrom) matched = true;
	if (!matched && FLEXIBLE.test(t)) {
		out.understood.push('any time');
		matched = true;
	}
	if (!matched) {
		throw new SchedulingInputError(
			'preference',
			`Could not understand the preference ${JSON.stringify(text)}. Use words like "Monday morning", "after 3pm", "next week", "any weekday but Friday" or a date like "Dec 3"; leave it empty for the earliest slot.`,
		);
	}
	return out;
}

/** What the model is asked for: the same constraints, as facts; code checks and applies them. */
export const preferenceFactsSchema = z.object({
	date_from: z.string().nullable().describe('First acceptable local date, YYYY-MM-DD, or null.'),
	date_to: z.string().nullable().describe('Last acceptable local date, YYYY-MM-DD, or null.'),
	weekdays: z
		.array(z.number().int().min(1).max(7))
		.nullable()
		.describe('Acceptable weekdays, 1 = Monday ... 7 = Sunday, or null for any.'),
	start_from_minute: z
		.number()
		.int()
		.min(0)
		.max(1440)
		.nullable()
		.describe('Earliest start, minutes after local midnight, or null.'),
	start_by_minute: z
		.number()
		.int()
		.min(0)
		.max(1440)
		.nullable()
		.describe('Latest start, minutes after local midnight, or null.'),
	understood: z.array(z.string()).describe('Short phrases saying what was understood.'),
});
export type PreferenceFacts = z.infer<typeof preferenceFactsSchema>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The model's constraints, checked: impossible ones are refused, so the rules take over. */
export function constraintsFromFacts(
	facts: PreferenceFacts,
	nowLocal: DateTime,
): PreferenceConstraints {
	for (const d of [facts.date_from, facts.date_to]) {
		if (d !== null && (!DATE.test(d) || !DateTime.fromISO(d).isValid))
			throw new SchedulingInputError(
				'preference',
				`the model gave an invalid date ${JSON.stringify(d)}`,
			);
	}
	if (facts.date_to !== null && facts.date_to < nowLocal.toISODate()!)
		throw new SchedulingInputError('preference', 'the model gave a date range in the past');
	if (facts.date_from && facts.date_to && facts.date_to < facts.date_from)
		throw new SchedulingInputError(
			'preference',
			'the model gave a range that ends before it starts',
		);
	if (
		facts.start_from_minute !== null &&
		facts.start_by_minute !== null &&
		facts.start_by_minute < facts.start_from_minute
	)
		throw new SchedulingInputError(
			'preference',
			'the model gave a time window that ends before it starts',
		);
	return {
		dateFrom: facts.date_from,
		dateTo: facts.date_to,
		weekdays: facts.weekdays?.length ? [...new Set(facts.weekdays)].sort() : null,
		startFromMinute: facts.start_from_minute,
		startByMinute: facts.start_by_minute,
		understood: facts.understood.slice(0, 8),
	};
}
