/** What leaves the board as files and e-mails: the weekly report's wording and the CSV exports. */
import { DateTime } from 'luxon';

import { escapeHtml } from '../shared/html';
import { formatMoney } from '../shared/money';
import { caseFromRow } from '../shared/records/cases';
import { bookingFromRow, type BookingStore } from '../shared/store/types';
import { duration } from './board';
import type { Period, WeeklyNumbers } from './report';

const pct = (value: number | null) => (value === null ? '-' : `${Math.round(value * 100)}%`);

function revenueText(numbers: WeeklyNumbers): string {
	return numbers.revenue_booked.length
		? numbers.revenue_booked.map((r) => formatMoney(r.cents, r.currency || 'USD')).join(' + ')
		: formatMoney(0, 'USD');
}

/** The report as lines of label and value: the e-mail's text and table are made from them. */
export function reportLines(numbers: WeeklyNumbers): Array<[string, string]> {
	const er = numbers.emergency_response;
	return [
		['Leads', String(numbers.leads)],
		...numbers.by_channel.map(
			(row) =>
				[
					`  by ${row.channel.replace('_', ' ')}`,
					`${row.leads} (qualified ${row.qualified}, quoted ${row.quoted}, won ${row.won})`,
				] as [string, string],
		),
		['Qualified', String(numbers.qualified)],
		['Quoted', String(numbers.quoted)],
		['Won (booked)', String(numbers.won)],
		[
			'Quote to booking',
			`${pct(numbers.conversion)} (${numbers.won_of_quoted} of ${numbers.quoted})`,
		],
		['Revenue booked', revenueText(numbers)],
		[
			'Time to first answer',
			`median ${duration(numbers.first_answer.median_seconds)}, p95 ${duration(numbers.first_answer.p95_seconds)} (${numbers.first_answer.count} answered)`,
		],
		[
			'Emergency response',
			numbers.emergencies
				? `median ${duration(er.median_seconds)}, p95 ${duration(er.p95_seconds)}; ${er.within_goal} of ${numbers.emergencies} within ${duration(er.goal_seconds)}${er.not_dispatched ? `, ${er.not_dispatched} not dispatched automatically` : ''}`
				: 'no emergencies',
		],
		['Crew time booked', pct(numbers.utilisation)],
		...numbers.crews.map(
			(crew) =>
				[
					`  ${crew.crew_name}`,
					`${crew.booked_hours} h of ${crew.available_hours} h (${pct(crew.utilisation)})`,
				] as [string, string],
		),
		['Cancellations', String(numbers.cancellations)],
		['Messages not delivered', String(numbers.failed_deliveries)],
	];
}

/** The weekly e-mail: subject, plain text and HTML. */
export function reportMessage(
	numbers: WeeklyNumbers,
	business: string,
): { subject: string; text: string; html: string } {
	const lines = reportLines(numbers);
	const subject = `${business}, ${numbers.period.label}: ${numbers.leads} leads, ${numbers.won} won, ${revenueText(numbers)} booked`;
	const width = Math.max(...lines.map(([label]) => label.length)) + 2;
	const text = [
		`${business}: the numbers for ${numbers.period.label} (${numbers.period.time_zone})`,
		'',
		...lines.map(([label, value]) => `${label.padEnd(width)}${value}`),
		'',
		'Leads, answers and conversion count the cases received in the period; revenue counts what was booked in it.',
	].join('\n');
	const rows = lines
		.map(
			([label, value]) =>
				`<tr><td style="padding:4px 12px 4px 0;color:${label.startsWith('  ') ? '#667085' : '#1d2433'}">${escapeHtml(label.trim())}</td><td style="padding:4px 0;font-weight:600">${escapeHtml(value)}</td></tr>`,
		)
		.join('');
	const html = `<div style="font-family:Arial,sans-serif;color:#1d2433"><h2 style="font-size:18px">${escapeHtml(business)}: the numbers for ${escapeHtml(numbers.period.label)}</h2><table style="border-collapse:collapse;font-size:14px">${rows}</table><p style="color:#667085;font-size:12px">Leads, answers and conversion count the cases received in the period; revenue counts what was booked in it. Times in ${escapeHtml(numbers.period.time_zone)}.</p></div>`;
	return { subject, text, html };
}

