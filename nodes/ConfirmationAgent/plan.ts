import { DateTime } from 'luxon';

import { inQuietWindow, minutesOfDay } from '../shared/quiet';

export interface PlanOptions {
	/** Hours before the start for each reminder (default 24 and 2). */
	reminderHoursBefore: number[];
	/** Hours after the end for the review request (default 24). */
	reviewHoursAfter: number;
	/** Quiet hours, local "HH:MM" (default 21:00 to 08:00): nothing is sent in them. */
	quietStart: string;
	quietEnd: string;
}

export const DEFAULT_PLAN: PlanOptions = {
	reminderHoursBefore: [24, 2],
	reviewHoursAfter: 24,
	quietStart: '21:00',
	quietEnd: '08:00',
};

export interface PlannedMessage<
	K extends 'reminder' | 'review_request' = 'reminder' | 'review_request',
> {
	kind: K;
	send_at: string;
	/** Why the time moved from the nominal one (quiet hours), or null. */
	adjusted: string | null;
}

export interface PlannedReminder extends PlannedMessage<'reminder'> {
	/** The reminder's hours before the start, as set in the plan. */
	hours_before: number;
}

/** How long before quiet hours a reminder is sent at the latest. */
const REMINDER_MARGIN_MINUTES = 30;

/**
 * When to send the reminders and the review request. A reminder that falls in
 * quiet hours, or in the half hour before them, moves earlier (to half an hour
 * before they start); a review request moves later (to when they end). A
 * reminder already in the past is left out.
 */
export function followUpPlan(
	startIso: string,
	endIso: string,
	timeZone: string,
	now: DateTime,
	options: Partial<PlanOptions> = {},
): {
	reminders: PlannedReminder[];
	review_request: PlannedMessage<'review_request'>;
	skipped: string[];
} {
	const o = { ...DEFAULT_PLAN, ...options };
	const quietStart = minutesOfDay(o.quietStart);
	const quietEnd = minutesOfDay(o.quietEnd);
	const start = DateTime.fromISO(startIso, { setZone: true }).setZone(timeZone);
	const end = DateTime.fromISO(endIso, { setZone: true }).setZone(timeZone);
	const iso = (t: DateTime) => t.toISO({ suppressMilliseconds: true })!;
	const reminders: PlannedReminder[] = [];
	const skipped: string[] = [];
	// A reminder goes out at least REMINDER_MARGIN_MINUTES before quiet hours, so that a
	// schedule running every 15 minutes still sends it before they begin.
	const reminderCutoff = (quietStart - REMINDER_MARGIN_MINUTES + 1 + 1440) % 1440;
	for (const hours of [...o.reminderHoursBefore].sort((a, b) => b - a)) {
		let at = start.minus({ hours });
		let adjusted: string | null = null;
		if (quietStart !== quietEnd && inQuietWindow(at, reminderCutoff, quietEnd)) {
			// The last evening time before quiet hours, that day or the day before.
			let latest = at
				.set({
					hour: Math.floor(quietStart / 60),
					minute: quietStart % 60,
					second: 0,
					millisecond: 0,
				})
				.minus({ minutes: REMINDER_MARGIN_MINUTES });
			if (latest > at) latest = latest.minus({ days: 1 });
			at = latest;
			adjusted = `moved out of quiet hours (${o.quietStart}-${o.quietEnd})`;
		}
		if (at <= now) {
			skipped.push(`${hours} h reminder (its time has passed)`);
			continue;
		}
		if (reminders.some((r) => r.send_at === iso(at))) continue;
		reminders.push({ kind: 'reminder', send_at: iso(at), adjusted, hours_before: hours });
	}
	let review = end.plus({ hours: o.reviewHoursAfter });
	let reviewAdjusted: string | null = null;
	if (inQuietWindow(review, quietStart, quietEnd)) {
		let morning = review.set({
			hour: Math.floor(quietEnd / 60),
			minute: quietEnd % 60,
			second: 0,
			millisecond: 0,
		});
		if (morning < review) morning = morning.plus({ days: 1 });
		review = morning;
		reviewAdjusted = `moved out of quiet hours (${o.quietStart}-${o.quietEnd})`;
	}
	return {
		reminders,
		review_request: { kind: 'review_request', send_at: iso(review), adjusted: reviewAdjusted },
		skipped,
	};
}

