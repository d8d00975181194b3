/**
 * Stranded bookings: a visit booked by a flow that stopped before it recorded the case and
 * confirmed it (an n8n worker killed mid-execution: n8n neither runs it again nor calls the error
 * workflow). The Scheduling Agent writes the case's id on each booking it makes from a case
 * (details.case_id); a confirmed booking whose case does not list it some minutes later was
 * stranded. Handing it over records it on that case, so the next check does not find it again.
 */
import { DateTime } from 'luxon';

import { InputError } from '../errors';
import { bookingFromRow, type BookingRecord, type BookingStore } from '../store';
import { CASE_ID } from './cases';
import { jsonColumn } from './columns';

export interface StrandedCase {
	case_id: string;
	/** Whether the case was recorded at all before the flow stopped (then it lacks only its booking). */
	case_recorded: boolean;
	/** The visits of the case no case lists, earliest first (a series: every visit booked). */
	bookings: Array<BookingRecord & { crew_name: string | null }>;
}

export interface StrandedCheck {
	nowMs: number;
	/** A booking younger than this may still be on its way to its case (its flow is running). */
	olderThanMinutes: number;
	/** Only bookings made or changed within this many hours are looked at. */
	lookBackHours: number;
}

/** The cases whose confirmed bookings of the period no case lists, one entry per case. */
export async function strandedBookings(
	store: BookingStore,
	check: StrandedCheck,
): Promise<StrandedCase[]> {
	const olderThan = boundedNumber(
		check.olderThanMinutes,
		'olderThanMinutes',
		'Booked at Least (Minutes) Ago',
		0,
		24 * 60,
	);
	const lookBack = boundedNumber(
		check.lookBackHours,
		'lookBackHours',
		'Look Back (Hours)',
		1 / 60,
		24 * 31,
	);
	const rows = await store.read(
		`SELECT b.*, c.name AS crew_name FROM bookings b LEFT JOIN crews c ON c.id = b.crew_id
		 WHERE b.status = 'confirmed' AND b.updated_at_ms >= $1 AND b.updated_at_ms <= $2
		 ORDER BY b.start_ms, b.id`,
		[check.nowMs - lookBack * 3_600_000, check.nowMs - olderThan * 60_000],
	);
	const byCase = new Map<string, StrandedCase['bookings']>();
	for (const row of rows) {
		const booking = bookingFromRow(row, (value) =>
			typeof value === 'string' ? jsonColumn(value, null) : ((value as never) ?? null),
		);
		const caseId = booking.details?.case_id;
		// Bookings made without a case (a Scheduling node given its fields directly) have no case to be in.
		if (typeof caseId !== 'string' || !CASE_ID.test(caseId)) continue;
		const list = byCase.get(caseId) ?? [];
		list.push({ ...booking, crew_name: (row.crew_name as string | null) ?? null });
		byCase.set(caseId, list);
	}
	if (!byCase.size) return [];
	const listed = await bookingIdsOfCases(store, [...byCase.keys()]);
	const stranded: StrandedCase[] = [];
	for (const [caseId, bookings] of byCase) {
		const known = listed.get(caseId);
		const missing = bookings.filter((b) => !known?.has(b.id));
		if (missing.length)
			stranded.push({ case_id: caseId, case_recorded: known !== undefined, bookings: missing });
	}
	return stranded;
}

/** Each case's recorded booking ids (a case not recorded is absent). */
async function bookingIdsOfCases(
	store: BookingStore,
	caseIds: string[],
): Promise<Map<string, Set<string>>> {
	const listed = new Map<string, Set<string>>();
	for (let start = 0; start < caseIds.length; start += 500) {
		const chunk = caseIds.slice(start, start + 500);
		const rows = await store.read(
			`SELECT id, booking_ids FROM cases WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
			chunk,
		);
		for (const row of rows)
			listed.set(String(row.id), new Set(jsonColumn<string[]>(row.booking_ids, [])));
	}
	return listed;
}

/** Why ops get the case, in their words: what was booked, and what to check. */
export function strandedReason(stranded: StrandedCase, nowMs: number): string {
	const first = stranded.bookings[0];
	const when = DateTime.fromMillis(first.start_ms, { zone: first.time_zone }).toFormat(
		'ccc LLL d, h:mm a',
	);
	const what = `${(first.service ?? 'service').replace(/_/g, ' ')}, ${first.crew_name ?? first.crew_id}, ${when}`;
	const visits =
		stranded.bookings.length === 1
			? `The visit ${first.id} (${what})`
			: `${stranded.bookings.length} visits from ${first.id} (${what})`;
	const minutes = Math.max(0, Math.round((nowMs - first.updated_at_ms) / 60_000));
	return `${visits} ${stranded.bookings.length === 1 ? 'was' : 'were'} booked ${minutes} minutes ago, but the flow that booked ${stranded.bookings.length === 1 ? 'it' : 'them'} stopped before it recorded the case and confirmed it to the customer (an n8n worker stopped?). Check the customer got their confirmation (the case's messages), then confirm the visit with them or cancel it.`;
}

/** The case as the Human Queue takes it: its id (so the handoff is recorded on it, with its visits), the customer, the visits and the reason. */
export function strandedCaseItem(stranded: StrandedCase, nowMs: number): Record<string, unknown> {
	const iso = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO();
	const visits = stranded.bookings.map((b) => ({
		booking_id: b.id,
		status: b.status,
		start: iso(b.start_ms, b.time_zone),
		end: iso(b.end_ms, b.time_zone),
		crew_id: b.crew_id,
		crew_name: b.crew_name,
	}));
	const first = stranded.bookings[0];
	const reason = strandedReason(stranded, nowMs);
	return {
		case: { case_id: stranded.case_id },
		customer: first.customer ?? null,
		booking: {
			...visits[0],
			time_zone: first.time_zone,
			service: first.service,
			series_id: first.series_id,
			booked_at: iso(first.updated_at_ms, first.time_zone),
			occurrences: visits,
		},
		stranded: { case_recorded: stranded.case_recorded, visits: visits.length },
		message: `Booked, but not recorded: ${first.id}`,
		handoff_reason: reason,
	};
}

function boundedNumber(
	value: unknown,
	field: string,
	label: string,
	min: number,
	max: number,
): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
		throw new InputError(
			field,
			`${JSON.stringify(value)} is not a number from ${+min.toFixed(2)} to ${max}: set "${label}" to a number in that range.`,
		);
	return value;
}
