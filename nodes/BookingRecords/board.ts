/**
 * The ops board: one page for the office, readable on a phone. What it shows is read
 * from the booking store (visits, case records, agreements); the page itself is plain
 * HTML with no script, so it works anywhere n8n's webhook can be opened.
 */
import { DateTime } from 'luxon';

import { escapeHtml } from '../shared/html';
import { formatMoney } from '../shared/money';
import { caseFromRow, type CaseRecord } from '../shared/records/cases';
import { jsonColumn } from '../shared/records/columns';
import type { BookingRecord, BookingStore, ContractRecord } from '../shared/store/types';
import type { CrewConfig } from '../SchedulingAgent/calendar';
import type { WeeklyNumbers } from './report';

export interface BoardVisit {
	booking_id: string;
	crew_id: string;
	start: string;
	end: string;
	status: string;
	service: string | null;
	customer: string | null;
	address: string | null;
	phone: string | null;
	priority: number | null;
	/** The crew's latest report, in words (on the way, started, could not be done); null before any or once done. */
	progress: string | null;
}

export interface BoardCrew {
	crew_id: string;
	crew_name: string;
	phone: string | null;
	today: BoardVisit[];
	/** After today, through the end of the week and never less than through tomorrow (late on a Sunday, the night's call-outs). */
	coming_up: BoardVisit[];
}

export interface Board {
	business: string;
	time_zone: string;
	generated_at: string;
	today: string;
	crews: BoardCrew[];
	waiting_on_ops: CaseRecord[];
	awaiting_reply: CaseRecord[];
	awaiting_signature: Array<{
		contract_id: string;
		customer: string | null;
		email: string | null;
		sent_at: string;
		start_date: string;
		total_cents: number | null;
		currency: string | null;
	}>;
	failed_deliveries: Array<{
		case_id: string;
		at: string;
		customer: string | null;
		channel: string;
		label: string;
		error: string;
		link: string | null;
	}>;
	/** Messages whose send failed and that wait for their next try (the outbox). */
	retrying_deliveries: Array<{
		outbox_id: string;
		case_id: string | null;
		customer: string | null;
		channel: string;
		label: string;
		attempts: number;
		next_try_at: string | null;
		error: string;
	}>;
	emergencies: Array<CaseRecord & { response_seconds: number | null; within_goal: boolean | null }>;
	goal_seconds: number;
	numbers: WeeklyNumbers | null;
	/** The page's own address, for the export links (its query string dropped). */
	export_url: string | null;
}

const LIST_LIMIT = 100;

function visitOf(booking: BookingRecord, zone: string): BoardVisit {
	const customer = booking.customer ?? {};
	const text = (key: string) =>
		typeof customer[key] === 'string' && customer[key] ? (customer[key] as string) : null;
	return {
		booking_id: booking.id,
		crew_id: booking.crew_id,
		start: DateTime.fromMillis(booking.start_ms, { zone }).toISO()!,
		end: DateTime.fromMillis(booking.end_ms, { zone }).toISO()!,
		status: booking.status,
		service: booking.service,
		customer: text('name'),
		address: text('address'),
		phone: text('phone'),
		priority: booking.priority,
		progress: progressWords(booking),
	};
}

/** The crew's latest report on a visit not yet done (done shows as the visit's status). */
function progressWords(booking: BookingRecord): string | null {
	const kept = (booking.details as { progress?: Record<string, unknown> } | null)?.progress ?? {};
	if (booking.status === 'completed') return null;
	if (typeof kept.not_done_ms === 'number') return 'could not be done';
	if (typeof kept.started_ms === 'number') return 'started';
	if (typeof kept.on_my_way_ms === 'number') return 'on the way';
	return null;
}

