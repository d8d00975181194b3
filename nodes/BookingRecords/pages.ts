/**
 * The pages behind the links people open: what a quote reply and an ops decision
 * show and ask (built from the case when the link is made), and the HTML for every
 * state of a link (open, answered, already used, expired, not valid, closed). Plain
 * HTML with a form that posts back to the same address: no script, so n8n's webhook
 * sandbox is no obstacle, and it reads on a phone.
 */
import { DateTime } from 'luxon';

import { escapeHtml as h, personPage } from '../shared/html';
import { formatMoney } from '../shared/money';
import { WEEKDAYS } from '../shared/vocabulary';
import type {
	LinkField,
	LinkPage,
	LinkProblem,
	LinkRecord,
	LinkState,
} from '../shared/records/links';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() ? value.trim() : null;
const num = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;

/** How a customer reaches the business, for pages that cannot take an answer. */
function contactOf(business: Json): string | null {
	const phone = str(business.phone);
	const email = str(business.email);
	if (phone && email) return `call us on ${phone} or write to ${email}`;
	if (phone) return `call us on ${phone}`;
	if (email) return `write to ${email}`;
	return null;
}

const service = (type: unknown) => (str(type) ?? 'service').replace(/_/g, ' ');

/** Who the customer is, on one line: name, e-mail (unless left out) and phone. */
function customerFact(customer: Json, { email = true } = {}): { label: string; value: string } {
	const parts = [str(customer.name), email ? str(customer.email) : null, str(customer.phone)];
	return { label: 'Customer', value: parts.filter(Boolean).join(' · ') || 'unknown' };
}

/** The customer's own words as a fact, cut to `max` characters. */
function wordsFact(label: string, message: string | null, max: number) {
	if (!message) return [];
	return [{ label, value: message.length > max ? `${message.slice(0, max - 3)}...` : message }];
}

function dayIn(iso: unknown, zone: string): string | null {
	const text = str(iso);
	if (!text) return null;
	const day = DateTime.fromISO(text, { setZone: true }).setZone(zone);
	return day.isValid ? day.toFormat('LLLL d, yyyy') : null;
}

/** The quote the customer answers: the offer on the case (a counter-offer's when negotiating), its lines, and three ways to answer. */
export function quoteReplyPage(item: Json): LinkPage {
	const business = obj(item.business);
	const customer = obj(item.customer);
	const negotiation = obj(item.negotiation);
	const quote = Object.keys(obj(negotiation.quote)).length
		? obj(negotiation.quote)
		: obj(item.quote);
	const currency = str(quote.currency) ?? 'USD';
	const zone = str(business.time_zone) ?? 'America/New_York';
	const total = num(quote.total_cents);
	const recurring = obj(quote.recurring);
	const facts: LinkPage['facts'] = [{ label: 'Service', value: service(quote.service_type) }];
	if (total !== null)
		facts.push({
			label: Object.keys(recurring).length ? 'Price per visit' : 'Price',
			value: formatMoney(total, currency),
		});
	if (num(recurring.per_month_cents) !== null)
		facts.push({
			label: 'A month',
			value: `${formatMoney(recurring.per_month_cents as number, currency)} (${String(recurring.frequency ?? '')} visits)`,
		});
	const lines = Array.isArray(quote.line_items) ? quote.line_items.map(obj) : [];
	for (const line of lines)
		if (str(line.label) && num(line.amount_cents) !== null && line.amount_cents !== 0)
			facts.push({
				label: String(line.label),
				value: formatMoney(line.amount_cents as number, currency),
			});
	const valid = dayIn(quote.valid_until, zone);
	if (valid) facts.push({ label: 'Valid until', value: valid });
	const name = str(customer.name);
	const counter = str(negotiation.message);
	return {
		business: str(business.name) ?? 'Our business',
		title: `Your quote from ${str(business.name) ?? 'us'}`,
		paragraphs: [
			`Hi ${name ?? 'there'}, here is our offer${counter ? ' after your reply' : ''}. Accept it and we book your visits and send the agreement to sign, or ask us anything.`,
		],
		facts,
		choices: [
			{ value: 'accept', label: 'Accept the quote', says: 'Yes, I accept the quote.' },
			{ value: 'question', label: 'Ask a question or for a change', needs_message: true },
		],
		message_label: 'Your message',
		ask_name: false,
		thanks: 'Thank you: we have your answer. You will hear from us by e-mail shortly.',
		contact: contactOf(business),
		time_zone: zone,
	};
}