/** A visit as the Scheduling Agent lists it (Booking > List). */
export interface PlannedVisit {
	booking_id: string;
	series_id?: string | null;
	status?: string | null;
	start: string;
	end: string;
	time_zone: string;
	/** When it was booked: reminders whose time had passed then were never planned (the confirmation said so). */
	created_at?: string | null;
	/** A series visit that is not the series' first gets no review request (weekly customers are asked once). */
	first_of_series?: boolean | null;
}

export interface DueFollowUp {
	kind: 'reminder' | 'review_request';
	/** When the plan said to send it (already out of quiet hours). */
	due_at: string;
	/** The reminder's hours before the start; null for the review request. */
	hours_before: number | null;
	/**
	 * One key per message, for n8n's Remove Duplicates: each reminder of a visit, and one
	 * review request per booking (per series for recurring visits, so weekly customers are asked once).
	 */
	key: string;
}

/** A review request later than this is no longer sent (the visit is old news; a list that looks far back sends nothing stale). */
export const REVIEW_LATE_LIMIT_HOURS = 72;

/**
 * What the follow-up plan says is due for a visit at `now`: the latest reminder
 * whose time has come (while the visit has not started), else the review request
 * once its time has come. The plan is the one the confirmation gave the customer
 * (computed from the booking time). Nothing is due in quiet hours: it waits for
 * them to end, unless the visit starts first. Cancelled and held visits get nothing; the review
 * request waits for the crew to mark the visit done (status completed).
 */
export function dueFollowUp(
	visit: PlannedVisit,
	now: DateTime,
	options: Partial<PlanOptions> = {},
): DueFollowUp | null {
	if (visit.status && visit.status !== 'confirmed' && visit.status !== 'completed') return null;
	const o = { ...DEFAULT_PLAN, ...options };
	const zone = visit.time_zone;
	// Quiet hours at the visit (equal start and end: none).
	if (inQuietWindow(now.setZone(zone), minutesOfDay(o.quietStart), minutesOfDay(o.quietEnd)))
		return null;
	const start = DateTime.fromISO(visit.start, { setZone: true });
	const booked = visit.created_at
		? DateTime.fromISO(visit.created_at, { setZone: true })
		: DateTime.fromMillis(0);
	const plan = followUpPlan(visit.start, visit.end, zone, booked, o);
	if (now < start) {
		// The latest reminder whose time has come; one missed before it is not sent late.
		let due: DueFollowUp | null = null;
		let dueMs = -Infinity;
		for (const reminder of plan.reminders) {
			const at = DateTime.fromISO(reminder.send_at, { setZone: true }).toMillis();
			if (at > now.toMillis() || at < dueMs) continue;
			dueMs = at;
			due = {
				kind: 'reminder',
				due_at: reminder.send_at,
				hours_before: reminder.hours_before,
				key: `${visit.booking_id}:reminder:${reminder.hours_before}h`,
			};
		}
		return due;
	}
	// A review request follows only a visit the crew marked done (Scheduling: Record Visit Progress).
	if (visit.status !== 'completed') return null;
	if (visit.series_id && visit.first_of_series === false) return null;
	const review = DateTime.fromISO(plan.review_request.send_at, { setZone: true });
	if (review > now || now.diff(review, 'hours').hours > REVIEW_LATE_LIMIT_HOURS) return null;
	return {
		kind: 'review_request',
		due_at: plan.review_request.send_at,
		hours_before: null,
		key: `${visit.series_id ?? visit.booking_id}:review_request`,
	};
}
