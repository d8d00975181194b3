/** Confirm a hold, cancel, reschedule, get: operations on one booking. */

import { chosenStart, SchedulingInputError } from './calendar';
import { findSlots, indexBusy, type Slot } from './slots';
import {
	CUSTOMER_CHANGES,
	VISIT_STEPS,
	type BookingResult,
	type ScheduleRequest,
	type VisitStep,
} from './request';
import type { ScheduleContext } from './context';
import { changeSeries, endSeries } from './seriesChanges';
import type { BookingRecord } from '../shared/store';
import { DateTime } from 'luxon';

export async function confirmHold(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'confirmHold',
		ctx.now,
		async (tx) => {
			const b = await tx.getBooking(id);
			if (!b) return { status: 'not_found' as const, booking: null };
			if (b.status === 'held') {
				await tx.updateBooking(id, { status: 'confirmed', hold_expires_ms: null }, ctx.now);
				return {
					status: 'confirmed' as const,
					booking: ctx.bookingOut({ ...b, status: 'confirmed', hold_expires_ms: null }),
				};
			}
			if (b.status === 'confirmed')
				return { status: 'confirmed' as const, booking: ctx.bookingOut(b) };
			return {
				status: (b.cancel_reason === 'hold_expired' ? 'expired' : 'cancelled') as
					'expired' | 'cancelled',
				booking: ctx.bookingOut(b),
			};
		},
	);
	return ctx.withBooking(
		request,
		result.status,
		result.booking,
		replayed,
		result.status === 'expired' ? 'The hold expired before it was confirmed; book again.' : null,
	);
}

export async function cancel(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const reason = request.reason ?? 'cancelled';
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'cancel',
		ctx.now,
		async (tx) => {
			const b = await tx.getBooking(id);
			if (!b) return { booking: null };
			if (b.status === 'held' || b.status === 'confirmed')
				await tx.updateBooking(id, { status: 'cancelled', cancel_reason: reason }, ctx.now);
			return {
				booking: ctx.bookingOut({
					...b,
					status: b.status === 'completed' ? 'completed' : 'cancelled',
					cancel_reason: b.status === 'completed' ? b.cancel_reason : (b.cancel_reason ?? reason),
				}),
			};
		},
	);
	return ctx.withBooking(
		request,
		result.booking ? 'cancelled' : 'not_found',
		result.booking,
		replayed,
		null,
	);
}

export async function reschedule(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const existing = await ctx.store.getBooking(id);
	if (!existing) return ctx.withBooking(request, 'not_found', null, false, null);
	if (existing.status !== 'held' && existing.status !== 'confirmed')
		throw new SchedulingInputError(
			'booking_id',
			`Booking ${id} is ${existing.status}; only held or confirmed bookings can be rescheduled.`,
		);
	const durationMs = existing.end_ms - existing.start_ms;
	const crews = request.crew_id
		? ctx.suitableCrews(request)
		: ctx.cal.crews.filter(
				(c) =>
					c.id === existing.crew_id ||
					ctx
						.suitableCrews({ ...request, job: { service_type: existing.service } })
						.some((s) => s.id === c.id),
			);
	let candidates: Slot[];
	if (request.start) {
		const start = chosenStart(request.start, ctx.cal.timeZone, ctx.now);
		// A free time offered to the customer names its crew; a typed time tries the visit's own crew first.
		candidates = [
			{ start_ms: start, end_ms: start + durationMs, crew_id: request.crew_id ?? existing.crew_id },
		];
	} else {
		if (!request.preference)
			throw new SchedulingInputError(
				'start',
				'Rescheduling needs a new "start" or a "preference" such as "Tuesday afternoon".',
			);
		// The booking's own time is free for itself while it moves.
		const preference = ctx.preference(request);
		const busy = (
			await ctx.store.listBookings(
				{
					fromMs: ctx.now,
					toMs: ctx.now + ctx.cal.horizonDays * 86_400_000,
					crewIds: crews.map((c) => c.id),
				},
				ctx.now,
			)
		).filter((b) => b.id !== id);
		candidates = findSlots({
			calendar: ctx.cal,
			crews,
			busy: indexBusy(busy),
			durationMinutes: durationMs / 60_000,
			fromMs: ctx.now + ctx.cal.leadTimeMinutes * 60_000,
			toMs: ctx.now + ctx.cal.horizonDays * 86_400_000,
			count: 5,
			preference,
		});
	}
	const bufferMs = ctx.cal.bufferMinutes * 60_000;
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'reschedule',
		ctx.now,
		async (tx) => {
			await tx.takeTurn();
			for (const slot of candidates) {
				for (const crewId of [
					slot.crew_id,
					...crews.map((c) => c.id).filter((c) => c !== slot.crew_id),
				]) {
					const changes = {
						crew_id: crewId,
						start_ms: slot.start_ms,
						end_ms: slot.start_ms + durationMs,
						busy_until_ms: slot.start_ms + durationMs + bufferMs,
					};
					const outcome = await tx.updateBooking(id, changes, ctx.now);
					if (outcome === 'ok') return { booking: ctx.bookingOut({ ...existing, ...changes }) };
				}
			}
			return { booking: null };
		},
	);
	if (result.booking)
		return { ...ctx.withBooking(request, 'rescheduled', result.booking, replayed, null) };
	const alternatives = await ctx.search(
		{ ...request, preference: null },
		crews,
		durationMs / 60_000,
		3,
		candidates[0]?.start_ms,
	);
	return {
		...ctx.withBooking(
			request,
			'taken',
			ctx.bookingOut(existing),
			replayed,
			'The new time is taken; the booking keeps its time. Here are the nearest free times.',
		),
		alternatives: alternatives.slots.map((s) => ctx.slotOut(s)),
	};
}