/** The price ops counter at: per visit, in dollars and cents, below the offer on the table. */
function counterField(offerCents: number, currency: string): LinkField {
	return {
		name: 'counter_amount',
		label: 'Counter at (per visit)',
		kind: 'number',
		required: false,
		min: 1,
		max: (offerCents - 1) / 100,
		step: 0.01,
		hint: `In ${currency}, less than our offer of ${formatMoney(offerCents, currency)}; the job is re-priced at the discount that gives it`,
	};
}

/** What ops decide: the customer, the offer, what approving gives, and why a person is asked. */
export function decisionPage(item: Json): LinkPage {
	const business = obj(item.business);
	const customer = obj(item.customer);
	const negotiation = obj(item.negotiation);
	const quote = obj(negotiation.quote ?? item.quote);
	const currency = str(quote.currency) ?? 'USD';
	const pending = obj(negotiation.pending_approval);
	const asks = num(pending.discount_pct);
	const total = num(quote.total_cents);
	const facts: LinkPage['facts'] = [
		customerFact(customer),
		{ label: 'Service', value: service(quote.service_type) },
	];
	if (num(quote.total_cents) !== null)
		facts.push({
			label: 'Our offer',
			value: `${formatMoney(quote.total_cents as number, currency)} per visit`,
		});
	if (asks !== null && num(pending.total_cents) !== null)
		facts.push({
			label: 'Approving gives',
			value: `${formatMoney(pending.total_cents as number, currency)} per visit (${asks}% off)`,
		});
	const reply = str(item.reply);
	if (reply) facts.push({ label: 'Their reply', value: reply });
	if (str(negotiation.reason))
		facts.push({ label: 'Why a person', value: String(negotiation.reason) });
	return {
		business: str(business.name) ?? 'Our business',
		title:
			asks !== null
				? `Decide: ${str(customer.name) ?? 'a customer'} asks for ${asks}% off`
				: `Decide: ${str(customer.name) ?? 'a customer'} needs a person`,
		paragraphs: [
			'Approve and the visits are booked at that price and the agreement goes out. Decline and the customer hears that our offer stands. Counter and the customer gets a new offer at the price you type, with a link to accept it.',
		],
		facts,
		fields: total !== null && total > 100 ? [counterField(total, currency)] : [],
		choices: [
			{ value: 'approve', label: asks !== null ? `Approve ${asks}% off` : 'Approve' },
			{ value: 'decline', label: 'Decline: our offer stands' },
			...(total !== null && total > 100
				? [
						{
							value: 'counter',
							label: 'Counter at another price (type it below)',
							needs_fields: ['counter_amount'],
						},
					]
				: []),
		],
		message_label: 'Note (kept on the case)',
		ask_name: true,
		thanks: 'Decision taken: the flow goes on with it. It is on the case record and the ops board.',
		contact: null,
		time_zone: str(business.time_zone) ?? 'America/New_York',
	};
}

/** The questions an ask-back can put, by the fact each answers (the Qualifier's `ask_before_booking`). */
export const ASK_BACK_FIELDS: Record<string, LinkField> = {
	address: {
		name: 'address',
		label: 'Address of the visit',
		kind: 'text',
		required: true,
		hint: 'Street and number, apartment, city',
	},
	bedrooms: {
		name: 'bedrooms',
		label: 'Bedrooms',
		kind: 'number',
		required: true,
		min: 0,
		max: 20,
		hint: '0 for a studio',
	},
	bathrooms: {
		name: 'bathrooms',
		label: 'Bathrooms',
		kind: 'number',
		required: true,
		min: 0,
		max: 20,
		step: 0.5,
		hint: '1.5 for one with a shower and a half bath',
	},
	square_feet: {
		name: 'square_feet',
		label: 'Area (square feet)',
		kind: 'number',
		required: true,
		min: 100,
		max: 2_000_000,
		hint: 'About is fine; square metres times 10.8',
	},
	preference: {
		name: 'preference',
		label: 'When would suit you?',
		kind: 'text',
		required: false,
		hint: 'A day and time, for example "Tuesday morning"; empty: the first free time',
	},
};

