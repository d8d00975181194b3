/**
 * A recurring series over its life: the next term booked at renewal, a pause, one visit
 * skipped, the day or time changed from a date on, and the end under the agreement's notice.
 * Each is one write; the visits it cancels or books are in its answer.
 */
import { DateTime } from 'luxon';
import { RRule } from 'rrule';

import type { BookingRecord, SeriesRecord, WriteTx } from '../shared/store';
import { zoneNamed } from '../shared/zone';
import { WEEKDAYS, type Weekday } from '../shared/vocabulary';
import { SchedulingInputError, windowsOn } from './calendar';
import type { ScheduleContext } from './context';
import type { BookingResult, ScheduleRequest } from './request';
import { LONGEST_TERM_DAYS, seriesStarts, termStarts, type SeriesSpec } from './series';
import { placeVisits, requireSeries, type Placed } from './seriesBooking';

/** Why a series' visits were cancelled by these operations (kept on each visit). */
export const SERIES_CANCEL_REASONS = {
	paused: 'series paused',
	skipped: 'visit skipped',
	changed: 'series changed',
	ended: 'series ended',
} as const;

const ACTIVE: BookingRecord['status'][] = ['held', 'confirmed'];
const EVERY: BookingRecord['status'][] = ['held', 'confirmed', 'cancelled', 'completed'];

/** A whole day in the business zone, from a YYYY-MM-DD field; the error names the field. */
function readDay(
	ctx: ScheduleContext,
	field: 'from' | 'until' | 'date',
	value: unknown,
	what: string,
): DateTime {
	const day =
		typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
			? DateTime.fromISO(value, { zone: zoneNamed(ctx.cal.timeZone) })
			: null;
	if (!day?.isValid)
		throw new SchedulingInputError(
			field,
			`"${field}" is ${what}, as YYYY-MM-DD (e.g. 2027-01-04); got ${JSON.stringify(value ?? null)}.`,
		);
	return day.startOf('day');
}

const dayOf = (ctx: ScheduleContext, ms: number) =>
	DateTime.fromMillis(ms, { zone: zoneNamed(ctx.cal.timeZone) }).toISODate()!;

/** The series, read inside the write; why nothing can be done to it, when that is so. */
async function openSeries(
	tx: WriteTx,
	id: string,
): Promise<{ series: SeriesRecord | null; refused: string | null }> {
	const series = await tx.getSeries(id);
	if (!series) return { series: null, refused: `No series with id ${id}.` };
	if (series.status !== 'active')
		return { series, refused: `Series ${id} is cancelled: nothing was changed.` };
	return { series, refused: null };
}

const endsOn = (series: SeriesRecord): string | null => {
	const value = series.details?.ends_on;
	return typeof value === 'string' ? value : null;
};

/** Where the rule started counting: kept since this version; for an older series, its first visit's wanted time. */
function firstVisitOf(ctx: ScheduleContext, series: SeriesRecord, visits: BookingRecord[]) {
	const zone = zoneNamed(series.time_zone);
	const kept = series.details?.first_visit;
	if (typeof kept === 'string' && DateTime.fromISO(kept, { zone }).isValid)
		return DateTime.fromISO(kept, { zone });
	const wanted = visits.map(
		(v) => (v.details?.wanted_start_ms as number | undefined) ?? v.start_ms,
	);
	if (!wanted.length)
		throw new SchedulingInputError(
			'series_id',
			`Series ${series.id} has no visit to continue from: book a new series instead.`,
		);
	return DateTime.fromMillis(Math.min(...wanted), { zone });
}

/** What the series' visits keep from the series: its job, customer, length and crew. */
function placementFor(ctx: ScheduleContext, series: SeriesRecord, visits: BookingRecord[]) {
	const latest = [...visits].sort((a, b) => b.start_ms - a.start_ms)[0];
	const minutes =
		(series.details?.duration_minutes as number | undefined) ??
		(latest ? (latest.end_ms - latest.start_ms) / 60_000 : null);
	if (!minutes)
		throw new SchedulingInputError(
			'series_id',
			`Series ${series.id} has no visit length on record: book a new series instead.`,
		);
	const caseId = series.details?.case_id ?? latest?.details?.case_id;
	return {
		seriesId: series.id,
		crews: ctx.suitableCrews({
			operation: 'extendSeries',
			job: { service_type: series.service as never },
			customer: series.customer,
		}),
		durationMs: minutes * 60_000,
		windowMs: ((series.details?.clash_window_minutes as number | undefined) ?? 120) * 60_000,
		service: series.service,
		priority: latest?.priority ?? null,
		customer: series.customer,
		details: typeof caseId === 'string' ? { case_id: caseId } : {},
		preferredCrewId: latest?.crew_id ?? null,
	};
}

