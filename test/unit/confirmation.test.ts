import fs from 'node:fs';
import path from 'node:path';

import ICAL from 'ical.js';
import { DateTime } from 'luxon';

import {
	askedForPhrase,
	compose,
	DEFAULT_TEMPLATES,
	MESSAGE_KINDS,
	confirmationSchema,
	type ComposeInput,
} from '../../nodes/ConfirmationAgent/compose';
import { confirm, confirmDueFollowUp, recordSmsReply } from '../../nodes/ConfirmationAgent/confirm';
import {
	dueFollowUp,
	followUpPlan,
	type DueFollowUp,
	type PlannedVisit,
} from '../../nodes/ConfirmationAgent/plan';
import {
	fitSms,
	OPT_OUT_KEYWORDS,
	readSmsKeyword,
	smsSize,
	toE164,
} from '../../nodes/ConfirmationAgent/sms';
import { PostgresBookingStore, SqliteBookingStore } from '../../nodes/shared/store';
import { createTestDatabase } from '../../dev/postgres';
import { parseIcs } from '../support/ics';

const NOW = '2026-11-25T12:00:00Z';
const base: ComposeInput = {
	kind: 'booking_confirmation',
	customer: {
		name: 'Dana Lee',
		email: 'dana@example.com',
		phone: '(212) 736-5000',
		address: '12 Oak St, Springfield',
	},
	business: { name: 'Bright Clean', email: 'ops@brightclean.example', phone: '+1 212 736 5001' },
	booking: {
		booking_id: 'bk_1',
		start: '2026-11-30T09:00:00-05:00',
		end: '2026-11-30T12:00:00-05:00',
		time_zone: 'America/New_York',
		crew_name: 'Crew A',
	},
	quote: { total_cents: 16490, currency: 'USD' },
	service: 'standard_cleaning',
};
const c = (input: Partial<ComposeInput> = {}, options: Parameters<typeof compose>[1] = {}) =>
	compose({ ...base, ...input }, { now: NOW, ...options });

describe('SMS: encoding, segments, numbers, keywords', () => {
	it.each([
		['a'.repeat(160), 'GSM-7', 1],
		['a'.repeat(161), 'GSM-7', 2],
		['a'.repeat(306), 'GSM-7', 2],
		['a'.repeat(307), 'GSM-7', 3],
		['€'.repeat(80), 'GSM-7', 1],
		['€'.repeat(81), 'GSM-7', 2],
		['é'.repeat(10), 'GSM-7', 1],
		['ç'.repeat(70), 'UCS-2', 1],
		['ç'.repeat(71), 'UCS-2', 2],
		['😀'.repeat(35), 'UCS-2', 1],
		['😀'.repeat(36), 'UCS-2', 2],
	])('%s... is %s in %p segment(s)', (text, encoding, segments) => {
		expect(smsSize(text)).toMatchObject({ encoding, segments });
	});

	it('keeps to the segment limit and keeps the opt-out line', () => {
		const fitted = fitSms('word '.repeat(200), { maxSegments: 2, optOutLine: true });
		expect(fitted.size.segments).toBeLessThanOrEqual(2);
		expect(fitted.shortened).toBe(true);
		expect(fitted.text.endsWith('Reply STOP to opt out.')).toBe(true);
		expect(fitted.size.encoding).toBe('GSM-7');
	});

	it('writes numbers in E.164 and names a bad one', () => {
		expect(toE164('(212) 736-5000', 'US')).toBe('+12127365000');
		expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
		expect(toE164('+44 20 7946 0018', 'US')).toBe('+442079460018');
		expect(() => toE164('12345', 'US')).toThrow(expect.objectContaining({ field: 'phone' }));
	});

	it.each([
		...OPT_OUT_KEYWORDS.map((k) => [k.toLowerCase(), 'opt_out']),
		['Stop.', 'opt_out'],
		['opt out', 'opt_out'],
		['START', 'opt_in'],
		['please stop by tomorrow', 'none'],
		['cancel my booking on friday', 'none'],
	])('%s -> %s', (text, action) => {
		expect(readSmsKeyword(text).action).toBe(action);
	});
});

