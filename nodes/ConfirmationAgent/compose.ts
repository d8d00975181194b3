import { DateTime } from 'luxon';
import { z } from 'zod/v4';

import { escapeHtml } from '../shared/html';
import { formatMoney } from '../shared/money';
import { withoutInvisible } from '../shared/text';
import { buildInvite } from './ics';
import { seriesInvite, type SeriesBooking } from './series-invite';
import { DEFAULT_PLAN, followUpPlan, type PlanOptions } from './plan';
import { ConfirmationInputError, fitSms, textableNumber, toE164 } from './sms';

export const MESSAGE_KINDS = [
	'booking_confirmation',
	'quote',
	'emergency_dispatch',
	'reminder',
	'review_request',
	'contract_signing',
	'renewal_notice',
	'cancellation',
	'details_request',
	'details_reminder',
	'crew_visit',
	'on_my_way',
	'change_taken',
	'change_options',
	'series_change',
	'series_end',
	'invoice',
	'payment_failed',
	'callout_fee',
	'deposit_request',
	'deposit_back',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessageTemplate {
	subject: string;
	text: string;
	sms: string;
}

/** Every {placeholder} the wording may use: what the agent fills in (the Messages settings table is checked against it). */
export const MESSAGE_PLACEHOLDERS = [
	'name',
	'business',
	'business_phone',
	'call_us',
	'service',
	'when',
	'date',
	'time',
	'arrival',
	'address',
	'at_address',
	'crew',
	'price',
	'price_line',
	'price_line_inline',
	'booking_ref',
	'quote_summary',
	'valid_until',
	'reply_url',
	'signing_url',
	'signing_line',
	'review_url',
	'link_expires',
	'renewal_date',
	'safety',
	'safety_first',
	'reason_text',
	'details_url',
	'details_list',
	'crew_url',
	'customer_phone',
	'manage_url',
	'change_line',
	'change_sms',
	'alternatives',
	'visits_line',
	'schedule',
	'held',
	'held_on',
	'amount_back',
	'back_line',
	'back_short',
	'end_date',
	'invoice_number',
	'amount_due',
	'due_date',
	'pay_line',
	'pay_sms',
	'billed_for',
	'card_url',
	'card_line',
	'retry_line',
	'failure_text',
	'pay_url',
] as const;

/**
 * Default wording. Placeholders in braces are filled by the agent from the
 * item ({name}, {when}, {address}, {price}...); n8n expressions work too.
 */
export const DEFAULT_TEMPLATES: Record<MessageKind, MessageTemplate> = {
	booking_confirmation: {
		subject: 'Your {service} is booked for {date}',
		text: 'Hi {name},\n\nYour {service} is confirmed for {when}{at_address}.\nCrew: {crew}.{price_line}\nBooking reference: {booking_ref}{signing_line}\n\n{change_line}\n\n{business}',
		sms: '{business}: your {service} is booked for {when}{at_address}. Ref {booking_ref}.{change_sms}',
	},
	quote: {
		subject: 'Your quote from {business}: {price}',
		text: 'Hi {name},\n\nThank you for your inquiry. {quote_summary}\n\nTo accept or ask a question, reply here: {reply_url}\nThis quote is valid until {valid_until}.\n\n{business}',
		sms: '{business}: your quote is {price}. Reply or see details: {reply_url}',
	},
	emergency_dispatch: {
		subject: 'Emergency crew on the way: {booking_ref}',
		text: 'Hi {name},\n\nWe have your emergency call. {crew} will be with you by {arrival}{at_address}.\n\nUntil we arrive:\n{safety}\n\nIf anyone is in danger, call 911.\n\n{business} {business_phone}',
		sms: '{business}: emergency crew on the way, arriving by {arrival}. {safety_first} If anyone is in danger call 911.',
	},
	reminder: {
		subject: 'Reminder: {service} on {date}',
		text: 'Hi {name},\n\nA reminder that your {service} is {when}{at_address}.\nBooking reference: {booking_ref}\n\n{change_line}\n\n{business}',
		sms: '{business} reminder: your {service} is {when}{at_address}.{change_sms}',
	},
	review_request: {
		subject: 'How did we do, {name}?',
		text: 'Hi {name},\n\nThank you for choosing {business}. We would love to hear how your {service} went: {review_url}\n\n{business}',
		sms: 'Thanks for choosing {business}! How did we do? {review_url}',
	},
	contract_signing: {
		subject: 'Please sign your service agreement with {business}',
		text: 'Hi {name},\n\nYour service agreement for {service} is ready. Please review and sign it here: {signing_url}\nThe link expires on {link_expires}.\n\n{business}',
		sms: '{business}: your service agreement is ready to sign: {signing_url}',
	},
	renewal_notice: {
		subject: 'Your service agreement renews on {renewal_date}',
		text: 'Hi {name},\n\nYour agreement with {business} for {service} renews on {renewal_date}{price_line_inline}.{visits_line} To change or end it, reply to this e-mail before then.\n\n{business}',
		sms: '{business}: your service agreement renews on {renewal_date}. Reply{call_us} to make changes.',
	},
	cancellation: {
		subject: 'Cancelled: {service} on {date}',
		text: 'Hi {name},\n\nYour {service} on {when} has been cancelled{reason_text}. Booking reference: {booking_ref}\n\nTo book again, reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: your {service} on {when} is cancelled. Reply{call_us} to rebook.',
	},
	details_request: {
		subject: 'A few details to book your {service}',
		text: 'Hi {name},\n\nThank you for your request. To price and book your {service} we need {details_list}. Please fill them in here (it takes a minute): {details_url}\nThe link works until {link_expires}.\n\n{business}',
		sms: '{business}: to book your {service} we need {details_list}. Fill them in here: {details_url}',
	},
	details_reminder: {
		subject: 'Reminder: a few details to book your {service}',
		text: 'Hi {name},\n\nWe still need {details_list} to book your {service}. It takes a minute: {details_url}\nThe link works until {link_expires}; after that we close your request.\n\n{business}',
		sms: '{business}: we still need {details_list} to book your {service}: {details_url}',
	},
	// To the crew booked on the visit, not the customer.
	crew_visit: {
		subject: 'Visit {date}, {time}: {service} for {name}',
		text: 'Your visit: {service} for {name}, {when}{at_address}.\nCustomer: {name} {customer_phone}\n\nTap each step as it happens (on my way, started, done, or could not do it): {crew_url}\n\n{business}',
		sms: '{business} visit {when}{at_address}: {service} for {name} {customer_phone}. Steps: {crew_url}',
	},
	change_taken: {
		subject: 'That time is taken: your {service} stays on {date}',
		text: 'Hi {name},\n\nThe time you chose is taken, so your {service} stays booked for {when}. The nearest free times: {alternatives}.\n\nChoose one, or another time, here: {manage_url}\n\n{business}',
		sms: '{business}: that time is taken; your {service} stays {when}. Free: {alternatives}. Choose: {manage_url}',
	},
	change_options: {
		subject: 'Free times for your {service}',
		text: 'Hi {name},\n\nYour {service} is booked for {when}. The next free times: {alternatives}.\n\nChoose one, or another time, here: {manage_url}\n\n{business}',
		sms: '{business}: your {service} is {when}. Free: {alternatives}. Choose: {manage_url}',
	},
	series_change: {
		subject: 'Your {service} visits are now {schedule}',
		text: 'Hi {name},\n\nAs you asked, from {date} your {service} visits are {schedule}{at_address}.{visits_line}\n\n{change_line}\n\n{business}',
		sms: '{business}: from {date} your {service} visits are {schedule}.{change_sms}',
	},
	series_end: {
		subject: 'Your {service} visits end on {end_date}',
		text: 'Hi {name},\n\nAs you asked, your {service} visits with {business} end on {end_date}, under the notice in your agreement.{visits_line}\n\nThank you for having us. To start again, reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: your {service} visits end on {end_date}.{visits_line}',
	},
	invoice: {
		subject: 'Invoice {invoice_number} from {business}: {amount_due}',
		text: 'Hi {name},\n\nThank you for having us. Your invoice {invoice_number} for {billed_for} is attached: {amount_due}, due {due_date}.{pay_line}{card_line}\n\nQuestions? Reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: invoice {invoice_number}, {amount_due}, due {due_date}.{pay_sms}',
	},
	callout_fee: {
		subject: 'Emergency: pay the call-out fee and the crew is on the way',
		text: 'Hi {name},\n\nWe have your emergency call. {crew} can be with you by {arrival}{at_address}. To send them, pay the {amount_due} call-out fee (it counts toward your bill): {pay_url}\n\nUntil we arrive:\n{safety}\n\nIf anyone is in danger, call 911.\n\n{business} {business_phone}',
		sms: '{business}: a crew can be with you by {arrival}. To send them, pay the {amount_due} call-out fee: {pay_url} {safety_first} If anyone is in danger call 911.',
	},
	deposit_request: {
		subject: 'Pay the deposit to confirm your {service} {held_on}',
		text: 'Hi {name},\n\nYour {service} {held}{at_address}. To confirm, pay the {amount_due} deposit (it counts toward your bill): {pay_url}\nIf it is not paid by {link_expires}, the time is released.\n\nQuestions? Reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: your {service} {held_on} is held for you. Pay the {amount_due} deposit to confirm it: {pay_url}',
	},
	deposit_back: {
		subject: 'Your {amount_back} deposit is {back_short}',
		text: 'Hi {name},\n\nYour {service} is cancelled, and under our policy the {amount_back} deposit you paid comes back to you: {back_line}\n\nQuestions? Reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: your {amount_back} deposit is {back_short}.',
	},
	payment_failed: {
		subject: 'Your payment for invoice {invoice_number} did not go through',
		text: 'Hi {name},\n\nWe could not take {amount_due} for invoice {invoice_number} from the card you saved{failure_text}.{retry_line}\n\nTo use another card: {card_url}\n\nQuestions? Reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: your card was declined for invoice {invoice_number} ({amount_due}).{retry_line} Another card: {card_url}',
	},
	on_my_way: {
		subject: 'Your crew is on the way',
		text: 'Hi {name},\n\n{crew} from {business} is on the way for your {service}{at_address} ({time}).\n\nQuestions? Reply to this e-mail{call_us}.\n\n{business}',
		sms: '{business}: {crew} is on the way for your {service} ({time}).',
	},
};

/** A cancellation's reason in the customer's words, from the booking's own reason when the node gives none. */
const CANCEL_REASON_WORDS: Record<string, string> = {
	'cancelled by customer': 'at your request',
	'skipped by customer': 'skipped at your request; your other visits stay booked',
	'deposit not paid': 'as the deposit was not paid in time',
	'paused by customer':
		'paused at your request, with the visits up to the day you chose; the later ones stay booked',
	// Ops' changes to a series (the Regular Visits form), on the customer's request.
	'series paused':
		'paused at your request, with any other visits in the pause; the later ones stay booked',
	'visit skipped': 'skipped at your request; your other visits stay booked',
};

/** Kinds addressed to the crew booked on the visit (its e-mail and phone), not to the customer. */
export const CREW_KINDS = new Set<MessageKind>(['crew_visit']);

/** Who a message goes to: the customer, or for a crew's message the crew (its contact on the input). */
export function recipientOf(input: Pick<ComposeInput, 'kind' | 'customer' | 'crew_contact'>): {
	email: string | null;
	phone: string | null;
} {
	if (CREW_KINDS.has(input.kind))
		return { email: input.crew_contact?.email ?? null, phone: input.crew_contact?.phone ?? null };
	return { email: input.customer?.email ?? null, phone: input.customer?.phone ?? null };
}

/** How each fact an ask-back asks for reads in a sentence ("we need the address of the visit"). */
const ASKED_FOR_WORDS: Record<string, string> = {
	address: 'the address of the visit',
	bedrooms: 'the number of bedrooms',
	square_feet: 'the area in square feet',
};

/** "the address of the visit, the number of bedrooms and bathrooms": the facts asked for, as a phrase. */
export function askedForPhrase(asked: readonly string[] | null | undefined): string {
	const facts = asked ?? [];
	const words = facts.flatMap((fact) => {
		if (fact === 'bathrooms') return facts.includes('bedrooms') ? [] : ['the number of bathrooms'];
		if (fact === 'bedrooms' && facts.includes('bathrooms'))
			return ['the number of bedrooms and bathrooms'];
		return ASKED_FOR_WORDS[fact] ? [ASKED_FOR_WORDS[fact]] : [];
	});
	if (!words.length) return 'a few details';
	return words.length === 1
		? words[0]
		: `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Kinds that are marketing, or open a conversation: their SMS carries the opt-out line even when the policy is "marketing only". */
const MARKETING_KINDS = new Set<MessageKind>(['quote', 'review_request', 'renewal_notice']);

/**
 * The channels the customer's own wishes leave out, with why: an e-mail opt-out (texts have
 * STOP, checked per number); a preferred channel, when it can reach them, takes the message
 * alone. An emergency goes every way it can, and a crew's message is not the customer's.
 */
function customerPreference(
	input: Pick<ComposeInput, 'kind' | 'customer'>,
	kind: MessageKind,
	country: string,
): { email: string | null; sms: string | null } {
	const out = { email: null as string | null, sms: null as string | null };
	if (CREW_KINDS.has(kind)) return out;
	const customer = input.customer ?? {};
	if (customer.opt_outs?.email === true) out.email = 'the customer asked for no e-mails';
	if (customer.opt_outs?.sms === true) out.sms = 'the customer asked for no texts';
	if (kind === 'emergency_dispatch' || kind === 'callout_fee') return out;
	const canText = !out.sms && !!customer.phone && !!textableNumber(String(customer.phone), country);
	const canMail =
		!out.email && !!customer.email && SINGLE_MAILBOX.test(String(customer.email).trim());
	if (customer.preferred_channel === 'sms' && canText) out.email ??= 'the customer prefers texts';
	if (customer.preferred_channel === 'email' && canMail) out.sms ??= 'the customer prefers e-mail';
	return out;
}

export interface ComposeInput {
	kind: MessageKind;
	customer: {
		name?: string | null;
		email?: string | null;
		phone?: string | null;
		address?: string | null;
		/** How the customer asked to hear from us: a message goes that way only when it can. */
		preferred_channel?: string | null;
		/** What the customer asked not to receive. */
		opt_outs?: { sms?: unknown; email?: unknown } | null;
	};
	business: { name: string; email: string; reply_to?: string | null; phone?: string | null };
	/** A Scheduling Agent result (or any object with these fields). */
	booking?:
		| ({
				booking_id?: string | null;
				series_id?: string | null;
				status?: string | null;
				created_at?: string | null;
				first_of_series?: boolean | null;
				cancel_reason?: string | null;
				start?: string | null;
				end?: string | null;
				time_zone?: string | null;
				crew_name?: string | null;
		  } & SeriesBooking)
		| null;
	quote?: {
		total_cents?: number;
		currency?: string;
		summary?: string;
		valid_until?: string;
		quote_id?: string;
		recurring?: { per_month_cents: number; frequency: string } | null;
	} | null;
	service?: string | null;
	links?: {
		reply_url?: string | null;
		signing_url?: string | null;
		review_url?: string | null;
		/** An ask-back's form (Booking Records, Make a Link, Details the Customer Is Asked For). */
		details_url?: string | null;
		/** A crew's visit page (Booking Records, Make a Link, A Crew's Visit). */
		crew_url?: string | null;
		/** The customer's own page to move, cancel or skip the visit (Make a Link, A Customer's Own Visit). */
		manage_url?: string | null;
		/** Where the customer pays the invoice (a Stripe Checkout page). */
		pay_url?: string | null;
		/** Where the customer saves a card for their agreement's monthly invoices (Contract Agent, card links). */
		card_url?: string | null;
		link_expires?: string | null;
	} | null;
	/** What an ask-back asks for (the Qualifier's ask_before_booking). */
	asked_for?: string[] | null;
	safety_instructions?: string[] | null;
	crew_contact?: { name?: string | null; phone?: string | null; email?: string | null } | null;
	renewal_date?: string | null;
	/**
	 * What a change to a series booked or cancelled (the Scheduling Agent's Series operations, or a
	 * customer's change of their series): the renewal notice and the series messages list it.
	 */
	series_visits?: SeriesVisits | null;
	/** The invoice to send (the Contract Agent's Invoice operations). */
	invoice?: {
		invoice_number?: string | null;
		/** A month's invoice of an agreement: what it bills. */
		period?: { label?: string | null; visits?: number | null; service?: string | null } | null;
		/** A saved card pays it (Bill the Month's `autopay`). */
		autopay?: boolean | null;
		currency?: string | null;
		total_cents?: number | null;
		paid_cents?: number | null;
		due_date?: string | null;
	} | null;
	reason?: string | null;
	/** A deposit given back (Contract Agent, Refund a Deposit): to the card, or as credit. */
	refund?: {
		amount_cents?: number | null;
		credit?: { amount_cents?: number | null } | null;
	} | null;
	/** A charge to a saved card that was declined (Contract Agent, Record a Charge): the next try, if any. */
	charge?: { next_try_at?: string | null; failure?: string | null } | null;
	/** Changes of one booking: 0 for the first invite, higher for updates and the cancellation. */
	sequence?: number | null;
}

export interface SeriesVisits {
	occurrences?: Array<{ start?: string | null }> | null;
	conflicts?: Array<{ wanted_start?: string | null }> | null;
	skipped?: Array<{ date?: string | null; reason?: string | null }> | null;
	rrule?: string | null;
	series_ends_on?: string | null;
	last_visit?: { start?: string | null } | null;
}

const WEEKDAY_NAMES: Record<string, string> = {
	MO: 'Monday',
	TU: 'Tuesday',
	WE: 'Wednesday',
	TH: 'Thursday',
	FR: 'Friday',
	SA: 'Saturday',
	SU: 'Sunday',
};

/** "on Thursdays at 2:00 PM", "every other Tuesday at 9:00 AM", "monthly at 9:00 AM": a series' rule in words. */
export function scheduleWords(rrule: string | null | undefined): string {
	const parts = Object.fromEntries(
		(rrule ?? '')
			.replace(/^RRULE:/i, '')
			.split(';')
			.map((p) => p.split('=') as [string, string]),
	) as Record<string, string | undefined>;
	if (!parts.FREQ) return '';
	const hour = Number(parts.BYHOUR?.split(',')[0] ?? NaN);
	const minute = Number(parts.BYMINUTE?.split(',')[0] ?? 0);
	const at = Number.isFinite(hour)
		? ` at ${DateTime.fromObject({ hour, minute }).toFormat('h:mm a')}`
		: '';
	const days = (parts.BYDAY ?? '')
		.split(',')
		.map((d) => WEEKDAY_NAMES[d.replace(/^[+-]?\d+/, '')])
		.filter(Boolean);
	const list = (names: string[]) =>
		names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
	if (parts.FREQ === 'WEEKLY' && days.length)
		return Number(parts.INTERVAL ?? 1) === 2
			? `every other ${list(days)}${at}`
			: `on ${list(days.map((d) => `${d}s`))}${at}`;
	if (parts.FREQ === 'MONTHLY') return `monthly${at}`;
	return `${parts.FREQ.toLowerCase()}${at}`;
}

/** What a series change booked, could not book and left out, in a sentence or three (empty when nothing). */
function visitsLine(kind: MessageKind, visits: SeriesVisits | null | undefined, zone: string) {
	if (!visits) return '';
	const when = (iso: string | null | undefined) =>
		iso
			? DateTime.fromISO(iso, { setZone: true }).setZone(zone).toFormat("cccc, LLLL d 'at' h:mm a")
			: '';
	if (kind === 'series_end') {
		const last = visits.last_visit?.start;
		return last ? ` Your last visit is ${when(last)}.` : ' No visit is left before then.';
	}
	const booked = (visits.occurrences ?? []).filter((o) => o?.start);
	const conflicts = (visits.conflicts ?? []).filter((c) => c?.wanted_start);
	const holidays = (visits.skipped ?? []).filter((s) => s?.reason === 'holiday' && s.date);
	const parts: string[] = [];
	if (booked.length)
		parts.push(
			kind === 'renewal_notice'
				? `Your visits for the new term are booked: ${booked.length}, the first on ${when(booked[0].start)}.`
				: `${booked.length} visit${booked.length === 1 ? ' is' : 's are'} booked, the first on ${when(booked[0].start)}.`,
		);
	if (conflicts.length)
		parts.push(
			`${conflicts.length === 1 ? 'One visit' : `${conflicts.length} visits`} could not be booked at the usual time (${conflicts
				.slice(0, 3)
				.map((c) => when(c.wanted_start))
				.join(
					'; ',
				)}${conflicts.length > 3 ? '; ...' : ''}): we will call you to find another time.`,
		);
	if (holidays.length)
		parts.push(
			`No visit on the holiday${holidays.length === 1 ? '' : 's'} (${holidays
				.slice(0, 5)
				.map((h) => DateTime.fromISO(String(h.date)).toFormat('LLLL d'))
				.join(', ')}).`,
		);
	return parts.length ? ` ${parts.join(' ')}` : '';
}

export interface ComposeOptions {
	templates?: Partial<Record<MessageKind, Partial<MessageTemplate>>>;
	channels?: { email?: boolean; sms?: boolean; calendar?: boolean };
	smsDefaultCountry?: string;
	smsMaxSegments?: number;
	smsOptOutLine?: 'always' | 'marketing' | 'never';
	/** The customer's number has opted out of SMS (the node reads the store). */
	smsOptedOut?: boolean;
	plan?: Partial<PlanOptions>;
	timeZone?: string;
	now?: Date | string;
}

const emailSchema = z.object({
	to: z.string(),
	from: z.string(),
	reply_to: z.string(),
	subject: z.string(),
	text: z.string(),
	html: z.string(),
});
const smsSchema = z.object({
	to: z.string(),
	text: z.string(),
	encoding: z.enum(['GSM-7', 'UCS-2']),
	units: z.number(),
	segments: z.number(),
	shortened: z.boolean(),
	opt_out_line: z.boolean(),
});
export const confirmationSchema = z.object({
	kind: z.enum(MESSAGE_KINDS),
	email: emailSchema.nullable(),
	sms: smsSchema.nullable(),
	crew_notice: smsSchema.nullable(),
	calendar: z
		.object({
			filename: z.string(),
			mime_type: z.string(),
			method: z.enum(['REQUEST', 'CANCEL']),
			uid: z.string(),
			sequence: z.number(),
			ics: z.string(),
		})
		.nullable(),
	plan: z
		.object({
			reminders: z.array(
				z.object({
					kind: z.literal('reminder'),
					send_at: z.string(),
					adjusted: z.string().nullable(),
					hours_before: z.number(),
				}),
			),
			review_request: z.object({
				kind: z.literal('review_request'),
				send_at: z.string(),
				adjusted: z.string().nullable(),
			}),
			skipped: z.array(z.string()),
		})
		.nullable(),
	skipped: z
		.array(z.string())
		.describe('Channels not produced and why (no e-mail address, opted out of SMS...).'),
	personalised: z
		.boolean()
		.describe(
			"True when the model's wording was used (it kept every date, time, address and amount).",
		),
	source: z.enum(['rules', 'ai', 'ai+rules']),
	llm_usage: z.object({
		calls: z.number(),
		prompt_tokens: z.number(),
		completion_tokens: z.number(),
	}),
	fallback_reason: z.string().nullable(),
	values: z
		.record(z.string(), z.string())
		.describe('The values put into the templates, for checks and for other nodes.'),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

/** Header-safe: no line breaks or control characters can reach an e-mail header. */
export function headerSafe(text: string): string {
	return text
		.replace(/[\r\n\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
		.replace(/\s{2,}/g, ' ')
		.trim()
		.slice(0, 250);
}

/** The HTML part: the whole text escaped (customer data included), paragraphs kept, links made clickable. */
function toHtml(text: string, business: string): string {
	const paragraphs = text
		.split(/\n{2,}/)
		.map(
			(p) =>
				`<p>${escapeHtml(p)
					.replace(/\n/g, '<br>')
					.replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</p>`,
		)
		.join('\n');
	return `<!doctype html>\n<html><body style="font-family: Arial, sans-serif; font-size: 15px; color: #1f2937;">\n<h2 style="color: #0369a1;">${escapeHtml(business)}</h2>\n${paragraphs}\n</body></html>`;
}

function fill(template: string, values: Record<string, string>): string {
	return withoutInvisible(
		template.replace(/\{(\w+)\}/g, (whole, key: string) =>
			Object.hasOwn(values, key) ? values[key] : whole,
		),
	);
}

/** One mailbox: no list (a comma or semicolon), no display name or group, no line break. */
const SINGLE_MAILBOX = /^[^\s@,;:<>"()[\]\\]+@[^\s@,;:<>"()[\]\\]+\.[^\s@,;:<>"()[\]\\]+$/;

/**
 * Composes one message kind for every channel n8n delivers with its own nodes
 * (Send Email, Twilio): texts from templates, an .ics invite, and the
 * reminder and review plan. Pure: sending and storing stay with n8n and the node.
 */
export function compose(input: ComposeInput, options: ComposeOptions = {}): Confirmation {
	if (!input || !MESSAGE_KINDS.includes(input.kind)) {
		throw new ConfirmationInputError(
			'kind',
			`"kind" must be one of ${MESSAGE_KINDS.join(', ')}; got ${JSON.stringify(input?.kind)}.`,
		);
	}
	if (!input.business?.name || !input.business?.email)
		throw new ConfirmationInputError(
			'business',
			'The business name and sender e-mail are needed (Business Name, From E-mail).',
		);
	const kind = input.kind;
	const channels = { email: true, sms: true, calendar: true, ...(options.channels ?? {}) };
	const preference = customerPreference(input, kind, options.smsDefaultCountry ?? 'US');
	const zone = input.booking?.time_zone ?? options.timeZone ?? 'America/New_York';
	const now = options.now ? DateTime.fromJSDate(new Date(options.now)) : DateTime.now();
	const needsTime = [
		'booking_confirmation',
		'reminder',
		'cancellation',
		'emergency_dispatch',
		'callout_fee',
		'crew_visit',
		'on_my_way',
	].includes(kind);
	let start: DateTime | null = null;
	let end: DateTime | null = null;
	if (input.booking?.start) {
		start = DateTime.fromISO(input.booking.start, { setZone: true }).setZone(zone);
		end = input.booking.end
			? DateTime.fromISO(input.booking.end, { setZone: true }).setZone(zone)
			: start.plus({ hours: 2 });
		if (!start.isValid)
			throw new ConfirmationInputError(
				'booking.start',
				`"booking.start" is not a date-time: ${JSON.stringify(input.booking.start)}.`,
			);
		if (!end.isValid || end < start)
			throw new ConfirmationInputError(
				'booking.end',
				`"booking.end" is not a date-time after the start: ${JSON.stringify(input.booking.end)}. Map the Scheduling Agent's output, e.g. {{ $json.booking }}.`,
			);
	} else if (needsTime) {
		throw new ConfirmationInputError(
			'booking.start',
			`A ${kind.replace(/_/g, ' ')} needs the booking's start; map the Scheduling Agent's output, e.g. {{ $json.booking }}.`,
		);
	}
	const money = (cents: number | undefined) =>
		typeof cents === 'number' ? formatMoney(cents, input.quote?.currency ?? 'USD') : '';
	const price = input.quote?.recurring
		? `${money(input.quote.total_cents)} per visit (${money(input.quote.recurring.per_month_cents)} a month)`
		: money(input.quote?.total_cents);
	const service = (input.service ?? 'cleaning').replace(/_/g, ' ');
	const values: Record<(typeof MESSAGE_PLACEHOLDERS)[number], string> = {
		name: input.customer?.name?.trim() || 'there',
		business: input.business.name,
		// No phone on file: nothing to call (an e-mail address is not a number to call).
		business_phone: input.business.phone?.trim() ?? '',
		call_us: input.business.phone?.trim() ? ` or call ${input.business.phone.trim()}` : '',
		service,
		when: start ? start.toFormat("cccc, LLLL d 'at' h:mm a ZZZZ") : '',
		date: start ? start.toFormat('cccc, LLLL d') : '',
		time: start ? start.toFormat('h:mm a') : '',
		arrival: start ? start.toFormat('h:mm a ZZZZ') : '',
		address: input.customer?.address?.trim() ?? '',
		at_address: input.customer?.address?.trim() ? ` at ${input.customer.address.trim()}` : '',
		crew: input.booking?.crew_name ?? input.crew_contact?.name ?? 'our crew',
		price,
		price_line: price ? `\nPrice: ${price}.` : '',
		price_line_inline: price ? ` at ${price}` : '',
		booking_ref:
			input.booking?.booking_id ?? input.booking?.series_id ?? input.quote?.quote_id ?? '',
		quote_summary: input.quote?.summary ?? '',
		valid_until: input.quote?.valid_until
			? DateTime.fromISO(input.quote.valid_until).setZone(zone).toFormat('LLLL d, yyyy')
			: '',
		reply_url: input.links?.reply_url ?? '',
		signing_url: input.links?.signing_url ?? '',
		review_url: input.links?.review_url ?? '',
		// An agreement still to sign (the recurring welcome): its link, in the confirmation itself.
		signing_line: input.links?.signing_url
			? `\n\nPlease sign your service agreement here: ${input.links.signing_url}${
					input.links.link_expires
						? ` (the link expires on ${DateTime.fromISO(input.links.link_expires).setZone(zone).toFormat('LLLL d, yyyy')})`
						: ''
				}.${
					(input.booking as { hold_expires_at?: string | null } | undefined)?.hold_expires_at
						? ' Your visits are held for you until then and confirmed when you sign.'
						: ''
				}`
			: '',
		link_expires: input.links?.link_expires
			? DateTime.fromISO(input.links.link_expires).setZone(zone).toFormat('LLLL d, yyyy')
			: '',
		// A day (YYYY-MM-DD) is read in the business's zone: read in the server's, it was a day early in the Americas.
		renewal_date: input.renewal_date
			? DateTime.fromISO(input.renewal_date, { zone }).toFormat('LLLL d, yyyy')
			: '',
		safety: (input.safety_instructions ?? []).map((s) => `- ${s}`).join('\n'),
		safety_first: input.safety_instructions?.[0] ?? '',
		reason_text: ((reason) => (reason ? ` (${reason})` : ''))(
			input.reason ?? CANCEL_REASON_WORDS[input.booking?.cancel_reason ?? ''] ?? null,
		),
		details_url: input.links?.details_url ?? '',
		details_list: askedForPhrase(input.asked_for),
		crew_url: input.links?.crew_url ?? '',
		customer_phone: input.customer?.phone?.trim() ?? '',
		manage_url: input.links?.manage_url ?? '',
		// The visit's own page when there is one (one visit of a series is skipped, a single one cancelled), else a reply.
		change_line: input.links?.manage_url
			? `To ${input.booking?.rrule ? 'move or skip your first visit, or pause your visits' : input.booking?.series_id ? 'move or skip this visit' : 'move or cancel it'}: ${input.links.manage_url}`
			: `To change or cancel, reply to this e-mail${input.business.phone?.trim() ? ` or call ${input.business.phone.trim()}` : ''}.`,
		change_sms: input.links?.manage_url ? ` Change: ${input.links.manage_url}` : '',
		invoice_number: input.invoice?.invoice_number ?? '',
		amount_due: input.invoice
			? formatMoney(
					Math.max(0, (input.invoice.total_cents ?? 0) - (input.invoice.paid_cents ?? 0)),
					input.invoice.currency ?? 'USD',
				)
			: '',
		due_date: input.invoice?.due_date
			? DateTime.fromISO(input.invoice.due_date, { zone }).toFormat('LLLL d, yyyy')
			: '',
		pay_line: input.invoice?.autopay
			? '\n\nIt is charged to the card you saved: nothing for you to do.'
			: input.links?.pay_url
				? `\n\nPay online: ${input.links.pay_url}`
				: `\n\nTo pay, reply to this e-mail${input.business.phone?.trim() ? ` or call ${input.business.phone.trim()}` : ''}.`,
		pay_sms: input.invoice?.autopay
			? ' Charged to your saved card.'
			: input.links?.pay_url
				? ` Pay: ${input.links.pay_url}`
				: '',
		billed_for: input.invoice?.period
			? `your ${input.invoice.period.visits ?? ''} ${input.invoice.period.service ?? 'service'} visit${input.invoice.period.visits === 1 ? '' : 's'} in ${input.invoice.period.label ?? 'the month'}`.replace(
					/ {2,}/g,
					' ',
				)
			: `the ${service} on ${start ? start.toFormat('cccc, LLLL d') : 'your visit'}`,
		card_url: input.links?.card_url ?? '',
		pay_url: input.links?.pay_url ?? '',
		card_line:
			input.links?.card_url && !input.invoice?.autopay
				? `\n\nSave a card and each month's invoice is paid automatically: ${input.links.card_url}`
				: '',
		retry_line: input.charge
			? input.charge.next_try_at
				? ` We will try it again on ${DateTime.fromISO(input.charge.next_try_at).setZone(zone).toFormat('cccc, LLLL d')}.`
				: ' We have stopped trying the card and will be in touch.'
			: '',
		failure_text: ((words) => (words ? ` (${words})` : ''))(declineWords(input.charge?.failure)),
		visits_line: visitsLine(kind, input.series_visits ?? (input.booking as SeriesVisits), zone),
		schedule: scheduleWords(input.series_visits?.rrule ?? input.booking?.rrule),
		amount_back: ((cents) => (cents ? formatMoney(cents, input.invoice?.currency ?? 'USD') : ''))(
			input.refund?.amount_cents || input.refund?.credit?.amount_cents || 0,
		),
		back_line: input.refund?.amount_cents
			? 'we have refunded it to your card; it shows on your statement within 5 to 10 days.'
			: 'it is a credit on your account, taken off your next invoice.',
		back_short: input.refund?.amount_cents
			? 'refunded to your card'
			: 'credited to your next invoice',
		// A deposit for one visit, or for an agreement's visits (a series: its rule and first visit).
		held: input.booking?.rrule
			? `visits ${scheduleWords(input.booking.rrule)} are held for you, the first on ${start?.toFormat("cccc, LLLL d 'at' h:mm a ZZZZ") ?? ''}`
			: `is held for you for ${start?.toFormat("cccc, LLLL d 'at' h:mm a ZZZZ") ?? ''}`,
		held_on: `${input.booking?.rrule ? 'visits from' : 'on'} ${start?.toFormat('cccc, LLLL d') ?? ''}`,
		end_date: ((day) =>
			day ? DateTime.fromISO(day, { zone }).toFormat('cccc, LLLL d, yyyy') : '')(
			input.series_visits?.series_ends_on ??
				(input.booking as SeriesVisits | null | undefined)?.series_ends_on,
		),
		alternatives: (
			(input.booking as { alternatives?: Array<{ start?: string }> } | null)?.alternatives ?? []
		)
			.filter((slot) => typeof slot?.start === 'string')
			.slice(0, 3)
			.map((slot) =>
				DateTime.fromISO(slot.start!, { setZone: true })
					.setZone(zone)
					.toFormat("cccc, LLLL d 'at' h:mm a"),
			)
			.join('; '),
	};
	const template = { ...DEFAULT_TEMPLATES[kind], ...(options.templates?.[kind] ?? {}) };
	const skipped: string[] = [];

	const to = recipientOf(input);
	const who = CREW_KINDS.has(kind) ? 'the crew' : 'the customer';
	let email: Confirmation['email'] = null;
	if (channels.email && preference.email) skipped.push(`email: ${preference.email}`);
	else if (channels.email) {
		if (to.email && !SINGLE_MAILBOX.test(String(to.email).trim()))
			skipped.push(
				`email: ${JSON.stringify(String(to.email).slice(0, 80))} is not one e-mail address (a list, a name or a line break in it is not sent)`,
			);
		else if (to.email) {
			const text = fill(template.text, values);
			email = {
				to: String(to.email).trim(),
				from: headerSafe(`${input.business.name} <${input.business.email}>`),
				reply_to: headerSafe(input.business.reply_to || input.business.email),
				subject: headerSafe(fill(template.subject, values)),
				text,
				html: toHtml(text, input.business.name),
			};
		} else skipped.push(`email: ${who} has no e-mail address`);
	}

	const optOut = options.smsOptOutLine ?? 'always';
	const policy = {
		maxSegments: options.smsMaxSegments ?? 3,
		// A crew's text is work, not marketing: no opt-out line.
		optOutLine:
			!CREW_KINDS.has(kind) &&
			(optOut === 'always' || (optOut === 'marketing' && MARKETING_KINDS.has(kind))),
	};
	const country = options.smsDefaultCountry ?? 'US';
	let sms: Confirmation['sms'] = null;
	if (channels.sms && preference.sms) skipped.push(`sms: ${preference.sms}`);
	else if (channels.sms) {
		const number = to.phone ? textableNumber(String(to.phone), country) : null;
		if (!to.phone) skipped.push(`sms: ${who} has no phone number`);
		else if (!number)
			skipped.push(
				`sms: ${JSON.stringify(to.phone)} is not a number a text can reach (not valid for ${country.toUpperCase()}; a number abroad needs its country code)`,
			);
		else if (options.smsOptedOut) skipped.push(`sms: ${who} replied STOP (opted out)`);
		else {
			const fitted = fitSms(fill(template.sms, values), policy);
			sms = {
				to: number,
				text: fitted.text,
				encoding: fitted.size.encoding,
				units: fitted.size.units,
				segments: fitted.size.segments,
				shortened: fitted.shortened,
				opt_out_line: policy.optOutLine,
			};
		}
	}

	let crewNotice: Confirmation['crew_notice'] = null;
	if (kind === 'emergency_dispatch' && input.crew_contact?.phone) {
		const text = `EMERGENCY ${values.service.toUpperCase()} at ${values.address || 'address to confirm'}, ${values.when}. Customer ${values.name}${input.customer?.phone ? ` ${input.customer.phone}` : ''}. Ref ${values.booking_ref}.`;
		const fitted = fitSms(text, { maxSegments: 4, optOutLine: false });
		crewNotice = {
			to: toE164(input.crew_contact.phone, country),
			text: fitted.text,
			encoding: fitted.size.encoding,
			units: fitted.size.units,
			segments: fitted.size.segments,
			shortened: fitted.shortened,
			opt_out_line: false,
		};
	}

	let calendar: Confirmation['calendar'] = null;
	// One visit of a series (moved or skipped on its own) has no invite of its own: the series' invite has its uid.
	const oneOfSeries = Boolean(input.booking?.series_id) && !input.booking?.rrule;
	if (
		channels.calendar &&
		start &&
		end &&
		!oneOfSeries &&
		(kind === 'booking_confirmation' || kind === 'cancellation' || kind === 'emergency_dispatch')
	) {
		const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
		const uid = `${input.booking?.series_id ?? input.booking?.booking_id ?? `${start.toMillis()}`}@n8n-nodes-booking-agents`;
		const sequence = input.sequence ?? (kind === 'cancellation' ? 1 : 0);
		const series = input.booking?.series_id ? seriesInvite(input.booking, zone) : null;
		const ics = buildInvite({
			uid,
			method,
			sequence,
			start: series?.start ?? start,
			end: series?.end ?? end,
			timeZone: zone,
			summary: `${service.charAt(0).toUpperCase()}${service.slice(1)} with ${input.business.name}`,
			description: `Booking reference: ${values.booking_ref}\nCrew: ${values.crew}${input.business.phone ? `\nQuestions: ${input.business.phone}` : ''}`,
			location: values.address || null,
			organizer: { name: input.business.name, email: input.business.email },
			attendee: input.customer?.email
				? { name: input.customer.name ?? null, email: input.customer.email }
				: null,
			series,
			url: null,
		});
		calendar = {
			filename: kind === 'cancellation' ? 'cancel.ics' : 'invite.ics',
			mime_type: `text/calendar; method=${method}; charset=utf-8`,
			method,
			uid,
			sequence,
			ics,
		};
	}

	const plan =
		start && end && (kind === 'booking_confirmation' || kind === 'emergency_dispatch')
			? followUpPlan(start.toISO()!, end.toISO()!, zone, now, {
					...DEFAULT_PLAN,
					...(options.plan ?? {}),
				})
			: null;
	return {
		kind,
		email,
		sms,
		crew_notice: crewNotice,
		calendar,
		plan,
		skipped,
		personalised: false,
		source: 'rules',
		llm_usage: { calls: 0, prompt_tokens: 0, completion_tokens: 0 },
		fallback_reason: null,
		values,
	};
}

/** The facts a personalised text must keep word for word: when, where, how much, which booking. */
export function protectedValues(values: Record<string, string>): string[] {
	return [
		'when',
		'date',
		'time',
		'arrival',
		'address',
		'price',
		'booking_ref',
		'valid_until',
		'renewal_date',
		'reply_url',
		'signing_url',
		'review_url',
		'crew_url',
		'manage_url',
	]
		.map((k) => values[k])
		.filter((v): v is string => typeof v === 'string' && v.trim().length > 0);
}

/** A decline in the customer's words (Stripe's decline codes); nothing for a reason they need not read. */
function declineWords(failure: string | null | undefined): string | null {
	const text = String(failure ?? '');
	if (/insufficient_funds/.test(text)) return 'the bank said there were not enough funds';
	if (/expired_card/.test(text)) return 'the card has expired';
	if (/authentication_required/.test(text)) return 'your bank asks you to confirm the payment';
	if (/card_declined/.test(text)) return 'the bank declined it';
	return null;
}
