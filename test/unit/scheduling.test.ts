import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DateTime } from 'luxon';

import {
	schedule,
	bookingResultSchema,
	type ScheduleRequest,
} from '../../nodes/SchedulingAgent/schedule';
import { parsePreference } from '../../nodes/SchedulingAgent/preferences';
import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingStore,
} from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(60_000);

const NOW = '2026-11-25T10:00:00-05:00'; // a Wednesday, New York
const job = { service_type: 'standard_cleaning', bedrooms: 3, bathrooms: 2 }; // 180 minutes

const backends = storeBackends('sched').map(([name, open]) => ({ name, open }));

describe.each(backends)('Scheduling on $name', (backend) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => {
		({ store, done } = await backend.open());
	});
	afterEach(async () => {
		await done();
	});
	const run = async (request: ScheduleRequest, now = NOW, calendar = {}) => {
		const result = await schedule(request, { store, now, calendar });
		expect(bookingResultSchema.parse(result)).toEqual(result);
		return result;
	};

	it('finds slots inside business hours after the lead time, honouring the preference', async () => {
		const r = await run({ operation: 'findSlots', job, preference: 'Monday morning', count: 3 });
		expect(r.preference_understood).toEqual(['Monday', 'morning (before noon)']);
		expect(r.slots.map((s) => s.start)).toEqual([
			'2026-11-30T08:00:00-05:00',
			'2026-11-30T08:30:00-05:00',
			'2026-11-30T09:00:00-05:00',
		]);
		const soonest = await run({ operation: 'findSlots', job, count: 1 });
		expect(soonest.slots[0].start).toBe('2026-11-25T12:00:00-05:00'); // now + 2 h lead time
	});

	it('an exact start someone other than ops chose (offered_times_only) is booked only if Find Slots would offer it', async () => {
		const offered = (start: string) =>
			run({ operation: 'book', job, start, offered_times_only: true, idempotency_key: start });
		// 3 a.m., a Sunday (closed), within the lead time, off the 30-minute step: refused, nothing written.
		for (const start of [
			'2026-11-30T03:00:00-05:00',
			'2026-11-29T10:00:00-05:00',
			'2026-11-25T10:30:00-05:00',
			'2026-11-30T09:10:00-05:00',
		]) {
			const refused = await offered(start);
			expect(refused).toMatchObject({ status: 'taken', booking_id: null });
			expect(refused.reason).toContain('not a time the calendar offers');
		}
		expect(await store.listBookings({}, Date.parse(NOW))).toEqual([]);
		const booked = await offered('2026-11-30T09:00:00-05:00');
		expect(booked).toMatchObject({ status: 'confirmed', start: '2026-11-30T09:00:00-05:00' });
		// Both crews busy then: the same start is taken.
		await run({ operation: 'book', job, start: '2026-11-30T09:00:00-05:00', crew_id: 'crew-b' });
		const taken = await run({
			operation: 'book',
			job,
			start: '2026-11-30T09:00:00-05:00',
			offered_times_only: true,
			idempotency_key: 'third',
		});
		expect(taken.status).toBe('taken');
		// Ops may still book outside the hours (the flag off, as before).
		expect((await run({ operation: 'book', job, start: '2026-11-30T03:00:00-05:00' })).status).toBe(
			'confirmed',
		);
	});

	it("a booking says how to reach its crew (the crew's own phone and e-mail), or null when none is set", async () => {
		const crews = [
			{
				id: 'crew-a',
				name: 'Crew A',
				skills: ['cleaning'],
				on_call: false,
				phone: '+12125550177',
				email: '',
			},
			{ id: 'crew-b', name: 'Crew B', skills: ['cleaning'], on_call: false },
		];
		const booked = await run(
			{ operation: 'book', job, start: '2026-11-30T09:00:00-05:00', crew_id: 'crew-a' },
			NOW,
			{ crews },
		);
		expect(booked.crew_contact).toEqual({ phone: '+12125550177', email: null });
		const other = await run(
			{ operation: 'book', job, start: '2026-11-30T09:00:00-05:00', crew_id: 'crew-b' },
			NOW,
			{ crews },
		);
		expect(other.crew_contact).toBeNull();
		expect(
			(await run({ operation: 'get', booking_id: booked.booking_id! }, NOW, { crews }))
				.crew_contact,
		).toEqual({ phone: '+12125550177', email: null });
	});

	it('books, never twice the same crew time, and replays an idempotency key 20 times as one booking', async () => {
		const first = await run({
			operation: 'book',
			job,
			start: '2026-11-30T09:00:00-05:00',
			crew_id: 'crew-a',
			idempotency_key: 'req-1',
		});
		expect(first).toMatchObject({
			status: 'confirmed',
			crew_id: 'crew-a',
			start: '2026-11-30T09:00:00-05:00',
			end: '2026-11-30T12:00:00-05:00',
		});
		const replays = await Promise.all(
			Array.from({ length: 20 }, () =>
				run({
					operation: 'book',
					job,
					start: '2026-11-30T09:00:00-05:00',
					crew_id: 'crew-a',
					idempotency_key: 'req-1',
				}),
			),
		);
		expect(new Set(replays.map((r) => r.booking_id))).toEqual(new Set([first.booking_id]));
		expect(replays.every((r) => r.replayed)).toBe(true);
		const all = await store.listBookings({}, Date.parse(NOW));
		expect(all).toHaveLength(1);
		const clash = await run({
			operation: 'book',
			job,
			start: '2026-11-30T10:00:00-05:00',
			crew_id: 'crew-a',
		});
		expect(clash.status).toBe('taken');
		expect(clash.alternatives.length).toBeGreaterThan(0);
		expect(clash.reason).toMatch(/just taken/);
		// The buffer (30 min) after the 12:00 end keeps 12:00 free only for another crew.
		expect(
			(await run({ operation: 'book', job, start: '2026-11-30T12:00:00-05:00', crew_id: 'crew-a' }))
				.status,
		).toBe('taken');
		expect(
			(await run({ operation: 'book', job, start: '2026-11-30T12:30:00-05:00', crew_id: 'crew-a' }))
				.status,
		).toBe('confirmed');
	});

	it('holds expire; a confirmed hold stays; cancel and reschedule work and are recorded', async () => {
		const hold = await run({
			operation: 'hold',
			job,
			start: '2026-12-01T09:00:00-05:00',
			crew_id: 'crew-a',
			hold_minutes: 30,
		});
		expect(hold).toMatchObject({ status: 'held', hold_expires_at: '2026-11-25T10:30:00-05:00' });
		expect(
			(await run({ operation: 'book', job, start: '2026-12-01T09:00:00-05:00', crew_id: 'crew-a' }))
				.status,
		).toBe('taken');
		const later = '2026-11-25T11:00:00-05:00';
		expect(
			(await run({ operation: 'confirmHold', booking_id: hold.booking_id }, later)).status,
		).toBe('expired');
		expect(
			(
				await run(
					{ operation: 'book', job, start: '2026-12-01T09:00:00-05:00', crew_id: 'crew-a' },
					later,
				)
			).status,
		).toBe('confirmed');

		const hold2 = await run({
			operation: 'hold',
			job,
			start: '2026-12-02T09:00:00-05:00',
			hold_minutes: 60,
		});
		expect((await run({ operation: 'confirmHold', booking_id: hold2.booking_id })).status).toBe(
			'confirmed',
		);
		const moved = await run({
			operation: 'reschedule',
			booking_id: hold2.booking_id,
			start: '2026-12-03T13:00:00-05:00',
		});
		expect(moved).toMatchObject({
			status: 'rescheduled',
			start: '2026-12-03T13:00:00-05:00',
			end: '2026-12-03T16:00:00-05:00',
		});
		const cancelled = await run({
			operation: 'cancel',
			booking_id: hold2.booking_id,
			reason: 'customer moved away',
		});
		expect(cancelled.bookings[0]).toMatchObject({
			status: 'cancelled',
			cancel_reason: 'customer moved away',
		});
		expect((await run({ operation: 'get', booking_id: hold2.booking_id })).bookings[0].status).toBe(
			'cancelled',
		);
		expect((await run({ operation: 'get', booking_id: 'bk_missing' })).status).toBe('not_found');
	});

	it('lists confirmed bookings starting within the next hours, for reminders', async () => {
		await run({ operation: 'book', job, start: '2026-11-26T09:00:00-05:00' });
		await run({ operation: 'book', job, start: '2026-11-28T09:00:00-05:00' });
		await run({ operation: 'hold', job, start: '2026-11-26T13:00:00-05:00' });
		const soon = await run({ operation: 'list', within_hours: 24 });
		expect(soon.bookings.map((b) => b.start)).toEqual(['2026-11-26T09:00:00-05:00']);
		expect((await run({ operation: 'list', within_hours: 24 * 7 })).bookings).toHaveLength(2);
		expect(soon.bookings[0].created_at).toBe(NOW);
	});

	it('looks back for visits that have started (review requests), marking the first visit of each series', async () => {
		const past = await run({ operation: 'book', job, start: '2026-11-26T09:00:00-05:00' });
		const series = await run({
			operation: 'bookSeries',
			job,
			series: {
				frequency: 'weekly',
				weekday: 'fri',
				time: '09:00',
				count: 3,
				start_date: '2026-11-27',
			},
		});
		expect(series.status).toBe('series_booked');
		const cancelled = await run({ operation: 'book', job, start: '2026-11-26T14:00:00-05:00' });
		await run({ operation: 'cancel', booking_id: cancelled.booking_id });
		const later = '2026-12-05T10:00:00-05:00'; // two of the series' visits have happened, and the one-off
		expect((await run({ operation: 'list', within_hours: 24 }, later)).bookings).toEqual([]);
		const back = await run(
			{ operation: 'list', within_hours: 24, look_back_hours: 24 * 10 },
			later,
		);
		expect(
			back.bookings.map((b) => [b.start, b.series_id ? b.first_of_series : 'one-off']),
		).toEqual([
			['2026-11-26T09:00:00-05:00', 'one-off'],
			['2026-11-27T09:00:00-05:00', true],
			['2026-12-04T09:00:00-05:00', false],
		]);
		expect(back.bookings[0].booking_id).toBe(past.booking_id);
		// The first visit is the series' first even when the list does not reach back to it.
		const recent = await run(
			{ operation: 'list', within_hours: 24 * 14, look_back_hours: 48 },
			later,
		);
		expect(recent.bookings.map((b) => [b.start, b.first_of_series])).toEqual([
			['2026-12-04T09:00:00-05:00', false],
			['2026-12-11T09:00:00-05:00', false],
		]);
		expect(
			(await run({ operation: 'list', within_hours: 24 * 14 }, later)).bookings.map(
				(b) => b.first_of_series,
			),
		).toEqual([undefined]);
		await expect(run({ operation: 'list', look_back_hours: -1 })).rejects.toMatchObject({
			field: 'look_back_hours',
		});
	});

	it('priority 10 takes the earliest suitable crew within the deadline, on-call at night, and flags a person when none fits', async () => {
		const night = '2026-11-25T23:10:00-05:00';
		const emergency = { service_type: 'water_damage', is_emergency: true, estimated_hours: 3 };
		const r = await run(
			{ operation: 'book', job: emergency, priority: 10, respond_within_minutes: 120 },
			night,
		);
		expect(r).toMatchObject({
			status: 'confirmed',
			crew_id: 'on-call',
			start: '2026-11-25T23:30:00-05:00',
			deadline: '2026-11-26T01:10:00-05:00',
			// Booked while the business is closed: a person on the on-call ladder acknowledges it.
			after_hours: true,
		});
		const daytime = await run(
			{ operation: 'book', job: emergency, priority: 10, respond_within_minutes: 120 },
			'2026-11-30T10:00:00-05:00',
		);
		expect(daytime.after_hours).toBe(false);
		// A normal booking is neither.
		expect(
			(await run({ operation: 'book', job, preference: 'Monday morning' })).after_hours,
		).toBeNull();
		const second = await run(
			{ operation: 'book', job: emergency, priority: 10, respond_within_minutes: 120 },
			night,
		);
		expect(second).toMatchObject({ status: 'needs_human', needs_human: true });
		expect(second.reason).toMatch(/never moved/);
		// A confirmed booking of the on-call crew is untouched.
		expect((await run({ operation: 'get', booking_id: r.booking_id })).bookings[0]).toMatchObject({
			status: 'confirmed',
			start: '2026-11-25T23:30:00-05:00',
		});
		// In business hours, a regular restoration crew is used first.
		const day = await run(
			{ operation: 'book', job: emergency, priority: 10 },
			'2026-11-26T09:05:00-05:00',
		);
		expect(day).toMatchObject({
			status: 'confirmed',
			crew_id: 'crew-b',
			start: '2026-11-26T09:30:00-05:00',
		});
	});

	it('a 52-week series stays at 9:00 local across the March and November changes (New York), skipping holidays', async () => {
		const r = await run(
			{
				operation: 'bookSeries',
				job,
				series: {
					frequency: 'weekly',
					weekday: 'mon',
					time: '09:00',
					count: 52,
					start_date: '2026-11-30',
				},
			},
			NOW,
			{ holidays: ['2026-12-28'] },
		);
		expect(r.status).toBe('series_booked');
		expect(r.occurrences).toHaveLength(51);
		expect(r.skipped).toEqual([
			{ date: '2026-12-28', reason: 'holiday', wanted_start: '2026-12-28T09:00:00-05:00' },
		]);
		expect(r.series_start).toBe('2026-11-30T09:00:00-05:00');
		expect(
			r.occurrences.every(
				(o) =>
					DateTime.fromISO(o.start, { setZone: true })
						.setZone('America/New_York')
						.toFormat('HH:mm ccc') === '09:00 Mon',
			),
		).toBe(true);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-03-08'))?.start).toBe(
			'2027-03-08T09:00:00-05:00',
		);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-03-15'))?.start).toBe(
			'2027-03-15T09:00:00-04:00',
		);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-11-01'))?.start).toBe(
			'2027-11-01T09:00:00-04:00',
		);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-11-08'))?.start).toBe(
			'2027-11-08T09:00:00-05:00',
		);
		expect((await store.listBookings({ seriesId: r.series_id! }, Date.parse(NOW))).length).toBe(51);
	});

	it('business hours on a daylight-saving Sunday are read on the wall clock, not as midnight plus minutes', async () => {
		// Open on Sundays 08:00-18:00. 8 March 2026 (clocks forward) and 1 November 2026 (clocks back) in New York.
		const sundays = { businessHours: { sun: [['08:00', '18:00']] } };
		const forward = await run(
			{ operation: 'findSlots', job, preference: 'Sunday', count: 40 },
			'2026-03-06T10:00:00-05:00',
			sundays,
		);
		const march8 = forward.slots.filter((s) => s.start.startsWith('2026-03-08'));
		expect(march8[0].start).toBe('2026-03-08T08:00:00-04:00'); // midnight + 480 minutes would be 09:00
		expect(march8.at(-1)?.end).toBe('2026-03-08T18:00:00-04:00');
		const back = await run(
			{ operation: 'findSlots', job, preference: 'Sunday', count: 40 },
			'2026-10-30T10:00:00-04:00',
			sundays,
		);
		const november1 = back.slots.filter((s) => s.start.startsWith('2026-11-01'));
		expect(november1[0].start).toBe('2026-11-01T08:00:00-05:00'); // not 07:00
		expect(november1.at(-1)?.end).toBe('2026-11-01T18:00:00-05:00');
		// A weekly Sunday visit at 08:00 is in hours on both switch days: none moved, none refused.
		const series = await run(
			{
				operation: 'bookSeries',
				job,
				series: {
					frequency: 'weekly',
					weekday: 'sun',
					time: '08:00',
					count: 40,
					start_date: '2026-03-01',
				},
			},
			'2026-02-25T10:00:00-05:00',
			sundays,
		);
		expect(series.conflicts).toEqual([]);
		expect(series.occurrences).toHaveLength(40);
		expect(series.occurrences.every((o) => o.moved_minutes === 0)).toBe(true);
		expect(series.occurrences.find((o) => o.start.startsWith('2026-03-08'))?.start).toBe(
			'2026-03-08T08:00:00-04:00',
		);
		expect(series.occurrences.find((o) => o.start.startsWith('2026-11-01'))?.start).toBe(
			'2026-11-01T08:00:00-05:00',
		);
	});

	it('a weekly series of several visits a week: a working week from Monday, or spread from the weekday', async () => {
		const r = await run({
			operation: 'bookSeries',
			job,
			series: { frequency: 'weekly', visits_per_week: 3, time: '09:00', start_date: '2026-11-30' },
		});
		expect(r.status).toBe('series_booked');
		expect(r.occurrences).toHaveLength(156); // a year: 52 weeks of 3
		expect(r.rrule).toContain('BYDAY=MO,WE,FR');
		const days = r.occurrences.map((o) =>
			DateTime.fromISO(o.start, { setZone: true })
				.setZone('America/New_York')
				.toFormat('ccc HH:mm'),
		);
		expect(days.slice(0, 6)).toEqual([
			'Mon 09:00',
			'Wed 09:00',
			'Fri 09:00',
			'Mon 09:00',
			'Wed 09:00',
			'Fri 09:00',
		]);
		expect(new Set(days)).toEqual(new Set(['Mon 09:00', 'Wed 09:00', 'Fri 09:00']));
		const twice = await run({
			operation: 'bookSeries',
			job,
			series: {
				frequency: 'weekly',
				visits_per_week: 2,
				weekday: 'tue',
				time: '13:00',
				count: 4,
				start_date: '2026-12-01',
			},
		});
		expect(twice.occurrences.map((o) => o.start)).toEqual([
			'2026-12-01T13:00:00-05:00',
			'2026-12-04T13:00:00-05:00',
			'2026-12-08T13:00:00-05:00',
			'2026-12-11T13:00:00-05:00',
		]);
		// Named days win over the weekday when they are as many as the visits a week.
		const named = await run({
			operation: 'bookSeries',
			job,
			series: {
				frequency: 'weekly',
				visits_per_week: 2,
				weekdays: 'fri, tue',
				weekday: 'mon',
				time: '13:00',
				count: 3,
				start_date: '2026-12-01',
			},
		});
		expect(named.occurrences.map((o) => o.start)).toEqual([
			'2026-12-01T13:00:00-05:00',
			'2026-12-04T13:00:00-05:00',
			'2026-12-08T13:00:00-05:00',
		]);
		const yearOfNamed = await run({
			operation: 'bookSeries',
			job: { ...job, duration_minutes: 60 },
			series: {
				frequency: 'weekly',
				weekdays: ['wed', 'sat'],
				time: '15:00',
				start_date: '2026-12-02',
			},
		});
		expect(yearOfNamed.occurrences).toHaveLength(104);
		// Days that disagree with the priced count are not used: the count spreads from the weekday.
		const disagree = await run({
			operation: 'bookSeries',
			job: { ...job, duration_minutes: 60 },
			series: {
				frequency: 'weekly',
				visits_per_week: 3,
				weekdays: ['tue', 'thu'],
				time: '16:00',
				count: 3,
				start_date: '2026-12-07',
			},
		});
		expect(disagree.occurrences.map((o) => o.start.slice(0, 10))).toEqual([
			'2026-12-07',
			'2026-12-09',
			'2026-12-11',
		]);
		for (const [series, pattern] of [
			[{ frequency: 'weekly', weekdays: ['mon', 'funday'] }, /list of mon, tue/],
			[{ frequency: 'biweekly', visits_per_week: 2 }, /for weekly series/],
			[{ frequency: 'weekly', visits_per_week: 8 }, /1 to 7/],
			[{ frequency: 'weekly', visits_per_week: 1.5 }, /1 to 7/],
		] as const) {
			await expect(
				run({ operation: 'bookSeries', job, series: series as never }),
			).rejects.toMatchObject({
				field: expect.stringMatching(/^series\.(visits_per_week|weekdays)$/),
				message: expect.stringMatching(pattern),
			});
		}
	});

	it('a London series stays at 9:00 across the March and October changes', async () => {
		const london = { timeZone: 'Europe/London' };
		const r = await run(
			{
				operation: 'bookSeries',
				job,
				series: { rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=52', time: '09:00', start_date: '2026-12-01' },
			},
			'2026-11-25T10:00:00Z',
			london,
		);
		expect(r.occurrences).toHaveLength(52);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-03-23'))?.start).toBe(
			'2027-03-23T09:00:00+00:00',
		);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-03-30'))?.start).toBe(
			'2027-03-30T09:00:00+01:00',
		);
		expect(r.occurrences.find((o) => o.start.startsWith('2027-11-02'))?.start).toBe(
			'2027-11-02T09:00:00+00:00',
		);
	});

	it('moves a clashing visit to the nearest free time within the window, or reports it', async () => {
		const calendar = {
			crews: [{ id: 'solo', name: 'Solo', skills: ['cleaning'], on_call: false }],
		};
		await run(
			{
				operation: 'book',
				job: { ...job, duration_minutes: 60 },
				start: '2026-12-07T09:00:00-05:00',
			},
			NOW,
			calendar,
		);
		await run(
			{
				operation: 'book',
				job: { ...job, duration_minutes: 600 },
				start: '2026-12-14T08:00:00-05:00',
			},
			NOW,
			calendar,
		);
		const r = await run(
			{
				operation: 'bookSeries',
				job: { ...job, duration_minutes: 120 },
				series: {
					frequency: 'weekly',
					weekday: 'mon',
					time: '09:00',
					count: 3,
					start_date: '2026-11-30',
					clash_window_minutes: 180,
				},
			},
			NOW,
			calendar,
		);
		expect(r.occurrences.map((o) => [o.start, o.moved_minutes])).toEqual([
			['2026-11-30T09:00:00-05:00', 0],
			['2026-12-07T10:30:00-05:00', 90],
		]);
		expect(r.conflicts).toEqual([
			{
				wanted_start: '2026-12-14T09:00:00-05:00',
				reason: 'no suitable crew free within 180 minutes of the wanted time',
			},
		]);
	});

	it('refuses bad input naming the field, and leaves the store untouched', async () => {
		const cases: Array<[ScheduleRequest, Record<string, unknown>, string]> = [
			[{ operation: 'findSlots', job }, { timeZone: 'Mars/Olympus' }, 'timeZone'],
			[{ operation: 'book', job, start: '2026-11-01T09:00:00-05:00' }, {}, 'start'],
			[{ operation: 'book', job, start: 'next tuesday-ish' }, {}, 'start'],
			[{ operation: 'findSlots', job, preference: 'qwerty zxcv' }, {}, 'preference'],
			[{ operation: 'list', from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, {}, 'to'],
			[
				{ operation: 'findSlots', job },
				{ businessHours: { mon: [['18:00', '08:00']] } },
				'businessHours.mon[0]',
			],
			[{ operation: 'book', job, crew_id: 'crew-z' }, {}, 'crew_id'],
			[{ operation: 'cancel' }, {}, 'booking_id'],
			[{ operation: 'bookSeries', job, series: { rrule: 'FREQ=SOMETIMES' } }, {}, 'series.rrule'],
			[{ operation: 'bookSeries', job, series: { time: '25:00' } }, {}, 'series.time'],
			[{ operation: 'findSlots', job: { ...job, duration_minutes: -5 } }, {}, 'duration_minutes'],
		];
		for (const [request, calendar, field] of cases) {
			await expect(schedule(request, { store, now: NOW, calendar })).rejects.toMatchObject({
				field,
			});
		}
		expect(
			await store.listBookings(
				{ statuses: ['held', 'confirmed', 'cancelled', 'completed'] },
				Date.parse(NOW),
			),
		).toEqual([]);
	});
});

