/**
 * What the Confirmation Agent reads from the case (Input Source "From the
 * Case"): who the customer is, what was booked or offered, the links the
 * message carries, and the business's details. Lists from the other agents
 * (a visit from Scheduling > List, an agreement from Contract > List Due)
 * arrive as cases too: their customer and booking or contract are on the item.
 */
import { at, currentOffer, firstOf, objectAt, textAt, type CaseItem } from '../shared/case';
import type { ComposeInput, MessageKind } from './compose';

type Kind = MessageKind | 'follow_up_due';

export function composeInputFromCase(item: CaseItem, kind: Kind) {
	const customer =
		objectAt(item.customer) ??
		objectAt(at(item, 'contract', 'customer')) ??
		objectAt(at(item, 'booking', 'customer'));
	const renewalPrice = objectAt(at(item, 'renewal', 'price'));
	return {
		customer: {
			name: textAt(customer, 'name'),
			email: textAt(customer, 'email'),
			phone: textAt(customer, 'phone'),
			address: textAt(customer, 'address'),
			// Kept on the customer record (Booking Records' Look Up the Customer puts them here).
			preferred_channel: textAt(customer, 'preferred_channel'),
			opt_outs: objectAt(customer?.opt_outs),
		},
		service:
			textAt(item, 'qualification', 'service_type') ??
			textAt(item, 'quote', 'service_type') ??
			textAt(item, 'booking', 'service') ??
			textAt(renewalPrice, 'service_type') ??
			'cleaning',
		booking: (objectAt(item.booking) ?? {}) as ComposeInput['booking'],
		quote: ((kind === 'renewal_notice' ? renewalPrice : null) ??
			currentOffer(item) ??
			{}) as ComposeInput['quote'],
		links: {
			// A reply link made for this quote (Booking Records, Make a Link) before the execution's own.
			reply_url:
				textAt(item, 'reply_url') ??
				(textAt(item, 'link', 'kind') === 'quote_reply' ? textAt(item, 'link', 'url') : null),
			// Only an agreement still waiting for its signature: a signed one's link is spent.
			signing_url: ['awaiting_signature', null].includes(textAt(item, 'contract', 'status'))
				? textAt(item, 'contract', 'signing_url')
				: null,
			review_url: textAt(item, 'review_url') ?? textAt(item, 'business', 'review_url'),
			details_url: textAt(item, 'link', 'kind') === 'ask_back' ? textAt(item, 'link', 'url') : null,
			crew_url: textAt(item, 'link', 'kind') === 'crew_visit' ? textAt(item, 'link', 'url') : null,
			manage_url:
				textAt(item, 'link', 'kind') === 'visit_change' ? textAt(item, 'link', 'url') : null,
			pay_url: textAt(item, 'payment_link', 'url'),
			card_url: textAt(item, 'links', 'card_url'),
			link_expires:
				textAt(item, 'contract', 'signing_expires_at') ??
				(textAt(item, 'link', 'kind') === 'ask_back' ? textAt(item, 'link', 'expires_at') : null) ??
				textAt(item, 'deposit', 'expires_at'),
		} as NonNullable<ComposeInput['links']>,
		asked_for: (firstOf(at(item, 'qualification', 'ask_before_booking')) ?? []) as string[],
		safety_instructions: (firstOf(at(item, 'triage', 'safety_instructions')) ?? []) as unknown,
		renewal_date: textAt(item, 'renewal', 'start_date') ?? textAt(item, 'contract', 'renews_on'),
		series_visits: objectAt(item.series_visits) as ComposeInput['series_visits'],
		// A month's invoice says whether a saved card pays it (Bill the Month puts autopay beside it).
		invoice: ((invoice) =>
			invoice
				? { ...invoice, autopay: invoice.autopay ?? (item.autopay === true ? true : null) }
				: null)(objectAt(item.invoice)) as ComposeInput['invoice'],
		charge: objectAt(item.charge_result) as ComposeInput['charge'],
		refund: objectAt(item.refund) as ComposeInput['refund'],
		business: {
			name: textAt(item, 'business', 'name'),
			email: textAt(item, 'business', 'email'),
			phone: textAt(item, 'business', 'phone'),
			reply_to: textAt(item, 'business', 'reply_to'),
			// The booked crew's own phone first (its row in the crews' settings), else the business's crew line.
			crew_phone:
				textAt(item, 'booking', 'crew_contact', 'phone') ?? textAt(item, 'business', 'crew_phone'),
		},
		// The booked crew's e-mail (its row in the crews' settings): where a crew's visit page goes.
		crew_email: textAt(item, 'booking', 'crew_contact', 'email'),
	};
}

/** A text's sender and words, as Twilio's webhook posts them (form fields From and Body). */
export function smsReplyFromCase(item: CaseItem) {
	return {
		phone: textAt(item, 'body', 'From') ?? textAt(item, 'From'),
		text: String(firstOf(at(item, 'body', 'Body'), item.Body, '')),
	};
}