describe('e-mail', () => {
	it('composes subject, text, HTML, from and reply-to', () => {
		const r = c();
		expect(r.email).toMatchObject({
			to: 'dana@example.com',
			from: 'Bright Clean <ops@brightclean.example>',
			reply_to: 'ops@brightclean.example',
			subject: 'Your standard cleaning is booked for Monday, November 30',
		});
		expect(r.email!.text).toContain('Monday, November 30 at 9:00 AM EST at 12 Oak St, Springfield');
		expect(r.email!.text).toContain('Price: $164.90.');
		expect(confirmationSchema.parse(r)).toEqual(r);
	});

	it('escapes customer data in the HTML part', () => {
		const r = c({ customer: { ...base.customer, name: '<img src=x onerror=alert(1)> & "Co"' } });
		expect(r.email!.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
		expect(r.email!.html).not.toMatch(/<img/);
	});

	it('a subject cannot carry extra headers', () => {
		const r = c(
			{ customer: { ...base.customer, name: 'Dana\r\nBcc: victim@example.com\r\nX-Evil: 1' } },
			{ templates: { booking_confirmation: { subject: 'Booked, {name}' } } },
		);
		expect(r.email!.subject).not.toMatch(/[\r\n]/);
		expect(r.email!.subject).toBe('Booked, Dana Bcc: victim@example.com X-Evil: 1');
		// An address with a line break is not sent to at all (test/unit/hostile.test.ts).
		const sent = c({
			customer: { ...base.customer, email: 'dana@example.com\r\nBcc: x@example.com' },
		});
		expect(sent.email).toBeNull();
		expect(sent.skipped).toEqual([expect.stringMatching(/is not one e-mail address/)]);
	});
});

describe('calendar invites (checked by ical.js, an independent parser)', () => {
	it('round-trips UID, DTSTAMP, METHOD, SEQUENCE, time zone and times', () => {
		const r = c();
		const cal = parseIcs(r.calendar!.ics);
		expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
		const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
		expect(event.uid).toBe('bk_1@n8n-nodes-booking-agents');
		expect(event.sequence).toBe(0);
		expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-30T14:00:00.000Z');
		expect(event.endDate.toJSDate().toISOString()).toBe('2026-11-30T17:00:00.000Z');
		const vevent = cal.getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('America/New_York');
		expect(cal.getFirstSubcomponent('vtimezone')!.getFirstPropertyValue('tzid')).toBe(
			'America/New_York',
		);
		expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).zone.tzid).toBe('UTC');
		expect(event.location).toBe('12 Oak St, Springfield');
		expect(event.attendees).toHaveLength(1);
	});

	it('a name with newlines, semicolons and commas cannot add properties', () => {
		const evil = 'Dana; ROLE=CHAIR,\nATTENDEE:mailto:evil@example.com\nX-INJECTED:1';
		const r = c({
			customer: {
				...base.customer,
				name: evil,
				address: 'Oak St\nORGANIZER:mailto:evil@example.com',
			},
		});
		const vevent = parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!;
		expect(vevent.getAllProperties('attendee')).toHaveLength(1);
		expect(vevent.getAllProperties('organizer')).toHaveLength(1);
		expect(vevent.getFirstProperty('x-injected')).toBeNull();
		expect(vevent.getFirstProperty('attendee')!.getParameter('cn')).toBe(evil);
		expect(vevent.getFirstPropertyValue('location')).toBe(
			'Oak St\nORGANIZER:mailto:evil@example.com',
		);
	});

	it('an event early in a year still gets its offset from the time zone block', () => {
		const r = c({
			booking: {
				...base.booking,
				start: '2031-03-03T09:00:00-05:00',
				end: '2031-03-03T10:00:00-05:00',
			},
		});
		const event = new ICAL.Event(parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!);
		expect(event.startDate.toJSDate().toISOString()).toBe('2031-03-03T14:00:00.000Z');
	});

	it('a 52-week series expands at 9:00 New York time across the DST changes', () => {
		const r = c({
			booking: { ...base.booking, series_id: 'sr_1', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=52' },
		});
		const event = new ICAL.Event(parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!);
		const it = event.iterator();
		const local: string[] = [];
		for (let next = it.next(); next && local.length < 52; next = it.next())
			local.push(
				DateTime.fromJSDate(next.toJSDate()).setZone('America/New_York').toFormat('HH:mm'),
			);
		expect(local).toHaveLength(52);
		expect(new Set(local)).toEqual(new Set(['09:00']));
		expect(event.uid).toBe('sr_1@n8n-nodes-booking-agents');
	});

	it('a cancellation is METHOD:CANCEL with a higher SEQUENCE and the same UID', () => {
		const r = c({ kind: 'cancellation', sequence: 2, reason: 'customer request' });
		const cal = parseIcs(r.calendar!.ics);
		expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
		const vevent = cal.getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('sequence')).toBe(2);
		expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(vevent.getFirstPropertyValue('uid')).toBe('bk_1@n8n-nodes-booking-agents');
		expect(r.email!.subject).toBe('Cancelled: standard cleaning on Monday, November 30');
	});
});

describe('reminders and the review request', () => {
	const now = DateTime.fromISO(NOW);
	it('24 h and 2 h before, review a day after, never in quiet hours', () => {
		const plan = followUpPlan(
			'2026-11-30T09:00:00-05:00',
			'2026-11-30T12:00:00-05:00',
			'America/New_York',
			now,
		);
		expect(plan.reminders.map((r) => [r.send_at, r.adjusted !== null])).toEqual([
			['2026-11-29T09:00:00-05:00', false],
			['2026-11-29T20:30:00-05:00', true],
		]);
		expect(plan.review_request.send_at).toBe('2026-12-01T12:00:00-05:00');
		const late = followUpPlan(
			'2026-11-30T14:00:00-05:00',
			'2026-11-30T22:00:00-05:00',
			'America/New_York',
			now,
		);
		expect(late.reminders.map((r) => r.send_at)).toEqual([
			'2026-11-29T14:00:00-05:00',
			'2026-11-30T12:00:00-05:00',
		]);
		expect(late.review_request).toMatchObject({ send_at: '2026-12-02T08:00:00-05:00' });
	});

	it('leaves out reminders whose time has passed', () => {
		const plan = followUpPlan(
			'2026-11-25T13:30:00Z',
			'2026-11-25T15:00:00Z',
			'America/New_York',
			now,
		);
		expect(plan.reminders).toEqual([]);
		expect(plan.skipped).toHaveLength(2);
	});
});