/** What the board shows at `nowMs`, read from the store. */
export async function readBoard(
	store: BookingStore,
	options: {
		nowMs: number;
		business: string;
		timeZone: string;
		crews: CrewConfig[];
		goalSeconds: number;
		numbers: WeeklyNumbers | null;
		exportUrl: string | null;
	},
): Promise<Board> {
	const { nowMs, timeZone: zone } = options;
	const now = DateTime.fromMillis(nowMs, { zone });
	const dayStart = now.startOf('day');
	const dayEnd = dayStart.plus({ days: 1 });
	const weekEnd = now.startOf('week').plus({ weeks: 1 });
	const bookings = await store.listBookings(
		{
			fromMs: dayStart.toMillis(),
			toMs: Math.max(weekEnd.toMillis(), dayEnd.plus({ days: 1 }).toMillis()),
			statuses: ['held', 'confirmed', 'completed'],
		},
		nowMs,
	);
	const crewsById = new Map<string, BoardCrew>();
	for (const crew of options.crews)
		crewsById.set(crew.id, {
			crew_id: crew.id,
			crew_name: crew.name,
			phone: crew.phone ?? null,
			today: [],
			coming_up: [],
		});
	for (const booking of bookings) {
		if (
			booking.status === 'held' &&
			booking.hold_expires_ms !== null &&
			booking.hold_expires_ms <= nowMs
		)
			continue;
		let crew = crewsById.get(booking.crew_id);
		if (!crew)
			crewsById.set(
				booking.crew_id,
				(crew = {
					crew_id: booking.crew_id,
					crew_name: booking.crew_id,
					phone: null,
					today: [],
					coming_up: [],
				}),
			);
		const visit = visitOf(booking, zone);
		(booking.start_ms < dayEnd.toMillis() ? crew.today : crew.coming_up).push(visit);
	}

	const weekAgo = nowMs - 7 * 86_400_000;
	const [waiting, awaiting, contracts, failures, emergencies, retrying] = await Promise.all([
		store.read(
			`SELECT * FROM cases WHERE status = 'waiting_ops' ORDER BY updated_at_ms LIMIT ${LIST_LIMIT}`,
		),
		store.read(
			`SELECT * FROM cases WHERE status = 'waiting_customer' ORDER BY updated_at_ms LIMIT ${LIST_LIMIT}`,
		),
		store.read(
			`SELECT record, updated_at_ms FROM contracts WHERE status = 'awaiting_signature' ORDER BY updated_at_ms LIMIT ${LIST_LIMIT}`,
		),
		store.read(
			`SELECT e.case_id, e.at_ms, e.data, c.customer, c.execution_url FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e.kind = 'delivery_failed' AND e.at_ms >= $1 ORDER BY e.at_ms DESC LIMIT ${LIST_LIMIT}`,
			[weekAgo],
		),
		store.read(
			`SELECT * FROM cases WHERE is_emergency = 1 AND received_at_ms >= $1 ORDER BY received_at_ms DESC LIMIT ${LIST_LIMIT}`,
			[weekAgo],
		),
		store.read(
			`SELECT id, case_id, label, channel, attempts, next_attempt_at_ms, last_error, case_item FROM outbox
WHERE status IN ('queued', 'sending') AND attempts > 0 AND last_error IS NOT NULL ORDER BY created_at_ms LIMIT ${LIST_LIMIT}`,
		),
	]);
	const iso = (ms: unknown) => DateTime.fromMillis(Number(ms), { zone }).toISO()!;
	return {
		business: options.business,
		time_zone: zone,
		generated_at: now.toISO()!,
		today: dayStart.toISODate()!,
		crews: [...crewsById.values()],
		waiting_on_ops: waiting.map(caseFromRow),
		awaiting_reply: awaiting.map(caseFromRow),
		awaiting_signature: contracts.map((row) => {
			const record =
				typeof row.record === 'string'
					? (JSON.parse(row.record) as ContractRecord)
					: (row.record as ContractRecord);
			const quote = (record.terms?.quote ?? {}) as Record<string, unknown>;
			const customer = record.customer ?? {};
			return {
				contract_id: record.id,
				customer: typeof customer.name === 'string' ? customer.name : null,
				email: typeof customer.email === 'string' ? customer.email : null,
				sent_at: iso(record.created_at_ms),
				start_date: record.start_date,
				total_cents: typeof quote.total_cents === 'number' ? quote.total_cents : null,
				currency: typeof quote.currency === 'string' ? quote.currency : null,
			};
		}),
		failed_deliveries: failures.map((row) => {
			const data = jsonColumn<Record<string, string>>(row.data, {});
			return {
				case_id: String(row.case_id),
				at: iso(row.at_ms),
				customer: jsonColumn<{ name?: string | null }>(row.customer, {}).name ?? null,
				channel: data.channel ?? 'email',
				label: data.label ?? 'message',
				error: data.error ?? '',
				link: (row.execution_url as string | null) ?? null,
			};
		}),
		retrying_deliveries: retrying.map((row) => ({
			outbox_id: String(row.id),
			case_id: (row.case_id as string | null) ?? null,
			customer:
				jsonColumn<{ customer?: { name?: string | null } }>(row.case_item, {}).customer?.name ??
				null,
			channel: String(row.channel),
			label: String(row.label),
			attempts: Number(row.attempts),
			next_try_at: row.next_attempt_at_ms === null ? null : iso(row.next_attempt_at_ms),
			error: String(row.last_error ?? ''),
		})),
		emergencies: emergencies.map((row) => {
			const record = caseFromRow(row);
			const response =
				record.dispatched_at_ms === null
					? null
					: Math.round((record.dispatched_at_ms - record.received_at_ms) / 100) / 10;
			return {
				...record,
				response_seconds: response,
				within_goal: response === null ? null : response <= options.goalSeconds,
			};
		}),
		goal_seconds: options.goalSeconds,
		numbers: options.numbers,
		export_url: options.exportUrl,
	};
}

