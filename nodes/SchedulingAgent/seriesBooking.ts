/** Book every visit of a recurring series in one transaction, moving a visit within its day when its time is taken. */
import { randomUUID } from 'node:crypto';

import type { DateTime } from 'luxon';

import type { BookingRecord, WriteTx } from '../shared/store';
import { zoneNamed } from '../shared/zone';
import { SchedulingInputError, windowsOn, type CrewConfig } from './calendar';
import { SEARCH_YEARS, seriesStarts } from './series';
import { indexBusy, isFree } from './slots';
import { caseIdDetail, type BookingResult, type ScheduleRequest } from './request';
import type { ScheduleContext } from './context';

export async function bookSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const crews = ctx.suitableCrews(request);
	const duration = ctx.duration(request);
	const durationMs = duration.minutes * 60_000;
	const spec = request.series ?? {};
	const window = (spec.clash_window_minutes ?? 120) * 60_000;
	if (!(window >= 0 && window <= 12 * 3_600_000))
		throw new SchedulingInputError(
			'series.clash_window_minutes',
			'"series.clash_window_minutes" must be between 0 and 720.',
		);
	const { rule, starts } = seriesStarts(
		spec,
		zoneNamed(ctx.cal.timeZone),
		ctx.nowDt.plus({ minutes: ctx.cal.leadTimeMinutes }),
	);
	if (!starts.length)
		throw new SchedulingInputError(
			request.series?.rrule ? 'series.rrule' : 'series',
			`The series has no visit in the next ${SEARCH_YEARS} years: check its rule (a day every month has, such as BYMONTHDAY=28) and its count.`,
		);
	const firstMs = starts[0].toMillis();
	if (firstMs < ctx.now)
		throw new SchedulingInputError('series.start_date', 'The series would start in the past.');
	const seriesId = `sr_${randomUUID()}`;
	const holdHours = spec.hold_hours ?? null;
	if (
		holdHours !== null &&
		!(typeof holdHours === 'number' && holdHours > 0 && holdHours <= 24 * 90)
	)
		throw new SchedulingInputError(
			'series.hold_hours',
			'"series.hold_hours" must be between 1 hour and 90 days (2160), or empty to confirm the visits at once.',
		);
	const holdExpiresMs = holdHours === null ? null : ctx.now + Math.round(holdHours * 3_600_000);

	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'bookSeries',
		ctx.now,
		async (tx) => {
			await tx.takeTurn();
			await tx.insertSeries({
				id: seriesId,
				rrule: rule,
				time_zone: ctx.cal.timeZone,
				status: 'active',
				customer: request.customer ?? null,
				service: request.job?.service_type ?? null,
				details: {
					duration_minutes: duration.minutes,
					clash_window_minutes: window / 60_000,
					first_visit: starts[0].toISO({ includeOffset: false, suppressMilliseconds: true }),
					...caseIdDetail(request),
				},
				created_at_ms: ctx.now,
			});
			const placed = await placeVisits(ctx, tx, starts, {
				seriesId,
				crews,
				durationMs,
				windowMs: window,
				holdExpiresMs,
				service: request.job?.service_type ?? null,
				priority: request.priority ?? null,
				customer: request.customer ?? null,
				details: caseIdDetail(request),
				preferredCrewId: null,
			});
			return { series_id: seriesId, ...placed };
		},
	);
	return {
		...ctx.base(request, 'series_booked'),
		series_id: result.series_id,
		rrule: rule.split('\n').find((line) => line.startsWith('RRULE:')) ?? null,
		series_start: ctx.iso(firstMs),
		hold_expires_at: holdExpiresMs === null ? null : ctx.iso(holdExpiresMs),
		duration_minutes: duration.minutes,
		duration_basis: duration.basis,
		occurrences: result.occurrences,
		conflicts: result.conflicts,
		skipped: result.skipped,
		start: result.occurrences[0]?.start ?? null,
		end: result.occurrences[0]?.end ?? null,
		crew_id: result.occurrences[0]?.crew_id ?? null,
		crew_name: result.occurrences[0]?.crew_name ?? null,
		reason: `${result.occurrences.length} visits ${holdExpiresMs === null ? 'booked' : `held until ${ctx.iso(holdExpiresMs)}`} (${rule.replace(/\n/g, ' ')}); ${result.conflicts.length} could not be placed; ${result.skipped.length} skipped for holidays`,
		replayed,
	};
}

export interface Placement {
	seriesId: string;
	crews: CrewConfig[];
	durationMs: number;
	/** How far (ms, either way) a visit may move on its day when its time is taken. */
	windowMs: number;
	/** Held until then (an agreement still to sign), or null: confirmed. */
	holdExpiresMs: number | null;
	service: string | null;
	priority: number | null;
	customer: Record<string, unknown> | null;
	/** Kept on each visit's details (the case it was booked for). */
	details: Record<string, unknown>;
	/** The crew that has had the series: it keeps it when free. */
	preferredCrewId: string | null;
}

