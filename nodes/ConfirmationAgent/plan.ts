import { DateTime } from 'luxon';

export interface PlanOptions {
	/** Hours before the start for each reminder (default 24 and 2). */
	reminderHoursBefore: number[];
	/** Hours after the end for the review request (default 24). */
	reviewHoursAfter: number;
	/** Quiet hours, local "HH:MM" (default 21:00 to 08:00): nothing is sent in them. */
	quietStart: string;
	quietEnd: string;
}

export const DEFAULT_PLAN: PlanOptions = { reminderHoursBefore: [24, 2], reviewHoursAfter: 24, quietStart: '21:00', quietEnd: '08:00' };

export interface PlannedMessage<K extends 'reminder' | 'review_request' = 'reminder' | 'review_request'> {
	kind: K;
	send_at: string;
	/** Why the time moved from the nominal one (quiet hours), or null. */
	adjusted: string | null;
}

const minutesOf = (hhmm: string) => {
	const [h, m] = hhmm.split(':').map(Number);
	return h * 60 + m;
};

function inQuiet(t: DateTime, start: number, end: number): boolean {
	const m = t.hour * 60 + t.minute;
	return start > end ? m >= start || m < end : m >= start && m < end;
}

/**
 * When to send the reminders and the review request. A reminder that falls in
 * quiet hours moves earlier (to before they start); a review request moves
 * later (to when they end). A reminder already in the past is left out.
 */
export function followUpPlan(startIso: string, endIso: string, timeZone: string, now: DateTime, options: Partial<PlanOptions> = {}): { reminders: Array<PlannedMessage<'reminder'>>; review_request: PlannedMessage<'review_request'>; skipped: string[] } {
	const o = { ...DEFAULT_PLAN, ...options };
	const quietStart = minutesOf(o.quietStart);
	const quietEnd = minutesOf(o.quietEnd);
	const start = DateTime.fromISO(startIso, { setZone: true }).setZone(timeZone);
	const end = DateTime.fromISO(endIso, { setZone: true }).setZone(timeZone);
	const iso = (t: DateTime) => t.toISO({ suppressMilliseconds: true })!;
	const reminders: Array<PlannedMessage<'reminder'>> = [];
	const skipped: string[] = [];
	for (const hours of [...o.reminderHoursBefore].sort((a, b) => b - a)) {
		let at = start.minus({ hours });
		let adjusted: string | null = null;
		if (inQuiet(at, quietStart, quietEnd)) {
			// The last minute before quiet hours began.
			let evening = at.set({ hour: Math.floor(quietStart / 60), minute: quietStart % 60, second: 0, millisecond: 0 });
			if (evening > at) evening = evening.minus({ days: 1 });
			at = evening.minus({ minutes: 30 });
			adjusted = `moved out of quiet hours (${o.quietStart}-${o.quietEnd})`;
		}
		if (at <= now) {
			skipped.push(`${hours} h reminder (its time has passed)`);
			continue;
		}
		if (reminders.some((r) => r.send_at === iso(at))) continue;
		reminders.push({ kind: 'reminder', send_at: iso(at), adjusted });
	}
	let review = end.plus({ hours: o.reviewHoursAfter });
	let reviewAdjusted: string | null = null;
	if (inQuiet(review, quietStart, quietEnd)) {
		let morning = review.set({ hour: Math.floor(quietEnd / 60), minute: quietEnd % 60, second: 0, millisecond: 0 });
		if (morning < review) morning = morning.plus({ days: 1 });
		review = morning;
		reviewAdjusted = `moved out of quiet hours (${o.quietStart}-${o.quietEnd})`;
	}
	return { reminders, review_request: { kind: 'review_request', send_at: iso(review), adjusted: reviewAdjusted }, skipped };
}