// ---- The page ----

const h = (value: unknown) =>
	escapeHtml(value === null || value === undefined ? '' : String(value));

const DECISION_LABELS: Record<string, string> = {
	discount_approval: 'Approve a discount',
	no_room: 'Find room for the job',
	wants_human: 'The customer asked for a person',
	dispatch_ack: 'Acknowledge the emergency',
	missing_info: 'Information missing',
};

/** A span as ops say it: "45 s", "1 min 50 s", "2 h 5 min", "3 days". */
export function duration(seconds: number | null): string {
	if (seconds === null) return 'not yet';
	const s = Math.round(seconds);
	const parts = (big: number, bigUnit: string, small: number, smallUnit: string) =>
		small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
	if (s < 60) return `${s} s`;
	if (s < 3600) return parts(Math.floor(s / 60), 'min', s % 60, 's');
	if (s < 172_800) return parts(Math.floor(s / 3600), 'h', Math.round((s % 3600) / 60), 'min');
	return `${Math.round(s / 86_400)} days`;
}

function time(iso: string, zone: string, format = 'HH:mm'): string {
	return DateTime.fromISO(iso, { zone }).toFormat(format);
}

/** "valid until Dec 8", or "expired Nov 17" in red once the date has passed. */
function validity(until: string | null, zone: string, nowMs: number): string {
	if (!until) return '';
	const ms = Date.parse(until);
	const day = h(time(until, zone, 'LLL d'));
	return Number.isFinite(ms) && ms < nowMs
		? ` · <span class="bad">expired ${day}</span>`
		: ` · valid until ${day}`;
}

function ago(fromMs: number, nowMs: number): string {
	return duration(Math.max(0, (nowMs - fromMs) / 1000));
}

function money(cents: number | null, currency: string | null): string {
	return cents === null ? '' : formatMoney(cents, currency || 'USD');
}

function section(id: string, title: string, count: number, body: string, empty: string): string {
	return `<section data-section="${id}"><h2>${h(title)} <span class="count">${count}</span></h2>${
		count ? body : `<p class="empty">${h(empty)}</p>`
	}</section>`;
}

function visitRow(visit: BoardVisit, zone: string, withDay: boolean): string {
	const when = withDay
		? `${time(visit.start, zone, 'ccc d')} ${time(visit.start, zone)}`
		: time(visit.start, zone);
	return `<li data-booking="${h(visit.booking_id)}" class="${visit.priority === 10 ? 'urgent' : ''}"><b>${h(when)}-${h(time(visit.end, zone))}</b> ${h(visit.customer ?? 'Customer')}<span class="muted"> · ${h((visit.service ?? '').replace(/_/g, ' '))}${visit.status === 'held' ? ' · held' : ''}${visit.status === 'completed' ? ' · done' : ''}${visit.progress ? ` · ${h(visit.progress)}` : ''}</span>${visit.address ? `<br><span class="muted">${h(visit.address)}</span>` : ''}</li>`;
}

function numbersBlock(numbers: WeeklyNumbers): string {
	const pct = (value: number | null) => (value === null ? '-' : `${Math.round(value * 100)}%`);
	const revenue = numbers.revenue_booked.length
		? numbers.revenue_booked.map((r) => money(r.cents, r.currency)).join(' + ')
		: money(0, null);
	const tile = (id: string, label: string, value: string) =>
		`<div class="tile" data-figure="${id}"><div class="value">${h(value)}</div><div class="label">${h(label)}</div></div>`;
	return `<div class="tiles">${[
		tile('leads', 'leads', String(numbers.leads)),
		tile('quoted', 'quoted', String(numbers.quoted)),
		tile('won', 'won', String(numbers.won)),
		tile('conversion', 'quote to booking', pct(numbers.conversion)),
		tile('revenue', 'booked', revenue),
		tile('first-answer', 'median first answer', duration(numbers.first_answer.median_seconds)),
		tile(
			'emergency-p95',
			`emergency response p95 (goal ${duration(numbers.emergency_response.goal_seconds)})`,
			duration(numbers.emergency_response.p95_seconds),
		),
		tile('utilisation', 'crew time booked', pct(numbers.utilisation)),
	].join('')}</div>`;
}