function placedOutcome(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	status: BookingResult['status'],
	seriesId: string,
	replayed: boolean,
	placed: Placed & { cancelled: BookingRecord[]; rrule?: string | null; reason: string },
): BookingResult {
	const first = placed.occurrences[0];
	return {
		...ctx.base(request, status),
		series_id: seriesId,
		rrule: placed.rrule?.split('\n').find((l) => l.startsWith('RRULE:')) ?? null,
		series_start: first?.start ?? null,
		occurrences: placed.occurrences,
		conflicts: placed.conflicts,
		skipped: placed.skipped,
		bookings: placed.cancelled.map((b) => ctx.bookingOut(b)),
		booking_id: first?.booking_id ?? null,
		start: first?.start ?? null,
		end: first?.end ?? null,
		crew_id: first?.crew_id ?? null,
		crew_name: first?.crew_name ?? null,
		reason: placed.reason,
		replayed,
	};
}

/** Nothing was done to the series: it is unknown (`not_found`) or cannot change (`closed`), and why. */
function refusedOutcome(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	seriesId: string,
	replayed: boolean,
	result: { refused: string | null; found: boolean },
): BookingResult {
	return {
		...ctx.base(request, result.found ? 'closed' : 'not_found'),
		series_id: seriesId,
		reason: result.refused,
		replayed,
	};
}

/**
 * Why a new day and time does not fit the business's hours (a 2-hour visit at 2 PM on a
 * Saturday that ends at 2), or null when every visit of it does. Refused rather than moved: the
 * customer asked for that time, and would get another without being asked.
 */
function outsideHours(ctx: ScheduleContext, starts: DateTime[], durationMs: number): string | null {
	const clock = (ms: number) =>
		DateTime.fromMillis(ms, { zone: ctx.cal.timeZone }).toFormat('h:mm a');
	for (const start of starts) {
		if (ctx.cal.holidaySet.has(start.toISODate()!)) continue;
		const windows = windowsOn(ctx.cal, start.startOf('day'));
		const ms = start.toMillis();
		if (windows.some(([open, close]) => ms >= open && ms + durationMs <= close)) continue;
		const day = `${start.toFormat('cccc')}s`;
		const length = `${Math.round((durationMs / 3_600_000) * 10) / 10}-hour`;
		if (!windows.length) return `We do not work on ${day}: choose another day.`;
		const latest = windows
			.filter(([open, close]) => close - open >= durationMs)
			.map(([open, close]) => `${clock(open)} to ${clock(close - durationMs)}`);
		return `On ${day} we work ${windows.map(([open, close]) => `${clock(open)}-${clock(close)}`).join(', ')}: a ${length} visit at ${start.toFormat('h:mm a')} does not fit.${latest.length ? ` Choose a start from ${latest.join(' or ')}.` : ''} Nothing was changed.`;
	}
	return null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The next term of a renewed agreement: the series' own pattern from `from` through `until`,
 * booked as the first term was (holidays skipped, a taken time moved within its day, what no
 * crew can take reported). A day that already has a visit of the series (booked, done,
 * skipped or paused) is left as it is, so running it twice books nothing twice.
 */
export async function extendSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const seriesId = requireSeries(request);
	const from = readDay(ctx, 'from', request.from, "the new term's first day");
	const until = readDay(ctx, 'until', request.until, "the new term's last day");
	if (until < from || until.diff(from, 'days').days > LONGEST_TERM_DAYS)
		throw new SchedulingInputError(
			'until',
			`"until" (${request.until}) is a day from "from" (${request.from}) to ten years after it.`,
		);
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'extendSeries',
		ctx.now,
		async (tx) => {
			await tx.takeTurn();
			const { series, refused } = await openSeries(tx, seriesId);
			if (!series || refused) return { refused, found: Boolean(series) };
			const ending = endsOn(series);
			if (ending && ending < from.toISODate()!)
				return {
					refused: `Series ${seriesId} ends on ${ending} (the agreement was ended): no new term is booked.`,
					found: true,
				};
			const visits = await tx.listBookings({ seriesId, statuses: EVERY });
			const last =
				ending && ending < until.toISODate()!
					? DateTime.fromISO(ending, { zone: from.zone })
					: until;
			const taken = new Set(
				visits.map((v) =>
					dayOf(ctx, (v.details?.wanted_start_ms as number | undefined) ?? v.start_ms),
				),
			);
			const starts = termStarts(series.rrule, firstVisitOf(ctx, series, visits), from, last).filter(
				(s) => !taken.has(s.toISODate()!),
			);
			const placed = await placeVisits(ctx, tx, starts, {
				...placementFor(ctx, series, visits),
				holdExpiresMs: null,
			});
			await tx.updateSeries(seriesId, {
				details: { ...series.details, term_until: until.toISODate() },
			});
			return { refused: null, found: true, placed, rrule: series.rrule };
		},
	);
	if (result.refused || !result.placed)
		return refusedOutcome(ctx, request, seriesId, replayed, result);
	const p = result.placed;
	return placedOutcome(ctx, request, 'series_booked', seriesId, replayed, {
		...p,
		cancelled: [],
		rrule: result.rrule,
		reason: `${plural(p.occurrences.length, 'visit')} booked from ${request.from} through ${request.until}; ${p.conflicts.length} could not be placed; ${p.skipped.length} skipped for holidays`,
	});
}

