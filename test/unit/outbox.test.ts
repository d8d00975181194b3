/**
 * The outbox on both stores: a message written twice is one row, a claimed message is never
 * claimed again until its lease ends, each failed try waits its turn on the schedule (a text
 * never in quiet hours), the last one gives up once, and many senders at once send each message
 * once. Bad schedules name the field.
 */
import { DateTime } from 'luxon';

import {
	claimMessages,
	DEFAULT_RETRY_SCHEDULE,
	getMessage,
	inQuietHours,
	messageKey,
	outsideQuietHours,
	parseRetrySchedule,
	quietHoursForRetries,
	queueMessages,
	recordFailure,
	recordSent,
	unsentMessages,
	type OutboxDraft,
} from '../../nodes/shared/records/outbox';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

const NY = 'America/New_York';
const QUIET = { start: '21:00', end: '08:00', time_zone: NY };
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const SCHEDULE = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);

function draft(n: number, more: Partial<OutboxDraft> = {}): OutboxDraft {
	const content = {
		from: 'Bright Clean <hello@brightclean.example>',
		subject: `Visit ${n}`,
		text: `Your visit ${n}`,
	};
	return {
		key: messageKey({
			caseId: null,
			executionId: 'exec-1',
			node: 'Put the Confirmation in the Outbox',
			itemIndex: n,
			channel: 'email',
			recipient: `c${n}@example.com`,
			content,
		}),
		case_id: `case_${n}`,
		label: 'Confirmation',
		channel: 'email',
		recipient: `c${n}@example.com`,
		content,
		quiet_hours: null,
		case_item: { customer: { name: `Customer ${n}` }, case: { case_id: `case_${n}` } },
		...more,
	};
}

describe('retry schedule', () => {
	it('reads waits in seconds, minutes and hours', () => {
		expect(SCHEDULE).toEqual([60_000, 300_000, 1_800_000, 7_200_000]);
		expect(parseRetrySchedule('30s,1.5m, 1H')).toEqual([30_000, 90_000, 3_600_000]);
		expect(parseRetrySchedule('')).toEqual([]);
	});
	it.each([['5'], ['5 days'], ['-1m'], ['1m,,2m'], ['200h'], [Array(21).fill('1m').join(',')]])(
		'refuses %p naming the field',
		(text) => {
			expect(() => parseRetrySchedule(text)).toThrow(
				expect.objectContaining({ field: 'retrySchedule' }),
			);
		},
	);
});

describe('quiet hours', () => {
	it('moves a time inside them to their end, that night or the next morning', () => {
		expect(inQuietHours(at('2026-12-07T22:30'), QUIET)).toBe(true);
		expect(outsideQuietHours(at('2026-12-07T22:30'), QUIET)).toBe(at('2026-12-08T08:00'));
		expect(outsideQuietHours(at('2026-12-08T03:10'), QUIET)).toBe(at('2026-12-08T08:00'));
		expect(outsideQuietHours(at('2026-12-08T12:00'), QUIET)).toBe(at('2026-12-08T12:00'));
		// Quiet hours inside one day, and none at all.
		const lunch = { start: '12:00', end: '13:00', time_zone: NY };
		expect(outsideQuietHours(at('2026-12-08T12:15'), lunch)).toBe(at('2026-12-08T13:00'));
		expect(outsideQuietHours(at('2026-12-08T12:15'), { ...lunch, end: '12:00' })).toBe(
			at('2026-12-08T12:15'),
		);
		expect(outsideQuietHours(at('2026-12-08T23:00'), null)).toBe(at('2026-12-08T23:00'));
	});
	it('lets a text written in quiet hours (an emergency at night) be retried at once', () => {
		expect(quietHoursForRetries(at('2026-12-08T02:00'), QUIET)).toBeNull();
		expect(quietHoursForRetries(at('2026-12-08T14:00'), QUIET)).toEqual(QUIET);
	});
	it('keeps local time across a DST change', () => {
		// 2027-03-14 is the spring-forward night in New York.
		expect(outsideQuietHours(at('2027-03-14T01:30'), QUIET)).toBe(at('2027-03-14T08:00'));
	});
});