const STYLE = `*{box-sizing:border-box}body{margin:0;font:15px/1.4 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2433;background:#f3f5f8}
header{background:#1d2433;color:#fff;padding:12px 16px}header h1{font-size:18px;margin:0}header p{margin:2px 0 0;color:#c9d1e0;font-size:13px}
header a{color:#9cc2ff}main{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px;padding:12px}
section{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}section.wide{grid-column:1/-1}
h2{font-size:15px;margin:4px 0 8px}h3{font-size:14px;margin:10px 0 4px}.count{background:#e4e8f0;border-radius:10px;padding:0 8px;font-size:12px}
ul{list-style:none;margin:0;padding:0}li{padding:6px 0;border-top:1px solid #eef1f5}li:first-child{border-top:0}
.muted{color:#667085}.empty{color:#667085;font-style:italic}.urgent{border-left:3px solid #d92d20;padding-left:6px}
.bad{color:#b42318;font-weight:600}.good{color:#067647;font-weight:600}a.button{display:inline-block;margin-top:4px;padding:6px 12px;border-radius:6px;background:#175cd3;color:#fff;text-decoration:none;font-weight:600}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px}.tile{background:#f3f5f8;border-radius:6px;padding:8px}.tile .value{font-size:20px;font-weight:700}.tile .label{font-size:12px;color:#667085}
@media (max-width:480px){main{grid-template-columns:1fr;padding:8px}}`;

/** Visits after today that start within this long are shown unfolded: tonight's call-outs are not hidden. */
const SOON_MS = 12 * 3_600_000;