/** What the customer is asked before a job can be priced and booked: the facts the case lacks, then a preferred time if none was given. */
export function askBackPage(item: Json): LinkPage {
	const business = obj(item.business);
	const customer = obj(item.customer);
	const qualification = obj(item.qualification);
	const asked = Array.isArray(qualification.ask_before_booking)
		? qualification.ask_before_booking.filter((f): f is string => typeof f === 'string')
		: [];
	const fields = asked.flatMap((fact) => (ASK_BACK_FIELDS[fact] ? [ASK_BACK_FIELDS[fact]] : []));
	if (!str(item.preference)) fields.push(ASK_BACK_FIELDS.preference);
	const what = service(qualification.service_type);
	const facts: LinkPage['facts'] = [
		{ label: 'Service', value: what },
		...wordsFact('Your request', str(item.message), 200),
	];
	return {
		business: str(business.name) ?? 'Our business',
		title: `A few details to book your ${what}`,
		paragraphs: [
			`Hi ${str(customer.name) ?? 'there'}, thank you for your request. To price and book it we need a few details; it takes a minute.`,
		],
		facts,
		fields,
		choices: [{ value: 'send', label: 'Send the details' }],
		message_label: 'Anything else we should know? (gate code, pets, parking; optional)',
		ask_name: false,
		thanks:
			'Thank you: we have your details. We are booking your visit now and will confirm it by e-mail or text shortly.',
		contact: contactOf(business),
		time_zone: str(business.time_zone) ?? 'America/New_York',
	};
}

/** The value of an offered slot's choice: its start and crew, read back by `slotOfChoice`. */
const SLOT_CHOICE = /^slot:([^|]+)\|(.*)$/;

/** The start and crew an ops choice names: an offered slot, or the time typed (any crew). Null: no time chosen. */
export function slotOfChoice(
	choice: unknown,
	typedStart: unknown,
): { start: string; crew_id: string | null } | null {
	const offered = typeof choice === 'string' ? SLOT_CHOICE.exec(choice) : null;
	if (offered) return { start: offered[1], crew_id: offered[2] || null };
	if (choice === 'typed' && typeof typedStart === 'string' && typedStart)
		return { start: typedStart, crew_id: null };
	return null;
}

/** What ops see of a job they must place: who, what, where, how long, what was asked, and the next free times as choices. */
function jobToPlace(item: Json) {
	const business = obj(item.business);
	const customer = obj(item.customer);
	const zone = str(business.time_zone) ?? 'America/New_York';
	const asked = obj(item.no_room);
	const offered = (
		Array.isArray(obj(item.booking).slots) ? (obj(item.booking).slots as unknown[]) : []
	)
		.map(obj)
		.filter((slot) => str(slot.start));
	const when = (iso: string) =>
		DateTime.fromISO(iso, { setZone: true }).setZone(zone).toFormat("cccc, LLLL d 'at' h:mm a");
	const facts: LinkPage['facts'] = [
		customerFact(customer),
		{ label: 'Service', value: service(obj(item.qualification).service_type) },
	];
	if (str(customer.address)) facts.push({ label: 'Address', value: String(customer.address) });
	const minutes = num(obj(item.booking).duration_minutes);
	if (minutes !== null)
		facts.push({
			label: 'Takes',
			value: `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`,
		});
	if (str(asked.preference))
		facts.push({ label: 'They asked for', value: String(asked.preference) });
	const timeField: LinkField = {
		name: 'start',
		label: 'Another time',
		kind: 'datetime',
		required: false,
		hint: `In ${zone.replace(/_/g, ' ')} time; any crew free then is booked`,
	};
	return {
		business,
		customer,
		zone,
		asked,
		offered,
		facts,
		timeField,
		slotChoices: (prefix: string) =>
			offered.map((slot) => ({
				value: `slot:${String(slot.start)}|${str(slot.crew_id) ?? ''}`,
				label: `${prefix}${when(String(slot.start))}${str(slot.crew_name) ? ` (${String(slot.crew_name)})` : ''}`,
			})),
	};
}

/**
 * A job no crew had room for: ops pick one of the next free times (found without the
 * customer's preference), type another, or take it to the phone. The store still refuses a clash.
 */
