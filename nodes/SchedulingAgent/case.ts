/**
 * What the Scheduling Agent reads from the case (Input Source "From the Case"):
 * the job from the Qualifier, Triage and Pricing results, the customer, the
 * preference and any day or time the request states, the booking to act on.
 */
import { DateTime } from 'luxon';

import { at, currentOffer, firstOf, objectAt, textAt, type CaseItem } from '../shared/case';
import type { JobFacts } from './calendar';
import type { SeriesSpec } from './series';

const numberOrNull = (value: unknown): number | null => {
	if (value === null || value === undefined || value === '') return null;
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : (value as number);
};

/** The job's size and kind, for its length and the crew's skills. */
export function jobFromCase(item: CaseItem): JobFacts {
	const q = (key: string) => at(item, 'qualification', key);
	const isEmergency = firstOf(at(item, 'triage', 'is_emergency'), q('is_emergency'), false);
	return {
		service_type:
			textAt(item, 'qualification', 'service_type') ?? textAt(item, 'quote', 'service_type'),
		bedrooms: numberOrNull(q('bedrooms')),
		bathrooms: numberOrNull(q('bathrooms')),
		square_feet: numberOrNull(q('square_feet')),
		is_emergency: isEmergency === true || isEmergency === 'true',
		estimated_hours: numberOrNull(at(item, 'quote', 'estimated_hours')),
		duration_minutes: null,
	};
}

/** 10 is an emergency (from Triage, else the Qualifier), with its response deadline (120 minutes when none). */
export function priorityFromCase(item: CaseItem) {
	return {
		priority: numberOrNull(
			firstOf(at(item, 'triage', 'priority'), at(item, 'qualification', 'priority')),
		),
		respond_within_minutes: numberOrNull(
			firstOf(at(item, 'triage', 'respond_within_minutes'), 120),
		),
	};
}

/** A time a person chose for the job (ops, on a no-room decision): the case's `decision.slot`, or null. */
export function decidedSlotFromCase(
	item: CaseItem,
): { start: string; crew_id: string | null } | null {
	const start = textAt(item, 'decision', 'slot', 'start');
	return start ? { start, crew_id: textAt(item, 'decision', 'slot', 'crew_id') } : null;
}

/** The request's own key (a form's request id, an Idempotency-Key header), or null. */
export function idempotencyKeyFromCase(item: CaseItem): string | null {
	return textAt(item, 'idempotency_key') ?? textAt(item, 'headers', 'idempotency-key');
}

/**
 * A recurring series: the cadence agreed (the negotiated offer, else the quote,
 * else what the request or the message says), the day and time the request
 * names, and the node's Series settings for anything the case does not say.
 * A weekday named in the request wins over days read from the message.
 */
const oneDay = (days: unknown): string | null =>
	Array.isArray(days) && days.length === 1 && typeof days[0] === 'string' ? days[0] : null;

export function seriesFromCase(item: CaseItem, configured: SeriesSpec): SeriesSpec {
	const recurring = objectAt(currentOffer(item)?.recurring);
	// A first visit a person chose (no room for the series as asked): its day, time and date, at the business's clock.
	const decided = decidedSlotFromCase(item);
	const first = decided ? DateTime.fromISO(decided.start, { setZone: true }) : null;
	if (first?.isValid)
		return {
			...seriesFromCase({ ...item, decision: null }, configured),
			weekdays: null,
			weekday: first.setLocale('en').toFormat('ccc').toLowerCase() as SeriesSpec['weekday'],
			time: first.toFormat('HH:mm'),
			start_date: first.toISODate(),
		};
	const weekday = textAt(item, 'weekday');
	return {
		...configured,
		frequency: firstOf(
			recurring?.frequency,
			item.frequency,
			at(item, 'qualification', 'frequency'),
			configured.frequency,
		) as SeriesSpec['frequency'],
		visits_per_week: numberOrNull(firstOf(recurring?.visits_per_week, configured.visits_per_week)),
		weekdays: weekday
			? null
			: (firstOf(
					at(item, 'qualification', 'visit_weekdays'),
					configured.weekdays,
				) as SeriesSpec['weekdays']),
		// The request's day, else the one day the message names ("every Friday at 2pm"), else the node's.
		weekday: (weekday ??
			oneDay(at(item, 'qualification', 'visit_weekdays')) ??
			configured.weekday ??
			null) as SeriesSpec['weekday'],
		time:
			textAt(item, 'time') ??
			textAt(item, 'qualification', 'visit_time') ??
			configured.time ??
			null,
		start_date: textAt(item, 'start_date') ?? configured.start_date ?? null,
	};
}

/** The rest of what a booking operation reads from the case. */
export function bookingInputsFromCase(item: CaseItem) {
	return {
		preference: textAt(item, 'preference'),
		customer: objectAt(item.customer) ?? {},
		booking_id: textAt(item, 'booking', 'booking_id'),
		// The series booked with the case, or the one an agreement was written for.
		series_id:
			textAt(item, 'booking', 'series_id') ??
			textAt(item, 'signature', 'series_id') ??
			textAt(item, 'contract', 'series_id') ??
			textAt(item, 'renewal', 'series_id'),
		time_zone: textAt(item, 'business', 'time_zone'),
	};
}
