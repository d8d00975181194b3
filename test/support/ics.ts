/**
 * Reads invites the way a calendar program does, with ical.js (an independent
 * parser): the time-zone blocks registered, a series expanded with its
 * EXDATEs and its RECURRENCE-ID overrides.
 */
import ICAL from 'ical.js';

export function parseIcs(ics: string): ICAL.Component {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
	return calendar;
}

/** Every visit the invite shows, as [start, end] ISO instants in UTC, in order. */
export function visitsShown(ics: string): Array<[string, string]> {
	const vevents = parseIcs(ics).getAllSubcomponents('vevent');
	const masters = vevents.filter((v) => !v.hasProperty('recurrence-id'));
	if (masters.length !== 1)
		throw new Error(`an invite holds one main event; this one holds ${masters.length}`);
	const master = new ICAL.Event(masters[0]);
	for (const v of vevents.filter((e) => e.hasProperty('recurrence-id'))) {
		const exception = new ICAL.Event(v);
		if (exception.uid !== master.uid)
			throw new Error(`an override with another UID (${exception.uid}) is not part of the series`);
		master.relateException(exception);
	}
	const shown: Array<[string, string]> = [];
	const iterator = master.iterator();
	for (let next = iterator.next(); next && shown.length < 1000; next = iterator.next()) {
		const details = master.getOccurrenceDetails(next);
		shown.push([
			details.startDate.toJSDate().toISOString(),
			details.endDate.toJSDate().toISOString(),
		]);
	}
	return shown.sort((a, b) => a[0].localeCompare(b[0]));
}
