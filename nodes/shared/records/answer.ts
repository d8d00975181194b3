/**
 * What a caller of a public entry point (a web form, a text, the booking webhooks) is told: the
 * outcome, the price, the time, the next step, and the case's reference. Nothing internal: no lead
 * score or scoring reasons, no pricing inputs or rate card, no crew ids, no triage reasoning, no
 * model usage. Those stay in the execution and on the case record. Pure; no n8n import.
 */
import { DateTime } from 'luxon';

import { at, currentOffer, objectAt, textAt, type CaseItem } from '../case';

export const ANSWER_OUTCOMES = [
	'booked',
	'series_booked',
	'dispatched',
	'dispatcher_will_call',
	'awaiting_callout_fee',
	'awaiting_deposit',
	'quote_sent',
	'needs_details',
	'handed_to_person',
	'not_qualified',
	'escalated',
] as const;
export type AnswerOutcome = (typeof ANSWER_OUTCOMES)[number];

type Json = Record<string, unknown>;

const str = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() ? value : null;
const num = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The quote as the customer sees it on their quote: its lines and totals. */
export function publicQuote(quote: Json | null): Json | null {
	if (!quote) return null;
	const recurring = objectAt(quote.recurring);
	return {
		quote_id: str(quote.quote_id),
		service_type: str(quote.service_type),
		currency: str(quote.currency),
		line_items: (Array.isArray(quote.line_items) ? quote.line_items : []).map((line) => {
			const l = objectAt(line) ?? {};
			return {
				code: str(l.code),
				kind: str(l.kind),
				label: str(l.label),
				quantity: num(l.quantity),
				unit_price_cents: num(l.unit_price_cents),
				amount_cents: num(l.amount_cents),
			};
		}),
		subtotal_cents: num(quote.subtotal_cents),
		discount_cents: num(quote.discount_cents),
		tax_cents: num(quote.tax_cents),
		total_cents: num(quote.total_cents),
		recurring: recurring
			? {
					frequency: str(recurring.frequency),
					visits_per_week: num(recurring.visits_per_week),
					visits_per_month: num(recurring.visits_per_month),
					per_visit_cents: num(recurring.per_visit_cents),
					per_month_cents: num(recurring.per_month_cents),
				}
			: null,
		valid_until: str(quote.valid_until),
		summary: str(quote.summary),
	};
}

/** A visit, or a series' visits, as the customer's calendar would show them. */
export function publicBooking(booking: Json | null): Json | null {
	if (!booking) return null;
	const occurrences = Array.isArray(booking.occurrences) ? booking.occurrences : [];
	return {
		booking_id: str(booking.booking_id),
		status: str(booking.status),
		start: str(booking.start),
		end: str(booking.end),
		time_zone: str(booking.time_zone),
		crew_name: str(booking.crew_name),
		hold_expires_at: str(booking.hold_expires_at),
		// Emergency rates apply outside opening hours: the customer is told.
		after_hours: typeof booking.after_hours === 'boolean' ? booking.after_hours : null,
		// What was read of the time they asked for ("Tuesday", "morning (before noon)").
		preference_understood: Array.isArray(booking.preference_understood)
			? booking.preference_understood.filter((p) => typeof p === 'string')
			: [],
		// A request sent again (the same request_id) booked nothing new.
		replayed: booking.replayed === true,
		series_id: str(booking.series_id),
		// A series: its visits (one moved from the asked time says by how much), the rule a calendar
		// repeats, and the dates that could not be booked or were skipped (a holiday), with why.
		occurrences: occurrences.map((o) => {
			const visit = objectAt(o) ?? {};
			return {
				booking_id: str(visit.booking_id),
				start: str(visit.start),
				end: str(visit.end),
				moved_minutes: num(visit.moved_minutes) ?? 0,
			};
		}),
		rrule: str(booking.rrule),
		series_start: str(booking.series_start),
		conflicts: (Array.isArray(booking.conflicts) ? booking.conflicts : []).map((c) => {
			const conflict = objectAt(c) ?? {};
			return { wanted_start: str(conflict.wanted_start), reason: str(conflict.reason) };
		}),
		skipped: (Array.isArray(booking.skipped) ? booking.skipped : []).map((k) => {
			const skip = objectAt(k) ?? {};
			return { date: str(skip.date), reason: str(skip.reason) };
		}),
		// Times a customer can choose instead (no crew: they are what ops or the page offer).
		alternatives: (Array.isArray(booking.alternatives) ? booking.alternatives : []).map((s) => {
			const slot = objectAt(s) ?? {};
			return { start: str(slot.start), end: str(slot.end) };
		}),
	};
}

function money(cents: number | null, currency: string | null): string | null {
	if (cents === null) return null;
	try {
		return new Intl.NumberFormat('en-US', {
			style: 'currency',
			currency: currency ?? 'USD',
		}).format(cents / 100);
	} catch {
		return `${(cents / 100).toFixed(2)} ${currency ?? ''}`.trim();
	}
}

function when(iso: string | null, zone: string | null): string | null {
	if (!iso) return null;
	const time = DateTime.fromISO(iso, { setZone: true });
	if (!time.isValid) return null;
	return (zone ? time.setZone(zone) : time).toFormat("cccc, LLLL d 'at' h:mm a");
}

