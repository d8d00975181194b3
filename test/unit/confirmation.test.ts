import ICAL from 'ical.js';
import { DateTime } from 'luxon';

import { compose, DEFAULT_TEMPLATES, MESSAGE_KINDS, confirmationSchema, type ComposeInput } from '../../nodes/ConfirmationAgent/compose';
import { confirm, recordSmsReply } from '../../nodes/ConfirmationAgent/confirm';
import { followUpPlan } from '../../nodes/ConfirmationAgent/plan';
import { fitSms, OPT_OUT_KEYWORDS, readSmsKeyword, smsSize, toE164 } from '../../nodes/ConfirmationAgent/sms';
import { PostgresBookingStore, SqliteBookingStore } from '../../nodes/shared/store';
import { createTestDatabase } from '../harness/postgres';
import { parseIcs } from '../support/ics';

const NOW = '2026-11-25T12:00:00Z';
const base: ComposeInput = {
	kind: 'booking_confirmation',
	customer: { name: 'Dana Lee', email: 'dana@example.com', phone: '(212) 736-5000', address: '12 Oak St, Springfield' },
	business: { name: 'Bright Clean', email: 'ops@brightclean.example', phone: '+1 212 736 5001' },
	booking: { booking_id: 'bk_1', start: '2026-11-30T09:00:00-05:00', end: '2026-11-30T12:00:00-05:00', time_zone: 'America/New_York', crew_name: 'Crew A' },
	quote: { total_cents: 16490, currency: 'USD' },
	service: 'standard_cleaning',
};
const c = (input: Partial<ComposeInput> = {}, options: Parameters<typeof compose>[1] = {}) => compose({ ...base, ...input }, { now: NOW, ...options });

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

	it.each([...OPT_OUT_KEYWORDS.map((k) => [k.toLowerCase(), 'opt_out']), ['Stop.', 'opt_out'], ['opt out', 'opt_out'], ['START', 'opt_in'], ['please stop by tomorrow', 'none'], ['cancel my booking on friday', 'none']])(
		'%s -> %s',
		(text, action) => {
			expect(readSmsKeyword(text).action).toBe(action);
		},
	);
});

