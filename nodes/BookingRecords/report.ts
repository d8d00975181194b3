/**
 * The numbers: is the automation winning business, and does it answer in time? Every
 * figure is one SQL query over the booking store's case records and bookings (the same
 * SQL on SQLite and PostgreSQL); only the crews' available hours come from the
 * calendar (opening hours, working days, time off, holidays), since they are settings,
 * not records.
 */
import { DateTime } from 'luxon';

import { numberColumn } from '../shared/records/columns';
import type { BookingStore } from '../shared/store/types';
import { InputError } from '../shared/errors';
import {
	crewWorksOn,
	resolveCalendar,
	windowsOn,
	type CalendarConfig,
	type CrewConfig,
	type ResolvedCalendar,
} from '../SchedulingAgent/calendar';

export interface Period {
	fromMs: number;
	toMs: number;
	timeZone: string;
	/** How a person names it: "week of Monday, November 2, 2026". */
	label: string;
}

export const PERIODS = ['lastWeek', 'thisWeek', 'last30Days', 'custom'] as const;
export type PeriodChoice = (typeof PERIODS)[number];

/** The business's week (Monday to Monday, local midnight), the one before, the 30 days to today, or dates given. */
export function periodOf(
	choice: PeriodChoice,
	timeZone: string,
	nowMs: number,
	custom: { from?: string; to?: string } = {},
): Period {
	const now = DateTime.fromMillis(nowMs, { zone: timeZone });
	let from: DateTime;
	let to: DateTime;
	if (choice === 'custom') {
		const parse = (field: 'from' | 'to', value: string | undefined) => {
			const date = DateTime.fromISO(String(value ?? '').trim(), { zone: timeZone });
			if (!value || !date.isValid)
				throw new InputError(
					field === 'from' ? 'periodFrom' : 'periodTo',
					`"${field === 'from' ? 'From' : 'To'}" must be a date like 2026-11-02; got ${JSON.stringify(value ?? '')}.`,
				);
			return date.startOf('day');
		};
		from = parse('from', custom.from);
		to = parse('to', custom.to).plus({ days: 1 });
		if (to <= from)
			throw new InputError(
				'periodTo',
				'"To" must be on or after "From" (both dates are included).',
			);
	} else if (choice === 'last30Days') {
		to = now.startOf('day').plus({ days: 1 });
		from = to.minus({ days: 30 });
	} else {
		const monday = now.startOf('week');
		from = choice === 'lastWeek' ? monday.minus({ weeks: 1 }) : monday;
		to = choice === 'lastWeek' ? monday : now;
	}
	const last = to.minus({ milliseconds: 1 });
	const label = from.hasSame(last, 'day')
		? from.toFormat('cccc, LLLL d, yyyy')
		: `${from.toFormat('cccc, LLLL d')} to ${last.toFormat('cccc, LLLL d, yyyy')}`;
	return { fromMs: from.toMillis(), toMs: to.toMillis(), timeZone, label };
}

export interface ChannelRow {
	channel: string;
	leads: number;
	qualified: number;
	quoted: number;
	won: number;
}

export interface Spread {
	count: number;
	median_seconds: number | null;
	p95_seconds: number | null;
	within_goal: number;
}

export interface CrewUse {
	crew_id: string;
	crew_name: string;
	booked_hours: number;
	available_hours: number;
	/** booked / available, 0-1 (more than 1 when a crew worked beyond its hours). */
	utilisation: number | null;
}

export interface WeeklyNumbers {
	period: { from: string; to: string; time_zone: string; label: string };
	leads: number;
	by_channel: ChannelRow[];
	qualified: number;
	quoted: number;
	won: number;
	won_of_quoted: number;
	/** won_of_quoted / quoted: the quote-to-booking conversion, 0-1. */
	conversion: number | null;
	revenue_booked: Array<{ currency: string; cents: number }>;
	first_answer: Spread;
	emergencies: number;
	emergency_response: Spread & { goal_seconds: number; not_dispatched: number };
	crews: CrewUse[];
	utilisation: number | null;
	cancellations: number;
	failed_deliveries: number;
}

/**
 * Median and 95th percentile (nearest rank) in SQL both engines run: rows numbered in order;
 * the median is the mean of the two middle ranks (one when the count is odd).
 */
