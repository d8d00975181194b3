/**
 * Writing the reply: the policy's decision in the business's wording (Reply
 * Templates), or the model's draft when every money amount in it is one the
 * policy approved.
 */
import type { Quote } from '../PricingAgent/price';
import { contactsIn, givesAway, percentsIn } from '../shared/drafts';
import { formatMoney, moneyAmountsIn } from '../shared/money';
import { cadenceText } from '../shared/wording';
import type { Action, Decision, Upsell } from './policy';

export interface MessageTemplates {
	accept: string;
	counter: string;
	reject: string;
	escalate: string;
	/** A person declined the discount asked, or nobody decided in time: the offer stands. */
	declined: string;
}

/** Placeholders: {name} {price} {cadence} {per_month} {discount_pct} {service} {upsell} {quote_id} {valid_until}. */
export const DEFAULT_TEMPLATES: MessageTemplates = {
	accept:
		'Thank you{name}! We are happy to confirm {price}{cadence} for your {service}. {upsell}We will be in touch shortly to schedule it.',
	counter:
		'Thanks for getting back to us{name}. The best we can offer is {price}{cadence} for your {service}{discount_text}. {upsell}Reply YES to go ahead.',
	reject:
		'Thank you for considering us{name}. Our offer of {price}{cadence} stands until {valid_until} if you change your mind.',
	escalate:
		'Thanks{name}. A member of our team will review your request and get back to you shortly.',
	declined:
		'Thank you for waiting{name}. We looked at your request and cannot go further on the price: our offer stands at {price}{cadence}. Reply to accept it, or ask us anything.',
};

/** Every amount the customer may be told: the offer, its monthly price and discount, the suggestions' prices. */
export function approvedAmounts(decision: Decision): number[] {
	const quote = decision.offer.quote;
	return [
		...new Set(
			[
				quote.total_cents,
				quote.recurring?.per_month_cents,
				quote.discount_cents,
				...decision.upsells.flatMap((u) => [u.total_cents, u.per_month_cents, u.extra_cents]),
			].filter((x): x is number => typeof x === 'number' && x > 0),
		),
	];
}

/** Every percentage the customer may be told: the discount offered and the suggestions' savings. */
function approvedPercents(decision: Decision): number[] {
	return [decision.offer.discountPct, ...decision.upsells.map((u) => u.saving_pct)].filter(
		(x): x is number => typeof x === 'number' && x > 0,
	);
}

/**
 * Whether the model's draft may go out as written: only amounts and percentages the policy
 * approved, nothing given away, no link, address or phone number (a persuaded model promised
 * "60% off and three free cleanings"; a personalised one added a payment link).
 */
export function draftIsSafe(draft: string, decision: Decision): boolean {
	const text = draft.trim();
	if (!text || text.length > 1000) return false;
	const amounts = approvedAmounts(decision);
	const percents = approvedPercents(decision);
	return (
		moneyAmountsIn(text).every((a) => amounts.includes(a)) &&
		percentsIn(text).every((p) => percents.includes(p)) &&
		!givesAway(text) &&
		contactsIn(text).length === 0
	);
}

/** The reply and who wrote it: the model's draft only when it is safe as written (`draftIsSafe`). */
export function writeReply(
	decision: Decision,
	customerName: string | null,
	templates: MessageTemplates,
	draft: string | null,
): { message: string; source: 'template' | 'ai' } {
	if (draft && draftIsSafe(draft, decision)) return { message: draft.trim(), source: 'ai' };
	return {
		message: composeMessage(
			decision.action,
			decision.final,
			decision.offer.quote,
			decision.offer.discountPct,
			decision.upsells,
			customerName,
			templates,
		),
		source: 'template',
	};
}

function composeMessage(
	action: Action,
	final: boolean,
	quote: Quote,
	discountPct: number,
	upsells: Upsell[],
	name: string | null,
	templates: MessageTemplates,
): string {
	const money = (c: number) => formatMoney(c, quote.currency);
	const cadence = quote.recurring
		? ` per visit ${cadenceText(quote.recurring)} (${money(quote.recurring.per_month_cents)} a month)`
		: '';
	const values: Record<string, string> = {
		name: name ? `, ${name}` : '',
		price: money(quote.total_cents),
		cadence,
		per_month: quote.recurring ? money(quote.recurring.per_month_cents) : '',
		discount_pct: String(discountPct),
		discount_text:
			discountPct > 0
				? ` (${discountPct}% off)${final ? ', our final offer' : ''}`
				: final
					? ', our final offer'
					: '',
		service: quote.service_type.replace(/_/g, ' '),
		upsell: upsells.length ? `${upsells[0].description}. ` : '',
		quote_id: quote.quote_id,
		valid_until: quote.valid_until.slice(0, 10),
	};
	return templates[action]
		.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
		.replace(/\s+/g, ' ')
		.trim();
}
