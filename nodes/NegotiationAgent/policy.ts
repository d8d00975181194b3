/**
 * Deciding against the discount policy: given what the customer wants (an
 * intent) and the offer on the table, the action, the new offer (always
 * re-priced by the pricing engine, never by text arithmetic), what waits for
 * approval, and what to suggest.
 */
import { z } from 'zod/v4';

import { priceSync, type Quote } from '../PricingAgent/price';
import { formatMoney } from '../shared/money';
import type { Intent } from './intent';

export const ACTIONS = ['accept', 'counter', 'reject', 'escalate'] as const;
export type Action = (typeof ACTIONS)[number];

export interface NegotiationPolicy {
	/** Discounts up to this are granted without a person. */
	maxAutoDiscountPct: number;
	/** Asks above the automatic limit and up to this go to a person for approval. */
	approvalBandMaxPct: number;
	/** No offer goes below this per visit (cents); 0 means no floor beyond the discount limits. */
	floorPriceCents: number;
	/** After this many rounds the last offer is final; a further round goes to a person. */
	maxRounds: number;
	/** What we offer, round by round, when the customer asks for more than we grant. */
	concessionStepsPct: number[];
	/** Offer a switch to recurring service (and its discount) to one-time residential customers. */
	offerRecurring: boolean;
	recurringUpsellFrequency: 'weekly' | 'biweekly' | 'monthly';
	/** Add-ons suggested when a customer accepts. */
	upsellAddOns: string[];
}

export const DEFAULT_POLICY: NegotiationPolicy = {
	maxAutoDiscountPct: 10,
	approvalBandMaxPct: 15,
	floorPriceCents: 0,
	maxRounds: 3,
	concessionStepsPct: [5, 10],
	offerRecurring: true,
	recurringUpsellFrequency: 'biweekly',
	upsellAddOns: ['inside_oven', 'inside_fridge'],
};

export const upsellSchema = z.object({
	type: z.enum(['recurring', 'add_ons']),
	description: z.string(),
	frequency: z.enum(['weekly', 'biweekly', 'monthly']).nullable(),
	add_ons: z.array(z.string()),
	total_cents: z.number().int(),
	per_month_cents: z.number().int().nullable(),
	/** What the upsell adds to the current price (add-ons), in cents. */
	extra_cents: z.number().int().nullable(),
	saving_pct: z.number().nullable(),
});
export type Upsell = z.infer<typeof upsellSchema>;

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Discounts are kept to 1/10,000 of a percent so a named price is met to the cent. */
export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export interface Offer {
	quote: Quote;
	discountPct: number;
}

/** Re-prices through the pricing engine: no price is ever computed by text arithmetic. */
export function reprice(
	base: Quote,
	changes: {
		negotiatedDiscountPct?: number;
		frequency?: Quote['pricing_inputs']['facts']['frequency'];
		addOns?: string[];
	},
	now: string,
): Quote {
	const facts = { ...base.pricing_inputs.facts };
	if (changes.frequency !== undefined) facts.frequency = changes.frequency;
	if (changes.addOns) facts.add_ons = [...new Set([...facts.add_ons, ...changes.addOns])];
	return priceSync(facts, {
		rateCard: base.pricing_inputs.rate_card,
		negotiatedDiscountPct:
			changes.negotiatedDiscountPct ?? base.pricing_inputs.negotiated_discount_pct,
		now,
	});
}

/** The comparable price of a quote: per month for recurring work (what customers talk about), else the total. */
export const headlinePrice = (q: Quote) => q.recurring?.per_month_cents ?? q.total_cents;

/** What the policy decided for this reply. */
export interface Decision {
	action: Action;
	reason: string;
	offer: Offer;
	requested: number | null;
	pendingApproval: Offer | null;
	final: boolean;
	upsells: Upsell[];
}

/**
 * The policy's answer to `intent` in `round`, for the offer `current`. `now` is
 * when re-pricing happens (the quote's own pricing time by default, so validity does not drift).
 */