describe('preferences in words', () => {
	const now = DateTime.fromISO('2026-11-25T10:00:00', { zone: 'America/New_York' });
	it.each([
		['Monday morning', { weekdays: [1], startFromMinute: 0, startByMinute: 720 }],
		['after 3pm', { startFromMinute: 900 }],
		['before noon', { startByMinute: 720 }],
		['between 9 and 11am', { startFromMinute: 540, startByMinute: 660 }],
		['next week', { dateFrom: '2026-11-30', dateTo: '2026-12-06' }],
		['any weekday but Friday', { weekdays: [1, 2, 3, 4] }],
		['weekends', { weekdays: [6, 7] }],
		['tomorrow afternoon', { dateFrom: '2026-11-26', dateTo: '2026-11-26', startFromMinute: 720 }],
		['Dec 3', { dateFrom: '2026-12-03', dateTo: '2026-12-03' }],
		['asap', { weekdays: null, dateFrom: null }],
	])('%s', (text, expected) => {
		expect(parsePreference(text, now)).toMatchObject(expected);
	});
});

describe('preferences read by a model (checked by code, rules as fallback)', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startOpenAiFake } = require('../../dev/fakes/openai-fake');
	let fake: Awaited<ReturnType<typeof startOpenAiFake>>;
	let store: SqliteBookingStore;
	beforeAll(async () => {
		fake = await startOpenAiFake();
		store = new SqliteBookingStore(':memory:');
		await store.init();
	});
	afterAll(async () => {
		await fake.stop();
		await store.close();
	});
	const ai = () => ({
		connection: { apiKey: 'test-key', baseUrl: fake.baseUrl },
		call: {
			model: 'gpt-4o-mini',
			temperature: 0,
			timeoutMs: 2000,
			retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
		},
	});
	const facts = (over: Record<string, unknown>) => ({
		date_from: null,
		date_to: null,
		weekdays: null,
		start_from_minute: null,
		start_by_minute: null,
		understood: ['x'],
		...over,
	});

	it('uses what the model understood where the rules understand nothing', async () => {
		fake.reset([
			{
				json: facts({
					date_from: '2026-12-01',
					date_to: '2026-12-04',
					start_from_minute: 600,
					understood: ['the first days of December', 'after 10am'],
				}),
			},
		]);
		const r = await schedule(
			{
				operation: 'findSlots',
				job,
				preference: 'sometime right after the long weekend, late morning',
				count: 2,
			},
			{ store, now: NOW, mode: 'aiWithFallback', ai: ai() },
		);
		expect(r).toMatchObject({
			preference_source: 'ai',
			fallback_reason: null,
			preference_understood: ['the first days of December', 'after 10am'],
		});
		expect(r.slots.map((s) => s.start)).toEqual([
			'2026-12-01T10:00:00-05:00',
			'2026-12-01T10:30:00-05:00',
		]);
		expect(r.llm_usage.calls).toBe(1);
	});

	it('refuses impossible model answers and falls back to the rules', async () => {
		fake.reset([{ json: facts({ date_from: '2026-12-10', date_to: '2026-12-01' }) }]);
		const r = await schedule(
			{ operation: 'findSlots', job, preference: 'Monday morning', count: 1 },
			{ store, now: NOW, mode: 'aiWithFallback', ai: ai() },
		);
		expect(r).toMatchObject({
			preference_source: 'rules',
			preference_understood: ['Monday', 'morning (before noon)'],
		});
		expect(r.fallback_reason).toMatch(/ends before it starts/);
		expect(r.slots[0].start).toBe('2026-11-30T08:00:00-05:00');
	});

	it('text neither can read is refused naming the field', async () => {
		fake.reset([{ status: 500 }, { status: 500 }]);
		await expect(
			schedule(
				{ operation: 'findSlots', job, preference: 'qwerty zxcv' },
				{ store, now: NOW, mode: 'aiWithFallback', ai: ai() },
			),
		).rejects.toMatchObject({ field: 'preference' });
	});
});

