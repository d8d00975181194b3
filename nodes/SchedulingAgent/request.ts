/** What the Scheduling agent is asked (a request per operation) and what it answers (zod schemas). */
import { z } from 'zod/v4';

import type { AgentOptionsBase } from '../shared/modes';
import type { BookingStore, StoreConfig } from '../shared/store';
import type { CalendarConfig, JobFacts } from './calendar';
import type { SeriesSpec } from './series';

/** What a booking keeps of the case it was made for (nothing when the request names none). */
export const caseIdDetail = (request: { case_id?: string | null }): { case_id?: string } =>
	request.case_id ? { case_id: request.case_id } : {};

export const OPERATIONS = [
	'findSlots',
	'book',
	'hold',
	'confirmHold',
	'cancel',
	'reschedule',
	'get',
	'list',
	'bookSeries',
	'confirmSeries',
	'releaseSeries',
	'holdSeries',
	'progress',
	'customerChange',
	'extendSeries',
	'changeSeries',
	'pauseSeries',
	'skipVisit',
	'endSeries',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface ScheduleRequest {
	operation: Operation;
	job?: JobFacts | null;
	/** 10 is an emergency: earliest suitable crew within the response deadline, on-call crews included. */
	priority?: number | null;
	respond_within_minutes?: number | null;
	preference?: string | null;
	/** An exact start (ISO 8601); otherwise the earliest slot that fits the preference. */
	start?: string | null;
	/**
	 * The exact start must be a time Find Slots would offer (working hours, no holiday, past the
	 * lead time, free): for a start someone other than ops chose, such as an AI Agent.
	 */
	offered_times_only?: boolean | null;
	crew_id?: string | null;
	required_skills?: string[] | null;
	count?: number | null;
	booking_id?: string | null;
	reason?: string | null;
	hold_minutes?: number | null;
	idempotency_key?: string | null;
	/** book, bookSeries: the case the visits are for, kept on each booking (details.case_id) so a visit whose flow stopped before recording its case is found. */
	case_id?: string | null;
	customer?: Record<string, unknown> | null;
	/** list: bookings starting within the next N hours (default 24), or between from and to. */
	within_hours?: number | null;
	/** list: also bookings that started up to N hours ago (for review requests after the visit; default 0). */
	look_back_hours?: number | null;
	/** list: from this time (ISO). extendSeries, pauseSeries, changeSeries: from this day (YYYY-MM-DD). */
	from?: string | null;
	to?: string | null;
	series?: SeriesSpec | null;
	/** confirmSeries, releaseSeries, holdSeries: the series booked with the agreement. */
	series_id?: string | null;
	/** progress: what the crew reports (on its way, started, done, could not do it). */
	step?: VisitStep | null;
	/** progress: the crew's note (what was done, or why not). */
	note?: string | null;
	/** customerChange: what the customer asked for on their link. */
	change?: CustomerChange | null;
	/** customerChange: hours before the visit from which the customer's link changes nothing (ops call them). */
	notice_hours?: number | null;
	/**
	 * customerChange pause, pauseSeries: the last day (YYYY-MM-DD, business zone) with no visit;
	 * extendSeries: the new term's last day; endSeries, customerChange end: the last day with a visit.
	 */
	until?: string | null;
	/** skipVisit: the day (YYYY-MM-DD) of the series' visit to skip. */
	date?: string | null;
}

/** What a customer may ask on their visit's link: move it, cancel it; for a series, skip one visit, pause it for a while, change its day or time from this visit on, or end it. */
export const CUSTOMER_CHANGES = [
	'move',
	'cancel',
	'skip',
	'pause',
	'offer',
	'change',
	'end',
] as const;
export type CustomerChange = (typeof CUSTOMER_CHANGES)[number];

/** What a crew reports about a visit, in the order it happens; done and not_done end it. */
export const VISIT_STEPS = ['on_my_way', 'started', 'done', 'not_done'] as const;
export type VisitStep = (typeof VISIT_STEPS)[number];

export interface ScheduleOptions extends AgentOptionsBase {
	calendar?: Partial<CalendarConfig>;
	/** An open store, or how to open one (SQLite by default). */
	store?: BookingStore | StoreConfig;
	now?: Date | string;
}

const slotOut = z.object({
	start: z.string(),
	end: z.string(),
	crew_id: z.string(),
	crew_name: z.string(),
});
const bookingOut = z.object({
	booking_id: z.string(),
	status: z.enum(['held', 'confirmed', 'cancelled', 'completed']),
	crew_id: z.string(),
	crew_name: z.string(),
	start: z.string(),
	end: z.string(),
	time_zone: z.string(),
	hold_expires_at: z.string().nullable(),
	series_id: z.string().nullable(),
	service: z.string().nullable(),
	priority: z.number().nullable(),
	customer: z.record(z.string(), z.unknown()).nullable(),
	cancel_reason: z.string().nullable(),
	created_at: z.string(),
	/** List with a look-back, for a series visit: whether it is the series' first (review requests follow only that one). */
	first_of_series: z.boolean().optional(),
	/** How to reach the booked crew (its row in the crews' settings); null when none is set. */
	crew_contact: z.object({ phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
	/** What the crew reported: when it set off, started, finished or could not do the visit (ISO), and its note. */
	progress: z
		.object({
			on_my_way_at: z.string().nullable(),
			started_at: z.string().nullable(),
			done_at: z.string().nullable(),
			not_done_at: z.string().nullable(),
			note: z.string().nullable(),
		})
		.nullable(),
});
export type BookingOut = z.infer<typeof bookingOut>;

export const bookingResultSchema = z.object({
	operation: z.enum(OPERATIONS),
	status: z.enum([
		'slots',
		'confirmed',
		'held',
		'taken',
		'needs_human',
		'cancelled',
		'rescheduled',
		'found',
		'listed',
		'series_booked',
		'expired',
		'not_found',
		'recorded',
		'too_late',
		'closed',
		'offered',
	]),
	time_zone: z.string(),
	booking_id: z.string().nullable(),
	crew_id: z.string().nullable(),
	crew_name: z.string().nullable(),
	crew_contact: z
		.object({ phone: z.string().nullable(), email: z.string().nullable() })
		.nullable()
		.describe(
			"How to reach the booked crew (its phone and e-mail in the crews' settings); null when none is set.",
		),
	start: z.string().nullable(),
	end: z.string().nullable(),
	hold_expires_at: z.string().nullable(),
	after_hours: z
		.boolean()
		.nullable()
		.describe(
			'An emergency (priority) booking: whether it was made while the business is closed (outside its hours, or a holiday); null for other bookings.',
		),
	duration_minutes: z.number().nullable(),
	duration_basis: z.string().nullable(),
	priority: z.number().nullable(),
	deadline: z.string().nullable(),
	needs_human: z.boolean(),
	reason: z.string().nullable(),
	slots: z.array(slotOut),
	alternatives: z.array(slotOut),
	bookings: z.array(bookingOut),
	series_id: z.string().nullable(),
	/** The series' RFC 5545 rule (RRULE:...), for calendar invites; null for single bookings. */
	rrule: z.string().nullable(),
	/** The series' first visit as the rule places it (booked, moved, skipped or not), the rule's DTSTART; null for single bookings. */
	series_start: z.string().nullable(),
	occurrences: z.array(slotOut.extend({ booking_id: z.string(), moved_minutes: z.number() })),
	conflicts: z.array(z.object({ wanted_start: z.string(), reason: z.string() })),
	skipped: z.array(
		z.object({ date: z.string(), reason: z.string(), wanted_start: z.string().optional() }),
	),
	preference_understood: z.array(z.string()),
	/** Who read the preference: rules, or the model (checked by code). */
	preference_source: z.enum(['rules', 'ai', 'ai+rules']).nullable(),
	llm_usage: z.object({
		calls: z.number(),
		prompt_tokens: z.number(),
		completion_tokens: z.number(),
	}),
	fallback_reason: z.string().nullable(),
	idempotency_key: z.string().nullable(),
	replayed: z.boolean(),
	/** endSeries: the series' last day with a visit (YYYY-MM-DD); null for other operations. */
	series_ends_on: z.string().nullable(),
	/** endSeries: the last visit still to come before the end; null when none is left. */
	last_visit: bookingOut.nullable(),
	/** progress: whether this report was recorded now (false: already recorded, or the visit is cancelled); null for other operations. */
	progress_recorded: z.boolean().nullable(),
	store: z.enum(['sqlite', 'postgres']),
});
export type BookingResult = z.infer<typeof bookingResultSchema>;