/** Cancels the series' visits that `pick` chooses, in one write, with the reason kept on each. */
async function cancelVisits(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	operation: 'pauseSeries' | 'skipVisit' | 'endSeries',
	pick: (visit: BookingRecord) => boolean,
	reason: string,
	alsoOnSeries?: (series: SeriesRecord) => SeriesRecord['details'],
) {
	const seriesId = requireSeries(request);
	return await ctx.store.write(request.idempotency_key ?? null, operation, ctx.now, async (tx) => {
		const { series, refused } = await openSeries(tx, seriesId);
		if (!series || refused) return { refused, found: Boolean(series), cancelled: [] };
		const visits = (await tx.listBookings({ seriesId, statuses: ACTIVE })).filter(
			(v) => v.start_ms >= ctx.now && pick(v),
		);
		for (const v of visits)
			await tx.updateBooking(v.id, { status: 'cancelled', cancel_reason: reason }, ctx.now);
		if (alsoOnSeries) await tx.updateSeries(seriesId, { details: alsoOnSeries(series) });
		return {
			refused: null,
			found: true,
			cancelled: visits.map((v) => ({ ...v, status: 'cancelled' as const, cancel_reason: reason })),
		};
	});
}

function cancelledOutcome(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	written: Awaited<ReturnType<typeof cancelVisits>>,
	reason: (n: number) => string,
): BookingResult {
	const { result, replayed } = written;
	const first = result.cancelled[0];
	return {
		...ctx.base(request, result.refused ? (result.found ? 'closed' : 'not_found') : 'cancelled'),
		series_id: request.series_id ?? null,
		bookings: result.cancelled.map((b) => ctx.bookingOut(b)),
		booking_id: first?.id ?? null,
		start: first ? ctx.iso(first.start_ms) : null,
		end: first ? ctx.iso(first.end_ms) : null,
		reason: result.refused ?? reason(result.cancelled.length),
		replayed,
	};
}

/** Ops pause a series: its visits from one day through another are cancelled; the others stay. */
export async function pauseSeries(ctx: ScheduleContext, request: ScheduleRequest) {
	const from = readDay(ctx, 'from', request.from, 'the first day with no visit');
	const until = readDay(ctx, 'until', request.until, 'the last day with no visit');
	if (until < from || until.diff(from, 'days').days > 366)
		throw new SchedulingInputError(
			'until',
			`"until" (${request.until}) is a day from "from" (${request.from}) to a year after it.`,
		);
	const lastMs = until.endOf('day').toMillis();
	const reason = request.reason?.trim() || SERIES_CANCEL_REASONS.paused;
	const written = await cancelVisits(
		ctx,
		request,
		'pauseSeries',
		(v) => v.start_ms >= from.toMillis() && v.start_ms <= lastMs,
		reason,
	);
	return cancelledOutcome(
		ctx,
		request,
		written,
		(n) =>
			`Paused: ${plural(n, 'visit')} from ${request.from} through ${request.until} cancelled; the others stay booked.`,
	);
}