export function noRoomPage(item: Json): LinkPage {
	const job = jobToPlace(item);
	if (str(job.asked.reason))
		job.facts.push({ label: 'Why no booking', value: String(job.asked.reason) });
	return {
		business: str(job.business.name) ?? 'Our business',
		title: `Find a time: ${str(job.customer.name) ?? 'a customer'}`,
		paragraphs: [
			job.asked.series === true
				? 'They accepted our offer, but no crew was free for their visits as asked. Pick the first visit: the visits are booked on that day and time at the agreed cadence from then (a later one that clashes moves within its day), and the agreement goes out to sign. Or take it to the phone.'
				: job.offered.length
					? 'No crew was free when they asked. Pick one of the next free times, or type another: the visit is booked and the customer gets the confirmation. A time a crew already has is refused.'
					: 'No crew was free when they asked, and none is free in the booking horizon. Type a time (a crew whose calendar is free then is booked), or take it to the phone.',
		],
		facts: job.facts,
		fields: [job.timeField],
		choices: [
			...job.slotChoices(''),
			{ value: 'typed', label: 'Another time (type it below)', needs_fields: ['start'] },
			{ value: 'call', label: 'No time works: we will call the customer' },
		],
		message_label: 'Note (kept on the case)',
		ask_name: true,
		thanks:
			'Decision taken: the flow books the time and confirms it to the customer (or, for a call, leaves the case with you). It is on the case record and the ops board.',
		contact: null,
		time_zone: job.zone,
	};
}

/**
 * A customer who asked for a person: ops call them, then record what came of it here; a time
 * is booked and confirmed like any booking, "not a fit" sends the polite reply, a call closes the case.
 */
export function wantsHumanPage(item: Json): LinkPage {
	const job = jobToPlace(item);
	job.facts.push(...wordsFact('Their words', str(item.message), 300));
	return {
		business: str(job.business.name) ?? 'Our business',
		title: `Call back: ${str(job.customer.name) ?? 'a customer'} asked for a person`,
		paragraphs: [
			'They asked to speak to a person. Call them, then record what came of it: a time to book (the customer gets the confirmation), a call with nothing to book, or not a fit (they get a polite reply).',
		],
		facts: job.facts,
		fields: [job.timeField],
		choices: [
			...job.slotChoices('Booked for '),
			{ value: 'typed', label: 'Booked at another time (type it below)', needs_fields: ['start'] },
			{ value: 'called', label: 'Called back: nothing to book (close the case)' },
			{ value: 'not_a_fit', label: 'Not a fit: send the polite reply' },
		],
		message_label: 'What was said (kept on the case)',
		ask_name: true,
		thanks:
			'Outcome recorded: the flow books and confirms, sends the reply, or closes the case. It is on the case record.',
		contact: null,
		time_zone: job.zone,
	};
}

/**
 * An emergency after hours, for the person on the on-call ladder whose turn it is: what
 * happened, where, which crew is booked for when; one button to acknowledge.
 */
export function dispatchAckPage(item: Json): LinkPage {
	const business = obj(item.business);
	const customer = obj(item.customer);
	const booking = obj(item.booking);
	const triage = obj(item.triage);
	const to = obj(obj(item.dispatch).to);
	const zone = str(business.time_zone) ?? 'America/New_York';
	const facts: LinkPage['facts'] = [
		{
			label: 'Emergency',
			value: service(triage.emergency_type ?? obj(item.qualification).service_type),
		},
		customerFact(customer, { email: false }),
	];
	if (str(customer.address)) facts.push({ label: 'Address', value: String(customer.address) });
	const noCrew = str(booking.status) !== null && booking.status !== 'confirmed';
	if (noCrew)
		facts.push({
			label: 'No crew',
			value: `No crew was free within the response deadline: find one and call the customer${str(customer.phone) ? ` (${String(customer.phone)})` : ''}`,
		});
	else if (str(booking.start))
		facts.push({
			label: 'Crew booked',
			value: `${str(booking.crew_name) ?? 'a crew'}, arriving by ${DateTime.fromISO(String(booking.start), { setZone: true }).setZone(zone).toFormat("h:mm a 'on' cccc, LLLL d")}`,
		});
	facts.push(...wordsFact('Their words', str(item.message), 300));
	return {
		business: str(business.name) ?? 'Our business',
		title: `Emergency: acknowledge${str(to.name) ? `, ${String(to.name)}` : ''}`,
		paragraphs: [
			noCrew
				? 'An emergency came in and no crew could take it in time. Acknowledge that you have it (find a crew, call the customer); until someone does, the next person on the on-call list is asked.'
				: 'An emergency came in while we are closed. Acknowledge that you have it (call the customer and the crew as needed); until someone does, the next person on the on-call list is asked.',
		],
		facts,
		choices: [{ value: 'ack', label: 'I have it: acknowledge' }],
		message_label: null,
		ask_name: true,
		thanks: 'Acknowledged: it is on the case record. Nobody else on the on-call list is asked.',
		contact: null,
		time_zone: zone,
	};
}

