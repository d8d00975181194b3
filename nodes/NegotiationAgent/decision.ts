/**
 * A person's answer to a negotiation that waited for one (a discount in the approval
 * band, a reply the rules would not answer): approve, decline, or counter at an amount
 * they type. The new offer is re-priced by the pricing engine, like every other offer.
 */
import { formatMoney } from '../shared/money';
import {
	decisionFields,
	NegotiationInputError,
	negotiationSchema,
	type Negotiation,
} from './negotiate';
import { reprice, round4, type Decision } from './policy';
import { writeReply, type MessageTemplates } from './reply';

export const OPS_CHOICES = ['approve', 'decline', 'counter'] as const;
export type OpsChoice = (typeof OPS_CHOICES)[number];

export interface OpsDecisionInput {
	/** The negotiation that waited for a person (the Negotiation Agent's output). */
	negotiation: unknown;
	/** What the person chose; null or empty: nobody answered in time (the offer stands). */
	choice: string | null;
	/** The price per visit a counter offers, in dollars: a number, or text as typed ("1,250.50", "$980"). */
	counterAmount?: unknown;
	customerName?: string | null;
}

/** Dollars as typed or mapped (1250.5, "1,250.50", "$980") in cents; null when none; NaN when not an amount. */
function centsOf(amount: unknown): number | null {
	if (typeof amount === 'number') return Number.isFinite(amount) ? Math.round(amount * 100) : NaN;
	if (typeof amount !== 'string' || !amount.trim()) return null;
	const typed = amount
		.trim()
		.replace(/^\$\s*/, '')
		.replace(/,(?=\d{3}\b)/g, '');
	return /^\d+(\.\d{1,2})?$/.test(typed) ? Math.round(Number(typed) * 100) : NaN;
}

function checkNegotiation(value: unknown): Negotiation {
	const checked = negotiationSchema.safeParse(value);
	if (!checked.success) {
		const issue = checked.error.issues[0];
		throw new NegotiationInputError(
			'negotiation',
			`The negotiation is not a Negotiation Agent result (field "${issue.path.join('.')}": ${issue.message}). Map the output of the Negotiation Agent that asked for the decision, e.g. {{ $('Negotiate').last().json.negotiation }}.`,
		);
	}
	return checked.data;
}

/**
 * The negotiation after a person decided: approve (the discount priced for approval, or
 * the offer on the table when none was asked), decline or no answer (the offer stands),
 * or counter at `counterCents` per visit (between nothing and the offer on the table).
 * The round does not move: the customer has not replied again.
 */
export function applyOpsDecision(
	input: OpsDecisionInput,
	templates: MessageTemplates,
): Negotiation {
	const current = checkNegotiation(input.negotiation);
	const choice = typeof input.choice === 'string' ? input.choice.trim().toLowerCase() : '';
	if (choice && !(OPS_CHOICES as readonly string[]).includes(choice))
		throw new NegotiationInputError(
			'decision',
			`"${input.choice}" is not a decision: use approve, decline or counter (empty when nobody answered).`,
		);
	const offer = current.quote;
	let decision: Decision;
	if (choice === 'approve') {
		const pending = current.pending_approval;
		decision = {
			action: 'accept',
			reason: pending
				? `a person approved ${pending.discount_pct}% off`
				: 'a person approved the offer on the table',
			offer: pending
				? { quote: pending.quote, discountPct: pending.discount_pct }
				: { quote: offer, discountPct: current.offered_discount_pct },
			requested: current.requested_discount_pct,
			pendingApproval: null,
			final: true,
			upsells: [],
		};
	} else if (choice === 'counter') {
		const cents = centsOf(input.counterAmount);
		if (cents === null || Number.isNaN(cents) || cents <= 0)
			throw new NegotiationInputError(
				'counterAmount',
				`A counter needs the price per visit to offer, in dollars (like 1,250 or 1250.50); got ${JSON.stringify(input.counterAmount ?? null)}.`,
			);
		if (cents >= offer.total_cents)
			throw new NegotiationInputError(
				'counterAmount',
				`A counter offers less than the offer on the table (${formatMoney(offer.total_cents, offer.currency)} per visit); got ${formatMoney(cents, offer.currency)}. To keep the offer, decline.`,
			);
		// The undiscounted job, and the discount that gives the typed price.
		const now = offer.pricing_inputs.priced_at;
		const base = reprice(offer, { negotiatedDiscountPct: 0 }, now);
		const pct = round4(Math.max(0, (1 - cents / base.total_cents) * 100));
		decision = {
			action: 'counter',
			reason: `a person countered at ${formatMoney(cents, offer.currency)} per visit (${pct}% off)`,
			offer: { quote: reprice(offer, { negotiatedDiscountPct: pct }, now), discountPct: pct },
			requested: current.requested_discount_pct,
			pendingApproval: null,
			final: false,
			upsells: [],
		};
	} else {
		decision = {
			action: 'reject',
			reason: choice
				? 'a person declined: the offer stands'
				: 'nobody decided in time: the offer stands',
			offer: { quote: offer, discountPct: current.offered_discount_pct },
			requested: current.requested_discount_pct,
			pendingApproval: null,
			final: true,
			upsells: [],
		};
	}
	const reply = writeReply(
		decision,
		input.customerName ?? null,
		{ ...templates, reject: templates.declined },
		null,
	);
	return {
		...current,
		...decisionFields(decision, offer),
		message: reply.message,
		message_source: 'template',
	};
}