describe.each(storeBackends('outbox'))('outbox on %s', (_name, openStore) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await openStore()));
	afterEach(async () => await done?.());

	it('keeps a message written twice (a retried step) once', async () => {
		const now = Date.now();
		const [first] = await queueMessages(store, [draft(1)], now);
		const [again] = await queueMessages(store, [draft(1)], now + 5);
		expect(again.id).toBe(first.id);
		expect(first).toMatchObject({ status: 'queued', attempts: 0, next_attempt_at_ms: now });
		const [{ n }] = await store.read('SELECT COUNT(*) AS n FROM outbox');
		expect(Number(n)).toBe(1);
		// What the handoff needs comes back as written.
		expect((await getMessage(store, first.id))?.case_item).toEqual(draft(1).case_item);
	});

	it('gives a claimed message to no other sender until its lease ends', async () => {
		const now = Date.now();
		const [m] = await queueMessages(store, [draft(2)], now);
		const [claimed] = await claimMessages(store, { ids: [m.id] }, now, 60_000);
		expect(claimed).toMatchObject({ id: m.id, status: 'sending', attempts: 1 });
		expect(await claimMessages(store, { ids: [m.id] }, now + 1)).toEqual([]);
		expect(await claimMessages(store, { due: true, limit: 10 }, now + 59_000)).toEqual([]);
		// The sender died holding it: after the lease it is taken again, a second try.
		const [retaken] = await claimMessages(store, { due: true, limit: 10 }, now + 61_000);
		expect(retaken).toMatchObject({ id: m.id, attempts: 2 });
		await recordSent(store, m.id, now + 62_000);
		expect(await claimMessages(store, { due: true, limit: 10 }, now + 10 * 86_400_000)).toEqual([]);
		expect(await getMessage(store, m.id)).toMatchObject({
			status: 'sent',
			sent_at_ms: now + 62_000,
		});
	});

	it('tries again on the schedule, then gives up once and says so', async () => {
		const t0 = at('2026-12-08T10:00');
		const [m] = await queueMessages(store, [draft(3)], t0);
		let now = t0;
		const waits: number[] = [];
		for (let attempt = 1; attempt <= 5; attempt++) {
			const due = await claimMessages(store, { due: true, limit: 10 }, now);
			expect(due.map((d) => d.id)).toEqual([m.id]);
			const { message, gave_up } = await recordFailure(
				store,
				m.id,
				'SMTP: 421 try later',
				now,
				SCHEDULE,
			);
			if (attempt < 5) {
				expect(gave_up).toBe(false);
				expect(message).toMatchObject({
					status: 'queued',
					attempts: attempt,
					last_error: 'SMTP: 421 try later',
				});
				waits.push(message.next_attempt_at_ms! - now);
				// Not due a moment before its time.
				expect(
					await claimMessages(store, { due: true, limit: 10 }, message.next_attempt_at_ms! - 1),
				).toEqual([]);
				now = message.next_attempt_at_ms!;
			} else {
				expect(gave_up).toBe(true);
				expect(message).toMatchObject({ status: 'failed', attempts: 5 });
			}
		}
		expect(waits).toEqual(SCHEDULE);
		// A failure reported again (a retried Record node) does not give up twice.
		expect((await recordFailure(store, m.id, 'again', now, SCHEDULE)).gave_up).toBe(false);
		expect(await claimMessages(store, { due: true, limit: 10 }, now + 86_400_000)).toEqual([]);
		expect((await unsentMessages(store, t0)).map((u) => [u.id, u.status])).toEqual([
			[m.id, 'failed'],
		]);
	});

	it('holds a retried text until quiet hours end; an e-mail goes when due', async () => {
		const evening = at('2026-12-08T20:59:30');
		const [text, mail] = await queueMessages(
			store,
			[
				draft(4, { channel: 'sms', recipient: '+12125550104', quiet_hours: QUIET, key: 'sms:4' }),
				draft(5, { key: 'email:5' }),
			],
			evening,
		);
		await claimMessages(store, { ids: [text.id, mail.id] }, evening);
		const textAfter = await recordFailure(store, text.id, 'Twilio 503', evening, SCHEDULE);
		const mailAfter = await recordFailure(store, mail.id, 'SMTP down', evening, SCHEDULE);
		expect(textAfter.message.next_attempt_at_ms).toBe(at('2026-12-09T08:00'));
		expect(mailAfter.message.next_attempt_at_ms).toBe(evening + 60_000);
	});

	it('sends each message once when many senders take due messages at once', async () => {
		const now = Date.now();
		const queued = await queueMessages(
			store,
			Array.from({ length: 60 }, (_, n) => draft(100 + n)),
			now,
		);
		const takes = await Promise.all(
			Array.from(
				{ length: 8 },
				async () => await claimMessages(store, { due: true, limit: 15 }, now),
			),
		);
		const ids = takes.flat().map((m) => m.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(60);
		expect(new Set(ids)).toEqual(new Set(queued.map((m) => m.id)));
	});

	it('keys a message by its case when the case is known: the same request run again writes it once', () => {
		const parts = {
			caseId: 'cs_abcd1234',
			executionId: 'exec-1',
			node: 'Put the Confirmation in the Outbox',
			itemIndex: 0,
			channel: 'email' as const,
			recipient: 'a@example.com',
			content: { from: null, subject: 'Booked', text: 'Your visit' },
		};
		expect(messageKey({ ...parts, executionId: 'exec-2', itemIndex: 3 })).toBe(messageKey(parts));
		expect(messageKey({ ...parts, content: { ...parts.content, text: 'Moved' } })).not.toBe(
			messageKey(parts),
		);
		expect(messageKey({ ...parts, caseId: null })).not.toBe(
			messageKey({ ...parts, caseId: null, executionId: 'exec-2' }),
		);
	});

	it('names the field when a message id is unknown', async () => {
		await expect(recordSent(store, 'msg_nope', Date.now())).rejects.toMatchObject({
			field: 'outbox_id',
		});
	});
});