/** A booked visit on the item (a Scheduling booking or listed visit): its customer (the case's, else the booking's) and its time zone. */
function visitOf(item: Json) {
	const business = obj(item.business);
	const booking = obj(item.booking);
	const customer = Object.keys(obj(item.customer)).length
		? obj(item.customer)
		: obj(booking.customer);
	const zone = str(booking.time_zone) ?? str(business.time_zone) ?? 'America/New_York';
	return { business, booking, customer, zone };
}

/**
 * A visit, for the crew booked on it: when, where, who, what; one button per step as it
 * happens. "On my way" texts the customer; "Done" completes the visit (the review request
 * may follow); "Could not do it" hands it to ops with the crew's note.
 */
export function crewVisitPage(item: Json): LinkPage {
	const { business, booking, customer, zone } = visitOf(item);
	const at = (iso: unknown, format: string) =>
		DateTime.fromISO(String(iso), { setZone: true }).setZone(zone).toFormat(format);
	const facts: LinkPage['facts'] = [];
	if (str(booking.start))
		facts.push({
			label: 'When',
			value: `${at(booking.start, 'cccc, LLLL d, h:mm a')}${str(booking.end) ? `-${at(booking.end, 'h:mm a')}` : ''}`,
		});
	facts.push({ label: 'Service', value: service(booking.service) });
	if (str(customer.address)) facts.push({ label: 'Address', value: String(customer.address) });
	facts.push(customerFact(customer, { email: false }));
	// The customer's own note, or ops' notes on the customer record (gate code, pets, keys).
	const notes = Array.isArray(customer.notes)
		? customer.notes.map(str).filter(Boolean).join('; ') || null
		: str(customer.notes);
	facts.push(...wordsFact('Notes', notes ?? str(customer.note), 300));
	if (str(booking.crew_name)) facts.push({ label: 'Crew', value: String(booking.crew_name) });
	return {
		business: str(business.name) ?? 'Our business',
		title: `Visit: ${service(booking.service)}${str(customer.name) ? ` for ${String(customer.name)}` : ''}`,
		paragraphs: [
			'Tap each step as it happens. On my way texts the customer; Done marks the visit finished (the customer is then asked for a review). If the visit could not be done, say why in the note: ops take it from there.',
		],
		facts,
		choices: [
			{ value: 'on_my_way', label: 'On my way', says: 'On my way.', keeps_open: true },
			{ value: 'started', label: 'Started', says: 'Started.', keeps_open: true },
			{ value: 'done', label: 'Done', says: 'Done.' },
			{
				value: 'not_done',
				label: 'Could not do it',
				needs_message:
					'Say in the note why the visit could not be done: ops read it before they call.',
			},
		],
		buttons: true,
		message_label: 'Note (what was done; why not, if it could not be done)',
		ask_name: false,
		thanks:
			'Thank you: it is recorded on the visit. If it could not be done, ops take it from here.',
		contact: contactOf(business),
		time_zone: zone,
		booking_id: str(booking.booking_id),
	};
}

/**
 * A customer's own visit: move it to a time they choose, cancel it, or (one visit of a series)
 * skip it. The Customer Changes workflow applies it under the business's notice.
 */