describe.each(backends)('a series held until its agreement is signed, on $name', (backend) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => {
		({ store, done } = await backend.open());
	});
	afterEach(async () => await done());
	const run = async (request: ScheduleRequest, now = NOW) => {
		const result = await schedule(request, { store, now });
		expect(bookingResultSchema.parse(result)).toEqual(result);
		return result;
	};
	const fourMondays = (hold_hours: number | null = 72): ScheduleRequest => ({
		operation: 'bookSeries',
		job,
		crew_id: 'crew-a',
		series: {
			frequency: 'weekly',
			weekday: 'mon',
			time: '09:00',
			count: 4,
			start_date: '2026-11-30',
			hold_hours,
		},
	});
	const statuses = async (seriesId: string) =>
		(
			await store.listBookings(
				{ seriesId, statuses: ['held', 'confirmed', 'cancelled'] },
				Date.parse(NOW),
			)
		).map((b) => `${b.status}${b.cancel_reason ? `:${b.cancel_reason}` : ''}`);

	it('holds the visits (the crew is taken meanwhile), then confirms them on signature, once', async () => {
		const held = await run(fourMondays());
		expect(held).toMatchObject({
			status: 'series_booked',
			hold_expires_at: '2026-11-28T10:00:00-05:00',
		});
		expect(held.occurrences).toHaveLength(4);
		expect(await statuses(held.series_id!)).toEqual(['held', 'held', 'held', 'held']);
		// Another customer cannot take crew A at those times while they are held.
		const other = await run({
			...fourMondays(null),
			series: { ...fourMondays().series, clash_window_minutes: 0 },
		});
		expect(other.occurrences).toHaveLength(0);
		expect(other.conflicts).toHaveLength(4);

		const confirmed = await run({
			operation: 'confirmSeries',
			series_id: held.series_id,
			idempotency_key: 'sign-1',
		});
		expect(confirmed).toMatchObject({ status: 'confirmed', conflicts: [] });
		expect(confirmed.bookings.map((b) => b.status)).toEqual(Array(4).fill('confirmed'));
		expect(await statuses(held.series_id!)).toEqual(Array(4).fill('confirmed'));
		// Signed twice (a retried node): the same answer, nothing changes.
		const again = await run({
			operation: 'confirmSeries',
			series_id: held.series_id,
			idempotency_key: 'sign-1',
		});
		expect(again.replayed).toBe(true);
		// Confirmed visits are not released by a late "not signed".
		const late = await run({ operation: 'releaseSeries', series_id: held.series_id });
		expect(late.status).toBe('not_found');
		expect(await statuses(held.series_id!)).toEqual(Array(4).fill('confirmed'));
	});

	it('releases the held visits when the agreement is not signed: the crew is free for another customer', async () => {
		const held = await run(fourMondays());
		const released = await run({
			operation: 'releaseSeries',
			series_id: held.series_id,
			reason: 'agreement_not_signed',
		});
		expect(released).toMatchObject({ status: 'cancelled' });
		expect(released.bookings).toHaveLength(4);
		expect(await statuses(held.series_id!)).toEqual(
			Array(4).fill('cancelled:agreement_not_signed'),
		);
		expect((await store.getSeries(held.series_id!))?.status).toBe('cancelled');
		const next = await run(fourMondays(null));
		expect(next.occurrences.map((o) => o.start)).toEqual(held.occurrences.map((o) => o.start));
		expect(next.occurrences.every((o) => o.crew_id === 'crew-a')).toBe(true);
	});

	it('a hold that runs out frees the crew by itself; signing after that confirms nothing and says why', async () => {
		const held = await run(fourMondays(24));
		const later = '2026-11-26T11:00:00-05:00'; // 25 hours on
		const lapsed = await run({ operation: 'confirmSeries', series_id: held.series_id }, later);
		expect(lapsed.status).toBe('expired');
		expect(lapsed.conflicts).toHaveLength(4);
		expect(lapsed.conflicts[0]).toEqual({
			wanted_start: '2026-11-30T09:00:00-05:00',
			reason: 'the hold lapsed before the agreement was signed',
		});
		expect(await statuses(held.series_id!)).toEqual(Array(4).fill('cancelled:hold_expired'));
		const next = await run(fourMondays(null), later);
		expect(next.occurrences).toHaveLength(4);
	});

	it('names the field when the series or the hold is wrong', async () => {
		await expect(run({ operation: 'confirmSeries' })).rejects.toMatchObject({ field: 'series_id' });
		await expect(
			run({ operation: 'releaseSeries', series_id: "x'; DROP TABLE bookings" }),
		).rejects.toMatchObject({
			field: 'series_id',
		});
		await expect(run(fourMondays(0))).rejects.toMatchObject({ field: 'series.hold_hours' });
		await expect(run(fourMondays(24 * 91))).rejects.toMatchObject({ field: 'series.hold_hours' });
		expect((await run({ operation: 'confirmSeries', series_id: 'sr_unknown' })).status).toBe(
			'not_found',
		);
	});
});

