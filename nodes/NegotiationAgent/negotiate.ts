/**
 * The Negotiation agent: reads the customer's reply to a quote (read.ts),
 * decides against the discount policy (policy.ts) and writes the answer
 * (reply.ts). Every price comes from the pricing engine.
 */
import { z } from 'zod/v4';

import { quoteSchema, type Quote } from '../PricingAgent/price';
import { InputError } from '../shared/errors';
import { llmUsageSchema } from '../shared/llm/client';
import { SOURCES, type AgentOptionsBase } from '../shared/modes';
import { intentSchema } from './intent';
import {
	ACTIONS,
	decide,
	DEFAULT_POLICY,
	headlinePrice,
	upsellSchema,
	type Decision,
	type NegotiationPolicy,
} from './policy';
import { readReply } from './read';
import { approvedAmounts, DEFAULT_TEMPLATES, writeReply, type MessageTemplates } from './reply';

export { ACTIONS, DEFAULT_POLICY } from './policy';
export type { Action, NegotiationPolicy, Upsell } from './policy';
export { DEFAULT_TEMPLATES } from './reply';
export type { MessageTemplates } from './reply';

export const negotiationSchema = z.object({
	round: z.number().int().min(1),
	next_round: z.number().int().min(2),
	intent: intentSchema,
	action: z.enum(ACTIONS),
	reason: z.string(),
	requested_discount_pct: z.number().nullable(),
	offered_discount_pct: z.number(),
	price: z.object({
		total_cents: z.number().int(),
		per_month_cents: z.number().int().nullable(),
		currency: z.string(),
	}),
	price_changed: z.boolean(),
	quote: quoteSchema.describe(
		'The offer the customer may be told about (unchanged while a discount waits for approval).',
	),
	pending_approval: z
		.object({
			discount_pct: z.number(),
			total_cents: z.number().int(),
			per_month_cents: z.number().int().nullable(),
			quote: quoteSchema,
		})
		.nullable()
		.describe(
			'A discount above the automatic limit, priced and waiting for a person to approve it.',
		),
	final: z.boolean(),
	escalate_to_human: z.boolean(),
	approval_required: z.boolean(),
	upsells: z.array(upsellSchema),
	message: z.string(),
	message_source: z.enum(['template', 'ai']),
	approved_amounts_cents: z.array(z.number().int()),
	source: z.enum(SOURCES),
	llm_usage: llmUsageSchema,
	fallback_reason: z.string().nullable(),
});
export type Negotiation = z.infer<typeof negotiationSchema>;

export interface NegotiateInput {
	quote: Quote;
	/** The customer's reply, free text. */
	reply: string;
	/** 1 for the first reply to a quote. */
	round?: number;
	customerName?: string | null;
}

export interface NegotiateOptions extends AgentOptionsBase {
	policy?: Partial<NegotiationPolicy>;
	templates?: Partial<MessageTemplates>;
	/** When re-pricing happens (defaults to the quote's own pricing time, so validity does not drift). */
	now?: Date | string;
	/** In AI modes, let the model draft the reply (used only if every amount in it was approved). */
	aiDraftsMessage?: boolean;
}

/** Bad input to the Negotiation agent: names the field and the fix. */
export class NegotiationInputError extends InputError {}

function checkQuote(value: unknown): Quote {
	const checked = quoteSchema.safeParse(value);
	if (!checked.success) {
		const issue = checked.error.issues[0];
		throw new NegotiationInputError(
			'quote',
			`The quote is not a Pricing Agent quote (field "${issue.path.join('.')}": ${issue.message}). Map the Pricing Agent's output, e.g. {{ $json.quote }}.`,
		);
	}
	return checked.data;
}

/**
 * What a decision makes of the negotiation: the action, the offer and its price (changed or
 * not from `before`), what waits for approval, and every amount the customer may be told.
 * One shape for a reply the policy answered and for a person's decision.
 */
export function decisionFields(decision: Decision, before: Quote) {
	const { offer, pendingApproval } = decision;
	const quote = offer.quote;
	return {
		action: decision.action,
		reason: decision.reason,
		offered_discount_pct: offer.discountPct,
		price: {
			total_cents: quote.total_cents,
			per_month_cents: quote.recurring?.per_month_cents ?? null,
			currency: quote.currency,
		},
		price_changed:
			quote.total_cents !== before.total_cents || headlinePrice(quote) !== headlinePrice(before),
		quote,
		pending_approval: pendingApproval
			? {
					discount_pct: pendingApproval.discountPct,
					total_cents: pendingApproval.quote.total_cents,
					per_month_cents: pendingApproval.quote.recurring?.per_month_cents ?? null,
					quote: pendingApproval.quote,
				}
			: null,
		final: decision.final,
		escalate_to_human: decision.action === 'escalate',
		approval_required: pendingApproval !== null,
		upsells: decision.upsells,
		approved_amounts_cents: approvedAmounts(decision),
	};
}

export async function negotiate(
	input: NegotiateInput,
	options: NegotiateOptions = {},
): Promise<Negotiation> {
	if (!input || typeof input !== 'object')
		throw new NegotiationInputError('input', 'negotiate() needs { quote, reply, round }.');
	const current = checkQuote(input.quote);
	if (typeof input.reply !== 'string') {
		throw new NegotiationInputError(
			'reply',
			`"reply" must be the customer's text; got ${JSON.stringify(input.reply)}. Map the field holding their answer, e.g. {{ $json.body.reply }}.`,
		);
	}
	const round = input.round ?? 1;
	if (!Number.isInteger(round) || round < 1 || round > 100) {
		throw new NegotiationInputError(
			'round',
			`"round" must be a whole number from 1; got ${JSON.stringify(input.round)}. Use {{ $json.negotiation?.next_round ?? 1 }}.`,
		);
	}
	const policy = { ...DEFAULT_POLICY, ...(options.policy ?? {}) };
	if (policy.approvalBandMaxPct < policy.maxAutoDiscountPct) {
		throw new NegotiationInputError(
			'policy.approvalBandMaxPct',
			'The approval band must reach at least the automatic discount limit.',
		);
	}
	const templates = { ...DEFAULT_TEMPLATES, ...(options.templates ?? {}) };
	const now = options.now ? new Date(options.now).toISOString() : current.pricing_inputs.priced_at;

	const reading = await readReply(input.reply, current, options);
	const decision = decide(current, reading.intent, round, policy, now);
	const reply = writeReply(
		decision,
		input.customerName ?? null,
		templates,
		options.aiDraftsMessage !== false && reading.source !== 'rules' ? reading.draft : null,
	);
	return {
		round,
		next_round: round + 1,
		intent: reading.intent,
		requested_discount_pct: decision.requested,
		...decisionFields(decision, current),
		message: reply.message,
		message_source: reply.source,
		source: reading.source,
		llm_usage: reading.usage,
		fallback_reason: reading.fallback_reason,
	};
}
