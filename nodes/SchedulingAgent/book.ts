/** Find slots, book and hold: the earliest slot that fits (or an exact start), never a double booking. */
import { randomUUID } from 'node:crypto';

import type { BookingRecord, WriteTx } from '../shared/store';
import { chosenStart, openAt, SchedulingInputError, type CrewConfig } from './calendar';
import type { Slot } from './slots';
import { caseIdDetail, type BookingOut, type BookingResult, type ScheduleRequest } from './request';
import type { ScheduleContext } from './context';
/**
 * How many times a booking tries: the slots found before its write transaction,
 * then, when bookings made just before took them all (many workers booking the
 * same morning), once more with a search inside the transaction, which holds the
 * store's booking turn (WriteTx.takeTurn), so what it finds is still free.
 */
const RACE_ROUNDS = 2;

/** Books the first of `slots` that is still free (the slot's crew first, then any other suitable crew); null if none is. */
async function bookFirstFree(
	ctx: ScheduleContext,
	tx: WriteTx,
	request: ScheduleRequest,
	slots: Slot[],
	crews: CrewConfig[],
	o: {
		durationMs: number;
		bufferMs: number;
		held: boolean;
		holdMinutes: number;
		basis: string;
		onlyFirst: boolean;
	},
): Promise<BookingOut | null> {
	for (const slot of slots) {
		const order = [slot.crew_id, ...crews.map((c) => c.id).filter((id) => id !== slot.crew_id)];
		for (const crewId of order) {
			const record: BookingRecord = {
				id: `bk_${randomUUID()}`,
				crew_id: crewId,
				start_ms: slot.start_ms,
				end_ms: slot.start_ms + o.durationMs,
				busy_until_ms: slot.start_ms + o.durationMs + o.bufferMs,
				time_zone: ctx.cal.timeZone,
				status: o.held ? 'held' : 'confirmed',
				hold_expires_ms: o.held ? ctx.now + o.holdMinutes * 60_000 : null,
				series_id: null,
				service: request.job?.service_type ?? null,
				priority: request.priority ?? null,
				customer: request.customer ?? null,
				details: { duration_basis: o.basis, ...caseIdDetail(request) },
				cancel_reason: null,
				created_at_ms: ctx.now,
				updated_at_ms: ctx.now,
			};
			if ((await tx.insertBooking(record)) === 'ok') return ctx.bookingOut(record);
		}
		if (o.onlyFirst) break;
	}
	return null;
}

export async function findFreeSlots(
	ctx: ScheduleContext,
	request: ScheduleRequest,
): Promise<BookingResult> {
	const crews = ctx.suitableCrews(request);
	const duration = ctx.duration(request);
	const count = Math.min(Math.max(1, request.count ?? 5), 50);
	const { slots, preference, deadlineMs } = await ctx.search(
		request,
		crews,
		duration.minutes,
		count,
	);
	return {
		...ctx.base(request, 'slots'),
		duration_minutes: duration.minutes,
		duration_basis: duration.basis,
		deadline: deadlineMs === null ? null : ctx.iso(deadlineMs),
		slots: slots.map((s) => ctx.slotOut(s)),
		preference_understood: preference?.understood ?? [],
	};
}

/** The slot Find Slots would offer at exactly `startMs` (its crew), or null: closed, too soon, off the slot step, or taken. */
async function offeredSlotAt(
	ctx: ScheduleContext,
	request: ScheduleRequest,
	crews: CrewConfig[],
	durationMinutes: number,
	startMs: number,
): Promise<Slot | null> {
	const priority = (request.priority ?? 0) >= 10;
	if (!priority && startMs < ctx.now + ctx.cal.leadTimeMinutes * 60_000) return null;
	const { slots } = await ctx.search(
		{ ...request, preference: null },
		crews,
		durationMinutes,
		1,
		startMs,
	);
	return slots[0]?.start_ms === startMs ? slots[0] : null;
}