/** The page: escaped throughout (customers' names and messages are theirs to write). */
export function boardHtml(board: Board): string {
	const zone = board.time_zone;
	const nowMs = DateTime.fromISO(board.generated_at).toMillis();
	const crews = board.crews
		.map(
			(crew) =>
				`<div data-crew="${h(crew.crew_id)}"><h3>${h(crew.crew_name)}${crew.phone ? ` <a href="tel:${h(crew.phone)}">${h(crew.phone)}</a>` : ''}</h3>${
					crew.today.length
						? `<ul>${crew.today.map((v) => visitRow(v, zone, false)).join('')}</ul>`
						: '<p class="empty">No visits today.</p>'
				}${
					crew.coming_up.length
						? `<details${crew.coming_up.some((v) => Date.parse(v.start) - nowMs < SOON_MS) ? ' open' : ''}><summary>${crew.coming_up.length} coming up</summary><ul>${crew.coming_up.map((v) => visitRow(v, zone, true)).join('')}</ul></details>`
						: ''
				}</div>`,
		)
		.join('');
	const waiting = board.waiting_on_ops
		.map(
			(c) =>
				`<li data-case="${h(c.case_id)}" data-decision="${h(c.decision?.kind ?? '')}"><b>${h(DECISION_LABELS[c.decision?.kind ?? ''] ?? 'A person should look')}</b>: ${h(c.customer.name ?? 'Customer')}<br><span class="muted">${h(c.decision?.reason ?? '')} · waiting ${h(ago(Date.parse(c.decision?.requested_at ?? '') || c.updated_at_ms, nowMs))}</span>${
					c.decision?.link ? `<br><a class="button" href="${h(c.decision.link)}">Decide</a>` : ''
				}</li>`,
		)
		.join('');
	const replies = board.awaiting_reply
		.map(
			(c) =>
				// A case with no quote waits for the details it was asked for (Ask for Details).
				`<li data-case="${h(c.case_id)}"><b>${h(c.customer.name ?? 'Customer')}</b> ${c.quote_cents === null ? 'details asked for' : h(money(c.quote_cents, c.currency))}<br><span class="muted">${h((c.service_type ?? '').replace(/_/g, ' '))} · sent ${h(ago(c.first_answer_at_ms ?? c.updated_at_ms, nowMs))} ago${validity(c.quote_valid_until, zone, nowMs)}</span></li>`,
		)
		.join('');
	const signatures = board.awaiting_signature
		.map(
			(a) =>
				`<li data-contract="${h(a.contract_id)}"><b>${h(a.customer ?? 'Customer')}</b> ${h(money(a.total_cents, a.currency))}<br><span class="muted">${h(a.contract_id)} · sent ${h(time(a.sent_at, zone, 'LLL d'))} · starts ${h(a.start_date)}</span></li>`,
		)
		.join('');
	const failed = board.failed_deliveries
		.map(
			(f) =>
				`<li data-case="${h(f.case_id)}"><b>${h(f.customer ?? 'Customer')}</b>: the ${h(f.label.toLowerCase())} ${f.channel === 'sms' ? 'text' : 'e-mail'} did not go out<br><span class="muted">${h(time(f.at, zone, 'ccc HH:mm'))} · ${h(f.error.slice(0, 160))}</span>${f.link ? ` <a href="${h(f.link)}">execution</a>` : ''}</li>`,
		)
		.join('');
	const retrying = board.retrying_deliveries
		.map(
			(r) =>
				`<li data-outbox="${h(r.outbox_id)}"><b>${h(r.customer ?? 'Customer')}</b>: the ${h(r.label.toLowerCase())} ${r.channel === 'sms' ? 'text' : 'e-mail'} is being tried again (${r.attempts} ${r.attempts === 1 ? 'try' : 'tries'} so far)<br><span class="muted">${r.next_try_at ? `next ${h(time(r.next_try_at, zone, 'ccc HH:mm'))} · ` : ''}${h(r.error.slice(0, 160))}</span></li>`,
		)
		.join('');
	const emergencies = board.emergencies
		.map(
			(e) =>
				`<li data-case="${h(e.case_id)}" class="urgent"><b>${h(time(new Date(e.received_at_ms).toISOString(), zone, 'ccc HH:mm'))}</b> ${h(e.customer.name ?? 'Customer')} · ${h((e.emergency_type ?? 'emergency').replace(/_/g, ' '))}<br>responded in <span class="${e.within_goal === null ? 'bad' : e.within_goal ? 'good' : 'bad'}" data-response>${h(duration(e.response_seconds))}</span><span class="muted"> · ${h(e.status.replace(/_/g, ' '))}</span></li>`,
		)
		.join('');
	const exports = board.export_url
		? ` · <a href="${h(board.export_url)}?export=cases">cases CSV</a> · <a href="${h(board.export_url)}?export=bookings">bookings CSV</a>`
		: '';
	const visitsToday = board.crews.reduce((n, c) => n + c.today.length, 0);
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="120"><title>${h(board.business)}: ops board</title><style>${STYLE}</style></head><body>
<header><h1>${h(board.business)}: ops board</h1><p>${h(DateTime.fromISO(board.generated_at, { zone }).toFormat('cccc, LLLL d, HH:mm'))} (${h(zone)}) · refreshes every 2 minutes${exports}</p></header>
<main>
${section('dispatch', 'Today and coming up, by crew', visitsToday + board.crews.reduce((n, c) => n + c.coming_up.length, 0), crews, 'No visits today or coming up.')}
${section('waiting', 'Waiting on a person', board.waiting_on_ops.length, `<ul>${waiting}</ul>`, 'Nobody is waiting on a decision.')}
${section('emergencies', 'Emergencies, last 7 days', board.emergencies.length, `<ul>${emergencies}</ul>`, 'No emergencies in the last 7 days.')}
${section('quotes', 'Waiting for the customer', board.awaiting_reply.length, `<ul>${replies}</ul>`, 'Nothing is waiting for a customer’s reply.')}
${section('signatures', 'Agreements awaiting a signature', board.awaiting_signature.length, `<ul>${signatures}</ul>`, 'No agreement is waiting for a signature.')}
${section('retrying', 'Messages being tried again', board.retrying_deliveries.length, `<ul>${retrying}</ul>`, 'No message is waiting for another try.')}
${section('failed', 'Messages not delivered, last 7 days', board.failed_deliveries.length, `<ul>${failed}</ul>`, 'Every message went out.')}
${board.numbers ? `<section data-section="numbers" class="wide"><h2>This week so far</h2>${numbersBlock(board.numbers)}</section>` : ''}
</main></body></html>`;
}