function firstReminder(item: CaseItem): string | null {
	const reminders = at(item, 'confirmation', 'plan', 'reminders');
	return Array.isArray(reminders) ? str(objectAt(reminders[0])?.send_at) : null;
}

/** The answer for one outcome: what happened, in words and as fields. `message` replaces the default words. */
export function publicAnswer(
	item: CaseItem,
	outcome: AnswerOutcome,
	caseId: string | null,
	message: string | null = null,
): Json {
	const customer = objectAt(item.customer) ?? {};
	const offer = currentOffer(item);
	const booking = objectAt(item.booking);
	const contract = objectAt(item.contract);
	const triage = objectAt(item.triage);
	const zone = textAt(booking, 'time_zone') ?? textAt(item, 'business', 'time_zone');
	const email = str(customer.email);
	const quote = publicQuote(offer);
	const visit = publicBooking(booking);
	const price = money(num(offer?.total_cents), str(offer?.currency));
	const start = when(str(booking?.start), zone);
	const visits = Array.isArray(booking?.occurrences) ? booking.occurrences.length : 0;
	const safety = Array.isArray(at(item, 'triage', 'safety_instructions'))
		? (at(item, 'triage', 'safety_instructions') as unknown[]).filter((s) => typeof s === 'string')
		: [];
	const words: Record<AnswerOutcome, string> = {
		booked: `Thank you. Your visit is booked for ${start ?? 'the time confirmed'}${price ? ` (${price})` : ''}. The confirmation is on its way${email ? ` to ${email}` : ''}.`,
		series_booked: `Thank you. Your visits are booked from ${start ?? 'the first date confirmed'}${visits ? ` (${visits} visits)` : ''}. The agreement to sign is on its way${email ? ` to ${email}` : ''}.`,
		dispatched: `We have your emergency. A crew is on the way${start ? `, arriving by ${start}` : ''}.${safety[0] ? ` ${safety[0]}` : ''} If anyone is in danger, call 911.`,
		dispatcher_will_call: `We have your emergency. Our dispatcher is calling you now${str(customer.phone) ? ` at ${customer.phone}` : ''}. If anyone is in danger, call 911.`,
		awaiting_callout_fee: `We have your emergency. A crew can be with you${start ? ` by ${start}` : ''}: pay the call-out fee on the link we texted you${str(customer.phone) ? ` at ${customer.phone}` : ''} and they are on the way.${safety[0] ? ` ${safety[0]}` : ''} If anyone is in danger, call 911.`,
		awaiting_deposit: `Thank you. Your visit is held for you for ${start ?? 'the time we sent'}${price ? ` (${price})` : ''}: pay the deposit on the link we sent you${email ? ` to ${email}` : ''} to confirm it.`,
		quote_sent: `Thank you. Your quote is on its way${email ? ` to ${email}` : ''}.`,
		needs_details: 'Thank you. To book, we need a few more details: we have sent you a short form.',
		handed_to_person: 'Thank you. A member of our team will contact you shortly.',
		not_qualified:
			'Thank you for thinking of us. From what you describe, we are not the right fit for this job, so we will not send a quote.',
		escalated:
			'We have your request but could not finish it automatically. Our team will contact you shortly.',
	};
	const next: Record<AnswerOutcome, string | null> = {
		booked: 'Check your e-mail or texts for the confirmation; its link moves or cancels the visit.',
		series_booked: 'Sign the agreement from the e-mail; your visits are held until then.',
		dispatched: 'Keep your phone on: the crew calls when close.',
		dispatcher_will_call: 'Keep your phone on.',
		awaiting_callout_fee:
			'Pay the call-out fee from the text; the crew is sent as soon as it is paid.',
		awaiting_deposit: 'Pay the deposit from the e-mail or text; the confirmation follows.',
		quote_sent: 'Accept the quote or ask a question from its link.',
		needs_details: 'Fill in the form we sent; then we book it.',
		handed_to_person: null,
		not_qualified: null,
		escalated: null,
	};
	return {
		status: outcome,
		message: message ?? words[outcome],
		reference: caseId,
		customer: {
			name: str(customer.name),
			email,
			phone: str(customer.phone),
			address: str(customer.address),
		},
		quote: ['not_qualified', 'handed_to_person', 'escalated'].includes(outcome) ? null : quote,
		booking: [
			'booked',
			'series_booked',
			'dispatched',
			'awaiting_callout_fee',
			'awaiting_deposit',
		].includes(outcome)
			? visit
			: null,
		contract:
			contract && outcome === 'series_booked'
				? {
						contract_id: str(contract.contract_id),
						status: str(contract.status),
						signing_url: str(contract.signing_url),
						signing_expires_at: str(contract.signing_expires_at),
						start_date: str(contract.start_date),
						end_date: str(contract.end_date),
					}
				: null,
		emergency: triage?.is_emergency
			? {
					type: str(triage.emergency_type),
					respond_within_minutes: num(triage.respond_within_minutes),
					safety,
				}
			: null,
		// When the first reminder goes out (a booking, a series): the customer can expect it.
		first_reminder_at: ['booked', 'series_booked'].includes(outcome) ? firstReminder(item) : null,
		next_step: next[outcome],
	};
}