describe('follow-ups due now (the Visit Reminders workflow)', () => {
	const zoneNY = 'America/New_York';
	// Marked done by its crew (completed): the review request follows only such a visit (see below).
	const visit = (over: Partial<PlannedVisit> = {}): PlannedVisit => ({
		booking_id: 'bk_1',
		series_id: null,
		status: 'completed',
		start: '2026-11-30T09:00:00-05:00',
		end: '2026-11-30T12:00:00-05:00',
		time_zone: zoneNY,
		created_at: '2026-11-25T12:00:00-05:00',
		...over,
	});
	const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

	/**
	 * What the workflow does: a run every 15 minutes from `from` to `to`, each listing the
	 * visits, keeping what is due and dropping keys already sent (Remove Duplicates).
	 */
	// The visits the shipped template lists each run: its Scheduling List window.
	const listNode = (
		JSON.parse(
			fs.readFileSync(
				path.join(__dirname, '../../workflows-templates/support-visit-reminders.json'),
				'utf8',
			),
		) as { nodes: Array<{ type: string; parameters: Record<string, unknown> }> }
	).nodes.find((n) => n.type.endsWith('schedulingAgent'))!;
	const listed = (v: PlannedVisit, t: DateTime) => {
		const start = at(v.start).toMillis();
		return (
			start < t.toMillis() + (listNode.parameters.withinHours as number) * 3_600_000 &&
			start >= t.toMillis() - (listNode.parameters.lookBackHours as number) * 3_600_000
		);
	};

	function simulate(
		visits: PlannedVisit[],
		from: string,
		to: string,
		options: Parameters<typeof dueFollowUp>[2] = {},
	) {
		const sent: Array<DueFollowUp & { at: string; booking_id: string }> = [];
		const seen = new Set<string>();
		const first = at(from).toUTC().startOf('hour');
		for (let t = first; t <= at(to); t = t.plus({ minutes: 15 })) {
			for (const v of visits) {
				if (!listed(v, t)) continue;
				const due = dueFollowUp(v, t, options);
				if (!due || seen.has(due.key)) continue;
				seen.add(due.key);
				sent.push({
					...due,
					at: t.setZone(v.time_zone).toISO({ suppressMilliseconds: true })!,
					booking_id: v.booking_id,
				});
			}
		}
		return sent;
	}

	it('sends what the confirmation promised: both reminders and the review request, each once, at the planned times', () => {
		const v = visit();
		const promised = followUpPlan(v.start, v.end, zoneNY, at(v.created_at!));
		const sent = simulate([v], v.created_at!, '2026-12-06T00:00:00Z');
		expect(sent.map((m) => [m.kind, m.hours_before, m.at])).toEqual([
			['reminder', 24, promised.reminders[0].send_at],
			['reminder', 2, promised.reminders[1].send_at],
			['review_request', null, promised.review_request.send_at],
		]);
		// The 2 h reminder (07:00) would fall in quiet hours: it goes the evening before, half an hour before they begin.
		expect(promised.reminders[1].send_at).toBe('2026-11-29T20:30:00-05:00');
	});

	it('sends no reminder the customer booked too late for, and nothing for cancelled or held visits', () => {
		const lastMinute = visit({
			created_at: '2026-11-30T06:30:00-05:00',
			start: '2026-11-30T10:00:00-05:00',
			end: '2026-11-30T12:00:00-05:00',
		});
		expect(
			simulate([lastMinute], lastMinute.created_at!, '2026-12-03T00:00:00Z').map((m) => [
				m.kind,
				m.hours_before,
				m.at,
			]),
		).toEqual([
			['reminder', 2, '2026-11-30T08:00:00-05:00'],
			['review_request', null, '2026-12-01T12:00:00-05:00'],
		]);
		const emergency = visit({
			created_at: '2026-11-30T08:30:00-05:00',
			start: '2026-11-30T09:30:00-05:00',
		});
		expect(
			simulate([emergency], emergency.created_at!, '2026-12-03T00:00:00Z').map((m) => m.kind),
		).toEqual(['review_request']);
		expect(
			simulate(
				[visit({ status: 'cancelled' }), visit({ booking_id: 'bk_2', status: 'held' })],
				'2026-11-25T12:00:00-05:00',
				'2026-12-03T00:00:00Z',
			),
		).toEqual([]);
	});

	it('sends nothing in quiet hours: a review request due at night waits for the morning', () => {
		const lateJob = visit({ start: '2026-11-30T16:00:00-05:00', end: '2026-11-30T22:00:00-05:00' });
		const review = simulate([lateJob], lateJob.created_at!, '2026-12-04T00:00:00Z').find(
			(m) => m.kind === 'review_request',
		);
		expect(review).toMatchObject({
			due_at: '2026-12-02T08:00:00-05:00',
			at: '2026-12-02T08:00:00-05:00',
		});
		expect(dueFollowUp(lateJob, at('2026-12-01T23:30:00-05:00'))).toBeNull();
		// Runs missed (n8n was down): what came due is held through the night, then sent if still useful.
		expect(dueFollowUp(visit(), at('2026-11-29T22:00:00-05:00'))).toBeNull();
		expect(dueFollowUp(visit(), at('2026-11-30T08:00:00-05:00'))).toMatchObject({
			kind: 'reminder',
			hours_before: 2,
		});
		expect(dueFollowUp(visit(), at('2026-12-01T23:00:00-05:00'))).toBeNull();
		expect(dueFollowUp(visit(), at('2026-12-02T08:00:00-05:00'))).toMatchObject({
			kind: 'review_request',
		});
		// Quiet hours of the visit's own zone: 23:00 in New York is 20:00 in Los Angeles.
		expect(
			dueFollowUp(visit({ time_zone: 'America/Los_Angeles' }), at('2026-12-01T23:00:00-05:00')),
		).toMatchObject({ kind: 'review_request' });
	});

	it('asks a recurring customer for a review once, after the first visit, and reminds every visit', () => {
		const weekly = [0, 7, 14].map((d, i) =>
			visit({
				booking_id: `bk_s${i}`,
				series_id: 'sr_1',
				start: at('2026-11-30T09:00:00-05:00').plus({ days: d }).toISO()!,
				end: at('2026-11-30T11:00:00-05:00').plus({ days: d }).toISO()!,
				first_of_series: i === 0,
			}),
		);
		const sent = simulate(weekly, '2026-11-25T12:00:00-05:00', '2026-12-20T00:00:00Z');
		expect(sent.filter((m) => m.kind === 'review_request').map((m) => m.booking_id)).toEqual([
			'bk_s0',
		]);
		expect(sent.filter((m) => m.kind === 'reminder')).toHaveLength(6);
		// Without the first-visit flag, the series key still keeps it to one.
		const unflagged = simulate(
			weekly.map(({ first_of_series, ...v }) => v),
			'2026-11-25T12:00:00-05:00',
			'2026-12-20T00:00:00Z',
		);
		expect(unflagged.filter((m) => m.kind === 'review_request')).toHaveLength(1);
	});

	it('asks for a review only once the crew marked the visit done: a visit still confirmed after its end gets none', () => {
		const notDone = visit({ status: 'confirmed' });
		const sent = simulate([notDone], notDone.created_at!, '2026-12-06T00:00:00Z');
		expect(sent.map((m) => m.kind)).toEqual(['reminder', 'reminder']);
		expect(dueFollowUp(notDone, at('2026-12-01T12:10:00-05:00'))).toBeNull();
		expect(dueFollowUp(visit(), at('2026-12-01T12:10:00-05:00'))).toMatchObject({
			kind: 'review_request',
		});
	});

	it('sends only the latest reminder when runs were missed, and no review request more than 72 h late', () => {
		expect(dueFollowUp(visit(), at('2026-11-30T08:00:00-05:00'))).toMatchObject({
			kind: 'reminder',
			hours_before: 2,
			key: 'bk_1:reminder:2h',
		});
		expect(dueFollowUp(visit(), at('2026-11-30T09:00:00-05:00'))).toBeNull();
		expect(dueFollowUp(visit(), at('2026-12-04T11:00:00-05:00'))).toMatchObject({
			kind: 'review_request',
		});
		expect(dueFollowUp(visit(), at('2026-12-04T12:15:00-05:00'))).toBeNull();
	});

	it('in any time zone and at any booking time, sends each promised message once, never in quiet hours, at most 15 minutes late', () => {
		const zones = [
			'America/New_York',
			'America/Los_Angeles',
			'Europe/London',
			'Australia/Lord_Howe',
			'Asia/Kathmandu',
			'Pacific/Chatham',
		];
		let seed = 7;
		const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let n = 0; n < 150; n++) {
			const zone = zones[n % zones.length];
			// Around the March and November switches too.
			const start = DateTime.fromISO('2027-03-01T00:00:00', { zone })
				.plus({ minutes: Math.floor((random() * 60 * 24 * 250) / 15) * 15 })
				.set({ second: 0 });
			const end = start.plus({ minutes: 60 + Math.floor(random() * 8) * 30 });
			const created = start.minus({ minutes: Math.floor(random() * 60 * 72) });
			const v = visit({
				booking_id: `bk_${n}`,
				time_zone: zone,
				start: start.toISO()!,
				end: end.toISO()!,
				created_at: created.toISO()!,
			});
			const promised = followUpPlan(v.start, v.end, zone, created);
			const sent = simulate([v], v.created_at!, end.plus({ days: 5 }).toISO()!);
			for (const m of sent) {
				const local = at(m.at).setZone(zone);
				expect([n, local.hour >= 21 || local.hour < 8]).toEqual([n, false]);
				const late = at(m.at).diff(at(m.due_at), 'minutes').minutes;
				expect([n, late >= 0 && late < 15]).toEqual([n, true]);
			}
			expect([n, sent.filter((m) => m.kind === 'reminder').map((m) => m.due_at)]).toEqual([
				n,
				promised.reminders.map((r) => r.send_at),
			]);
			expect([n, sent.filter((m) => m.kind === 'review_request').map((m) => m.due_at)]).toEqual([
				n,
				[promised.review_request.send_at],
			]);
		}
	});

	it('writes the message that is due, with its key; a review request needs a review link; a bad booking is named', async () => {
		const input = {
			customer: base.customer,
			business: base.business,
			service: 'standard_cleaning',
			booking: { ...visit() },
			links: { review_url: 'https://brightclean.example/review' },
		};
		const store = new SqliteBookingStore(':memory:');
		await store.init();
		try {
			const reminder = await confirmDueFollowUp(input, { store, now: '2026-11-29T09:05:00-05:00' });
			expect(reminder).toMatchObject({
				kind: 'reminder',
				follow_up: { kind: 'reminder', hours_before: 24, key: 'bk_1:reminder:24h' },
			});
			expect(reminder!.email!.subject).toMatch(/reminder/i);
			const review = await confirmDueFollowUp(input, { store, now: '2026-12-01T12:10:00-05:00' });
			expect(review).toMatchObject({
				kind: 'review_request',
				follow_up: { key: 'bk_1:review_request' },
			});
			expect(review!.sms!.text).toContain('https://brightclean.example/review');
			expect(
				await confirmDueFollowUp(
					{ ...input, links: {} },
					{ store, now: '2026-12-01T12:10:00-05:00' },
				),
			).toBeNull();
			expect(
				await confirmDueFollowUp(input, { store, now: '2026-11-27T12:00:00-05:00' }),
			).toBeNull();
			await expect(
				confirmDueFollowUp({ ...input, booking: { ...visit(), start: 'Monday' } }, { store }),
			).rejects.toMatchObject({ field: 'booking.start' });
			await expect(confirmDueFollowUp({ ...input, booking: {} }, { store })).rejects.toMatchObject({
				field: 'booking.booking_id',
			});
			await expect(
				confirmDueFollowUp(
					{ ...input, booking: { ...visit(), created_at: 'yesterday' } },
					{ store },
				),
			).rejects.toMatchObject({ field: 'booking.created_at' });
			await expect(
				confirmDueFollowUp(
					{ ...input, booking: { ...visit(), time_zone: 'Mars/Olympus' } },
					{ store },
				),
			).rejects.toMatchObject({
				field: 'booking.time_zone',
				message: expect.stringContaining('IANA'),
			});
			// Without created_at (a visit from elsewhere), every reminder of the plan counts.
			expect(
				await confirmDueFollowUp(
					{ ...input, booking: { ...visit(), created_at: null } },
					{ store, now: '2026-11-29T09:05:00-05:00' },
				),
			).toMatchObject({ follow_up: { key: 'bk_1:reminder:24h' } });
		} finally {
			await store.close();
		}
	});
});