describe.each(backends)("a crew's reports on a visit, on $name", (backend) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => {
		({ store, done } = await backend.open());
	});
	afterEach(async () => await done());
	const crews = [
		{
			id: 'crew-a',
			name: 'Crew A',
			skills: ['cleaning'],
			on_call: false,
			phone: '+12125550177',
			email: 'crew-a@example.com',
		},
	];
	const run = async (request: ScheduleRequest, now = NOW) => {
		const result = await schedule(request, { store, now, calendar: { crews } });
		expect(bookingResultSchema.parse(result)).toEqual(result);
		return result;
	};
	const visit = async () =>
		await run({ operation: 'book', job, start: '2026-11-26T09:00:00-05:00', crew_id: 'crew-a' });
	const report = async (booking_id: string, step: string, now: string, note?: string) =>
		await run(
			{ operation: 'progress', booking_id, step: step as ScheduleRequest['step'], note },
			now,
		);

	it('keeps each step once with its time; done completes the visit; the listed visit shows them and its crew', async () => {
		const booked = await visit();
		const onWay = await report(booked.booking_id!, 'on_my_way', '2026-11-26T08:40:00-05:00');
		expect(onWay).toMatchObject({ status: 'recorded', progress_recorded: true });
		expect(onWay.bookings[0].progress).toEqual({
			on_my_way_at: '2026-11-26T08:40:00-05:00',
			started_at: null,
			done_at: null,
			not_done_at: null,
			note: null,
		});
		// Tapped twice: the first time stays.
		const again = await report(booked.booking_id!, 'on_my_way', '2026-11-26T08:50:00-05:00');
		expect(again.progress_recorded).toBe(false);
		expect(again.reason).toMatch(/already recorded/);
		expect(again.bookings[0].progress?.on_my_way_at).toBe('2026-11-26T08:40:00-05:00');
		await report(booked.booking_id!, 'started', '2026-11-26T09:02:00-05:00');
		const finished = await report(
			booked.booking_id!,
			'done',
			'2026-11-26T11:55:00-05:00',
			'  All rooms done; the key is back in the lockbox. ',
		);
		expect(finished.bookings[0]).toMatchObject({
			status: 'completed',
			progress: {
				on_my_way_at: '2026-11-26T08:40:00-05:00',
				started_at: '2026-11-26T09:02:00-05:00',
				done_at: '2026-11-26T11:55:00-05:00',
				not_done_at: null,
				note: 'All rooms done; the key is back in the lockbox.',
			},
		});
		// After done, nothing more: a late "could not do it" changes nothing.
		const late = await report(booked.booking_id!, 'not_done', '2026-11-26T12:30:00-05:00', 'x');
		expect(late).toMatchObject({ progress_recorded: false });
		expect(late.reason).toMatch(/already reported done/);
		expect(late.bookings[0].status).toBe('completed');
		const listed = await run(
			{ operation: 'list', within_hours: 1, look_back_hours: 24 },
			'2026-11-26T18:00:00-05:00',
		);
		expect(listed.bookings).toHaveLength(1);
		expect(listed.bookings[0]).toMatchObject({
			status: 'completed',
			crew_contact: { phone: '+12125550177', email: 'crew-a@example.com' },
			progress: { done_at: '2026-11-26T11:55:00-05:00' },
		});
	});

	it('"could not do it" keeps the note and leaves the visit confirmed for ops; a cancelled visit records nothing', async () => {
		const booked = await visit();
		const notDone = await report(
			booked.booking_id!,
			'not_done',
			'2026-11-26T09:20:00-05:00',
			'Nobody home, gate locked',
		);
		expect(notDone.bookings[0]).toMatchObject({
			status: 'confirmed',
			progress: { not_done_at: '2026-11-26T09:20:00-05:00', note: 'Nobody home, gate locked' },
		});
		const other = await run({
			operation: 'book',
			job,
			start: '2026-11-27T09:00:00-05:00',
			crew_id: 'crew-a',
		});
		await run({ operation: 'cancel', booking_id: other.booking_id!, reason: 'customer' });
		const onCancelled = await report(other.booking_id!, 'done', '2026-11-27T12:00:00-05:00');
		expect(onCancelled).toMatchObject({ progress_recorded: false });
		expect(onCancelled.reason).toMatch(/cancelled: nothing was recorded/);
		expect(onCancelled.bookings[0].status).toBe('cancelled');
		expect((await report('bk_missing', 'done', NOW)).status).toBe('not_found');
	});

	it('names the field when the step or the booking is missing or wrong', async () => {
		const booked = await visit();
		await expect(report(booked.booking_id!, 'finished', NOW)).rejects.toMatchObject({
			field: 'step',
		});
		await expect(run({ operation: 'progress', step: 'done' })).rejects.toMatchObject({
			field: 'booking_id',
		});
	});
});

