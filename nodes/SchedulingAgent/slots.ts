import { DateTime } from 'luxon';

import { zoneNamed } from '../shared/zone';
import { crewWorksOn, windowsOn, type CrewConfig, type ResolvedCalendar } from './calendar';
import type { PreferenceConstraints } from './preferences';

/** A crew's busy time: [start, busyUntil) in epoch ms, the buffer after a job included. */
export type Busy = [number, number];

export interface Slot {
	start_ms: number;
	end_ms: number;
	crew_id: string;
}

export interface SlotSearch {
	calendar: ResolvedCalendar;
	crews: CrewConfig[];
	/** Busy intervals per crew id, sorted by start (see indexBusy). */
	busy: Map<string, Busy[]>;
	durationMinutes: number;
	fromMs: number;
	toMs: number;
	count: number;
	preference?: PreferenceConstraints | null;
	/** Priority mode: on-call crews work around the clock; holidays do not stop them. */
	allowOnCallAnyTime?: boolean;
	/** Distinct start times only (one crew per time), the default for offering choices. */
	distinctTimes?: boolean;
}

/** Sorts busy intervals per crew so each check is a binary search. */
export function indexBusy(
	intervals: Array<{ crew_id: string; start_ms: number; busy_until_ms: number }>,
): Map<string, Busy[]> {
	const byCrew = new Map<string, Busy[]>();
	for (const b of intervals) {
		const list = byCrew.get(b.crew_id) ?? [];
		list.push([b.start_ms, b.busy_until_ms]);
		byCrew.set(b.crew_id, list);
	}
	for (const list of byCrew.values()) list.sort((a, b) => a[0] - b[0]);
	return byCrew;
}

/** True when [start, end) overlaps none of the sorted intervals. */
export function isFree(list: Busy[] | undefined, start: number, end: number): boolean {
	if (!list || list.length === 0) return true;
	// Find the last interval starting before `end`; intervals do not overlap each other, so only it and its neighbours matter.
	let lo = 0;
	let hi = list.length - 1;
	let idx = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (list[mid][0] < end) {
			idx = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	for (let i = idx; i >= 0 && i >= idx - 1; i--) if (list[i][1] > start) return false;
	return true;
}

function inBlackout(ranges: Array<[number, number]>, start: number, end: number): boolean {
	for (const [a, b] of ranges) if (a < end && start < b) return true;
	return false;
}

/**
 * The earliest slots where a suitable crew is free for the whole job plus its
 * buffer, inside business hours (or around the clock for on-call crews in
 * priority mode), honouring holidays, blackouts and the customer's preference.
 * Earliest first; among crews, regular crews before on-call ones.
 */
export function findSlots(search: SlotSearch): Slot[] {
	const { calendar, durationMinutes } = search;
	const stepMs = calendar.slotStepMinutes * 60_000;
	const durationMs = durationMinutes * 60_000;
	const bufferMs = calendar.bufferMinutes * 60_000;
	const pref = search.preference;
	const crews = [...search.crews].sort((a, b) => Number(a.on_call) - Number(b.on_call));
	const regular = crews.filter((c) => !c.on_call);
	const onCall = search.allowOnCallAnyTime ? crews.filter((c) => c.on_call) : [];
	const slots: Slot[] = [];
	const distinct = search.distinctTimes !== false;

	const zone = zoneNamed(calendar.timeZone);
	let day = DateTime.fromMillis(search.fromMs, { zone }).startOf('day');
	const lastDay = DateTime.fromMillis(search.toMs, { zone }).startOf('day');
	while (day <= lastDay && slots.length < search.count) {
		const date = day.toISODate()!;
		const dateAllowed =
			(!pref?.dateFrom || date >= pref.dateFrom) &&
			(!pref?.dateTo || date <= pref.dateTo) &&
			(!pref?.weekdays || pref.weekdays.includes(day.weekday));
		if (dateAllowed) {
			const holiday = calendar.holidaySet.has(date);
			// Each window: [crews allowed, start ms, last start ms (exclusive), latest end ms]. A job in business hours
			// ends inside them; an on-call crew may start any time of the day and work past midnight.
			const windows: Array<[CrewConfig[], number, number, number]> = [];
			if (!holiday) {
				for (const [start, end] of windowsOn(calendar, day))
					windows.push([search.allowOnCallAnyTime ? crews : regular, start, end + 1, end]);
			}
			if (onCall.length)
				windows.push([
					onCall,
					day.toMillis(),
					day.plus({ days: 1 }).toMillis(),
					Number.MAX_SAFE_INTEGER,
				]);
			const candidates = new Map<number, string>();
			for (const [allCrews, windowStart, startLimit, windowEnd] of windows) {
				const windowCrews = allCrews.filter((c) => crewWorksOn(c, date, day.weekday));
				if (!windowCrews.length) continue;
				// Starts are aligned to the slot step from local midnight.
				const dayStart = day.toMillis();
				let start =
					dayStart + Math.ceil((Math.max(windowStart, search.fromMs) - dayStart) / stepMs) * stepMs;
				for (
					;
					start < startLimit && start + durationMs <= windowEnd && start <= search.toMs;
					start += stepMs
				) {
					if (candidates.has(start)) continue;
					if (pref && (pref.startFromMinute !== null || pref.startByMinute !== null)) {
						const local = DateTime.fromMillis(start, { zone });
						const minute = local.hour * 60 + local.minute;
						if (pref.startFromMinute !== null && minute < pref.startFromMinute) continue;
						if (pref.startByMinute !== null && minute > pref.startByMinute) continue;
					}
					const end = start + durationMs;
					if (inBlackout(calendar.blackoutRanges, start, end)) continue;
					for (const crew of windowCrews) {
						if (isFree(search.busy.get(crew.id), start, end + bufferMs)) {
							candidates.set(start, crew.id);
							if (!distinct) slots.push({ start_ms: start, end_ms: end, crew_id: crew.id });
							break;
						}
					}
				}
			}
			if (distinct) {
				for (const start of [...candidates.keys()].sort((a, b) => a - b)) {
					slots.push({
						start_ms: start,
						end_ms: start + durationMs,
						crew_id: candidates.get(start)!,
					});
					if (slots.length >= search.count) break;
				}
			}
		}
		day = day.plus({ days: 1 });
	}
	return slots.sort((a, b) => a.start_ms - b.start_ms).slice(0, search.count);
}