describe('every message kind', () => {
	it.each(MESSAGE_KINDS)('%s composes e-mail and SMS with no placeholder left', (kind) => {
		const r = c({
			kind,
			links: {
				reply_url: 'https://example.com/q/1',
				signing_url: 'https://example.com/s/1',
				review_url: 'https://example.com/r/1',
				details_url: 'https://example.com/d/1',
				crew_url: 'https://example.com/c/1',
				link_expires: '2026-12-05T00:00:00Z',
			},
			asked_for: ['address'],
			safety_instructions: ['Shut off the main water valve.'],
			crew_contact: { name: 'Crew B', phone: '+12127365002', email: 'crew-b@example.com' },
			renewal_date: '2027-01-01',
			quote: {
				total_cents: 57600,
				currency: 'USD',
				summary: 'Commercial cleaning: $576.00 per visit.',
				valid_until: '2026-12-09T12:00:00Z',
				quote_id: 'Q-1',
			},
		});
		expect(r.email!.text).not.toMatch(/\{\w+\}/);
		expect(r.sms!.text).not.toMatch(/\{\w+\}/);
		// A crew's message goes to the crew, every other to the customer.
		expect([r.sms!.to, r.email!.to]).toEqual(
			kind === 'crew_visit'
				? ['+12127365002', 'crew-b@example.com']
				: ['+12127365000', r.email!.to],
		);
		if (kind === 'crew_visit') expect(r.sms!.opt_out_line).toBe(false);
		if (kind === 'emergency_dispatch')
			expect(r.crew_notice).toMatchObject({ to: '+12127365002', opt_out_line: false });
		expect(Object.keys(DEFAULT_TEMPLATES[kind])).toEqual(['subject', 'text', 'sms']);
	});

	it('the details request names what is asked in words, with the link and until when it works', () => {
		const r = c({
			kind: 'details_request',
			booking: null,
			links: {
				details_url: 'https://n8n.example/webhook/link?t=lk_1',
				link_expires: '2026-12-08T15:00:00Z',
			},
			asked_for: ['address', 'bedrooms', 'bathrooms'],
			service: 'deep_cleaning',
		});
		expect(r.email!.subject).toBe('A few details to book your deep cleaning');
		expect(r.email!.text).toContain(
			'we need the address of the visit and the number of bedrooms and bathrooms. Please fill them in here (it takes a minute): https://n8n.example/webhook/link?t=lk_1',
		);
		expect(r.email!.text).toContain('The link works until December 8, 2026.');
		expect(r.sms!.text).toContain('https://n8n.example/webhook/link?t=lk_1');
		expect(r.calendar).toBeNull();
		expect(askedForPhrase(['square_feet'])).toBe('the area in square feet');
		expect(askedForPhrase(['bathrooms'])).toBe('the number of bathrooms');
		expect(askedForPhrase(['address', 'square_feet'])).toBe(
			'the address of the visit and the area in square feet',
		);
		expect(askedForPhrase([])).toBe('a few details');
	});

	it('names a missing booking time and an unknown kind', () => {
		expect(() => c({ booking: null })).toThrow(expect.objectContaining({ field: 'booking.start' }));
		expect(() => c({ kind: 'greeting' as never })).toThrow(
			expect.objectContaining({ field: 'kind' }),
		);
	});

	it('skips channels it cannot serve, and says why', () => {
		const r = c({ customer: { name: 'Dana' } });
		expect(r.email).toBeNull();
		expect(r.sms).toBeNull();
		expect(r.skipped).toEqual([
			'email: the customer has no e-mail address',
			'sms: the customer has no phone number',
		]);
	});

	it.each(['555-1234', '(000) 000-0000', '+1 212 555 0100 / +1 646 555 0199', '0800 123 4567'])(
		'a number no text can reach (%s) leaves SMS out and still confirms by e-mail: the booking is made by then',
		(phone) => {
			const r = c({ customer: { ...base.customer, phone } });
			expect(r.sms).toBeNull();
			expect(r.email?.to).toBe('dana@example.com');
			expect(r.calendar).not.toBeNull();
			expect(r.skipped).toEqual([
				`sms: ${JSON.stringify(phone)} is not a number a text can reach (not valid for US; a number abroad needs its country code)`,
			]);
			// The same number with the right default country is texted.
			if (phone === '0800 123 4567')
				expect(
					c({ customer: { ...base.customer, phone } }, { smsDefaultCountry: 'GB' }).sms?.to,
				).toBe('+448001234567');
		},
	);
});