export interface Placed {
	occurrences: BookingResult['occurrences'];
	conflicts: BookingResult['conflicts'];
	skipped: BookingResult['skipped'];
}

/**
 * Books each wanted start of a series inside the caller's write (after its takeTurn): a
 * holiday is skipped, a time that is taken moves to the nearest free time within the window
 * on the same day, and a visit no crew can take then is reported, never double-booked.
 */
export async function placeVisits(
	ctx: ScheduleContext,
	tx: WriteTx,
	starts: DateTime[],
	p: Placement,
): Promise<Placed> {
	const bufferMs = ctx.cal.bufferMinutes * 60_000;
	const { durationMs, windowMs: window } = p;
	// Only the times each visit may take matter: one window per visit, not the whole year of the calendar.
	const busy = indexBusy(
		await tx.busyIntervals(
			starts.map(
				(local) =>
					[local.toMillis() - window, local.toMillis() + window + durationMs + bufferMs] as const,
			),
			p.crews.map((c) => c.id),
		),
	);
	const occurrences: Placed['occurrences'] = [];
	const conflicts: Placed['conflicts'] = [];
	const skipped: Placed['skipped'] = [];
	// Continuity: the series' own crew, else the crew free for the first visit, keeps it when it can.
	const preferredOrder = [...p.crews].sort(
		(a, b) =>
			Number(b.id === p.preferredCrewId) - Number(a.id === p.preferredCrewId) ||
			Number(a.on_call) - Number(b.on_call),
	);
	const step = ctx.cal.slotStepMinutes * 60_000;
	for (const local of starts) {
		const date = local.toISODate()!;
		if (ctx.cal.holidaySet.has(date)) {
			skipped.push({ date, reason: 'holiday', wanted_start: ctx.iso(local.toMillis()) });
			continue;
		}
		const wanted = local.toMillis();
		const dayWindows = windowsOn(ctx.cal, local);
		const inHours = (s: number) => dayWindows.some(([a, b]) => s >= a && s + durationMs <= b);
		const inBlackout = (s: number) =>
			ctx.cal.blackoutRanges.some(([a, b]) => a < s + durationMs && s < b);
		// The wanted time, then the nearest times either side within the window, a slot step apart.
		const tries = [wanted];
		for (let d = step; d <= window; d += step) tries.push(wanted - d, wanted + d);
		let placed = false;
		for (const s of tries) {
			if (s < ctx.now || !inHours(s) || inBlackout(s)) continue;
			const crew = preferredOrder.find((c) => isFree(busy.get(c.id), s, s + durationMs + bufferMs));
			if (!crew) continue;
			const record: BookingRecord = {
				id: `bk_${randomUUID()}`,
				crew_id: crew.id,
				start_ms: s,
				end_ms: s + durationMs,
				busy_until_ms: s + durationMs + bufferMs,
				time_zone: ctx.cal.timeZone,
				status: p.holdExpiresMs === null ? 'confirmed' : 'held',
				hold_expires_ms: p.holdExpiresMs,
				series_id: p.seriesId,
				service: p.service,
				priority: p.priority,
				customer: p.customer,
				details: { wanted_start_ms: wanted, ...p.details },
				cancel_reason: null,
				created_at_ms: ctx.now,
				updated_at_ms: ctx.now,
			};
			if ((await tx.insertBooking(record)) !== 'ok') continue;
			const list = busy.get(crew.id) ?? [];
			list.push([record.start_ms, record.busy_until_ms]);
			list.sort((a, b) => a[0] - b[0]);
			busy.set(crew.id, list);
			occurrences.push({
				...ctx.slotOut({ start_ms: s, end_ms: s + durationMs, crew_id: crew.id }),
				booking_id: record.id,
				moved_minutes: Math.round((s - wanted) / 60_000),
			});
			placed = true;
			break;
		}
		if (!placed)
			conflicts.push({
				wanted_start: ctx.iso(wanted),
				reason: `no suitable crew free within ${Math.round(window / 60_000)} minutes of the wanted time`,
			});
	}
	return { occurrences, conflicts, skipped };
}

/** The series named by the request (its id, or the booking it came with). */
export function requireSeries(request: ScheduleRequest): string {
	const id = request.series_id;
	if (typeof id !== 'string' || !/^sr_[\w-]{4,64}$/.test(id))
		throw new SchedulingInputError(
			'series_id',
			`"series_id" is needed for ${request.operation}: the series booked with the agreement, e.g. {{ $json.booking.series_id }}.`,
		);
	return id;
}

/**
 * The held visits of a series become confirmed (the agreement was signed). A visit whose
 * hold lapsed before is not taken back (its time may have gone to someone else): it is
 * reported under conflicts, for a person to place.
 */