export async function get(ctx: ScheduleContext, request: ScheduleRequest): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const b = await ctx.store.getBooking(id);
	return ctx.withBooking(
		request,
		b ? 'found' : 'not_found',
		b ? ctx.bookingOut(b) : null,
		false,
		null,
	);
}

const STEP_KEYS: Record<VisitStep, string> = {
	on_my_way: 'on_my_way_ms',
	started: 'started_ms',
	done: 'done_ms',
	not_done: 'not_done_ms',
};

/**
 * What the crew reports about a visit: on its way, started, done, or could not do it. Each
 * step is kept once (its first time), in the booking's details; done completes the booking
 * (so the review request may follow it); after done or not done, nothing more is recorded.
 * A cancelled or held visit records nothing and says why.
 */
export async function recordProgress(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const step = request.step;
	if (!step || !VISIT_STEPS.includes(step))
		throw new SchedulingInputError(
			'step',
			`"step" is one of ${VISIT_STEPS.join(', ')}; got ${JSON.stringify(step ?? null)}.`,
		);
	const note = typeof request.note === 'string' ? request.note.trim().slice(0, 2000) || null : null;
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'progress',
		ctx.now,
		async (tx) => {
			const b = await tx.getBooking(id);
			if (!b) return { booking: null, reason: null, changed: false };
			if (b.status === 'cancelled' || b.status === 'held')
				return {
					booking: ctx.bookingOut(b),
					reason: `The visit is ${b.status === 'held' ? 'only held (not confirmed)' : 'cancelled'}: nothing was recorded.`,
					changed: false,
				};
			const kept = { ...((b.details?.progress as Record<string, unknown> | undefined) ?? {}) };
			const ended = typeof kept.done_ms === 'number' || typeof kept.not_done_ms === 'number';
			if (ended || typeof kept[STEP_KEYS[step]] === 'number')
				return {
					booking: ctx.bookingOut(b),
					reason: ended
						? `The visit was already reported ${typeof kept.done_ms === 'number' ? 'done' : 'not done'}: nothing more was recorded.`
						: `"${step}" was already recorded for this visit.`,
					changed: false,
				};
			kept[STEP_KEYS[step]] = ctx.now;
			if (note) kept.note = note;
			const changes = {
				details: { ...(b.details ?? {}), progress: kept },
				...(step === 'done' ? { status: 'completed' as const } : {}),
			};
			await tx.updateBooking(id, changes, ctx.now);
			return { booking: ctx.bookingOut({ ...b, ...changes }), reason: null, changed: true };
		},
	);
	if (!result.booking) return ctx.withBooking(request, 'not_found', null, replayed, null);
	return {
		...ctx.withBooking(request, 'recorded', result.booking, replayed, result.reason),
		progress_recorded: result.changed,
	};
}

/**
 * What a customer asked on their visit's link, under the business's policy: move it to the
 * time they chose (the store still refuses a clash: `taken`, with the nearest free times),
 * cancel it, or skip one visit of a series (the others stay), pause the series, change its day
 * or time from this visit on, or end it (on the agreement's last day, given in `until`). Within
 * `notice_hours` of the visit nothing changes (`too_late`: ops call them); a visit already cancelled or done is
 * `closed`.
 */