describe('opt-outs in the store', () => {
	it.each(['SQLite', 'PostgreSQL'])(
		'STOP is recorded and later messages carry no SMS; START restores it (%s)',
		async (backend) => {
			const db = backend === 'PostgreSQL' ? await createTestDatabase() : null;
			const store = db
				? new PostgresBookingStore(db.connection)
				: new SqliteBookingStore(':memory:');
			await store.init();
			try {
				expect((await confirm(base, { store, now: NOW })).sms).not.toBeNull();
				const stop = await recordSmsReply(
					{ phone: '+1 212-736-5000', text: 'STOP', business: 'Bright Clean' },
					{ store },
				);
				expect(stop).toMatchObject({ phone: '+12127365000', action: 'opt_out', opted_out: true });
				const after = await confirm(base, { store, now: NOW });
				expect(after.sms).toBeNull();
				expect(after.skipped).toContain('sms: the customer replied STOP (opted out)');
				expect(after.email).not.toBeNull();
				await recordSmsReply({ phone: '2127365000', text: 'start' }, { store });
				expect((await confirm(base, { store, now: NOW })).sms).not.toBeNull();
				// A number no text can reach is not looked up: the message goes without SMS.
				const unreachable = await confirm(
					{ ...base, customer: { ...base.customer, phone: '555-1234' } },
					{ store, now: NOW },
				);
				expect(unreachable).toMatchObject({ sms: null, email: { to: 'dana@example.com' } });
			} finally {
				await store.close();
				await db?.drop();
			}
		},
	);
});