const SPREAD = (values: string) => `WITH t AS (${values}),
r AS (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n FROM t)
SELECT COUNT(*) AS n,
  (MIN(CASE WHEN 2 * rn >= n THEN v END) + MIN(CASE WHEN 2 * rn >= n + 1 THEN v END)) / 2.0 AS median_ms,
  MIN(CASE WHEN 100 * rn >= 95 * n THEN v END) AS p95_ms,
  SUM(CASE WHEN v <= $3 THEN 1 ELSE 0 END) AS within_goal
FROM r`;

export const REPORT_SQL = {
	byChannel: `SELECT channel, COUNT(*) AS leads,
  SUM(CASE WHEN qualified = 1 THEN 1 ELSE 0 END) AS qualified,
  SUM(CASE WHEN quote_id IS NOT NULL THEN 1 ELSE 0 END) AS quoted,
  SUM(CASE WHEN booked_at_ms IS NOT NULL THEN 1 ELSE 0 END) AS won,
  SUM(CASE WHEN quote_id IS NOT NULL AND booked_at_ms IS NOT NULL THEN 1 ELSE 0 END) AS won_of_quoted
FROM cases WHERE received_at_ms >= $1 AND received_at_ms < $2 GROUP BY channel ORDER BY channel`,
	revenue: `SELECT COALESCE(currency, '') AS currency, SUM(booked_cents) AS cents FROM cases
WHERE booked_at_ms >= $1 AND booked_at_ms < $2 AND booked_cents IS NOT NULL GROUP BY currency ORDER BY currency`,
	firstAnswer: SPREAD(
		'SELECT first_answer_at_ms - received_at_ms AS v FROM cases WHERE received_at_ms >= $1 AND received_at_ms < $2 AND first_answer_at_ms IS NOT NULL',
	),
	emergencyResponse: SPREAD(
		'SELECT dispatched_at_ms - received_at_ms AS v FROM cases WHERE received_at_ms >= $1 AND received_at_ms < $2 AND is_emergency = 1 AND dispatched_at_ms IS NOT NULL',
	),
	emergencies: `SELECT COUNT(*) AS n, SUM(CASE WHEN dispatched_at_ms IS NULL THEN 1 ELSE 0 END) AS not_dispatched
FROM cases WHERE received_at_ms >= $1 AND received_at_ms < $2 AND is_emergency = 1`,
	/** Booked time inside the period, per crew: visits cut at the period's edges. */
	crewMinutes: `SELECT crew_id, SUM((CASE WHEN end_ms < $2 THEN end_ms ELSE $2 END) - (CASE WHEN start_ms > $1 THEN start_ms ELSE $1 END)) / 60000.0 AS minutes
FROM bookings WHERE status IN ('confirmed', 'completed') AND start_ms < $2 AND end_ms > $1 GROUP BY crew_id ORDER BY crew_id`,
	/** Customers' and ops' cancellations; a hold that lapsed was never a booking. */
	cancellations: `SELECT COUNT(*) AS n FROM bookings WHERE status = 'cancelled' AND updated_at_ms >= $1 AND updated_at_ms < $2
  AND (cancel_reason IS NULL OR cancel_reason <> 'hold_expired')`,
	failedDeliveries: `SELECT COUNT(*) AS n FROM case_events WHERE kind = 'delivery_failed' AND at_ms >= $1 AND at_ms < $2`,
};

function spreadOf(row: Record<string, unknown> | undefined): Spread {
	const seconds = (value: unknown) => {
		const ms = numberColumn(value);
		return ms === null ? null : Math.round(ms / 100) / 10;
	};
	return {
		count: Number(row?.n ?? 0),
		median_seconds: seconds(row?.median_ms),
		p95_seconds: seconds(row?.p95_ms),
		within_goal: Number(row?.within_goal ?? 0),
	};
}