export function visitChangePage(item: Json): LinkPage {
	const visit = visitOf(item);
	const { business, customer, zone } = visit;
	// A whole series just booked (a welcome): the page is its first visit's.
	const first = Array.isArray(visit.booking.occurrences) ? obj(visit.booking.occurrences[0]) : {};
	const booking = str(visit.booking.booking_id)
		? visit.booking
		: { ...visit.booking, booking_id: first.booking_id, start: first.start ?? visit.booking.start };
	const what = service(obj(item.qualification).service_type ?? booking.service);
	const series = Boolean(str(booking.series_id));
	const offered = (Array.isArray(booking.alternatives) ? booking.alternatives : [])
		.map(obj)
		.filter((slot) => str(slot.start))
		.slice(0, 3);
	const facts: LinkPage['facts'] = [{ label: 'Service', value: what }];
	if (str(booking.start))
		facts.push({
			label: 'Booked for',
			value: DateTime.fromISO(String(booking.start), { setZone: true })
				.setZone(zone)
				.toFormat("cccc, LLLL d 'at' h:mm a"),
		});
	if (str(customer.address)) facts.push({ label: 'Address', value: String(customer.address) });
	if (str(booking.booking_id))
		facts.push({ label: 'Reference', value: String(booking.booking_id) });
	return {
		business: str(business.name) ?? 'Our business',
		title: series ? `Change this visit: ${what}` : `Change your booking: ${what}`,
		paragraphs: [
			`Hi ${str(customer.name) ?? 'there'}, move ${series ? 'this visit' : 'your visit'} to another time or ${series ? 'skip it (your other visits stay booked), pause your visits for a while, move them to another day or time from this visit on, or end them' : 'cancel it'}. You get the confirmation by e-mail and text. Close to the visit we cannot change it online: then we call you.`,
		],
		facts,
		fields: [
			{
				name: 'start',
				label: 'The new time',
				kind: 'datetime',
				required: false,
				hint: `In ${zone.replace(/_/g, ' ')} time. A time our crews already have is refused and you get the nearest free times.`,
			},
			...(series
				? [
						{
							name: 'until',
							label: 'Pause until',
							kind: 'date' as const,
							required: false,
							hint: 'The last day with no visit; your visits start again after it',
						},
						{
							name: 'weekday',
							label: 'New day',
							kind: 'select' as const,
							required: false,
							hint: 'To change the day of your visits from this one on',
							options: WEEKDAYS.map((d, n) => ({
								value: d,
								label: DateTime.fromObject({ weekday: (n + 1) as 1 }).toFormat('cccc'),
							})),
						},
						{
							name: 'time',
							label: 'New time',
							kind: 'select' as const,
							required: false,
							hint: `In ${zone.replace(/_/g, ' ')} time`,
							options: VISIT_TIMES.map((t) => ({
								value: t,
								label: DateTime.fromFormat(t, 'HH:mm').toFormat('h:mm a'),
							})),
						},
					]
				: []),
		],
		choices: [
			// Free times offered (the one asked was taken, or the customer asked for them): one tap each.
			...offered.map((slot) => ({
				value: `slot:${String(slot.start)}|${str(slot.crew_id) ?? ''}`,
				label: `Move it to ${DateTime.fromISO(String(slot.start), { setZone: true }).setZone(zone).toFormat("cccc, LLLL d 'at' h:mm a")}`,
			})),
			{ value: 'move', label: 'Move it to the time below', needs_fields: ['start'] },
			...(offered.length
				? []
				: [{ value: 'offer', label: 'Show me the next free times (sent by e-mail and text)' }]),
			...(series
				? [
						{ value: 'skip', label: 'Skip this visit (the others stay booked)' },
						{
							value: 'pause',
							label: 'Pause my visits until the date below',
							needs_fields: ['until'],
						},
						{
							value: 'change',
							label: 'Move this visit and the ones after it to the new day and time below',
							needs_fields: ['weekday', 'time'],
						},
						{
							value: 'end',
							label: 'End my regular visits (the notice in my agreement applies)',
						},
					]
				: [{ value: 'cancel', label: 'Cancel the visit' }]),
		],
		message_label: 'Anything we should know? (optional)',
		ask_name: false,
		thanks:
			'Thank you: we have your request. The confirmation follows by e-mail and text in a minute (or, close to the visit, we call you).',
		contact: contactOf(business),
		time_zone: zone,
		booking_id: str(booking.booking_id),
		series_id: str(booking.series_id),
	};
}