export function decide(
	current: Quote,
	intent: Intent,
	round: number,
	policy: NegotiationPolicy,
	now: string,
): Decision {
	// The undiscounted reference: the same job with no negotiated discount.
	const base = reprice(current, { negotiatedDiscountPct: 0 }, now);
	const baseHeadline = headlinePrice(base);
	const currentDiscount = current.pricing_inputs.negotiated_discount_pct;
	const floorLimitPct =
		policy.floorPriceCents > 0
			? Math.max(0, (1 - policy.floorPriceCents / base.total_cents) * 100)
			: 100;
	const autoLimit = Math.min(policy.maxAutoDiscountPct, floorLimitPct);
	const bandLimit = Math.min(policy.approvalBandMaxPct, floorLimitPct);
	const stepFor = (r: number) =>
		policy.concessionStepsPct[Math.min(r - 1, policy.concessionStepsPct.length - 1)] ?? 0;

	let action: Action;
	let reason: string;
	let offer: Offer = { quote: current, discountPct: currentDiscount };
	let requested: number | null = null;
	let pendingApproval: Offer | null = null;
	let final = round >= policy.maxRounds;
	const upsells: Upsell[] = [];

	const offerAt = (pct: number): Offer => {
		const granted = round4(Math.max(currentDiscount, Math.min(pct, autoLimit)));
		return granted === currentDiscount
			? { quote: current, discountPct: currentDiscount }
			: { quote: reprice(current, { negotiatedDiscountPct: granted }, now), discountPct: granted };
	};
	const recurringUpsell = (): Upsell | null => {
		const facts = current.pricing_inputs.facts;
		const residential =
			current.pricing_basis === 'residential_rooms' || current.pricing_basis === 'residential_sqft';
		if (
			!policy.offerRecurring ||
			!residential ||
			(facts.frequency && facts.frequency !== 'one_time')
		)
			return null;
		const upsold = reprice(current, { frequency: policy.recurringUpsellFrequency }, now);
		const saving = round2(((current.total_cents - upsold.total_cents) / current.total_cents) * 100);
		if (saving <= 0) return null;
		const cadence =
			policy.recurringUpsellFrequency === 'biweekly'
				? 'every other week'
				: policy.recurringUpsellFrequency;
		return {
			type: 'recurring',
			description: `Switch to ${cadence} service for ${formatMoney(upsold.total_cents, upsold.currency)} per visit (${saving}% less)`,
			frequency: policy.recurringUpsellFrequency,
			add_ons: [],
			total_cents: upsold.total_cents,
			per_month_cents: upsold.recurring?.per_month_cents ?? null,
			extra_cents: null,
			saving_pct: saving,
		};
	};
	const addOnUpsell = (): Upsell | null => {
		const missing = policy.upsellAddOns.filter(
			(a) => !current.pricing_inputs.facts.add_ons.includes(a),
		);
		if (
			!missing.length ||
			current.pricing_basis === 'restoration' ||
			current.pricing_basis === 'commercial_sqft'
		)
			return null;
		let upsold: Quote;
		try {
			upsold = reprice(current, { addOns: missing }, now);
		} catch {
			return null; // an add-on the rate card does not sell
		}
		const extra = upsold.total_cents - current.total_cents;
		return {
			type: 'add_ons',
			description: `Add ${missing.map((a) => upsold.line_items.find((l) => l.code === `add_on_${a}`)?.label.toLowerCase() ?? a).join(' and ')} for ${formatMoney(extra, upsold.currency)} more`,
			frequency: null,
			add_ons: missing,
			total_cents: upsold.total_cents,
			per_month_cents: upsold.recurring?.per_month_cents ?? null,
			extra_cents: extra,
			saving_pct: null,
		};
	};

	if (round > policy.maxRounds) {
		action = 'escalate';
		reason = `round ${round} is past the limit of ${policy.maxRounds}; a person takes over`;
		final = true;
	} else {
		switch (intent.type) {
			case 'accept': {
				action = 'accept';
				reason = 'the customer accepts the current offer';
				final = true;
				const upsell = addOnUpsell();
				if (upsell) upsells.push(upsell);
				break;
			}
			case 'wants_human':
				action = 'escalate';
				reason = 'the customer asks for a person';
				break;
			case 'unclear':
				action = 'escalate';
				reason = 'the reply is unclear; a person should answer';
				break;
			case 'question':
				action = 'counter';
				reason = 'the customer asks a question; the offer stands';
				break;
			case 'switch_recurring': {
				const frequency = intent.frequency ?? policy.recurringUpsellFrequency;
				const quote = reprice(current, { frequency }, now);
				offer = { quote, discountPct: currentDiscount };
				action = 'counter';
				reason = `re-priced for ${frequency} service`;
				break;
			}
			case 'reject': {
				const upsell = round < policy.maxRounds ? recurringUpsell() : null;
				if (upsell) {
					upsells.push(upsell);
					action = 'counter';
					reason = 'the customer declines; offering recurring service instead';
				} else {
					action = 'reject';
					reason = 'the customer declines; the offer stands';
					final = true;
				}
				break;
			}
			case 'ask_discount':
			case 'counter_amount':
			case 'counter_percent': {
				if (intent.type === 'counter_percent') requested = intent.percent;
				else if (intent.type === 'counter_amount' && intent.amount_cents !== null) {
					// A monthly figure for recurring work is compared with the monthly price.
					const reference =
						current.recurring && intent.amount_cents > current.total_cents * 1.5
							? baseHeadline
							: base.total_cents;
					requested = round4(Math.max(0, (1 - intent.amount_cents / reference) * 100));
				}
				if (requested !== null && requested <= currentDiscount) {
					action = 'accept';
					reason = `the customer asks for ${requested}%, no more than the ${currentDiscount}% already offered`;
					final = true;
				} else if (requested !== null && requested <= autoLimit) {
					offer = offerAt(requested);
					action = 'accept';
					reason = `${requested}% is within the automatic limit of ${policy.maxAutoDiscountPct}%`;
					final = true;
				} else if (requested !== null && requested <= bandLimit) {
					// Priced for the person who approves it; the customer hears nothing of it before that.
					pendingApproval = {
						quote: reprice(current, { negotiatedDiscountPct: round2(requested) }, now),
						discountPct: round2(requested),
					};
					action = 'escalate';
					reason = `${requested}% is above the automatic ${policy.maxAutoDiscountPct}% and within the ${policy.approvalBandMaxPct}% approval band: a person must approve`;
				} else {
					offer = offerAt(stepFor(round));
					if (offer.discountPct <= currentDiscount && currentDiscount >= autoLimit) final = true;
					action = 'counter';
					reason =
						requested === null
							? `a discount without a figure: round ${round} concession of ${offer.discountPct}%`
							: `${requested}% is beyond what policy allows (${policy.approvalBandMaxPct}% with approval${floorLimitPct < 100 ? `, floor ${formatMoney(policy.floorPriceCents, current.currency)}` : ''}): countering at ${offer.discountPct}%`;
					const upsell = recurringUpsell();
					if (upsell) upsells.push(upsell);
				}
				break;
			}
		}
	}

	return { action, reason, offer, requested, pendingApproval, final, upsells };
}