describe('e-mail', () => {
	it('composes subject, text, HTML, from and reply-to', () => {
		const r = c();
		expect(r.email).toMatchObject({ to: 'dana@example.com', from: 'Bright Clean <ops@brightclean.example>', reply_to: 'ops@brightclean.example', subject: 'Your standard cleaning is booked for Monday, November 30' });
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
		const r = c({ customer: { ...base.customer, name: 'Dana\r\nBcc: victim@example.com\r\nX-Evil: 1' } }, { templates: { booking_confirmation: { subject: 'Booked, {name}' } } });
		expect(r.email!.subject).not.toMatch(/[\r\n]/);
		expect(r.email!.subject).toBe('Booked, Dana Bcc: victim@example.com X-Evil: 1');
		const to = c({ customer: { ...base.customer, email: 'dana@example.com\r\nBcc: x@example.com' } }).email!.to;
		expect(to).not.toMatch(/[\r\n]/);
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
		expect(cal.getFirstSubcomponent('vtimezone')!.getFirstPropertyValue('tzid')).toBe('America/New_York');
		expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).zone.tzid).toBe('UTC');
		expect(event.location).toBe('12 Oak St, Springfield');
		expect(event.attendees).toHaveLength(1);
	});

	it('a name with newlines, semicolons and commas cannot add properties', () => {
		const evil = 'Dana; ROLE=CHAIR,\nATTENDEE:mailto:evil@example.com\nX-INJECTED:1';
		const r = c({ customer: { ...base.customer, name: evil, address: 'Oak St\nORGANIZER:mailto:evil@example.com' } });
		const vevent = parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!;
		expect(vevent.getAllProperties('attendee')).toHaveLength(1);
		expect(vevent.getAllProperties('organizer')).toHaveLength(1);
		expect(vevent.getFirstProperty('x-injected')).toBeNull();
		expect(vevent.getFirstProperty('attendee')!.getParameter('cn')).toBe(evil);
		expect(vevent.getFirstPropertyValue('location')).toBe('Oak St\nORGANIZER:mailto:evil@example.com');
	});

	it('an event early in a year still gets its offset from the time zone block', () => {
		const r = c({ booking: { ...base.booking, start: '2031-03-03T09:00:00-05:00', end: '2031-03-03T10:00:00-05:00' } });
		const event = new ICAL.Event(parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!);
		expect(event.startDate.toJSDate().toISOString()).toBe('2031-03-03T14:00:00.000Z');
	});

	it('a 52-week series expands at 9:00 New York time across the DST changes', () => {
		const r = c({ booking: { ...base.booking, series_id: 'sr_1', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=52' } });
		const event = new ICAL.Event(parseIcs(r.calendar!.ics).getFirstSubcomponent('vevent')!);
		const it = event.iterator();
		const local: string[] = [];
		for (let next = it.next(); next && local.length < 52; next = it.next()) local.push(DateTime.fromJSDate(next.toJSDate()).setZone('America/New_York').toFormat('HH:mm'));
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
		const plan = followUpPlan('2026-11-30T09:00:00-05:00', '2026-11-30T12:00:00-05:00', 'America/New_York', now);
		expect(plan.reminders.map((r) => [r.send_at, r.adjusted !== null])).toEqual([
			['2026-11-29T09:00:00-05:00', false],
			['2026-11-29T20:30:00-05:00', true],
		]);
		expect(plan.review_request.send_at).toBe('2026-12-01T12:00:00-05:00');
		const late = followUpPlan('2026-11-30T14:00:00-05:00', '2026-11-30T22:00:00-05:00', 'America/New_York', now);
		expect(late.reminders.map((r) => r.send_at)).toEqual(['2026-11-29T14:00:00-05:00', '2026-11-30T12:00:00-05:00']);
		expect(late.review_request).toMatchObject({ send_at: '2026-12-02T08:00:00-05:00' });
	});

	it('leaves out reminders whose time has passed', () => {
		const plan = followUpPlan('2026-11-25T13:30:00Z', '2026-11-25T15:00:00Z', 'America/New_York', now);
		expect(plan.reminders).toEqual([]);
		expect(plan.skipped).toHaveLength(2);
	});
});

describe('every message kind', () => {
	it.each(MESSAGE_KINDS)('%s composes e-mail and SMS with no placeholder left', (kind) => {
		const r = c({
			kind,
			links: { reply_url: 'https://example.com/q/1', signing_url: 'https://example.com/s/1', review_url: 'https://example.com/r/1', link_expires: '2026-12-05T00:00:00Z' },
			safety_instructions: ['Shut off the main water valve.'],
			crew_contact: { name: 'Crew B', phone: '+12127365002' },
			renewal_date: '2027-01-01',
			quote: { total_cents: 57600, currency: 'USD', summary: 'Commercial cleaning: $576.00 per visit.', valid_until: '2026-12-09T12:00:00Z', quote_id: 'Q-1' },
		});
		expect(r.email!.text).not.toMatch(/\{\w+\}/);
		expect(r.sms!.text).not.toMatch(/\{\w+\}/);
		expect(r.sms!.to).toBe('+12127365000');
		if (kind === 'emergency_dispatch') expect(r.crew_notice).toMatchObject({ to: '+12127365002', opt_out_line: false });
		expect(Object.keys(DEFAULT_TEMPLATES[kind])).toEqual(['subject', 'text', 'sms']);
	});

	it('names a missing booking time and an unknown kind', () => {
		expect(() => c({ booking: null })).toThrow(expect.objectContaining({ field: 'booking.start' }));
		expect(() => c({ kind: 'greeting' as never })).toThrow(expect.objectContaining({ field: 'kind' }));
	});

	it('skips channels it cannot serve, and says why', () => {
		const r = c({ customer: { name: 'Dana' } });
		expect(r.email).toBeNull();
		expect(r.sms).toBeNull();
		expect(r.skipped).toEqual(['email: the customer has no e-mail address', 'sms: the customer has no phone number']);
	});

	it.each(['555-1234', '(000) 000-0000', '+1 212 555 0100 / +1 646 555 0199', '0800 123 4567'])('a number no text can reach (%s) leaves SMS out and still confirms by e-mail: the booking is made by then', (phone) => {
		const r = c({ customer: { ...base.customer, phone } });
		expect(r.sms).toBeNull();
		expect(r.email?.to).toBe('dana@example.com');
		expect(r.calendar).not.toBeNull();
		expect(r.skipped).toEqual([`sms: ${JSON.stringify(phone)} is not a number a text can reach (not valid for US; a number abroad needs its country code)`]);
		// The same number with the right default country is texted.
		if (phone === '0800 123 4567') expect(c({ customer: { ...base.customer, phone } }, { smsDefaultCountry: 'GB' }).sms?.to).toBe('+448001234567');
	});
});

describe('opt-outs in the store', () => {
	it.each(['SQLite', 'PostgreSQL'])('STOP is recorded and later messages carry no SMS; START restores it (%s)', async (backend) => {
		const db = backend === 'PostgreSQL' ? await createTestDatabase() : null;
		const store = db ? new PostgresBookingStore(db.connection) : new SqliteBookingStore(':memory:');
		await store.init();
		try {
			expect((await confirm(base, { store, now: NOW })).sms).not.toBeNull();
			const stop = await recordSmsReply({ phone: '+1 212-736-5000', text: 'STOP', business: 'Bright Clean' }, { store });
			expect(stop).toMatchObject({ phone: '+12127365000', action: 'opt_out', opted_out: true });
			const after = await confirm(base, { store, now: NOW });
			expect(after.sms).toBeNull();
			expect(after.skipped).toContain('sms: the customer replied STOP (opted out)');
			expect(after.email).not.toBeNull();
			await recordSmsReply({ phone: '2127365000', text: 'start' }, { store });
			expect((await confirm(base, { store, now: NOW })).sms).not.toBeNull();
			// A number no text can reach is not looked up: the message goes without SMS.
			const unreachable = await confirm({ ...base, customer: { ...base.customer, phone: '555-1234' } }, { store, now: NOW });
			expect(unreachable).toMatchObject({ sms: null, email: { to: 'dana@example.com' } });
		} finally {
			await store.close();
			await db?.drop();
		}
	});
});

describe('AI personalisation keeps the facts or is not used', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startOpenAiFake } = require('../harness/openai-fake');
	let fake: Awaited<ReturnType<typeof startOpenAiFake>>;
	beforeAll(async () => {
		fake = await startOpenAiFake();
	});
	afterAll(async () => {
		await fake.stop();
	});
	const ai = () => ({ connection: { apiKey: 'test-key', baseUrl: fake.baseUrl }, call: { model: 'gpt-4o-mini', temperature: 0, timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 } } });
	const store = new SqliteBookingStore(':memory:');
	beforeAll(async () => {
		await store.init();
	});
	const template = compose(base, { now: NOW });
	const when = 'Monday, November 30 at 9:00 AM EST';

	it('uses a draft that keeps the date, time, address and amounts', async () => {
		const email = `Dear Dana,\n\nWe're excited to see you on ${when} at 12 Oak St, Springfield! Crew A will take great care of your home.\nPrice: $164.90.\nReference: bk_1\n\nBright Clean`;
		fake.reset([{ json: { email_text: email, sms_text: `Bright Clean: see you ${when} at 12 Oak St, Springfield! Ref bk_1.` } }]);
		const r = await confirm(base, { store, now: NOW, mode: 'aiWithFallback', ai: ai() });
		expect(r).toMatchObject({ personalised: true, source: 'ai', fallback_reason: null });
		expect(r.email!.text).toBe(email);
		expect(r.email!.html).toContain('excited to see you');
		expect(r.sms!.text).toBe(`Bright Clean: see you ${when} at 12 Oak St, Springfield! Ref bk_1.\nReply STOP to opt out.`);
		expect(r.llm_usage.calls).toBe(1);
	});

	it.each([
		['a changed date', { email_text: 'See you Tuesday, December 1 at 9:00 AM EST at 12 Oak St, Springfield. Price: $164.90. Ref bk_1', sms_text: null }],
		['a changed price', { email_text: `See you ${when} at 12 Oak St, Springfield. Price: $99.00. Ref bk_1`, sms_text: null }],
		['an added amount', { email_text: `See you ${when} at 12 Oak St, Springfield. Price: $164.90, and $20 off next time! Ref bk_1`, sms_text: null }],
		['a dropped address', { email_text: `See you ${when}. Price: $164.90. Ref bk_1`, sms_text: null }],
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