/** The start times a customer may pick for their series: every half hour of a working day. */
const VISIT_TIMES = Array.from(
	{ length: 23 },
	(_, n) => `${String(7 + Math.floor(n / 2)).padStart(2, '0')}:${n % 2 ? '30' : '00'}`,
);

/** What the link pages add to the shared page style: the facts table and the choices. */
const STYLE = `table{border-collapse:collapse;width:100%;margin:12px 0}td{padding:6px 4px;border-top:1px solid #eceef2;vertical-align:top}
td:first-child{color:#5b6472;width:40%}fieldset{border:0;padding:0;margin:14px 0}
label.choice{display:block;padding:10px 12px;border:1px solid #d5d9e0;border-radius:8px;margin:8px 0;cursor:pointer}
textarea{min-height:96px}.muted{font-size:1rem}.hint{color:#5b6472;font-size:.9rem;margin:2px 0 6px}
input[type=datetime-local],input[type=date]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d5d9e0;border-radius:8px;font:inherit}
select{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d5d9e0;border-radius:8px;font:inherit;background:#fff}
.steps button{display:block;width:100%;margin:10px 0}button.secondary{background:#fff;color:#b42318;border:1px solid #b42318}`;

const shell = (business: string, title: string, body: string) =>
	personPage({ business, title, body, widthPx: 640, style: STYLE });

const contactLine = (page: LinkPage | null) =>
	page?.contact ? `<p>To reach us, ${h(page.contact)}.</p>` : '';

function factsTable(page: LinkPage) {
	return page.facts.length
		? `<table>${page.facts.map((f) => `<tr><td>${h(f.label)}</td><td>${h(f.value)}</td></tr>`).join('')}</table>`
		: '';
}

export interface LinkPageView {
	state: LinkState | 'answered' | 'closed';
	link: LinkRecord | null;
	/** The form again, with what to fix (state open). */
	problems?: LinkProblem[];
	/** What was typed, kept when the form comes back with problems. */
	form?: Record<string, unknown>;
}

/** The HTTP status each state answers with. */
export function linkPageStatus(view: Pick<LinkPageView, 'state' | 'problems'>): number {
	if (view.state === 'open') return view.problems?.length ? 400 : 200;
	if (view.state === 'answered') return 200;
	if (view.state === 'invalid') return 404;
	return 410;
}

/** A link's page in any state. */
export function linkPageHtml(view: LinkPageView): string {
	const page = view.link?.page ?? null;
	const business = page?.business ?? 'Booking';
	const zone = page?.time_zone ?? 'America/New_York';
	const when = (ms: number | null | undefined) =>
		ms ? DateTime.fromMillis(ms, { zone }).toFormat("LLLL d, yyyy 'at' h:mm a") : '';
	switch (view.state) {
		case 'invalid':
			return shell(
				business,
				'This link is not valid',
				'<p>This link was changed or is not one of ours, so nothing was done. Please open the link exactly as it is in the message you received, or ask us for a new one.</p>',
			);
		case 'expired':
			return shell(
				business,
				'This link has expired',
				`<p class="notice">It could be used until ${h(when(view.link?.expires_at_ms))}; nothing was done.</p><p>Ask us for a new one and we will gladly help.</p>${contactLine(page)}`,
			);
		case 'used': {
			const answer = view.link?.answer;
			return shell(
				business,
				'This link was already used',
				`<p class="notice">The answer “${h(answer?.choice_label ?? '')}” was given on ${h(when(view.link?.used_at_ms))}${answer?.name ? ` by ${h(answer.name)}` : ''}. A link can be answered once, so nothing more was done.</p>${contactLine(page)}`,
			);
		}
		case 'closed':
			return shell(
				business,
				'This has moved on',
				`<p class="notice">We could not take your answer here: this request was already closed (it ran out of time or was answered another way).</p>${contactLine(page)}`,
			);
		case 'answered':
			return shell(
				business,
				page?.title ?? 'Thank you',
				`<p class="notice">${h(page?.thanks ?? 'Thank you: we have your answer.')}</p>${factsTable(page!)}`,
			);
		case 'open':
			return shell(
				business,
				page!.title,
				openBody(page!, view.problems ?? [], view.form ?? {}, when(view.link?.expires_at_ms)),
			);
	}
}

