import { DateTime } from 'luxon';
import { RRule } from 'rrule';

import { zoneNamed } from '../shared/zone';
import { ConfirmationInputError } from './sms';

/** The fields of a Scheduling Agent series result that place its visits (any object with them will do). */
export interface SeriesBooking {
	rrule?: string | null;
	/** The rule's first visit (the Scheduling Agent's `series_start`); older results lack it. */
	series_start?: string | null;
	start?: string | null;
	end?: string | null;
	occurrences?: Array<{ start: string; end: string; moved_minutes?: number | null }> | null;
	conflicts?: Array<{ wanted_start: string }> | null;
	skipped?: Array<{ wanted_start?: string | null }> | null;
}

/** A series as a calendar holds it: the rule from its first visit, the visits it leaves out, and the visits that moved. */
export interface SeriesInvite {
	/** One RRULE line without BYHOUR/BYMINUTE/BYSECOND (the first visit's time is the series' time). */
	rule: string;
	/** The rule's first visit, where the rule places it (it may itself be left out or moved). */
	start: DateTime;
	end: DateTime;
	/** Visits of the rule that were not booked: a holiday, or no crew free near the wanted time. */
	exdates: DateTime[];
	/** Visits booked away from the rule's time: RECURRENCE-ID (the rule's time) and the real start and end. */
	overrides: Array<{ recurrenceId: DateTime; start: DateTime; end: DateTime }>;
	/** Booked visits the rule does not produce (only from hand-made booking objects): added as they are. */
	extra: Array<{ start: DateTime; end: DateTime }>;
	/** The last visit, for the time-zone block's range. */
	last: DateTime;
}

const MAX_VISITS = 520;

/**
 * The invite for a booked series. The rule alone would show every visit at the
 * rule's time, holidays and unplaced visits included; the calendar must show
 * what was booked, so the rule is anchored on the series' first visit and each
 * difference is written the RFC 5545 way (EXDATE for a visit left out, an
 * overriding event with RECURRENCE-ID for a visit that moved).
 */
