/** Quiet hours: a local "HH:MM" to "HH:MM" window (it may run past midnight) when no text is sent. */
import type { DateTime } from 'luxon';

/** "21:30" as minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
	const [h, m] = hhmm.split(':').map(Number);
	return h * 60 + m;
}

/** Whether local time `t` is in the window from `start` to `end` (minutes after midnight). */
export function inQuietWindow(t: DateTime, start: number, end: number): boolean {
	const m = t.hour * 60 + t.minute;
	return start > end ? m >= start || m < end : m >= start && m < end;
}