export async function book(ctx: ScheduleContext, request: ScheduleRequest): Promise<BookingResult> {
	const crews = ctx.suitableCrews(request);
	const duration = ctx.duration(request);
	const durationMs = duration.minutes * 60_000;
	const bufferMs = ctx.cal.bufferMinutes * 60_000;
	const held = request.operation === 'hold';
	const holdMinutes = request.hold_minutes ?? 30;
	if (held && !(holdMinutes > 0 && holdMinutes <= 7 * 24 * 60))
		throw new SchedulingInputError('hold_minutes', '"hold_minutes" must be between 1 and 10080.');
	const explicit = request.start ? chosenStart(request.start, ctx.cal.timeZone, ctx.now) : null;
	const search = explicit === null ? await ctx.search(request, crews, duration.minutes, 5) : null;
	let candidates: Slot[] =
		explicit !== null
			? [{ start_ms: explicit, end_ms: explicit + durationMs, crew_id: crews[0].id }]
			: search!.slots;
	if (explicit !== null && request.offered_times_only) {
		const offered = await offeredSlotAt(ctx, request, crews, duration.minutes, explicit);
		if (!offered)
			return {
				...ctx.base(request, 'taken'),
				duration_minutes: duration.minutes,
				duration_basis: duration.basis,
				reason: `${ctx.iso(explicit)} is not a time the calendar offers (outside working hours, a holiday, too soon, or taken): book one of the times Find Slots returns.`,
			};
		candidates = [offered];
	}
	const priority = search?.priority ?? (request.priority ?? 0) >= 10;
	const deadlineIso = search?.deadlineMs ? ctx.iso(search.deadlineMs) : null;

	if (!candidates.length) {
		return {
			...ctx.base(request, priority ? 'needs_human' : 'taken'),
			needs_human: priority,
			duration_minutes: duration.minutes,
			duration_basis: duration.basis,
			deadline: deadlineIso,
			reason: priority
				? 'No suitable crew is free before the response deadline; a person must arrange it (confirmed bookings are never moved automatically).'
				: 'No free slot matches the request within the booking horizon.',
			preference_understood: search?.preference?.understood ?? [],
		};
	}

	const { result, replayed } = await ctx.store.write(
		request.idempotency_key ?? null,
		request.operation,
		ctx.now,
		async (tx) => {
			await tx.takeTurn();
			let round = candidates;
			for (let attempt = 1; ; attempt++) {
				const booked = await bookFirstFree(ctx, tx, request, round, crews, {
					durationMs,
					bufferMs,
					held,
					holdMinutes,
					basis: duration.basis,
					onlyFirst: explicit !== null,
				});
				if (booked || explicit !== null || attempt >= RACE_ROUNDS) return { booked };
				// Bookings made just before (other workers, other executions) took every slot found before this
				// transaction: search again in what the store holds now (no other booking runs meanwhile), rather
				// than send the customer to a person.
				round = (
					await ctx.search(request, crews, duration.minutes, 5, undefined, (windows, crewIds) =>
						tx.busyIntervals(windows, crewIds),
					)
				).slots;
				if (!round.length) return { booked: null };
			}
		},
	);

	if (result.booked) {
		const b = result.booked;
		return {
			...ctx.base(request, b.status === 'held' ? 'held' : 'confirmed'),
			booking_id: b.booking_id,
			crew_id: b.crew_id,
			crew_name: b.crew_name,
			crew_contact: ctx.crewContact(b.crew_id),
			// Who must acknowledge an emergency depends on it (the on-call ladder after hours).
			after_hours: priority ? !openAt(ctx.cal, ctx.now) : null,
			start: b.start,
			end: b.end,
			hold_expires_at: b.hold_expires_at,
			duration_minutes: duration.minutes,
			duration_basis: duration.basis,
			deadline: deadlineIso,
			bookings: [b],
			preference_understood: search?.preference?.understood ?? [],
			replayed,
		};
	}
	const alternatives = await ctx.search(request, crews, duration.minutes, 3, explicit ?? undefined);
	return {
		...ctx.base(request, priority ? 'needs_human' : 'taken'),
		needs_human: priority,
		duration_minutes: duration.minutes,
		duration_basis: duration.basis,
		deadline: deadlineIso,
		reason:
			explicit !== null
				? `That time was just taken (${ctx.iso(explicit)}); here are the nearest free times.`
				: 'Every matching slot was taken while booking; here are the next free times.',
		alternatives: alternatives.slots.map((s) => ctx.slotOut(s)),
		replayed,
	};
}