export async function confirmSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const seriesId = requireSeries(request);
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'confirmSeries',
		ctx.now,
		async (tx) => {
			const visits = await tx.listBookings({
				seriesId,
				statuses: ['held', 'confirmed', 'cancelled'],
			});
			const confirmed: BookingRecord[] = [];
			const lapsed: BookingRecord[] = [];
			for (const visit of visits) {
				if (visit.status === 'held' && (visit.hold_expires_ms ?? Infinity) > ctx.now) {
					await tx.updateBooking(visit.id, { status: 'confirmed', hold_expires_ms: null }, ctx.now);
					confirmed.push({ ...visit, status: 'confirmed', hold_expires_ms: null });
				} else if (visit.status === 'confirmed') confirmed.push(visit);
				else if (visit.cancel_reason === 'hold_expired' || visit.status === 'held')
					lapsed.push(visit);
			}
			return { visits: visits.length, confirmed, lapsed };
		},
	);
	return seriesOutcome(ctx, request, seriesId, replayed, {
		status: result.visits === 0 ? 'not_found' : result.confirmed.length ? 'confirmed' : 'expired',
		bookings: result.confirmed,
		lapsed: result.lapsed,
		reason: `${result.confirmed.length} visits confirmed; ${result.lapsed.length} held too long (the hold lapsed) and need placing again`,
	});
}

/**
 * The held visits of a series stay held longer (the agreement is signed and a deposit comes
 * before they are confirmed): each hold runs until `hold_minutes` from now, never shorter than
 * it was. A visit whose hold lapsed already is listed under conflicts, as confirmSeries does.
 */
export async function holdSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const seriesId = requireSeries(request);
	const minutes = request.hold_minutes ?? 24 * 60;
	if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= 30 * 24 * 60))
		throw new SchedulingInputError(
			'hold_minutes',
			'"hold_minutes" is how long the visits stay held from now: a whole number of minutes from 1 to 43200 (30 days).',
		);
	const until = ctx.now + minutes * 60_000;
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'holdSeries',
		ctx.now,
		async (tx) => {
			const visits = await tx.listBookings({ seriesId, statuses: ['held', 'cancelled'] });
			const held: BookingRecord[] = [];
			const lapsed: BookingRecord[] = [];
			for (const visit of visits) {
				if (visit.status === 'held' && (visit.hold_expires_ms ?? Infinity) > ctx.now) {
					const expires = Math.max(visit.hold_expires_ms ?? until, until);
					await tx.updateBooking(visit.id, { hold_expires_ms: expires }, ctx.now);
					held.push({ ...visit, hold_expires_ms: expires });
				} else if (visit.cancel_reason === 'hold_expired' || visit.status === 'held')
					lapsed.push(visit);
			}
			return { held, lapsed };
		},
	);
	return seriesOutcome(ctx, request, seriesId, replayed, {
		status: result.held.length ? 'held' : result.lapsed.length ? 'expired' : 'not_found',
		bookings: result.held,
		lapsed: result.lapsed,
		reason: `${result.held.length} visits held until ${ctx.iso(until)}; ${result.lapsed.length} held too long (the hold lapsed) and need placing again`,
	});
}

/** The held visits of a series are let go (the agreement was not signed, or was declined): the crews are free again. */
export async function releaseSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const seriesId = requireSeries(request);
	const reason = (request.reason ?? '').trim() || 'agreement_not_signed';
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'releaseSeries',
		ctx.now,
		async (tx) => {
			const visits = await tx.listBookings({ seriesId, statuses: ['held', 'confirmed'] });
			const released: BookingRecord[] = [];
			for (const visit of visits.filter((v) => v.status === 'held')) {
				await tx.updateBooking(visit.id, { status: 'cancelled', cancel_reason: reason }, ctx.now);
				released.push({ ...visit, status: 'cancelled', cancel_reason: reason });
			}
			// A series with nothing confirmed left has ended; one partly confirmed stays (a person decides).
			if (!visits.some((v) => v.status === 'confirmed'))
				await tx.updateSeries(seriesId, { status: 'cancelled' });
			return { released };
		},
	);
	return seriesOutcome(ctx, request, seriesId, replayed, {
		status: result.released.length ? 'cancelled' : 'not_found',
		bookings: result.released,
		lapsed: [],
		reason: `${result.released.length} held visits released (${reason})`,
	});
}

export function seriesOutcome(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	seriesId: string,
	replayed: boolean,
	outcome: {
		status: BookingResult['status'];
		bookings: BookingRecord[];
		lapsed: BookingRecord[];
		reason: string;
	},
): BookingResult {
	return {
		...ctx.base(request, outcome.status),
		series_id: seriesId,
		bookings: outcome.bookings.map((b) => ctx.bookingOut(b)),
		conflicts: outcome.lapsed.map((b) => ({
			wanted_start: ctx.iso(b.start_ms),
			reason: 'the hold lapsed before the agreement was signed',
		})),
		reason: outcome.reason,
		replayed,
	};
}