export async function customerChange(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const id = ctx.requireBooking(request);
	const change = request.change;
	if (!change || !CUSTOMER_CHANGES.includes(change))
		throw new SchedulingInputError(
			'change',
			`"change" is one of ${CUSTOMER_CHANGES.join(', ')}; got ${JSON.stringify(change ?? null)}.`,
		);
	const notice = request.notice_hours ?? 24;
	if (!(Number.isFinite(notice) && notice >= 0 && notice <= 24 * 30))
		throw new SchedulingInputError(
			'notice_hours',
			'"notice_hours" is between 0 and 720 (cancel_notice_hours in the Booking Business table).',
		);
	const b = await ctx.store.getBooking(id);
	if (!b) return ctx.withBooking(request, 'not_found', null, false, null);
	const now = ctx.bookingOut(b);
	if ((change === 'change' || change === 'end') && !b.series_id)
		throw new SchedulingInputError(
			'change',
			`"${change}" is for the visits of a series; move or cancel a single visit instead.`,
		);
	// Ending the series is under the agreement's notice (its last day, in "until"), not this visit's.
	if (change === 'end')
		return await endSeries(ctx, { ...request, operation: 'endSeries', series_id: b.series_id });
	if (b.status !== 'confirmed' && b.status !== 'held')
		return ctx.withBooking(
			request,
			'closed',
			now,
			false,
			`The visit is ${b.status === 'completed' ? 'done' : 'cancelled'} already: nothing was changed.`,
		);
	if (b.start_ms - ctx.now < notice * 3_600_000)
		return ctx.withBooking(
			request,
			'too_late',
			now,
			false,
			`The visit starts within ${notice} hours (${ctx.iso(b.start_ms)}): it is not changed online; call the customer.`,
		);
	if ((change === 'skip' || change === 'pause') && !b.series_id)
		throw new SchedulingInputError(
			'change',
			`"${change}" is for the visits of a series; cancel a single visit instead.`,
		);
	if (change === 'pause') return await pauseSeries(ctx, request, b);
	if (change === 'change')
		return await changeSeries(ctx, {
			...request,
			operation: 'changeSeries',
			series_id: b.series_id,
			from: DateTime.fromMillis(b.start_ms, { zone: ctx.cal.timeZone }).toISODate(),
		});
	if (change === 'offer') return await offerTimes(ctx, request, b);
	if (change === 'move') {
		if (!request.start)
			throw new SchedulingInputError(
				'start',
				'Moving a visit needs the new "start" the customer chose (ISO 8601).',
			);
		return await reschedule(ctx, { ...request, operation: 'reschedule' });
	}
	const reason = change === 'skip' ? 'skipped by customer' : 'cancelled by customer';
	return await cancel(ctx, { ...request, operation: 'cancel', reason });
}

/** The customer asked which times are free: the next three for the visit's job (its crews), nothing changed. */
async function offerTimes(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	visit: BookingRecord,
): Promise<BookingResult> {
	const durationMs = visit.end_ms - visit.start_ms;
	const crews = ctx.cal.crews.filter(
		(c) =>
			c.id === visit.crew_id ||
			ctx
				.suitableCrews({ ...request, job: { service_type: visit.service } })
				.some((s) => s.id === c.id),
	);
	const free = await ctx.search({ ...request, preference: null }, crews, durationMs / 60_000, 3);
	return {
		...ctx.withBooking(
			request,
			'offered',
			ctx.bookingOut(visit),
			false,
			`${free.slots.length} free time${free.slots.length === 1 ? '' : 's'} offered; the visit keeps its time.`,
		),
		alternatives: free.slots.map((s) => ctx.slotOut(s)),
	};
}

/** A pause: the series' visits from this one through the last day asked for are cancelled in one write; the later ones stay. */
async function pauseSeries(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	visit: BookingRecord,
): Promise<BookingResult> {
	const until =
		typeof request.until === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(request.until)
			? DateTime.fromISO(request.until, { zone: ctx.cal.timeZone })
			: null;
	if (!until?.isValid)
		throw new SchedulingInputError(
			'until',
			`A pause needs "until": the last day with no visit, as YYYY-MM-DD; got ${JSON.stringify(request.until ?? null)}.`,
		);
	const lastMs = until.endOf('day').toMillis();
	if (lastMs < visit.start_ms || lastMs - visit.start_ms > 366 * 86_400_000)
		throw new SchedulingInputError(
			'until',
			`"until" (${request.until}) is a day from this visit's (${ctx.iso(visit.start_ms)}) to a year after it.`,
		);
	const reason = 'paused by customer';
	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		'pause',
		ctx.now,
		async (tx) => {
			const paused = (
				await tx.listBookings({ seriesId: visit.series_id!, statuses: ['held', 'confirmed'] })
			).filter((b) => b.start_ms >= visit.start_ms && b.start_ms <= lastMs);
			for (const b of paused)
				await tx.updateBooking(b.id, { status: 'cancelled', cancel_reason: reason }, ctx.now);
			return paused.map((b) =>
				ctx.bookingOut({ ...b, status: 'cancelled', cancel_reason: reason }),
			);
		},
	);
	return {
		...ctx.withBooking(
			request,
			'cancelled',
			result[0] ?? ctx.bookingOut(visit),
			replayed,
			`Paused: ${result.length} visit${result.length === 1 ? '' : 's'} through ${request.until}; the later ones stay booked.`,
		),
		bookings: result,
	};
}