/** Ops skip one visit of a series: the visit on that day is cancelled; the others stay. */
export async function skipVisit(ctx: ScheduleContext, request: ScheduleRequest) {
	const day = readDay(ctx, 'date', request.date, 'the day of the visit to skip');
	const reason = request.reason?.trim() || SERIES_CANCEL_REASONS.skipped;
	const written = await cancelVisits(
		ctx,
		request,
		'skipVisit',
		(v) => dayOf(ctx, v.start_ms) === day.toISODate(),
		reason,
	);
	return cancelledOutcome(ctx, request, written, (n) =>
		n
			? `Skipped: the visit on ${request.date}; the others stay booked.`
			: `The series has no visit to come on ${request.date}: nothing was changed.`,
	);
}

/**
 * The series ends: its visits after the last day (the agreement's last day under its notice,
 * from the Contract Agent's Mark as Ending) are cancelled, and no later term is booked.
 */
export async function endSeries(ctx: ScheduleContext, request: ScheduleRequest) {
	const last = readDay(ctx, 'until', request.until, 'the last day with a visit');
	const afterMs = last.endOf('day').toMillis();
	const reason = request.reason?.trim() || SERIES_CANCEL_REASONS.ended;
	const written = await cancelVisits(
		ctx,
		request,
		'endSeries',
		(v) => v.start_ms > afterMs,
		reason,
		(series) => ({ ...series.details, ends_on: last.toISODate() }),
	);
	const out = cancelledOutcome(
		ctx,
		request,
		written,
		(n) => `The series ends on ${request.until}: ${plural(n, 'later visit')} cancelled.`,
	);
	if (written.result.refused) return out;
	// The last visit still to come, for the customer's message.
	const remaining = (
		await ctx.store.listBookings({ seriesId: request.series_id!, statuses: ACTIVE }, ctx.now)
	)
		.filter((v) => v.start_ms >= ctx.now && v.start_ms <= afterMs)
		.sort((a, b) => b.start_ms - a.start_ms)[0];
	return {
		...out,
		series_ends_on: last.toISODate(),
		last_visit: remaining ? ctx.bookingOut(remaining) : null,
	};
}

/** The pattern a stored rule has, as the fields of a series spec (what a change leaves as it was). */
function specOfRule(rrule: string): SeriesSpec {
	const line = rrule.split('\n').find((l) => /^RRULE:/i.test(l)) ?? rrule;
	const o = RRule.parseString(line.replace(/^RRULE:/i, ''));
	const hour = ([] as number[]).concat(o.byhour ?? [9])[0];
	const minute = ([] as number[]).concat(o.byminute ?? [0])[0];
	const days = ([] as Array<{ weekday: number } | number>)
		.concat((o.byweekday as never) ?? [])
		.map((d) => WEEKDAYS[typeof d === 'number' ? d : d.weekday]);
	const frequency =
		o.freq === RRule.MONTHLY
			? 'monthly'
			: o.freq === RRule.WEEKLY && (o.interval ?? 1) === 2
				? 'biweekly'
				: o.freq === RRule.WEEKLY && (o.interval ?? 1) === 1
					? 'weekly'
					: null;
	return {
		...(frequency ? { frequency } : { rrule: line.replace(/;?(COUNT|UNTIL)=[^;]*/g, '') }),
		...(frequency === 'weekly' && days.length > 1
			? { weekdays: days as Weekday[] }
			: { weekday: (days[0] as Weekday) ?? null }),
		time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
	};
}

/**
 * The series' day or time changes from a day on: its visits from then are cancelled and the
 * new pattern is booked through the same last day (the term's), in one write, so the times
 * the old visits held are free for the new ones. Later terms follow the new pattern.
 */