describe.each(backends)("a customer's change on their link, on $name", (backend) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => {
		({ store, done } = await backend.open());
	});
	afterEach(async () => await done());
	const run = async (request: ScheduleRequest, now = NOW) => {
		const result = await schedule(request, { store, now });
		expect(bookingResultSchema.parse(result)).toEqual(result);
		return result;
	};
	const visitAt = async (start: string, crew_id = 'crew-a') =>
		await run({ operation: 'book', job, start, crew_id });
	const change = async (
		booking_id: string,
		what: ScheduleRequest['change'],
		extra: Partial<ScheduleRequest> = {},
		now = NOW,
	) =>
		await run(
			{ operation: 'customerChange', booking_id, change: what, notice_hours: 24, ...extra },
			now,
		);

	it('moves a visit to the time the customer chose; a time a crew has is refused with the nearest free times', async () => {
		const mine = await visitAt('2026-11-30T09:00:00-05:00');
		const moved = await change(mine.booking_id!, 'move', { start: '2026-12-01T13:00:00-05:00' });
		expect(moved).toMatchObject({ status: 'rescheduled', start: '2026-12-01T13:00:00-05:00' });
		// Another customer's visit at 9:00 on Wednesday with every crew busy: that time is taken.
		for (const crew of ['crew-a', 'crew-b', 'on-call'])
			await visitAt('2026-12-02T09:00:00-05:00', crew);
		const taken = await change(mine.booking_id!, 'move', { start: '2026-12-02T09:00:00-05:00' });
		expect(taken.status).toBe('taken');
		expect(taken.start).toBe('2026-12-01T13:00:00-05:00');
		expect(taken.alternatives.length).toBeGreaterThan(0);
		expect((await store.getBooking(mine.booking_id!))?.start_ms).toBe(
			Date.parse('2026-12-01T13:00:00-05:00'),
		);
	});

	it('offers the next free times without changing anything; a free time picked moves the visit to it, with its crew', async () => {
		const mine = await visitAt('2026-11-30T09:00:00-05:00');
		const offered = await change(mine.booking_id!, 'offer');
		expect(offered.status).toBe('offered');
		expect(offered.start).toBe('2026-11-30T09:00:00-05:00');
		expect(offered.alternatives).toHaveLength(3);
		expect(offered.alternatives.map((s) => s.start)).not.toContain('2026-11-30T09:00:00-05:00');
		expect((await store.getBooking(mine.booking_id!))?.start_ms).toBe(
			Date.parse('2026-11-30T09:00:00-05:00'),
		);
		const pick =
			offered.alternatives.find((s) => s.crew_id !== 'crew-a') ?? offered.alternatives[0];
		const moved = await change(mine.booking_id!, 'move', {
			start: pick.start,
			crew_id: pick.crew_id,
		});
		expect(moved).toMatchObject({
			status: 'rescheduled',
			start: pick.start,
			crew_id: pick.crew_id,
		});
		// Within the notice, nothing is offered: ops call.
		expect(
			(
				await change(
					mine.booking_id!,
					'offer',
					{},
					new Date(Date.parse(pick.start) - 3_600_000).toISOString(),
				)
			).status,
		).toBe('too_late');
	});

	it('cancels a single visit; skips one visit of a series, the others stay; within the notice nothing changes', async () => {
		const single = await visitAt('2026-11-30T09:00:00-05:00');
		const cancelled = await change(single.booking_id!, 'cancel');
		expect(cancelled.status).toBe('cancelled');
		expect((await store.getBooking(single.booking_id!))?.cancel_reason).toBe(
			'cancelled by customer',
		);
		// Cancelled already: closed, nothing more.
		expect((await change(single.booking_id!, 'cancel')).status).toBe('closed');

		const series = await run({
			operation: 'bookSeries',
			job,
			crew_id: 'crew-b',
			series: {
				frequency: 'weekly',
				weekday: 'tue',
				time: '10:00',
				count: 3,
				start_date: '2026-12-01',
			},
		});
		const [first, second] = series.occurrences;
		const skipped = await change(second.booking_id, 'skip');
		expect(skipped.status).toBe('cancelled');
		const visits = await store.listBookings(
			{ seriesId: series.series_id!, statuses: ['confirmed', 'cancelled'] },
			Date.parse(NOW),
		);
		expect(visits.map((v) => `${v.status}${v.cancel_reason ? `:${v.cancel_reason}` : ''}`)).toEqual(
			['confirmed', 'cancelled:skipped by customer', 'confirmed'],
		);
		// Skip is for a series' visit; a single visit is cancelled instead.
		const other = await visitAt('2026-12-03T09:00:00-05:00');
		await expect(change(other.booking_id!, 'skip')).rejects.toMatchObject({ field: 'change' });
		// 20 hours before the first visit: within the 24 hours' notice, nothing changes.
		const late = await change(first.booking_id, 'skip', {}, '2026-11-30T14:00:00-05:00');
		expect(late.status).toBe('too_late');
		expect(late.reason).toMatch(/within 24 hours/);
		expect((await store.getBooking(first.booking_id))?.status).toBe('confirmed');
		// A pause cancels the series' visits from this one through the day asked for; the later ones stay.
		const weekly = await run({
			operation: 'bookSeries',
			job,
			crew_id: 'crew-a',
			series: {
				frequency: 'weekly',
				weekday: 'fri',
				time: '09:00',
				count: 4,
				start_date: '2026-12-04',
			},
		});
		const paused = await change(weekly.occurrences[0].booking_id, 'pause', {
			until: '2026-12-11',
		});
		expect(paused.status).toBe('cancelled');
		expect(paused.bookings.map((b) => b.start)).toEqual([
			'2026-12-04T09:00:00-05:00',
			'2026-12-11T09:00:00-05:00',
		]);
		expect(
			(
				await store.listBookings(
					{ seriesId: weekly.series_id!, statuses: ['confirmed', 'cancelled'] },
					Date.parse(NOW),
				)
			).map((v) => `${v.status}${v.cancel_reason ? `:${v.cancel_reason}` : ''}`),
		).toEqual([
			'cancelled:paused by customer',
			'cancelled:paused by customer',
			'confirmed',
			'confirmed',
		]);
		for (const until of [null, '10 December', '2026-11-01', '2028-01-01'])
			await expect(
				change(weekly.occurrences[2].booking_id, 'pause', { until }),
			).rejects.toMatchObject({ field: 'until' });
		await expect(change(other.booking_id!, 'pause', { until: '2026-12-20' })).rejects.toMatchObject(
			{
				field: 'change',
			},
		);
		// A move needs the new time; an unknown change is named.
		await expect(change(other.booking_id!, 'move')).rejects.toMatchObject({ field: 'start' });
		await expect(
			change(other.booking_id!, 'hold on' as ScheduleRequest['change']),
		).rejects.toMatchObject({ field: 'change' });
	});
});