describe('AI personalisation keeps the facts or is not used', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startOpenAiFake } = require('../../dev/fakes/openai-fake');
	let fake: Awaited<ReturnType<typeof startOpenAiFake>>;
	beforeAll(async () => {
		fake = await startOpenAiFake();
	});
	afterAll(async () => {
		await fake.stop();
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
	const store = new SqliteBookingStore(':memory:');
	beforeAll(async () => {
		await store.init();
	});
	const template = compose(base, { now: NOW });
	const when = 'Monday, November 30 at 9:00 AM EST';

	it('uses a draft that keeps the date, time, address and amounts', async () => {
		const email = `Dear Dana,\n\nWe're excited to see you on ${when} at 12 Oak St, Springfield! Crew A will take great care of your home.\nPrice: $164.90.\nReference: bk_1\n\nBright Clean`;
		fake.reset([
			{
				json: {
					email_text: email,
					sms_text: `Bright Clean: see you ${when} at 12 Oak St, Springfield! Ref bk_1.`,
				},
			},
		]);
		const r = await confirm(base, { store, now: NOW, mode: 'aiWithFallback', ai: ai() });
		expect(r).toMatchObject({ personalised: true, source: 'ai', fallback_reason: null });
		expect(r.email!.text).toBe(email);
		expect(r.email!.html).toContain('excited to see you');
		expect(r.sms!.text).toBe(
			`Bright Clean: see you ${when} at 12 Oak St, Springfield! Ref bk_1.\nReply STOP to opt out.`,
		);
		expect(r.llm_usage.calls).toBe(1);
	});

	it.each([
		[
			'a changed date',
			{
				email_text:
					'See you Tuesday, December 1 at 9:00 AM EST at 12 Oak St, Springfield. Price: $164.90. Ref bk_1',
				sms_text: null,
			},
		],
		[
			'a changed price',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $99.00. Ref bk_1`,
				sms_text: null,
			},
		],
		[
			'an added amount',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90, and $20 off next time! Ref bk_1`,
				sms_text: null,
			},
		],
		[
			'a dropped address',
			{ email_text: `See you ${when}. Price: $164.90. Ref bk_1`, sms_text: null },
		],
		[
			'an added payment link',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90, pay now at https://pay.example.net/x. Ref bk_1`,
				sms_text: null,
			},
		],
		[
			'an added phone number',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90. Questions? Text 646-555-0199. Ref bk_1`,
				sms_text: null,
			},
		],
		[
			'a giveaway',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90, and your next clean is free! Ref bk_1`,
				sms_text: null,
			},
		],
		[
			'an added percentage',
			{
				email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90 (20% off next time). Ref bk_1`,
				sms_text: null,
			},
		],
	])('keeps the template when the draft has %s', async (_label, draft) => {
		fake.reset([{ json: draft }]);
		const r = await confirm(base, { store, now: NOW, mode: 'aiWithFallback', ai: ai() });
		expect(r).toMatchObject({ personalised: false, source: 'rules' });
		expect(r.fallback_reason).toMatch(/protected value/);
		expect(r.email!.text).toBe(template.email!.text);
	});

	it('keeps the template when the model fails', async () => {
		fake.reset([{ status: 500 }, { status: 500 }]);
		const r = await confirm(base, { store, now: NOW, mode: 'aiWithFallback', ai: ai() });
		expect(r).toMatchObject({ personalised: false, source: 'rules' });
		expect(r.email!.text).toBe(template.email!.text);
	});
});

describe('a business with no phone on file', () => {
	it('asks the customer to reply, never to "call" an e-mail address', () => {
		const withPhone = c();
		expect(withPhone.email?.text).toContain('reply to this e-mail or call +1 212 736 5001.');
		for (const kind of [
			'booking_confirmation',
			'reminder',
			'cancellation',
			'renewal_notice',
		] as const) {
			const noPhone = c({
				kind,
				business: { name: 'Bright Clean', email: 'ops@brightclean.example' },
				renewal_date: '2027-01-01',
			});
			for (const text of [noPhone.email?.text ?? '', noPhone.sms?.text ?? '']) {
				expect(text).not.toMatch(/call ops@|call\s*\.|call\s*to/i);
				expect(text).not.toContain('ops@brightclean.example');
			}
		}
		expect(
			c({ business: { name: 'Bright Clean', email: 'ops@brightclean.example' } }).email?.text,
		).toContain('To change or cancel, reply to this e-mail.');
	});
});

describe('an agreement still to sign', () => {
	it('the confirmation carries its signing link and expiry; without one, no line', () => {
		const withLink = c({
			links: {
				signing_url: 'https://n8n.example/webhook/sign-agreement?token=abc',
				link_expires: '2026-11-28T17:00:00Z',
			},
		});
		expect(withLink.email?.text).toContain(
			'Please sign your service agreement here: https://n8n.example/webhook/sign-agreement?token=abc (the link expires on November 28, 2026).',
		);
		expect(c().email?.text).not.toMatch(/sign your service agreement/);
	});
});

describe("the customer's own change link in messages", () => {
	const url = 'https://n8n.example/webhook/link?t=lk_abc.def';
	it('a confirmation and a reminder carry the link (move or cancel; move or skip for a series visit), else "reply to this e-mail"', () => {
		const single = c({ links: { manage_url: url } });
		expect(single.email!.text).toContain(`To move or cancel it: ${url}`);
		expect(single.sms!.text).toContain(`Change: ${url}`);
		const reminder = c({
			kind: 'reminder',
			booking: { ...base.booking, series_id: 'sr_1' },
			links: { manage_url: url },
		});
		expect(reminder.email!.text).toContain(`To move or skip this visit: ${url}`);
		// A whole series just booked (the welcome): its first visit's page, where the visits can be paused too.
		const welcome = c({
			booking: {
				...base.booking,
				series_id: 'sr_1',
				rrule: 'RRULE:FREQ=WEEKLY;COUNT=52',
			} as ComposeInput['booking'],
			links: { manage_url: url },
		});
		expect(welcome.email!.text).toContain(
			`To move or skip your first visit, or pause your visits: ${url}`,
		);
		const without = c({});
		expect(without.email!.text).toContain(
			'To change or cancel, reply to this e-mail or call +1 212 736 5001.',
		);
		expect(without.sms!.text).not.toContain('Change:');
	});

	it('a moved or skipped visit of a series gets no invite of its own (the series invite keeps its uid); a single one does', () => {
		const oneOfSeries = c({
			booking: { ...base.booking, series_id: 'sr_1' },
			sequence: 1,
		});
		expect(oneOfSeries.calendar).toBeNull();
		const skipped = c({
			kind: 'cancellation',
			booking: { ...base.booking, series_id: 'sr_1', cancel_reason: 'skipped by customer' },
		});
		expect(skipped.calendar).toBeNull();
		expect(skipped.email!.text).toContain(
			'has been cancelled (skipped at your request; your other visits stay booked)',
		);
		const cancelled = c({
			kind: 'cancellation',
			booking: { ...base.booking, cancel_reason: 'cancelled by customer' },
		});
		expect(cancelled.calendar?.method).toBe('CANCEL');
		expect(cancelled.email!.text).toContain('has been cancelled (at your request)');
		// The whole series' invite (its rule) still goes out.
		expect(
			c({
				booking: {
					...base.booking,
					series_id: 'sr_1',
					rrule: 'RRULE:FREQ=WEEKLY;COUNT=4',
					series_start: base.booking!.start,
				} as ComposeInput['booking'],
			}).calendar,
		).not.toBeNull();
	});

	it('a time taken: the visit keeps its time, the nearest free times in the business zone, and a new link', () => {
		const taken = c({
			kind: 'change_taken',
			booking: {
				...base.booking,
				alternatives: [{ start: '2026-12-01T15:00:00Z' }, { start: '2026-12-01T18:30:00Z' }],
			} as ComposeInput['booking'],
			links: { manage_url: url },
		});
		expect(taken.email!.subject).toBe(
			'That time is taken: your standard cleaning stays on Monday, November 30',
		);
		expect(taken.email!.text).toContain(
			'The nearest free times: Tuesday, December 1 at 10:00 AM; Tuesday, December 1 at 1:30 PM.',
		);
		expect(taken.email!.text).toContain(url);
		expect(taken.calendar).toBeNull();
	});

	it('the free times asked for: the visit as booked, the next free times, and the link that offers them', () => {
		const options = c({
			kind: 'change_options',
			booking: {
				...base.booking,
				alternatives: [{ start: '2026-12-01T15:00:00Z' }],
			} as ComposeInput['booking'],
			links: { manage_url: url },
		});
		expect(options.email!.subject).toBe('Free times for your standard cleaning');
		expect(options.email!.text).toContain(
			'is booked for Monday, November 30 at 9:00 AM EST. The next free times: Tuesday, December 1 at 10:00 AM.',
		);
		expect(options.email!.text).toContain(`Choose one, or another time, here: ${url}`);
		expect(options.sms!.text).toContain(`Choose: ${url}`);
	});
});

describe("a series' life in the customer's words", () => {
	it('the renewal notice says how many visits of the new term are booked, the first, the one that could not be, and the holidays left out', () => {
		const notice = c({
			kind: 'renewal_notice',
			booking: null,
			renewal_date: '2027-11-24',
			series_visits: {
				occurrences: [
					{ start: '2027-11-30T09:00:00-05:00' },
					{ start: '2027-12-07T10:30:00-05:00' },
				],
				conflicts: [{ wanted_start: '2028-11-28T09:00:00-05:00' }],
				skipped: [{ date: '2028-07-04', reason: 'holiday' }],
			},
		});
		expect(notice.email?.text).toContain(
			'renews on November 24, 2027 at $164.90. Your visits for the new term are booked: 2, the first on Tuesday, November 30 at 9:00 AM. One visit could not be booked at the usual time (Tuesday, November 28 at 9:00 AM): we will call you to find another time. No visit on the holiday (July 4). To change or end it',
		);
		// No series (an agreement without visits): the notice reads as before.
		const plain = c({ kind: 'renewal_notice', booking: null, renewal_date: '2027-11-24' });
		expect(plain.email?.text).toContain('at $164.90. To change or end it');
	});

	it('a series on a new day or time, and a series ending, each say what matters', () => {
		const changed = c({
			kind: 'series_change',
			booking: {
				booking_id: 'bk_new',
				series_id: 'sr_1',
				start: '2027-01-21T14:00:00-05:00',
				end: '2027-01-21T16:00:00-05:00',
				time_zone: 'America/New_York',
				rrule: 'RRULE:FREQ=WEEKLY;BYDAY=TH;BYHOUR=14;BYMINUTE=0;BYSECOND=0',
				occurrences: [
					{ start: '2027-01-21T14:00:00-05:00' },
					{ start: '2027-01-28T14:00:00-05:00' },
				],
				conflicts: [],
			} as never,
		});
		expect(changed.email?.subject).toBe(
			'Your standard cleaning visits are now on Thursdays at 2:00 PM',
		);
		expect(changed.email?.text).toContain(
			'As you asked, from Thursday, January 21 your standard cleaning visits are on Thursdays at 2:00 PM at 12 Oak St, Springfield. 2 visits are booked, the first on Thursday, January 21 at 2:00 PM.',
		);
		expect(changed.sms?.text).toContain(
			'from Thursday, January 21 your standard cleaning visits are on Thursdays at 2:00 PM.',
		);
		expect(changed.calendar).toBeNull();
		const ending = c({
			kind: 'series_end',
			booking: {
				series_id: 'sr_1',
				time_zone: 'America/New_York',
				series_ends_on: '2027-03-31',
				last_visit: { start: '2027-03-25T14:00:00-04:00' },
			} as never,
		});
		expect(ending.email?.subject).toBe(
			'Your standard cleaning visits end on Wednesday, March 31, 2027',
		);
		expect(ending.email?.text).toContain(
			'end on Wednesday, March 31, 2027, under the notice in your agreement. Your last visit is Thursday, March 25 at 2:00 PM.',
		);
		const none = c({
			kind: 'series_end',
			booking: {
				series_id: 'sr_1',
				time_zone: 'America/New_York',
				series_ends_on: '2026-12-26',
				last_visit: null,
			} as never,
		});
		expect(none.email?.text).toContain('No visit is left before then.');
	});
});