export async function changeSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const seriesId = requireSeries(request);
	const from = readDay(ctx, 'from', request.from, 'the first day of the new day or time');
	const asked = request.series ?? {};
	const changes = ['weekday', 'weekdays', 'time', 'frequency', 'rrule', 'visits_per_week'].filter(
		(k) =>
			(asked as Record<string, unknown>)[k] !== undefined &&
			(asked as Record<string, unknown>)[k] !== null &&
			(asked as Record<string, unknown>)[k] !== '',
	);
	if (!changes.length)
		throw new SchedulingInputError(
			'series',
			'Say what changes: "series.weekday" (mon..sun), "series.weekdays", "series.time" (HH:MM), "series.frequency" or "series.rrule".',
		);
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'changeSeries',
		ctx.now,
		async (tx) => {
			await tx.takeTurn();
			const { series, refused } = await openSeries(tx, seriesId);
			if (!series || refused) return { refused, found: Boolean(series) };
			const visits = await tx.listBookings({ seriesId, statuses: EVERY });
			const fromMs = Math.max(from.toMillis(), ctx.now);
			const moving = visits.filter((v) => ACTIVE.includes(v.status) && v.start_ms >= fromMs);
			if (!moving.length)
				return {
					refused: `Series ${seriesId} has no visit to come from ${request.from}: nothing was changed.`,
					found: true,
				};
			// The new pattern covers the span the old one did: through the day before the old rule's
			// next visit after the last one moved (a Tuesday series moved to Thursdays keeps its last week).
			const lastMoved = DateTime.fromMillis(Math.max(...moving.map((v) => v.start_ms)), {
				zone: zoneNamed(ctx.cal.timeZone),
			}).startOf('day');
			const nextOld = termStarts(
				series.rrule,
				firstVisitOf(ctx, series, visits),
				lastMoved.plus({ days: 1 }),
				lastMoved.plus({ days: 62 }),
			)[0];
			const lastDay = nextOld ? nextOld.startOf('day').minus({ days: 1 }) : lastMoved;
			const kept = specOfRule(series.rrule);
			const merged: SeriesSpec = {
				...kept,
				...(asked.rrule ? { frequency: null } : {}),
				...(asked.weekdays ? { weekday: null } : {}),
				...(asked.weekday ? { weekdays: null } : {}),
				...Object.fromEntries(changes.map((k) => [k, (asked as Record<string, unknown>)[k]])),
				start_date: from.toISODate(),
				count: null,
				hold_hours: null,
			};
			const { rule, starts } = seriesStarts(
				merged,
				zoneNamed(ctx.cal.timeZone),
				ctx.nowDt.plus({ minutes: ctx.cal.leadTimeMinutes }),
				lastDay,
			);
			const placement = placementFor(ctx, series, visits);
			const misfit = outsideHours(
				ctx,
				starts.filter((s) => s.toMillis() >= ctx.now),
				placement.durationMs,
			);
			if (misfit) return { refused: misfit, found: true };
			const held = moving.find((v) => v.status === 'held');
			for (const v of moving)
				await tx.updateBooking(
					v.id,
					{ status: 'cancelled', cancel_reason: SERIES_CANCEL_REASONS.changed },
					ctx.now,
				);
			const placed = await placeVisits(
				ctx,
				tx,
				starts.filter((s) => s.toMillis() >= ctx.now),
				{ ...placement, holdExpiresMs: held?.hold_expires_ms ?? null },
			);
			await tx.updateSeries(seriesId, {
				rrule: rule,
				details: {
					...series.details,
					first_visit:
						starts[0]?.toISO({ includeOffset: false, suppressMilliseconds: true }) ??
						series.details?.first_visit,
					changed_from: from.toISODate(),
				},
			});
			return {
				refused: null,
				found: true,
				placed,
				rrule: rule,
				cancelled: moving.map((v) => ({
					...v,
					status: 'cancelled' as const,
					cancel_reason: SERIES_CANCEL_REASONS.changed,
				})),
			};
		},
	);
	if (result.refused || !result.placed)
		return refusedOutcome(ctx, request, seriesId, replayed, result);
	const p = result.placed;
	return placedOutcome(ctx, request, 'rescheduled', seriesId, replayed, {
		...p,
		cancelled: result.cancelled ?? [],
		rrule: result.rrule,
		reason: `From ${request.from}: ${plural(result.cancelled?.length ?? 0, 'visit')} moved to the new pattern, ${plural(p.occurrences.length, 'visit')} booked; ${p.conflicts.length} could not be placed; ${p.skipped.length} skipped for holidays`,
	});
}
