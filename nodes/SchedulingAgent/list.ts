/** List the visits starting soon (and those just past, for review requests). */

import type { BookingRecord } from '../shared/store';
import { parseInstant, SchedulingInputError } from './calendar';
import type { BookingOut, BookingResult, ScheduleRequest } from './request';
import type { ScheduleContext } from './context';

export async function list(ctx: ScheduleContext, request: ScheduleRequest): Promise<BookingResult> {
	const lookBack = request.look_back_hours ?? 0;
	if (!(lookBack >= 0 && lookBack <= 24 * 366))
		throw new SchedulingInputError(
			'look_back_hours',
			'"look_back_hours" must be between 0 and 8784 (0: only bookings still to start).',
		);
	const from = request.from
		? parseInstant('from', request.from, ctx.cal.timeZone).toMillis()
		: ctx.now - lookBack * 3_600_000;
	let to: number;
	if (request.to) to = parseInstant('to', request.to, ctx.cal.timeZone).toMillis();
	else {
		const hours = request.within_hours ?? 24;
		if (!(hours > 0 && hours <= 24 * 366))
			throw new SchedulingInputError('within_hours', '"within_hours" must be between 1 and 8784.');
		to = (request.from ? from : ctx.now) + hours * 3_600_000;
	}
	if (to <= from)
		throw new SchedulingInputError(
			'to',
			`"to" (${ctx.iso(to)}) is before "from" (${ctx.iso(from)}).`,
		);
	// Completed visits too: the review request follows the visit.
	const records = (
		await ctx.store.listBookings(
			{ fromMs: from, toMs: to, statuses: ['confirmed', 'completed'] },
			ctx.now,
		)
	).filter((b) => b.start_ms >= from && b.start_ms < to);
	const firstOfSeries = new Map<string, string | null>();
	// Looking back is for review requests, which follow only a series' first visit.
	for (const b of lookBack > 0 ? records : []) {
		if (!b.series_id || firstOfSeries.has(b.series_id)) continue;
		const [first] = await ctx.store.listBookings(
			{ seriesId: b.series_id, statuses: ['confirmed', 'completed'], limit: 1 },
			ctx.now,
		);
		firstOfSeries.set(b.series_id, first?.id ?? null);
	}
	const out = (b: BookingRecord): BookingOut =>
		b.series_id && firstOfSeries.has(b.series_id)
			? { ...ctx.bookingOut(b), first_of_series: firstOfSeries.get(b.series_id) === b.id }
			: ctx.bookingOut(b);
	return {
		...ctx.base(request, 'listed'),
		bookings: records.map(out),
		reason: `confirmed and completed bookings starting ${ctx.iso(from)} to ${ctx.iso(to)}`,
	};
}
