/**
 * A series invite must show the visits that were booked: a calendar program
 * expands the rule, drops the EXDATEs and moves the RECURRENCE-ID overrides.
 * Series are booked for real (Scheduling Agent into a SQLite store, with
 * clashing bookings, holidays and daylight-saving changes), the welcome is
 * composed, and ical.js (an independent parser) expands the invite; the visits
 * it shows must be exactly the store's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DateTime } from 'luxon';

import { compose } from '../../nodes/ConfirmationAgent/compose';
import { seriesInvite } from '../../nodes/ConfirmationAgent/series-invite';
import { schedule, type ScheduleRequest } from '../../nodes/SchedulingAgent/schedule';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { visitsShown } from '../support/ics';

jest.setTimeout(120_000);

const ZONE = 'America/New_York';
const SOLO = [{ id: 'solo', name: 'Solo', skills: ['cleaning'], on_call: false }];
const job = { service_type: 'standard_cleaning', duration_minutes: 120 };

let dir: string;
let store: SqliteBookingStore;
beforeEach(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-invite-'));
	store = new SqliteBookingStore(path.join(dir, 'store.sqlite'));
	await store.init();
});
afterEach(async () => {
	await store.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

async function bookAndInvite(
	series: ScheduleRequest['series'],
	calendar: Record<string, unknown>,
	now: string,
) {
	const booking = await schedule(
		{ operation: 'bookSeries', job, series },
		{ store, now, calendar: { crews: SOLO, timeZone: ZONE, ...calendar } },
	);
	const stored = await store.listBookings(
		{ seriesId: booking.series_id!, statuses: ['confirmed'] },
		Date.parse(now),
	);
	const welcome = compose(
		{
			kind: 'booking_confirmation',
			customer: { name: 'Dana', email: 'dana@example.com' },
			business: { name: 'Bright Clean', email: 'ops@brightclean.example' },
			booking: { ...booking, time_zone: ZONE },
			service: 'standard_cleaning',
		},
		{ now, channels: { sms: false } },
	);
	const expected = stored
		.map(
			(b) =>
				[new Date(b.start_ms).toISOString(), new Date(b.end_ms).toISOString()] as [string, string],
		)
		.sort((a, b) => a[0].localeCompare(b[0]));
	return {
		booking,
		expected,
		shown: visitsShown(welcome.calendar!.ics),
		ics: welcome.calendar!.ics,
	};
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
		return s / 2 ** 32;
	};
}

describe('series invites show exactly the booked visits (ical.js expands them)', () => {
	const NOW = '2027-01-04T08:00:00-05:00';

	it('a monthly series (first Monday) makes an invite: it used to fail on BYDAY=+1MO and the welcome never went out', async () => {
		const { booking, expected, shown, ics } = await bookAndInvite(
			{ frequency: 'monthly', weekday: 'mon', time: '10:00', start_date: '2027-02-01' },
			{},
			NOW,
		);
		expect(booking.occurrences).toHaveLength(12);
		expect(ics).toMatch(/RRULE:FREQ=MONTHLY;BYDAY=\+1MO;COUNT=12\r\n/);
		expect(shown).toEqual(expected);
	});

	it('moved, unplaced and holiday visits, the first one among them, across the March and November changes', async () => {
		// The first visit clashes and moves; the third is on a holiday; the fifth has no room all morning.
		const calendar = { holidays: ['2027-03-01'] };
		await schedule(
			{
				operation: 'book',
				job: { ...job, duration_minutes: 60 },
				start: '2027-02-15T09:00:00-05:00',
			},
			{ store, now: NOW, calendar: { crews: SOLO, timeZone: ZONE } },
		);
		await schedule(
			{
				operation: 'book',
				job: { ...job, duration_minutes: 600 },
				start: '2027-03-15T08:00:00-04:00',
			},
			{ store, now: NOW, calendar: { crews: SOLO, timeZone: ZONE } },
		);
		const { booking, expected, shown, ics } = await bookAndInvite(
			{
				frequency: 'weekly',
				weekday: 'mon',
				time: '09:00',
				count: 40,
				start_date: '2027-02-15',
				clash_window_minutes: 180,
			},
			calendar,
			NOW,
		);
		expect(booking.series_start).toBe('2027-02-15T09:00:00-05:00');
		expect(booking.occurrences[0]).toMatchObject({
			start: '2027-02-15T10:30:00-05:00',
			moved_minutes: 90,
		});
		expect(booking.skipped).toEqual([
			{ date: '2027-03-01', reason: 'holiday', wanted_start: '2027-03-01T09:00:00-05:00' },
		]);
		expect(booking.conflicts.map((c) => c.wanted_start)).toEqual(['2027-03-15T09:00:00-04:00']);
		expect(ics).toMatch(/DTSTART;TZID=America\/New_York:20270215T090000/);
		expect(ics).toMatch(/EXDATE;TZID=America\/New_York:20270301T090000/);
		expect(ics).toMatch(/RECURRENCE-ID;TZID=America\/New_York:20270215T090000/);
		expect(shown).toHaveLength(38);
		expect(shown).toEqual(expected);
		// Nine o'clock stays nine o'clock on both sides of the changes.
		const local = shown.map(([s]) => DateTime.fromISO(s).setZone(ZONE).toFormat('HH:mm'));
		expect(new Set(local.slice(1))).toEqual(new Set(['09:00']));
	});

	it.each(Array.from({ length: 24 }, (_, i) => i + 1))(
		'random series %i: weekly, every other week, monthly or several days a week, with clashes and holidays',
		async (seed) => {
			const rnd = random(seed);
			const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
			const start = DateTime.fromISO('2027-01-11', { zone: ZONE }).plus({
				days: Math.floor(rnd() * 120),
			});
			const shapes: Array<ScheduleRequest['series']> = [
				{
					frequency: 'weekly',
					weekday: pick(['mon', 'tue', 'wed', 'thu', 'fri']),
					count: 10 + Math.floor(rnd() * 30),
				},
				{
					frequency: 'biweekly',
					weekday: pick(['mon', 'wed', 'fri']),
					count: 6 + Math.floor(rnd() * 20),
				},
				{
					frequency: 'monthly',
					weekday: pick(['mon', 'tue', 'thu']),
					count: 4 + Math.floor(rnd() * 9),
				},
				{
					frequency: 'weekly',
					visits_per_week: 2 + Math.floor(rnd() * 3),
					count: 12 + Math.floor(rnd() * 30),
				},
				{
					rrule: pick([
						'FREQ=MONTHLY;BYDAY=-1FR;COUNT=8',
						'FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH;COUNT=12',
						'FREQ=MONTHLY;BYMONTHDAY=15;COUNT=9',
					]),
				},
			];
			const spec = {
				...pick(shapes),
				time: pick(['08:00', '09:00', '10:30', '13:00']),
				start_date: start.toISODate()!,
				clash_window_minutes: pick([0, 60, 120]),
			};
			// Clashes: bookings of the solo crew near where visits will fall, short (a visit moves) or long (it cannot be placed).
			for (let k = 0; k < 8; k++) {
				const day = start.plus({ days: Math.floor(rnd() * 200) });
				const [h, m] = spec.time.split(':').map(Number);
				const at = day.set({ hour: h, minute: m }).plus({ minutes: pick([-60, -30, 0, 30, 60]) });
				const minutes = pick([30, 60, 240, 540]);
				if (at.hour < 8 || at.plus({ minutes }).hour >= 18) continue;
				await schedule(
					{ operation: 'book', job: { ...job, duration_minutes: minutes }, start: at.toISO()! },
					{ store, now: NOW, calendar: { crews: SOLO, timeZone: ZONE } },
				).catch(() => null);
			}
			const holidays = Array.from({ length: 4 }, () =>
				start.plus({ days: Math.floor(rnd() * 200) }).toISODate()!,
			);
			const { booking, expected, shown } = await bookAndInvite(
				spec as ScheduleRequest['series'],
				{ holidays },
				NOW,
			);
			expect(shown).toEqual(expected);
			expect(shown.length).toBe(booking.occurrences.length);
		},
	);
});

describe('seriesInvite refuses what a calendar cannot hold, naming the field', () => {
	const visit = {
		start: '2027-02-15T09:00:00-05:00',
		end: '2027-02-15T11:00:00-05:00',
		moved_minutes: 0,
	};
	it.each([
		[{ occurrences: [visit] }, 'booking.rrule'],
		[{ rrule: 'FREQ=SOMETIMES;COUNT=3', occurrences: [visit] }, 'booking.rrule'],
		[
			{ rrule: 'FREQ=WEEKLY;BYDAY=MO\r\nATTENDEE:mailto:evil@example.com', occurrences: [visit] },
			'booking.rrule',
		],
		[{ rrule: 'FREQ=WEEKLY;BYDAY=MO', occurrences: [visit] }, 'booking.rrule'],
		[
			{ rrule: 'FREQ=WEEKLY;COUNT=3', occurrences: [{ ...visit, start: 'next monday' }] },
			'booking.occurrences[0].start',
		],
		[{ rrule: 'FREQ=WEEKLY;COUNT=3' }, 'booking.series_start'],
	])('%j -> %s', (booking, field) => {
		expect(() => seriesInvite(booking, ZONE)).toThrow(expect.objectContaining({ field }));
	});

	it('a booking object from elsewhere whose first visit is off the rule still shows as booked (RFC 5545 counts DTSTART)', () => {
		const invite = seriesInvite(
			{
				rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3',
				series_start: '2027-02-17T09:00:00-05:00',
				occurrences: [
					{
						start: '2027-02-17T09:00:00-05:00',
						end: '2027-02-17T11:00:00-05:00',
						moved_minutes: 0,
					},
				],
			},
			ZONE,
		);
		// A Wednesday start and two Mondays make the three visits; the Mondays were not booked.
		expect(invite.exdates.map((t) => t.toISODate())).toEqual(['2027-02-22', '2027-03-01']);
	});
});
