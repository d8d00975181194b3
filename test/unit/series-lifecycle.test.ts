/**
 * A recurring series over its life, on both stores: the next term booked at renewal (the same
 * pattern, holidays skipped, clashes moved or reported, nothing booked twice), a pause, one
 * visit skipped, the day and time changed from a date on, and the end after which no term is
 * booked. Bad input names its field.
 */
import {
	bookingResultSchema,
	schedule,
	type ScheduleRequest,
} from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const NOW = '2026-11-25T10:00:00-05:00'; // a Wednesday, New York
const job = { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 };
const customer = { name: 'Ana Ruiz', email: 'ana@example.com', address: '12 Elm St' };

describe.each(storeBackends('series_life'))('A series over its life on %s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => {
		({ store, done } = await open());
	});
	afterEach(async () => {
		await done();
	});
	const run = async (
		request: ScheduleRequest,
		now = NOW,
		calendar: Record<string, unknown> = {},
	) => {
		const result = await schedule(request, { store, now, calendar });
		expect(bookingResultSchema.parse(result)).toEqual(result);
		return result;
	};
	const weekly = (extra: Record<string, unknown> = {}) =>
		run({
			operation: 'bookSeries',
			job,
			customer,
			series: {
				frequency: 'weekly',
				weekday: 'tue',
				time: '09:00',
				start_date: '2026-12-01',
				...extra,
			},
		});
	const active = async (seriesId: string) =>
		(await store.listBookings({ seriesId, statuses: ['held', 'confirmed'] }, Date.parse(NOW))).sort(
			(a, b) => a.start_ms - b.start_ms,
		);
	const local = (ms: number) =>
		new Date(ms).toLocaleString('en-US', {
			timeZone: 'America/New_York',
			weekday: 'short',
			hour: 'numeric',
			minute: '2-digit',
		});

	it('renewal books the next term: 52 more Tuesdays at 9:00, holidays skipped, a clash moved or reported, nothing twice', async () => {
		const first = await weekly();
		expect(first.occurrences).toHaveLength(52);
		const lastOfTerm = first.occurrences[51].start.slice(0, 10);
		expect(lastOfTerm).toBe('2027-11-23');
		// Every crew has the next term's second Tuesday from 8 to 10 (10:30 with the buffer): it moves within the day.
		for (const crew_id of ['crew-a', 'crew-b', 'on-call'])
			await run({
				operation: 'book',
				job,
				crew_id,
				start: '2027-12-07T08:00:00-05:00',
			});
		const next = await run(
			{
				operation: 'extendSeries',
				series_id: first.series_id,
				from: '2027-11-24',
				until: '2028-11-23',
				idempotency_key: 'renew-1',
			},
			NOW,
			{ holidays: ['2028-07-04'] },
		);
		expect(next).toMatchObject({ status: 'series_booked', series_id: first.series_id });
		expect(next.occurrences).toHaveLength(51);
		expect(next.skipped).toEqual([
			{ date: '2028-07-04', reason: 'holiday', wanted_start: '2028-07-04T09:00:00-04:00' },
		]);
		expect(next.occurrences[0].start).toBe('2027-11-30T09:00:00-05:00');
		const moved = next.occurrences.find((o) => o.start.startsWith('2027-12-07'))!;
		expect(moved).toMatchObject({ start: '2027-12-07T10:30:00-05:00', moved_minutes: 90 });
		// Every visit of the new term is a Tuesday at 9:00 local (summer time too), but the moved one.
		expect(
			next.occurrences
				.filter((o) => o !== moved)
				.every((o) => local(Date.parse(o.start)) === 'Tue 9:00 AM'),
		).toBe(true);
		// The same crew keeps the series.
		expect(new Set(next.occurrences.map((o) => o.crew_id)).size).toBe(1);
		expect(await active(first.series_id!)).toHaveLength(52 + 51);
		// Run again (a retried renewal, a second key): nothing is booked twice.
		const again = await run(
			{
				operation: 'extendSeries',
				series_id: first.series_id,
				from: '2027-11-24',
				until: '2028-11-23',
			},
			NOW,
			{ holidays: ['2028-07-04'] },
		);
		expect(again.occurrences).toEqual([]);
		expect(await active(first.series_id!)).toHaveLength(103);
		// A clash no crew can move around within two hours is reported, not double-booked.
		// Every crew is busy from 8:00 to 13:00 (two visits back to back, with their buffers).
		for (const crew_id of ['crew-a', 'crew-b', 'on-call'])
			for (const start of ['2028-11-28T08:00:00-05:00', '2028-11-28T10:30:00-05:00'])
				expect(await run({ operation: 'book', job, crew_id, start })).toMatchObject({
					status: 'confirmed',
				});
		const third = await run({
			operation: 'extendSeries',
			series_id: first.series_id,
			from: '2028-11-24',
			until: '2028-12-31',
		});
		expect(third.conflicts).toEqual([
			{
				wanted_start: '2028-11-28T09:00:00-05:00',
				reason: 'no suitable crew free within 120 minutes of the wanted time',
			},
		]);
		expect(third.occurrences.map((o) => o.start.slice(0, 10))).toEqual([
			'2028-12-05',
			'2028-12-12',
			'2028-12-19',
			'2028-12-26',
		]);
	});

	it('an every-other-week series keeps its own weeks in the next term', async () => {
		const first = await run({
			operation: 'bookSeries',
			job,
			customer,
			series: {
				frequency: 'biweekly',
				weekday: 'wed',
				time: '13:00',
				start_date: '2026-12-02',
				count: 4,
			},
		});
		const dates = first.occurrences.map((o) => o.start.slice(0, 10));
		expect(dates).toEqual(['2026-12-02', '2026-12-16', '2026-12-30', '2027-01-13']);
		const next = await run({
			operation: 'extendSeries',
			series_id: first.series_id,
			from: '2027-01-14',
			until: '2027-02-28',
		});
		expect(next.occurrences.map((o) => o.start.slice(0, 10))).toEqual([
			'2027-01-27',
			'2027-02-10',
			'2027-02-24',
		]);
	});

	it('ops pause a stretch, skip one visit, then change the day and time from a date on; the next term follows the new pattern', async () => {
		const first = await weekly({ count: 12 });
		const id = first.series_id!;
		const paused = await run({
			operation: 'pauseSeries',
			series_id: id,
			from: '2026-12-20',
			until: '2027-01-03',
		});
		expect(paused).toMatchObject({ status: 'cancelled' });
		expect(paused.bookings.map((b) => [b.start.slice(0, 10), b.cancel_reason])).toEqual([
			['2026-12-22', 'series paused'],
			['2026-12-29', 'series paused'],
		]);
		const skipped = await run({
			operation: 'skipVisit',
			series_id: id,
			date: '2027-01-12',
			reason: 'family visiting',
		});
		expect(skipped.bookings.map((b) => [b.start.slice(0, 10), b.cancel_reason])).toEqual([
			['2027-01-12', 'family visiting'],
		]);
		const none = await run({ operation: 'skipVisit', series_id: id, date: '2027-01-13' });
		expect(none).toMatchObject({ status: 'cancelled', bookings: [] });
		expect(none.reason).toContain('no visit to come on 2027-01-13');
		expect(await active(id)).toHaveLength(9);

		const changed = await run({
			operation: 'changeSeries',
			series_id: id,
			from: '2027-01-15',
			series: { weekday: 'thu', time: '14:00' },
			idempotency_key: 'change-1',
		});
		expect(changed.status).toBe('rescheduled');
		// Tuesdays from the 19th (the 19th, 26th, Feb 2, 9, 16) become Thursdays at 14:00.
		expect(changed.bookings.map((b) => b.start.slice(0, 10))).toEqual([
			'2027-01-19',
			'2027-01-26',
			'2027-02-02',
			'2027-02-09',
			'2027-02-16',
		]);
		expect(changed.occurrences.map((o) => o.start)).toEqual([
			'2027-01-21T14:00:00-05:00',
			'2027-01-28T14:00:00-05:00',
			'2027-02-04T14:00:00-05:00',
			'2027-02-11T14:00:00-05:00',
			// The span the Tuesdays covered, through the day before the next Tuesday the rule had.
			'2027-02-18T14:00:00-05:00',
		]);
		expect(changed.rrule).toContain('BYDAY=TH');
		const visits = await active(id);
		expect(
			visits.filter((v) => v.start_ms < Date.parse('2027-01-15')).map((v) => local(v.start_ms)),
		).toEqual(Array(4).fill('Tue 9:00 AM'));
		expect(
			visits.filter((v) => v.start_ms >= Date.parse('2027-01-15')).map((v) => local(v.start_ms)),
		).toEqual(Array(5).fill('Thu 2:00 PM'));
		// Replayed with its key: the same answer, nothing moved twice.
		const replay = await run({
			operation: 'changeSeries',
			series_id: id,
			from: '2027-01-15',
			series: { weekday: 'thu', time: '14:00' },
			idempotency_key: 'change-1',
		});
		expect(replay.replayed).toBe(true);
		expect(await active(id)).toHaveLength(9);
		// The renewed term follows the new pattern.
		const next = await run({
			operation: 'extendSeries',
			series_id: id,
			from: '2027-02-17',
			until: '2027-03-10',
		});
		expect(next.occurrences.map((o) => o.start)).toEqual([
			'2027-02-25T14:00:00-05:00',
			'2027-03-04T14:00:00-05:00',
		]);
		// A time the business does not work on that day is refused, naming the day's hours; nothing moves.
		const lateSaturday = await run({
			operation: 'changeSeries',
			series_id: id,
			from: '2027-02-20',
			series: { weekday: 'sat', time: '14:00' },
		});
		expect(lateSaturday.status).toBe('closed');
		expect(lateSaturday.reason).toMatch(
			/^On Saturdays we work 9:00 AM-2:00 PM: a [\d.]+-hour visit at 2:00 PM does not fit\. Choose a start from 9:00 AM to [\d:]+ (AM|PM)\. Nothing was changed\.$/,
		);
		const sunday = await run({
			operation: 'changeSeries',
			series_id: id,
			from: '2027-02-20',
			series: { weekday: 'sun', time: '10:00' },
		});
		expect(sunday.reason).toBe('We do not work on Sundays: choose another day.');
		expect(await active(id)).toHaveLength(11);
		// Only the time: the days stay.
		const later = await run({
			operation: 'changeSeries',
			series_id: id,
			from: '2027-02-20',
			series: { time: '08:30' },
		});
		expect(later.occurrences.map((o) => local(Date.parse(o.start)))).toEqual(
			Array(2).fill('Thu 8:30 AM'),
		);
	});

	it('the end: visits after the last day are cancelled and no later term is booked', async () => {
		const first = await weekly({ count: 10 });
		const id = first.series_id!;
		const ended = await run({ operation: 'endSeries', series_id: id, until: '2026-12-24' });
		expect(ended).toMatchObject({ status: 'cancelled', series_ends_on: '2026-12-24' });
		expect(ended.bookings).toHaveLength(6);
		expect(ended.bookings.every((b) => b.cancel_reason === 'series ended')).toBe(true);
		expect(ended.last_visit?.start).toBe('2026-12-22T09:00:00-05:00');
		expect((await active(id)).map((v) => local(v.start_ms))).toHaveLength(4);
		const renewal = await run({
			operation: 'extendSeries',
			series_id: id,
			from: '2027-02-03',
			until: '2028-02-02',
		});
		expect(renewal).toMatchObject({ status: 'closed', occurrences: [] });
		expect(renewal.reason).toContain('ends on 2026-12-24');
		expect(await active(id)).toHaveLength(4);
	});

	it("a customer changes the day and time from their visit on, or ends the series on the agreement's last day", async () => {
		const first = await weekly({ count: 8 });
		const third = first.occurrences[2];
		const changed = await run({
			operation: 'customerChange',
			booking_id: third.booking_id,
			change: 'change',
			series: { weekday: 'fri', time: '10:00' },
		});
		expect(changed.status).toBe('rescheduled');
		expect(changed.occurrences[0].start).toBe('2026-12-18T10:00:00-05:00');
		expect(changed.bookings[0].booking_id).toBe(third.booking_id);
		const fourth = (await active(first.series_id!))[3];
		const ended = await run({
			operation: 'customerChange',
			booking_id: fourth.id,
			change: 'end',
			until: '2027-01-01',
		});
		expect(ended).toMatchObject({ status: 'cancelled', series_ends_on: '2027-01-01' });
		expect((await active(first.series_id!)).map((v) => local(v.start_ms))).toEqual([
			'Tue 9:00 AM',
			'Tue 9:00 AM',
			'Fri 10:00 AM',
			'Fri 10:00 AM',
			'Fri 10:00 AM',
		]);
		// A single visit has no series to change.
		const single = await run({ operation: 'book', job, start: '2026-12-03T09:00:00-05:00' });
		await expect(
			run({
				operation: 'customerChange',
				booking_id: single.booking_id,
				change: 'change',
				series: { time: '10:00' },
			}),
		).rejects.toMatchObject({ field: 'change' });
	});

	it('bad input names the field; an unknown or cancelled series changes nothing', async () => {
		const first = await weekly({ count: 4 });
		const id = first.series_id!;
		const tried: Array<[ScheduleRequest, string]> = [
			[{ operation: 'extendSeries', series_id: id, until: '2027-12-01' }, 'from'],
			[
				{ operation: 'extendSeries', series_id: id, from: '2027-13-01', until: '2027-12-01' },
				'from',
			],
			[
				{ operation: 'extendSeries', series_id: id, from: '2027-12-01', until: '2027-11-01' },
				'until',
			],
			[
				{ operation: 'extendSeries', series_id: id, from: '2027-12-01', until: '2047-12-01' },
				'until',
			],
			[{ operation: 'extendSeries', from: '2027-12-01', until: '2028-12-01' }, 'series_id'],
			[{ operation: 'pauseSeries', series_id: id, from: '2027-01-01' }, 'until'],
			[{ operation: 'skipVisit', series_id: id, date: 'next tuesday' }, 'date'],
			[{ operation: 'endSeries', series_id: id, until: 42 as unknown as string }, 'until'],
			[{ operation: 'changeSeries', series_id: id, from: '2026-12-10' }, 'series'],
			[
				{ operation: 'changeSeries', series_id: id, from: '2026-12-10', series: { time: '25:00' } },
				'series.time',
			],
			[
				{
					operation: 'changeSeries',
					series_id: id,
					from: '2026-12-10',
					series: { weekday: 'funday' as never },
				},
				'series.weekday',
			],
		];
		for (const [request, field] of tried) {
			const error = await run(request).then(
				() => null,
				(e: { field?: string; message: string }) => e,
			);
			expect([JSON.stringify(request), error?.field]).toEqual([JSON.stringify(request), field]);
			expect(error?.message).toContain(field.split('.').pop());
		}
		expect(await active(id)).toHaveLength(4);
		const unknown = await run({
			operation: 'extendSeries',
			series_id: 'sr_unknown-1',
			from: '2027-01-01',
			until: '2027-02-01',
		});
		expect(unknown).toMatchObject({ status: 'not_found', occurrences: [] });
		await run({ operation: 'releaseSeries', series_id: id });
		// Confirmed visits are not released; cancel them by ending the series today, then it is over.
		const held = await run({
			operation: 'bookSeries',
			job,
			series: {
				frequency: 'weekly',
				weekday: 'mon',
				count: 2,
				hold_hours: 48,
				start_date: '2026-12-07',
			},
		});
		await run({ operation: 'releaseSeries', series_id: held.series_id });
		const closed = await run({
			operation: 'pauseSeries',
			series_id: held.series_id,
			from: '2026-12-01',
			until: '2026-12-31',
		});
		expect(closed).toMatchObject({ status: 'closed', bookings: [] });
		expect(closed.reason).toContain('cancelled');
	});
});
