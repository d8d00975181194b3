/**
 * The Scheduling agent's core: one entry point, schedule(request, options),
 * for every operation. Each operation lives in its own file (book.ts,
 * manage.ts, list.ts, seriesBooking.ts) over a shared ScheduleContext.
 */

import { DateTime } from 'luxon';

import { openStore, type BookingStore, type StoreConfig } from '../shared/store';
import { zoneNamed } from '../shared/zone';
import { parseInstant, resolveCalendar, SchedulingInputError, type CrewConfig } from './calendar';
import { book, findFreeSlots } from './book';
import { ScheduleContext } from './context';
import { list } from './list';
import { cancel, confirmHold, customerChange, get, recordProgress, reschedule } from './manage';
import {
	OPERATIONS,
	type BookingResult,
	type ScheduleOptions,
	type ScheduleRequest,
} from './request';
import { bookSeries, confirmSeries, holdSeries, releaseSeries } from './seriesBooking';
import { changeSeries, endSeries, extendSeries, pauseSeries, skipVisit } from './seriesChanges';

export { OPERATIONS, bookingResultSchema } from './request';
export type {
	BookingOut,
	BookingResult,
	Operation,
	ScheduleOptions,
	ScheduleRequest,
} from './request';

const syncedCrews = new WeakMap<BookingStore, string>();

async function ensureCrews(store: BookingStore, crews: CrewConfig[]) {
	const key = JSON.stringify(crews);
	if (syncedCrews.get(store) === key) return;
	await store.syncCrews(crews);
	syncedCrews.set(store, key);
}

export async function schedule(
	request: ScheduleRequest,
	options: ScheduleOptions = {},
): Promise<BookingResult> {
	if (!request || !OPERATIONS.includes(request.operation)) {
		throw new SchedulingInputError(
			'operation',
			`"operation" must be one of ${OPERATIONS.join(', ')}; got ${JSON.stringify(request?.operation)}.`,
		);
	}
	const calendar = resolveCalendar(options.calendar);
	const zone = zoneNamed(calendar.timeZone);
	const nowDt = options.now
		? parseInstant(
				'now',
				options.now instanceof Date ? options.now.toISOString() : options.now,
				zone,
			)
		: DateTime.now().setZone(zone);
	const now = nowDt.toMillis();
	const store =
		options.store && 'write' in options.store
			? options.store
			: await openStore((options.store as StoreConfig | undefined) ?? { backend: 'sqlite' });
	await ensureCrews(store, calendar.crews);
	const ctx = new ScheduleContext(calendar, store, now, nowDt);
	await ctx.readPreference(request, options);
	switch (request.operation) {
		case 'findSlots':
			return await findFreeSlots(ctx, request);
		case 'book':
		case 'hold':
			return await book(ctx, request);
		case 'confirmHold':
			return await confirmHold(ctx, request);
		case 'cancel':
			return await cancel(ctx, request);
		case 'reschedule':
			return await reschedule(ctx, request);
		case 'get':
			return await get(ctx, request);
		case 'list':
			return await list(ctx, request);
		case 'bookSeries':
			return await bookSeries(ctx, request);
		case 'confirmSeries':
			return await confirmSeries(ctx, request);
		case 'releaseSeries':
			return await releaseSeries(ctx, request);
		case 'holdSeries':
			return await holdSeries(ctx, request);
		case 'progress':
			return await recordProgress(ctx, request);
		case 'customerChange':
			return await customerChange(ctx, request);
		case 'extendSeries':
			return await extendSeries(ctx, request);
		case 'changeSeries':
			return await changeSeries(ctx, request);
		case 'pauseSeries':
			return await pauseSeries(ctx, request);
		case 'skipVisit':
			return await skipVisit(ctx, request);
		case 'endSeries':
			return await endSeries(ctx, request);
	}
}
