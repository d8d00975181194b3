import icalGenerator, { ICalCalendarMethod } from 'ical-generator';
import { DateTime, FixedOffsetZone } from 'luxon';

import type { SeriesInvite } from './series-invite';

const pad = (n: number) => String(n).padStart(2, '0');
const offsetText = (minutes: number) =>
	`${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;

/**
 * A VTIMEZONE for the years an event or series spans, with every real offset
 * change found from the IANA data luxon uses (so a 9:00 series stays 9:00 in
 * any calendar program, across daylight-saving changes).
 */
const vtimezones = new Map<string, string>();

export function vtimezone(zone: string, fromYear: number, toYear: number): string {
	const key = `${zone}:${fromYear}:${toYear}`;
	let text = vtimezones.get(key);
	if (!text) {
		text = buildVtimezone(zone, fromYear, toYear);
		if (vtimezones.size > 256) vtimezones.clear();
		vtimezones.set(key, text);
	}
	return text;
}

function buildVtimezone(zone: string, fromYear: number, toYear: number): string {
	const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
	let cursor = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone });
	const end = DateTime.fromObject({ year: toYear + 1, month: 1, day: 1 }, { zone });
	let transitions = 0;
	while (cursor < end) {
		const next = cursor.plus({ days: 1 });
		if (next.offset !== cursor.offset) {
			// Narrow the change to the minute.
			let lo = cursor.toMillis();
			let hi = next.toMillis();
			while (hi - lo > 60_000) {
				const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
				if (DateTime.fromMillis(mid, { zone }).offset === cursor.offset) lo = mid;
				else hi = mid;
			}
			const after = DateTime.fromMillis(hi, { zone });
			const wallBefore = DateTime.fromMillis(hi, { zone: FixedOffsetZone.instance(cursor.offset) });
			const kind = after.isInDST ? 'DAYLIGHT' : 'STANDARD';
			lines.push(
				`BEGIN:${kind}`,
				`DTSTART:${wallBefore.toFormat("yyyyMMdd'T'HHmmss")}`,
				`TZOFFSETFROM:${offsetText(cursor.offset)}`,
				`TZOFFSETTO:${offsetText(after.offset)}`,
				`TZNAME:${after.offsetNameShort ?? offsetText(after.offset)}`,
				`END:${kind}`,
			);
			transitions++;
		}
		cursor = next;
	}
	if (!transitions) {
		const now = DateTime.fromObject({ year: fromYear, month: 1, day: 1 }, { zone });
		lines.push(
			'BEGIN:STANDARD',
			'DTSTART:19700101T000000',
			`TZOFFSETFROM:${offsetText(now.offset)}`,
			`TZOFFSETTO:${offsetText(now.offset)}`,
			`TZNAME:${now.offsetNameShort ?? offsetText(now.offset)}`,
			'END:STANDARD',
		);
	}
	lines.push('END:VTIMEZONE');
	return lines.join('\r\n');
}

export interface InviteInput {
	uid: string;
	method: 'REQUEST' | 'CANCEL';
	sequence: number;
	/** The event, or for a series its first visit where the rule places it (SeriesInvite.start and end). */
	start: DateTime;
	end: DateTime;
	timeZone: string;
	summary: string;
	description: string;
	location: string | null;
	organizer: { name: string; email: string };
	attendee: { name: string | null; email: string } | null;
	/** A series: its rule, the visits it leaves out and the visits that moved (seriesInvite); null for one visit. */
	series: SeriesInvite | null;
	url: null | string;
}

const stamp = (t: DateTime, zone: string) => t.setZone(zone).toFormat("yyyyMMdd'T'HHmmss");

/**
 * An RFC 5545 invitation through ical-generator (which escapes every text
 * value, so a name with newlines, commas or semicolons cannot add properties).
 * A series is one event with the rule and its EXDATEs, plus one event per
 * moved visit (same UID, RECURRENCE-ID), so a calendar shows what was booked.
 */
export function buildInvite(input: InviteInput): string {
	const calendar = icalGenerator({
		prodId: { company: 'n8n-nodes-booking-agents', product: 'booking', language: 'EN' },
		method: input.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
	});
	const zone = input.timeZone;
	const addEvent = (start: DateTime, end: DateTime, recurrenceId: DateTime | null) => {
		const event = calendar.createEvent({
			id: input.uid,
			sequence: input.sequence,
			stamp: DateTime.utc(),
			timezone: zone,
			start: start.setZone(zone),
			end: end.setZone(zone),
			summary: input.summary,
			description: input.description,
			location: input.location ?? undefined,
			url: input.url ?? undefined,
			organizer: { name: input.organizer.name, email: input.organizer.email },
			...(recurrenceId ? { recurrenceId: recurrenceId.setZone(zone) } : {}),
		});
		if (input.attendee)
			event.createAttendee({
				name: input.attendee.name ?? undefined,
				email: input.attendee.email,
				rsvp: input.method === 'REQUEST',
			});
		if (input.method === 'CANCEL') event.status('CANCELLED' as never);
		return event;
	};
	const main = addEvent(input.start, input.end, null);
	const series = input.series;
	if (series) {
		// The rule comes from rrule's own serialiser and the dates from luxon: nothing here is customer text.
		const lines = [
			series.rule,
			...series.exdates.map((t) => `EXDATE;TZID=${zone}:${stamp(t, zone)}`),
			...series.extra.map((e) => `RDATE;TZID=${zone}:${stamp(e.start, zone)}`),
		];
		main.repeating(lines.join('\r\n'));
		for (const o of series.overrides) addEvent(o.start, o.end, o.recurrenceId);
	}
	const text = calendar.toString();
	const lastYear = series ? series.last.year : input.end.year;
	// The VTIMEZONE the TZID refers to goes before the events; it starts a year early so the
	// offset in force at the start is defined by an earlier transition.
	return text.replace(
		'BEGIN:VEVENT',
		`${vtimezone(zone, input.start.year - 1, lastYear)}\r\nBEGIN:VEVENT`,
	);
}