function openBody(
	page: LinkPage,
	problems: LinkProblem[],
	form: Record<string, unknown>,
	until: string,
) {
	const said = (field: string) => {
		const value = form[field];
		return typeof value === 'string' ? value : '';
	};
	const problem = (field: string) =>
		problems
			.filter((p) => p.field === field)
			.map((p) => `<p class="problem" role="alert">${h(p.fix)}</p>`)
			.join('');
	// One choice is the Send button itself; more are radio buttons, with the fields under them (another time: the
	// time), or, on a page of steps (a crew's), a button each under the note.
	const single = page.choices.length === 1 ? page.choices[0] : null;
	const zone = page.time_zone;
	const doneSteps = (page.done_steps ?? [])
		.map(
			(step) =>
				`<p class="notice">${h(step.label)}: ${h(DateTime.fromMillis(step.at_ms, { zone }).toFormat('h:mm a'))} ✓</p>`,
		)
		.join('');
	const buttons = page.buttons
		? `${problem('choice')}<p class="steps">${page.choices
				.map(
					(c) =>
						`<button type="submit" name="choice" value="${h(c.value)}"${c.needs_message ? ' class="secondary"' : ''}>${h(c.label)}</button>`,
				)
				.join(' ')}</p>`
		: null;
	const choices = buttons
		? ''
		: single
			? `<input type="hidden" name="choice" value="${h(single.value)}">`
			: `<fieldset><legend>Your answer</legend>${problem('choice')}${page.choices
					.map(
						(c) =>
							`<label class="choice"><input type="radio" name="choice" value="${h(c.value)}"${said('choice') === c.value ? ' checked' : ''} required> ${h(c.label)}</label>`,
					)
					.join('')}</fieldset>`;
	const fields = (page.fields ?? [])
		.map((f) => fieldHtml(f, said(f.name), problem(f.name)))
		.join('');
	return `${doneSteps}${page.paragraphs.map((p) => `<p>${h(p)}</p>`).join('')}${factsTable(page)}
<form method="post">${choices}${fields}${
		page.message_label
			? `<p><label for="message">${h(page.message_label)}</label></p>${problem('message')}<textarea id="message" name="message" maxlength="2000">${h(said('message'))}</textarea>`
			: ''
	}${
		page.ask_name
			? `<p><label for="name">Your name</label></p>${problem('name')}<input type="text" id="name" name="name" maxlength="120" value="${h(said('name'))}" required>`
			: ''
	}${buttons ?? `<p><button type="submit">${h(single?.label ?? 'Send')}</button></p>`}</form><p class="muted">${
		page.choices.some((c) => c.keeps_open)
			? 'This link works for each step once'
			: 'This link works once'
	}${until ? `, until ${h(until)}` : ''}.</p>`;
}

/** One field of a page: its label, hint, the problem with what was typed, and the input. */
function fieldHtml(field: LinkField, typed: string, problem: string): string {
	const id = `f_${field.name}`;
	const required = field.required ? ' required' : '';
	const label = `<p><label for="${id}">${h(field.label)}${field.required ? '' : ' (optional)'}</label></p>${
		field.hint ? `<p class="hint">${h(field.hint)}</p>` : ''
	}${problem}`;
	if (field.kind === 'select')
		return `${label}<select id="${id}" name="${h(field.name)}"${required}><option value="">Choose...</option>${(
			field.options ?? []
		)
			.map(
				(o) =>
					`<option value="${h(o.value)}"${typed === o.value ? ' selected' : ''}>${h(o.label)}</option>`,
			)
			.join('')}</select>`;
	if (field.kind === 'datetime')
		return `${label}<input type="datetime-local" id="${id}" name="${h(field.name)}" value="${h(typed)}"${required}>`;
	if (field.kind === 'date')
		return `${label}<input type="date" id="${id}" name="${h(field.name)}" value="${h(typed)}"${required}>`;
	// Numbers are typed as text ("1,800" is fine); inputmode brings up the phone's number pad.
	let input = '';
	if (field.kind === 'number')
		input = ` inputmode="${field.step === 1 || !field.step ? 'numeric' : 'decimal'}"`;
	else if (field.name === 'address') input = ' autocomplete="street-address"';
	return `${label}<input type="text" id="${id}" name="${h(field.name)}" maxlength="300" value="${h(typed)}"${input}${required}>`;
}