/** Hours each crew could work in the period: opening hours on its working days, less holidays and time off. */
export function availableMinutes(
	calendar: ResolvedCalendar,
	crew: CrewConfig,
	period: Period,
): number {
	let minutes = 0;
	for (
		let day = DateTime.fromMillis(period.fromMs, { zone: calendar.timeZone }).startOf('day');
		day.toMillis() < period.toMs;
		day = day.plus({ days: 1 })
	) {
		const date = day.toISODate()!;
		if (calendar.holidaySet.has(date) || !crewWorksOn(crew, date, day.weekday)) continue;
		for (const [start, end] of windowsOn(calendar, day)) {
			const from = Math.max(start, period.fromMs);
			const to = Math.min(end, period.toMs);
			if (to > from) minutes += (to - from) / 60_000;
		}
	}
	return minutes;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);

/** The period's numbers, read from the store. */
export async function weeklyNumbers(
	store: BookingStore,
	period: Period,
	options: { calendar: Partial<CalendarConfig>; goalSeconds: number },
): Promise<WeeklyNumbers> {
	const range = [period.fromMs, period.toMs];
	const goal = [...range, options.goalSeconds * 1000];
	const [channels, revenue, answer, response, emergencies, crewRows, cancelled, failed] =
		await Promise.all([
			store.read(REPORT_SQL.byChannel, range),
			store.read(REPORT_SQL.revenue, range),
			store.read(REPORT_SQL.firstAnswer, goal),
			store.read(REPORT_SQL.emergencyResponse, goal),
			store.read(REPORT_SQL.emergencies, range),
			store.read(REPORT_SQL.crewMinutes, range),
			store.read(REPORT_SQL.cancellations, range),
			store.read(REPORT_SQL.failedDeliveries, range),
		]);
	const byChannel: ChannelRow[] = channels.map((row) => ({
		channel: String(row.channel),
		leads: Number(row.leads),
		qualified: Number(row.qualified),
		quoted: Number(row.quoted),
		won: Number(row.won),
	}));
	const sum = (key: keyof ChannelRow | 'won_of_quoted') =>
		channels.reduce((total, row) => total + Number(row[key] ?? 0), 0);
	const bookedMinutes = new Map(crewRows.map((row) => [String(row.crew_id), Number(row.minutes)]));
	const calendar = resolveCalendar(options.calendar);
	const crews: CrewUse[] = (options.calendar.crews ?? []).map((crew) => {
		const available = availableMinutes(calendar, crew, period) / 60;
		const booked = (bookedMinutes.get(crew.id) ?? 0) / 60;
		bookedMinutes.delete(crew.id);
		return {
			crew_id: crew.id,
			crew_name: crew.name,
			booked_hours: Math.round(booked * 100) / 100,
			available_hours: Math.round(available * 100) / 100,
			utilisation: ratio(booked, available),
		};
	});
	// Crews no longer in the settings still worked: shown, with no hours to compare.
	for (const [crewId, minutes] of bookedMinutes)
		crews.push({
			crew_id: crewId,
			crew_name: crewId,
			booked_hours: Math.round((minutes / 60) * 100) / 100,
			available_hours: 0,
			utilisation: null,
		});
	const totalBooked = crews.reduce((total, crew) => total + crew.booked_hours, 0);
	const totalAvailable = crews.reduce((total, crew) => total + crew.available_hours, 0);
	const quoted = sum('quoted');
	const wonOfQuoted = sum('won_of_quoted');
	return {
		period: {
			from: DateTime.fromMillis(period.fromMs, { zone: period.timeZone }).toISO()!,
			to: DateTime.fromMillis(period.toMs, { zone: period.timeZone }).toISO()!,
			time_zone: period.timeZone,
			label: period.label,
		},
		leads: sum('leads'),
		by_channel: byChannel,
		qualified: sum('qualified'),
		quoted,
		won: sum('won'),
		won_of_quoted: wonOfQuoted,
		conversion: ratio(wonOfQuoted, quoted),
		revenue_booked: revenue.map((row) => ({
			currency: String(row.currency),
			cents: Number(row.cents),
		})),
		first_answer: spreadOf(answer[0]),
		emergencies: Number(emergencies[0]?.n ?? 0),
		emergency_response: {
			...spreadOf(response[0]),
			goal_seconds: options.goalSeconds,
			not_dispatched: Number(emergencies[0]?.not_dispatched ?? 0),
		},
		crews,
		utilisation: ratio(totalBooked, totalAvailable),
		cancellations: Number(cancelled[0]?.n ?? 0),
		failed_deliveries: Number(failed[0]?.n ?? 0),
	};
}
