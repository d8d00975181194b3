import { DateTime } from 'luxon';

import { resolveCalendar, type CalendarConfig } from '../../nodes/SchedulingAgent/calendar';
import { WEEKDAYS } from '../../nodes/shared/vocabulary';
import { findSlots, indexBusy } from '../../nodes/SchedulingAgent/slots';

/** A small seeded generator, so a failure can be replayed from its seed. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

const ZONES = [
	'America/New_York',
	'Europe/London',
	'Asia/Kolkata',
	'Australia/Sydney',
	'America/Los_Angeles',
];
// Ordinary weeks, and the days before daylight-saving switches (New York 8 Mar and 1 Nov 2026, London 29 Mar and
// 25 Oct, Sydney 5 Apr and 4 Oct), where business hours are not midnight plus their minutes.
const STARTS = [
	'2026-03-05T07:00:00Z',
	'2026-10-20T07:00:00Z',
	'2026-06-10T07:00:00Z',
	'2026-11-28T07:00:00Z',
	'2026-03-07T12:00:00Z',
	'2026-10-31T12:00:00Z',
	'2026-03-28T12:00:00Z',
	'2026-10-24T12:00:00Z',
	'2026-04-04T06:00:00Z',
	'2026-10-03T06:00:00Z',
];
const hhmm = (m: number) =>
	`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Brute force, written independently of findSlots: every step-aligned start in
 * the range, checked minute by minute against the calendar's own definition.
 */
function oracle(
	cal: ReturnType<typeof resolveCalendar>,
	crews: string[],
	busy: Array<{ crew_id: string; start_ms: number; busy_until_ms: number }>,
	fromMs: number,
	toMs: number,
	durationMin: number,
	count: number,
) {
	const out: Array<{ start: number; crews: string[] }> = [];
	let day = DateTime.fromMillis(fromMs, { zone: cal.timeZone }).startOf('day');
	const step = cal.slotStepMinutes;
	while (day.toMillis() <= toMs && out.length < count) {
		for (let k = 0; k * step < 24 * 60 + 60; k++) {
			const start = day.toMillis() + k * step * 60_000;
			if (start < fromMs || start > toMs) continue;
			const local = DateTime.fromMillis(start, { zone: cal.timeZone });
			if (local.toISODate() !== day.toISODate()) continue;
			if (cal.holidaySet.has(local.toISODate()!)) continue;
			const end = start + durationMin * 60_000;
			// Inside a window by the local wall clock: starts at or after its opening, ends by its closing the same day.
			const endLocal = DateTime.fromMillis(end, { zone: cal.timeZone });
			const wallMinute = (t: DateTime) => t.hour * 60 + t.minute;
			const endMinute =
				endLocal.toISODate() === local.toISODate()
					? wallMinute(endLocal)
					: endLocal.toISODate() === day.plus({ days: 1 }).toISODate() && wallMinute(endLocal) === 0
						? 24 * 60
						: Infinity;
			const windows = cal.windows.get(local.weekday) ?? [];
			const inside = windows.some(([a, b]) => wallMinute(local) >= a && endMinute <= b);
			if (!inside) continue;
			if (cal.blackoutRanges.some(([a, b]) => a < end && start < b)) continue;
			const free = crews.filter(
				(c) =>
					!busy.some(
						(b) =>
							b.crew_id === c &&
							b.start_ms < end + cal.bufferMinutes * 60_000 &&
							start < b.busy_until_ms,
					),
			);
			if (free.length && !out.some((o) => o.start === start)) out.push({ start, crews: free });
		}
		day = day.plus({ days: 1 });
	}
	return out.sort((a, b) => a.start - b.start).slice(0, count);
}

describe('slot finding against a brute-force oracle on random calendars', () => {
	for (let seed = 1; seed <= 60; seed++) {
		it(`seed ${seed}`, () => {
			const r = rng(seed);
			const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
			const businessHours = Object.fromEntries(
				WEEKDAYS.map((d) => {
					const windows: Array<[string, string]> = [];
					const n = Math.floor(r() * 3);
					let cursor = 6 * 60 + Math.floor(r() * 6) * 30;
					for (let i = 0; i < n && cursor < 20 * 60; i++) {
						const end = Math.min(23 * 60, cursor + 60 + Math.floor(r() * 10) * 30);
						windows.push([hhmm(cursor), hhmm(end)]);
						cursor = end + 30 + Math.floor(r() * 4) * 30;
					}
					return [d, windows];
				}),
			) as CalendarConfig['businessHours'];
			const zone = pick(ZONES);
			const from = DateTime.fromISO(pick(STARTS)).setZone(zone);
			const crews = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => ({
				id: `c${i}`,
				name: `C${i}`,
				skills: ['cleaning'],
				on_call: false,
			}));
			const holiday = from.plus({ days: 1 + Math.floor(r() * 5) }).toISODate()!;
			const cal = resolveCalendar({
				timeZone: zone,
				businessHours,
				holidays: r() < 0.5 ? [holiday] : [],
				blackouts:
					r() < 0.3
						? [
								{
									start: from.plus({ days: 2, hours: 3 }).toISO()!,
									end: from.plus({ days: 2, hours: 9 }).toISO()!,
								},
							]
						: [],
				crews,
				bufferMinutes: pick([0, 15, 30, 60]),
				slotStepMinutes: pick([15, 30, 60]),
			});
			const busy: Array<{ crew_id: string; start_ms: number; busy_until_ms: number }> = [];
			for (const crew of crews) {
				let t = from.toMillis();
				for (let i = 0; i < 15; i++) {
					t += Math.floor(r() * 12) * 3_600_000 + Math.floor(r() * 4) * 900_000;
					const len = (1 + Math.floor(r() * 8)) * 1_800_000;
					busy.push({ crew_id: crew.id, start_ms: t, busy_until_ms: t + len });
					t += len;
				}
			}
			const duration = pick([30, 60, 90, 120, 180]);
			const fromMs = from.toMillis() + Math.floor(r() * 10) * 600_000;
			const toMs = from.plus({ days: 10 }).toMillis();
			const slots = findSlots({
				calendar: cal,
				crews,
				busy: indexBusy(busy),
				durationMinutes: duration,
				fromMs,
				toMs,
				count: 12,
			});
			const expected = oracle(
				cal,
				crews.map((c) => c.id),
				busy,
				fromMs,
				toMs,
				duration,
				12,
			);
			expect(slots.map((s) => s.start_ms)).toEqual(expected.map((e) => e.start));
			for (const [i, slot] of slots.entries()) {
				expect(expected[i].crews).toContain(slot.crew_id);
				expect(slot.end_ms - slot.start_ms).toBe(duration * 60_000);
			}
		});
	}
});
