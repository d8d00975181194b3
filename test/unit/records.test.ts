/**
 * Case records, the weekly numbers, the ops board and the CSV exports, on a seeded month
 * whose figures are known by construction (test/fixtures/seeded-month.ts), in SQLite and
 * in PostgreSQL: the same SQL must give the same figures on both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DateTime } from 'luxon';

import { boardHtml, readBoard } from '../../nodes/BookingRecords/board';
import { csvField, exportCsv, reportMessage } from '../../nodes/BookingRecords/exports';
import { periodOf, weeklyNumbers } from '../../nodes/BookingRecords/report';
import {
	applyCaseStep,
	caseChannel,
	caseEvents,
	caseIdOf,
	getCase,
	recordCaseStep,
} from '../../nodes/shared/records/cases';
import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingStore,
} from '../../nodes/shared/store';
import { claimMessages, queueMessages, recordFailure } from '../../nodes/shared/records/outbox';
import { storeBackends } from '../support/stores';
import {
	CALENDAR,
	EXPECTED_MONTH,
	EXPECTED_WEEK,
	MONTH_START,
	ZONE,
	seedMonth,
} from '../fixtures/seeded-month';

jest.setTimeout(60_000);

const BY = {
	workflow: 'Test',
	executionId: '1',
	executionUrl: 'http://n8n.test/workflow/w/executions/1',
};
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

describe('a case record, step by step (pure)', () => {
	const item = {
		idempotency_key: 'req-1',
		channel: 'web',
		message: 'Deep clean of a 3 bedroom house please',
		received_at: '2026-11-02T10:00:00-05:00',
		customer: {
			name: 'Ana',
			email: 'Ana@Example.com',
			phone: '+12125550100',
			address: '1 Main St',
		},
		qualification: { is_qualified: true, lead_score: 80, service_type: 'deep_cleaning' },
		quote: {
			quote_id: 'q1',
			total_cents: 42000,
			currency: 'USD',
			valid_until: '2026-11-16',
			recurring: null,
		},
	};

	it('an ask-back waits for the customer; their answers are a decision on the case; the booking follows', () => {
		const lacking = {
			...item,
			customer: { ...item.customer, address: null },
			quote: undefined,
			qualification: { ...item.qualification, ask_before_booking: ['address'] },
			link: { kind: 'ask_back', url: 'https://n8n.example/webhook/link?t=lk_1' },
			decision: { kind: 'missing_info' },
		};
		const asked = applyCaseStep(null, lacking, 'asked', BY, at('2026-11-02T10:00:20'));
		expect(asked.record).toMatchObject({ status: 'waiting_customer', decision: null });
		expect(asked.record.first_answer_at_ms).toBe(at('2026-11-02T10:00:20'));
		expect(asked.events.find((e) => e.kind === 'asked')?.data).toEqual({
			kind: 'missing_info',
			fields: ['address'],
			link: 'https://n8n.example/webhook/link?t=lk_1',
		});
		const answers = { address: '1 Main St', bedrooms: 3 };
		const answered = applyCaseStep(
			asked.record,
			{
				...lacking,
				decision: { kind: 'missing_info', outcome: 'answered', decided_by: 'Ana', answers },
			},
			'decided',
			{ ...BY, executionId: 'e2' },
			at('2026-11-03T09:00'),
		);
		expect(answered.record.status).toBe('open');
		expect(answered.events.find((e) => e.kind === 'decided')?.data).toMatchObject({
			kind: 'missing_info',
			outcome: 'answered',
			answers,
		});
		// Asking again after the case closed does not reopen it.
		const closed = applyCaseStep(answered.record, item, 'expired', BY, at('2026-11-05T10:00'));
		expect(
			applyCaseStep(closed.record, lacking, 'asked', BY, at('2026-11-05T11:00')).record.status,
		).toBe('expired');
	});

	it('keeps the first answer, moves to waiting for the customer, then to booked, and never back', () => {
		const first = applyCaseStep(null, item, 'answered', BY, at('2026-11-02T10:00:40'));
		expect(first.record).toMatchObject({
			case_id: caseIdOf(item),
			channel: 'web_form',
			status: 'waiting_customer',
			quote_cents: 42000,
			first_answer_at_ms: at('2026-11-02T10:00:40'),
			thread: { email: 'ana@example.com', phone: '+12125550100' },
		});
		expect(first.events.map((e) => e.kind)).toEqual([
			'received',
			'qualified',
			'quoted',
			'answered',
			'status',
		]);
		const booked = applyCaseStep(
			first.record,
			{ ...item, booking: { status: 'confirmed', booking_id: 'b1' } },
			'answered',
			{ ...BY, executionId: '2' },
			at('2026-11-03T09:00'),
		);
		expect(booked.record).toMatchObject({
			status: 'booked',
			booked_cents: 42000,
			booking_ids: ['b1'],
			booked_at_ms: at('2026-11-03T09:00'),
			first_answer_at_ms: at('2026-11-02T10:00:40'),
			dispatched_at_ms: null,
		});
		// A later answer (a reminder, say) does not undo the booking nor move the first answer.
		const later = applyCaseStep(
			booked.record,
			item,
			'answered',
			{ ...BY, executionId: '3' },
			at('2026-11-04T09:00'),
		);
		expect(later.record.status).toBe('booked');
		expect(later.record.booking_ids).toEqual(['b1']);
		expect(later.record.first_answer_at_ms).toBe(at('2026-11-02T10:00:40'));
	});

	it('reads the decision a person must take, and records a failed delivery without changing the case', () => {
		const asked = applyCaseStep(
			null,
			{ ...item, negotiation: { escalate_to_human: true, pending_approval: { discount_pct: 12 } } },
			'handedOver',
			BY,
			at('2026-11-02T10:01'),
			'Approve 12% or not',
		);
		expect(asked.record.status).toBe('waiting_ops');
		expect(asked.record.decision).toMatchObject({
			kind: 'discount_approval',
			reason: 'Approve 12% or not',
			link: BY.executionUrl,
		});
		const bounced = applyCaseStep(
			asked.record,
			{
				...item,
				delivery_failure: { channel: 'sms', label: 'Confirmation', error: '21610 unsubscribed' },
			},
			'handedOver',
			{ ...BY, executionId: '9' },
			at('2026-11-02T10:02'),
		);
		expect(bounced.record.status).toBe('waiting_ops');
		expect(bounced.events.find((e) => e.kind === 'delivery_failed')?.data).toEqual({
			channel: 'sms',
			label: 'Confirmation',
			error: '21610 unsubscribed',
		});
		const won = applyCaseStep(bounced.record, item, 'won', BY, at('2026-11-02T11:00'));
		expect(won.record).toMatchObject({ status: 'booked', decision: null });
	});

	it('maps the channels people write to the five the records keep', () => {
		expect(['web', 'Web Form', 'form'].map(caseChannel)).toEqual([
			'web_form',
			'web_form',
			'web_form',
		]);
		expect(['SMS', 'text', 'e-mail', 'Email', 'chat', 'api', undefined].map(caseChannel)).toEqual([
			'sms',
			'sms',
			'email',
			'email',
			'chat',
			'webhook',
			'webhook',
		]);
	});

	it("counts a request by the channel it named, and one that named none as the webhook's", () => {
		const facts = (extra: Record<string, unknown>) =>
			applyCaseStep(null, { ...item, ...extra }, 'answered', BY, at('2026-11-02T10:01')).record
				.channel;
		// The templates' case says "web" when the body named no channel.
		expect(facts({ channel: 'web', request: { message: 'x' } })).toBe('webhook');
		expect(facts({ channel: 'web', request: { channel: 'web' } })).toBe('web_form');
		expect(facts({ channel: 'sms', request: { channel: 'text' } })).toBe('sms');
		expect(facts({ channel: 'email' })).toBe('email');
	});

	it('refuses a case id that is not one, naming the field', () => {
		expect(() => caseIdOf({ case: { case_id: "x'; DROP TABLE cases;--" } })).toThrow(
			/case\.case_id|cs_/,
		);
		expect(caseIdOf({ idempotency_key: 'k' })).toBe(caseIdOf({ idempotency_key: 'k' }));
		expect(caseIdOf({})).not.toBe(caseIdOf({}));
	});

	it('writes a CSV a spreadsheet cannot run', () => {
		expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
		expect(csvField('-12.5')).toBe('-12.5');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('line\nbreak')).toBe('"line\nbreak"');
	});
});

describe.each(storeBackends('records'))('the seeded month in %s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	let ids: string[][];
	beforeAll(async () => {
		({ store, done } = await open());
		ids = await seedMonth(store);
	});
	afterAll(async () => await done?.());

	const options = { calendar: CALENDAR, goalSeconds: 120 };

	it("last week's numbers (read on the Wednesday after) equal the week's known figures", async () => {
		const period = periodOf('lastWeek', ZONE, at('2026-11-11T09:00'));
		expect(period.label).toBe('Monday, November 2 to Sunday, November 8, 2026');
		const n = await weeklyNumbers(store, period, options);
		expect(n).toMatchObject({
			leads: EXPECTED_WEEK.leads,
			by_channel: EXPECTED_WEEK.by_channel,
			qualified: EXPECTED_WEEK.qualified,
			quoted: EXPECTED_WEEK.quoted,
			won: EXPECTED_WEEK.won,
			conversion: EXPECTED_WEEK.conversion,
			revenue_booked: [{ currency: 'USD', cents: EXPECTED_WEEK.revenue_cents }],
			first_answer: EXPECTED_WEEK.first_answer,
			emergencies: EXPECTED_WEEK.emergencies,
			emergency_response: { ...EXPECTED_WEEK.emergency_response, goal_seconds: 120 },
			utilisation: EXPECTED_WEEK.utilisation,
			cancellations: EXPECTED_WEEK.cancellations,
			failed_deliveries: EXPECTED_WEEK.failed_deliveries,
		});
		expect(n.crews).toEqual(EXPECTED_WEEK.crews.map((c) => expect.objectContaining(c)));
	});

	it("the month's numbers (a holiday and a day off in it) equal the month's known figures", async () => {
		const period = periodOf('custom', ZONE, Date.now(), { from: MONTH_START, to: '2026-11-29' });
		const n = await weeklyNumbers(store, period, options);
		expect(n).toMatchObject({
			leads: EXPECTED_MONTH.leads,
			won: EXPECTED_MONTH.won,
			quoted: EXPECTED_MONTH.quoted,
			conversion: EXPECTED_MONTH.conversion,
			revenue_booked: [{ currency: 'USD', cents: EXPECTED_MONTH.revenue_cents }],
			first_answer: expect.objectContaining(EXPECTED_MONTH.first_answer),
			emergency_response: expect.objectContaining(EXPECTED_MONTH.emergency_response),
			utilisation: EXPECTED_MONTH.utilisation,
			cancellations: EXPECTED_MONTH.cancellations,
			failed_deliveries: EXPECTED_MONTH.failed_deliveries,
		});
		expect(n.crews).toEqual(EXPECTED_MONTH.crews.map((c) => expect.objectContaining(c)));
		const mail = reportMessage(n, 'Sparkle & Restore');
		expect(mail.subject).toBe(
			'Sparkle & Restore, Monday, November 2 to Sunday, November 29, 2026: 40 leads, 20 won, $9,200.00 booked',
		);
		expect(mail.text).toMatch(/Quote to booking\s+63% \(20 of 32\)/);
		expect(mail.text).toMatch(
			/Emergency response\s+median 1 min 50 s, p95 2 min 30 s; 4 of 12 within 2 min, 4 not dispatched automatically/,
		);
		expect(mail.html).toContain('Sparkle &amp; Restore');
	});

	it('a retried step writes its events once, and the events tell the story', async () => {
		const caseId = ids[0][6]; // the water emergency of week 1
		const events = await caseEvents(store, caseId);
		expect(events.map((e) => e.kind).sort()).toEqual([
			'answered',
			'booked',
			'dispatched',
			'qualified',
			'quoted',
			'received',
			'status',
		]);
		expect(events[0].kind).toBe('received');
		const record = (await getCase(store, caseId))!;
		expect(record).toMatchObject({
			status: 'booked',
			is_emergency: true,
			emergency_type: 'water_damage',
		});
		expect((record.dispatched_at_ms! - record.received_at_ms) / 1000).toBe(70);
	});

	it('the board on Monday, November 30 shows the dispatch, the waiting cases and the emergencies', async () => {
		const nowMs = at('2026-11-30T08:30');
		// Monday's visits: one for each crew.
		await store.write(null, 'board-day', nowMs, async (tx) => {
			for (const [id, crew, hour] of [
				['bd-1', 'crew-a', '09'],
				['bd-2', 'crew-b', '13'],
				['bd-3', 'crew-a', '14'],
			] as const)
				await tx.insertBooking({
					id,
					crew_id: crew,
					start_ms: at(`2026-11-30T${hour}:00`),
					end_ms: at(`2026-11-30T${hour}:50`),
					busy_until_ms: at(`2026-11-30T${hour}:50`),
					time_zone: ZONE,
					status: 'confirmed',
					hold_expires_ms: null,
					series_id: null,
					service: 'deep_cleaning',
					priority: 5,
					customer: { name: `<b>${id}</b>`, address: '9 Elm St' },
					// The crew of the first visit is on its way (its page's first step).
					details: id === 'bd-1' ? { progress: { on_my_way_ms: nowMs } } : null,
					cancel_reason: null,
					created_at_ms: nowMs,
					updated_at_ms: nowMs,
				});
		});
		// A confirmation whose first send failed waits in the outbox for its next try.
		const [retried] = await queueMessages(
			store,
			[
				{
					key: 'board:retried',
					case_id: null,
					label: 'Confirmation',
					channel: 'email',
					recipient: 'rita@example.com',
					content: { from: 'Sparkle <hi@sparkle.example>', subject: 'Booked', text: 'Booked' },
					quiet_hours: null,
					case_item: { customer: { name: 'Rita <Retry>' } },
				},
			],
			nowMs,
		);
		await claimMessages(store, { ids: [retried.id] }, nowMs);
		await recordFailure(store, retried.id, 'connect ECONNREFUSED 127.0.0.1:25', nowMs, [60_000]);
		const board = await readBoard(store, {
			nowMs,
			business: 'Sparkle',
			timeZone: ZONE,
			crews: CALENDAR.crews,
			goalSeconds: 120,
			numbers: null,
			exportUrl: 'http://n8n.test/webhook/board',
		});
		expect(board.crews.map((c) => [c.crew_id, c.today.map((v) => v.booking_id)])).toEqual([
			['crew-a', ['bd-1', 'bd-3']],
			['crew-b', ['bd-2']],
		]);
		expect(board.crews[0].today.map((v) => v.progress)).toEqual(['on the way', null]);
		// Each week: the fire emergency with no room and the chat customer who asked for a person.
		expect(board.waiting_on_ops.map((c) => c.decision?.kind).sort()).toEqual([
			'no_room',
			'no_room',
			'no_room',
			'no_room',
			'wants_human',
			'wants_human',
			'wants_human',
			'wants_human',
		]);
		// Quotes never answered: web_form (bounced) and the e-mail one, each week.
		expect(board.awaiting_reply).toHaveLength(8);
		// Emergencies in the last 7 days: week 4's three.
		expect(board.emergencies.map((e) => e.response_seconds).sort()).toEqual([150, 70, null].sort());
		expect(board.failed_deliveries).toHaveLength(1);
		expect(board.retrying_deliveries).toEqual([
			expect.objectContaining({
				outbox_id: retried.id,
				customer: 'Rita <Retry>',
				channel: 'email',
				attempts: 1,
				error: 'connect ECONNREFUSED 127.0.0.1:25',
			}),
		]);
		const html = boardHtml(board);
		expect(html).toMatch(/Messages being tried again <span class="count">1<\/span>/);
		expect(html).toContain(
			'<b>Rita &lt;Retry&gt;</b>: the confirmation e-mail is being tried again (1 try so far)',
		);
		expect(html).toContain('&lt;b&gt;bd-1&lt;/b&gt;');
		expect(html).not.toContain('<b>bd-1</b>');
		expect(html).toMatch(/&lt;\/b&gt;<span class="muted"> · deep cleaning · on the way<\/span>/);
		expect(html).toContain('href="http://n8n.test/webhook/board?export=cases"');
		// A booking waiting for the details it was asked for is listed with the quotes, as such.
		const asking = boardHtml({
			...board,
			awaiting_reply: [{ ...board.awaiting_reply[0], quote_cents: null, currency: null }],
		});
		expect(asking).toMatch(/Waiting for the customer <span class="count">1<\/span>/);
		expect(asking).toMatch(/<\/b> details asked for<br>/);
	});

	it("late on a Sunday the board shows the night's call-out, unfolded, and Monday's visits", async () => {
		const nowMs = at('2026-12-06T23:40');
		await store.write(null, 'board-sunday', nowMs, async (tx) => {
			for (const [id, start, priority] of [
				['sun-night', '2026-12-07T00:30', 10],
				['mon-day', '2026-12-07T14:00', 5],
				['tue-day', '2026-12-08T09:00', 5],
			] as const)
				await tx.insertBooking({
					id,
					crew_id: 'crew-a',
					start_ms: at(start),
					end_ms: at(start) + 3_600_000,
					busy_until_ms: at(start) + 3_600_000,
					time_zone: ZONE,
					status: 'confirmed',
					hold_expires_ms: null,
					series_id: null,
					service: 'water_damage',
					priority,
					customer: { name: id, address: '9 Elm St' },
					details: null,
					cancel_reason: null,
					created_at_ms: nowMs,
					updated_at_ms: nowMs,
				});
		});
		const board = await readBoard(store, {
			nowMs,
			business: 'Sparkle',
			timeZone: ZONE,
			crews: CALENDAR.crews,
			goalSeconds: 120,
			numbers: null,
			exportUrl: null,
		});
		const crewA = board.crews.find((c) => c.crew_id === 'crew-a')!;
		// The week ends tonight; tomorrow is still on the board, the day after is not.
		expect(crewA.coming_up.map((v) => v.booking_id)).toEqual(['sun-night', 'mon-day']);
		const html = boardHtml(board);
		expect(html).toMatch(
			/<details open><summary>2 coming up<\/summary><ul><li data-booking="sun-night" class="urgent"><b>Mon 7 00:30-01:30<\/b>/,
		);
		// At noon the same night's visits are twelve hours off or more: folded.
		const noon = boardHtml({
			...board,
			generated_at: DateTime.fromMillis(at('2026-12-06T12:00'), { zone: ZONE }).toISO()!,
		});
		expect(noon).toContain('<details><summary>2 coming up</summary>');
	});

	it('exports the cases and the visits as CSV', async () => {
		const period = periodOf('custom', ZONE, Date.now(), { from: MONTH_START, to: '2026-11-08' });
		const cases = await exportCsv(store, 'cases', period);
		expect(cases.fileName).toBe('cases-2026-11-02-to-2026-11-08.csv');
		expect(cases.rows).toBe(10);
		const lines = cases.csv.trim().split('\r\n');
		expect(lines[0]).toMatch(/^case_id,received_at,channel,status,/);
		expect(lines[1]).toMatch(
			/^cs_[0-9a-f]{24},2026-11-02T10:00:00-05:00,web_form,booked,Customer 1\.0,/,
		);
		const bookings = await exportCsv(store, 'bookings', period);
		expect(bookings.rows).toBe(7); // five visits and two cancelled bookings
	});
	it('two executions recording the same case at once both land, merged', async () => {
		const item = {
			idempotency_key: 'race',
			channel: 'sms',
			received_at: '2026-12-01T10:00:00-05:00',
			customer: { name: 'Race' },
		};
		await Promise.all([
			recordCaseStep(
				store,
				{ ...item, quote: { quote_id: 'qr', total_cents: 100, currency: 'USD' } },
				'answered',
				{ ...BY, executionId: 'a' },
				at('2026-12-01T10:00:10'),
			),
			recordCaseStep(
				store,
				{ ...item, delivery_failure: { channel: 'sms', label: 'Quote', error: 'x' } },
				'handedOver',
				{ ...BY, executionId: 'b' },
				at('2026-12-01T10:00:20'),
			),
		]);
		const record = (await getCase(store, caseIdOf(item)))!;
		expect(record.quote_cents).toBe(100);
		expect(
			(await caseEvents(store, record.case_id)).filter((e) => e.kind === 'delivery_failed'),
		).toHaveLength(1);
	});
});