export function seriesInvite(
	booking: SeriesBooking,
	zone: string,
	fallbackMinutes = 120,
): SeriesInvite {
	const options = parseRule(booking.rrule);
	// Instants as epoch milliseconds (a year of visits is hundreds of them); DateTimes only for what the invite writes.
	const z = zoneNamed(zone);
	const ms = (iso: unknown, field: string) => {
		const t = typeof iso === 'string' && ISO_INSTANT.test(iso) ? Date.parse(iso) : NaN;
		if (!Number.isFinite(t))
			throw new ConfirmationInputError(
				field,
				`"${field}" is not a date-time with its offset (like 2027-02-15T09:00:00-05:00): ${JSON.stringify(iso)}.`,
			);
		return t;
	};
	const at = (t: number) => DateTime.fromMillis(t, { zone: z });
	const booked = (booking.occurrences ?? []).map((o, i) => {
		const start = ms(o.start, `booking.occurrences[${i}].start`);
		return {
			start,
			end: ms(o.end, `booking.occurrences[${i}].end`),
			wanted: start - (o.moved_minutes ?? 0) * 60_000,
		};
	});
	const wantedTimes = [
		...booked.map((b) => b.wanted),
		...(booking.conflicts ?? []).map((c, i) =>
			ms(c.wanted_start, `booking.conflicts[${i}].wanted_start`),
		),
		...(booking.skipped ?? []).flatMap((s, i) =>
			s.wanted_start ? [ms(s.wanted_start, `booking.skipped[${i}].wanted_start`)] : [],
		),
	];
	const firstMs = booking.series_start
		? ms(booking.series_start, 'booking.series_start')
		: wantedTimes.length
			? Math.min(...wantedTimes)
			: booking.start
				? ms(booking.start, 'booking.start')
				: null;
	if (firstMs === null)
		throw new ConfirmationInputError(
			'booking.series_start',
			"A series invite needs the series' first visit: map the Scheduling Agent's series result ({{ $json.booking }}).",
		);
	const first = at(firstMs);
	const minutes = booked.length
		? Math.round((booked[0].end - booked[0].start) / 60_000)
		: booking.start && booking.end
			? Math.round((ms(booking.end, 'booking.end') - ms(booking.start, 'booking.start')) / 60_000)
			: fallbackMinutes;

	// rrule expands in "floating" wall-clock time (UTC fields = local time), as the Scheduling Agent placed the visits.
	const floating = new Date(
		Date.UTC(first.year, first.month - 1, first.day, first.hour, first.minute),
	);
	let dates: Date[];
	try {
		dates = new RRule({
			...options,
			dtstart: floating,
			byhour: first.hour,
			byminute: first.minute,
			bysecond: 0,
		}).all((_, i) => i < MAX_VISITS);
	} catch (error) {
		throw new ConfirmationInputError(
			'booking.rrule',
			`"booking.rrule" is not an RFC 5545 rule (${(error as Error).message}).`,
		);
	}
	const nominal = dates.map((d) =>
		DateTime.fromObject(
			{
				year: d.getUTCFullYear(),
				month: d.getUTCMonth() + 1,
				day: d.getUTCDate(),
				hour: d.getUTCHours(),
				minute: d.getUTCMinutes(),
			},
			{ zone: z },
		).toMillis(),
	);
	// RFC 5545: DTSTART is the first instance even when the rule would not produce it, and COUNT counts it.
	if (!nominal.length || nominal[0] !== firstMs) {
		nominal.unshift(firstMs);
		if (options.count) nominal.length = Math.min(nominal.length, options.count);
	}
	const rule = RRule.optionsToString(options);
	const end = first.plus({ minutes });
	// Without the list of visits (a booking object made elsewhere), the rule is all there is to show.
	if (!Array.isArray(booking.occurrences))
		return {
			rule,
			start: first,
			end,
			exdates: [],
			overrides: [],
			extra: [],
			last: at(nominal[nominal.length - 1]),
		};

	const byWanted = new Map(booked.map((b) => [b.wanted, b]));
	const exdates: DateTime[] = [];
	const overrides: SeriesInvite['overrides'] = [];
	for (const t of nominal) {
		const visit = byWanted.get(t);
		if (!visit) exdates.push(at(t));
		else if (visit.start !== t || Math.round((visit.end - visit.start) / 60_000) !== minutes)
			overrides.push({ recurrenceId: at(t), start: at(visit.start), end: at(visit.end) });
		byWanted.delete(t);
	}
	const extra = [...byWanted.values()].map((b) => ({ start: at(b.start), end: at(b.end) }));
	return {
		rule,
		start: first,
		end,
		exdates,
		overrides,
		extra,
		last: at(
			Math.max(
				nominal[nominal.length - 1],
				...extra.map((e) => e.start.toMillis()),
				...overrides.map((o) => o.start.toMillis()),
			),
		),
	};
}

const ISO_INSTANT =
	/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** The rule's own parts, checked by rrule's parser (nothing else reaches the invite) and without the time of day. */
function parseRule(text: string | null | undefined) {
	const line = String(text ?? '')
		.split(/\r?\n/)
		.find((l) => /^(RRULE:)?FREQ=/i.test(l.trim()));
	if (!line)
		throw new ConfirmationInputError(
			'booking.rrule',
			"A series needs its rule (booking.rrule, e.g. RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=52): map the Scheduling Agent's series result.",
		);
	let options: ReturnType<typeof RRule.parseString>;
	try {
		options = RRule.parseString(line.trim().replace(/^RRULE:/i, ''));
	} catch (error) {
		throw new ConfirmationInputError(
			'booking.rrule',
			`"booking.rrule" is not an RFC 5545 rule (${(error as Error).message}).`,
		);
	}
	if (!options.count && !options.until)
		throw new ConfirmationInputError(
			'booking.rrule',
			'"booking.rrule" has no end (COUNT or UNTIL): a calendar would repeat it forever.',
		);
	delete options.byhour;
	delete options.byminute;
	delete options.bysecond;
	delete options.dtstart;
	delete options.tzid;
	return options;
}