/** A CSV field: quoted when it must be; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(header: string[], rows: unknown[][]): string {
	return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const EXPORTS = ['cases', 'bookings'] as const;
export type ExportKind = (typeof EXPORTS)[number];

/** Cases received, or visits starting, in the period: one row each, times in the business's zone. */
export async function exportCsv(
	store: BookingStore,
	kind: ExportKind,
	period: Period,
): Promise<{ fileName: string; csv: string; rows: number }> {
	const local = (ms: number | null) =>
		ms === null
			? ''
			: DateTime.fromMillis(ms, { zone: period.timeZone }).toISO({ suppressMilliseconds: true });
	const day = (ms: number) => DateTime.fromMillis(ms, { zone: period.timeZone }).toISODate();
	const name = `${kind}-${day(period.fromMs)}-to-${day(period.toMs - 1)}.csv`;
	if (kind === 'cases') {
		const rows = (
			await store.read(
				'SELECT * FROM cases WHERE received_at_ms >= $1 AND received_at_ms < $2 ORDER BY received_at_ms, id',
				[period.fromMs, period.toMs],
			)
		).map(caseFromRow);
		return {
			fileName: name,
			rows: rows.length,
			csv: csv(
				[
					'case_id',
					'received_at',
					'channel',
					'status',
					'customer_name',
					'customer_email',
					'customer_phone',
					'service_type',
					'is_emergency',
					'qualified',
					'lead_score',
					'quote_cents',
					'booked_cents',
					'currency',
					'first_answer_seconds',
					'dispatch_seconds',
					'booked_at',
					'booking_ids',
					'contract_id',
					'waiting_for',
				],
				rows.map((c) => [
					c.case_id,
					local(c.received_at_ms),
					c.channel,
					c.status,
					c.customer.name,
					c.customer.email,
					c.customer.phone,
					c.service_type,
					c.is_emergency ? 'yes' : 'no',
					c.qualified === null ? '' : c.qualified ? 'yes' : 'no',
					c.lead_score,
					c.quote_cents,
					c.booked_cents,
					c.currency,
					c.first_answer_at_ms === null ? '' : (c.first_answer_at_ms - c.received_at_ms) / 1000,
					c.dispatched_at_ms === null ? '' : (c.dispatched_at_ms - c.received_at_ms) / 1000,
					local(c.booked_at_ms),
					c.booking_ids.join(' '),
					c.contract_id,
					c.decision?.kind ?? (c.status === 'waiting_ops' ? 'a person' : ''),
				]),
			),
		};
	}
	const rows = (
		await store.read(
			'SELECT * FROM bookings WHERE start_ms >= $1 AND start_ms < $2 ORDER BY start_ms, crew_id',
			[period.fromMs, period.toMs],
		)
	).map((row) =>
		bookingFromRow(row, (v) =>
			typeof v === 'string'
				? (JSON.parse(v) as Record<string, unknown>)
				: ((v as Record<string, unknown>) ?? null),
		),
	);
	const customer = (b: (typeof rows)[number], key: string) =>
		b.customer && typeof b.customer[key] === 'string' ? (b.customer[key] as string) : '';
	return {
		fileName: name,
		rows: rows.length,
		csv: csv(
			[
				'booking_id',
				'start',
				'end',
				'crew_id',
				'status',
				'service',
				'priority',
				'series_id',
				'customer_name',
				'customer_email',
				'customer_phone',
				'address',
				'cancel_reason',
				'created_at',
			],
			rows.map((b) => [
				b.id,
				local(b.start_ms),
				local(b.end_ms),
				b.crew_id,
				b.status,
				b.service,
				b.priority,
				b.series_id,
				customer(b, 'name'),
				customer(b, 'email'),
				customer(b, 'phone'),
				customer(b, 'address'),
				b.cancel_reason,
				local(b.created_at_ms),
			]),
		),
	};
}
