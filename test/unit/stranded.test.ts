/**
 * Stranded bookings on both stores: the Scheduling Agent keeps the case's id on each visit it
 * books from a case, and a confirmed visit whose case does not list it some minutes later is
 * found (the case never recorded, or recorded without the visit: the flow stopped between the
 * two), one entry per case, a series as one. Visits with no case, cancelled ones, recent ones
 * and old ones are left alone; handing the case over records the visits on it, so the next check
 * finds nothing. Bad settings name the field.
 */
import { recordCaseStep, getCase } from '../../nodes/shared/records/cases';
import {
	strandedBookings,
	strandedCaseItem,
	strandedReason,
} from '../../nodes/shared/records/stranded';
import { schedule, type ScheduleRequest } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

const NOW = '2026-11-25T10:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const MINUTE = 60_000;
const JOB = { service_type: 'standard_cleaning', duration_minutes: 60 };
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };

const book = async (store: BookingStore, start: string, more: Partial<ScheduleRequest> = {}) => {
	const result = await schedule(
		{ operation: 'book', job: JOB, crew_id: 'crew-a', start, ...more },
		{ store, now: NOW },
	);
	expect(result.status).toBe('confirmed');
	return result.booking_id!;
};

describe.each(storeBackends('stranded'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	it('finds the visits whose case does not list them, one entry per case, and none once handed over', async () => {
		const customer = { name: 'Ines Ward', email: 'ines@example.com' };
		// Recorded with its visit: the flow finished.
		const finished = await book(store, '2026-11-30T09:00:00-05:00', {
			case_id: 'cs_finished01',
			customer,
		});
		await recordCaseStep(
			store,
			{
				case: { case_id: 'cs_finished01' },
				booking: { booking_id: finished, status: 'confirmed' },
			},
			'answered',
			BY,
			NOW_MS,
		);
		// The case recorded when the request came in, the visit booked, then the flow stopped.
		const halfway = await book(store, '2026-11-30T11:00:00-05:00', {
			case_id: 'cs_halfway01',
			customer,
		});
		await recordCaseStep(store, { case: { case_id: 'cs_halfway01' } }, 'answered', BY, NOW_MS);
		// Booked, and the flow stopped before any case.
		const unrecorded = await book(store, '2026-11-30T13:00:00-05:00', {
			case_id: 'cs_nocase0001',
			customer: { name: 'Olu Park', phone: '+12125550123' },
		});
		// A visit booked without a case (a Scheduling node given its fields) and a cancelled one.
		await book(store, '2026-12-01T09:00:00-05:00');
		const cancelled = await book(store, '2026-12-01T11:00:00-05:00', { case_id: 'cs_cancel0001' });
		await schedule({ operation: 'cancel', booking_id: cancelled }, { store, now: NOW });
		// A weekly series whose flow stopped before its case: one entry with its four visits.
		const series = await schedule(
			{
				operation: 'bookSeries',
				job: JOB,
				case_id: 'cs_series0001',
				series: {
					frequency: 'weekly',
					weekday: 'wed',
					time: '15:00',
					count: 4,
					start_date: '2026-12-02',
				},
			},
			{ store, now: NOW },
		);
		expect(series.occurrences).toHaveLength(4);
		expect((await store.getBooking(unrecorded))?.details).toMatchObject({
			case_id: 'cs_nocase0001',
		});

		const check = (minutesLater: number, olderThanMinutes = 15, lookBackHours = 24) =>
			strandedBookings(store, {
				nowMs: NOW_MS + minutesLater * MINUTE,
				olderThanMinutes,
				lookBackHours,
			});
		// Still young: their flows may be running.
		expect(await check(10)).toEqual([]);
		// Too old to look at again.
		expect(await check(20, 15, 0.1)).toEqual([]);

		const found = await check(20);
		expect(
			found.map((s) => [s.case_id, s.case_recorded, s.bookings.map((b) => b.id)]).sort(),
		).toEqual(
			[
				['cs_halfway01', true, [halfway]],
				['cs_nocase0001', false, [unrecorded]],
				['cs_series0001', false, series.occurrences.map((o) => o.booking_id)],
			].sort(),
		);
		const lone = found.find((s) => s.case_id === 'cs_nocase0001')!;
		expect(lone.bookings[0].crew_name).toBe('Crew A');
		expect(strandedReason(lone, NOW_MS + 20 * MINUTE)).toBe(
			'The visit ' +
				unrecorded +
				" (standard cleaning, Crew A, Mon Nov 30, 1:00 PM) was booked 20 minutes ago, but the flow that booked it stopped before it recorded the case and confirmed it to the customer (an n8n worker stopped?). Check the customer got their confirmation (the case's messages), then confirm the visit with them or cancel it.",
		);
		const seriesEntry = found.find((s) => s.case_id === 'cs_series0001')!;
		expect(strandedReason(seriesEntry, NOW_MS + 20 * MINUTE)).toMatch(
			/^4 visits from bk_\S+ \(standard cleaning, .+, Wed Dec 2, 3:00 PM\) were booked 20 minutes ago, but the flow that booked them stopped/,
		);

		// The Human Queue records the handoff on each case: its visits are then listed, and the check is quiet.
		for (const stranded of found) {
			const item = strandedCaseItem(stranded, NOW_MS + 20 * MINUTE);
			expect(item).toMatchObject({
				case: { case_id: stranded.case_id },
				booking: { booking_id: stranded.bookings[0].id, status: 'confirmed' },
			});
			await recordCaseStep(store, item, 'handedOver', BY, NOW_MS + 20 * MINUTE);
		}
		expect(await check(25)).toEqual([]);
		const handed = await getCase(store, 'cs_nocase0001');
		expect(handed).toMatchObject({
			status: 'waiting_ops',
			booking_ids: [unrecorded],
			customer: { name: 'Olu Park', phone: '+12125550123' },
			decision: { reason: expect.stringContaining(unrecorded) },
		});
		expect((await getCase(store, 'cs_series0001'))?.booking_ids).toHaveLength(4);
		// The case recorded before keeps what it had and gains its visit.
		expect((await getCase(store, 'cs_halfway01'))?.booking_ids).toEqual([halfway]);
	});

	it('names the setting a bad value came from', async () => {
		for (const [field, check] of [
			['olderThanMinutes', { nowMs: NOW_MS, olderThanMinutes: -1, lookBackHours: 24 }],
			['olderThanMinutes', { nowMs: NOW_MS, olderThanMinutes: Number.NaN, lookBackHours: 24 }],
			['lookBackHours', { nowMs: NOW_MS, olderThanMinutes: 15, lookBackHours: 0 }],
			['lookBackHours', { nowMs: NOW_MS, olderThanMinutes: 15, lookBackHours: '24' }],
		] as const)
			await expect(strandedBookings(store, check as never)).rejects.toMatchObject({
				field,
				message: expect.stringMatching(
					/: set "(Booked at Least \(Minutes\) Ago|Look Back \(Hours\))" to a number in that range\.$/,
				),
			});
	});
});
