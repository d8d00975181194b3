import { z } from 'zod/v4';

import { moneyAmountsIn } from '../shared/money';
import { normalize } from '../shared/text';

export const INTENT_TYPES = [
	'accept',
	'reject',
	'counter_amount',
	'counter_percent',
	'ask_discount',
	'switch_recurring',
	'question',
	'wants_human',
	'unclear',
] as const;
export type IntentType = (typeof INTENT_TYPES)[number];

export const intentSchema = z.object({
	type: z.enum(INTENT_TYPES),
	/** A price the customer named, in cents (counter_amount). */
	amount_cents: z.number().int().min(0).nullable(),
	/** A discount the customer named, in percent (counter_percent). */
	percent: z.number().min(0).max(100).nullable(),
	/** The cadence the customer asks about (switch_recurring). */
	frequency: z.enum(['weekly', 'biweekly', 'monthly']).nullable(),
});
export type Intent = z.infer<typeof intentSchema>;

const HUMAN =
	/\b(?:call me|give me a call|call ?back|speak (?:to|with)|talk (?:to|with)|real person|human|manager|supervisor|representative|someone in charge)\b/;
const ACCEPT =
	/\b(?:yes|yep|yeah|yup|ok|okay|sounds (?:good|great|fair)|deal|agreed|let'?s (?:do it|go|book)|book (?:it|me|us)|go ahead|i accept|we accept|accept(?:ed)?|works for (?:me|us)|perfect|great,? (?:thanks|book)|that'?s fine|fine by me|please (?:proceed|schedule|book)|confirm(?:ed)?|si|de acuerdo|acepto)\b/;
const REJECT =
	/\b(?:no thanks|no thank you|not interested|too (?:expensive|much|pricey|high)(?:[^.?!]{0,20}(?:pass|no|forget|elsewhere))|i'?ll pass|we'?ll pass|pass on (?:this|it)|forget it|never ?mind|went with (?:someone|another)|found (?:someone|another) (?:else|company|cleaner)|cancel|not (?:going ahead|proceeding)|no,? thanks|decline)\b/;
const TOO_EXPENSIVE =
	/\b(?:too (?:expensive|much|pricey|high)|out of (?:my|our) budget|can'?t afford|over (?:my|our) budget|pricey|steep)\b/;
const DISCOUNT_ASK =
	/\b(?:discount|cheaper|lower (?:the )?price|better (?:price|deal|rate)|do better|best (?:price|you can do)|any (?:wiggle|flexibility)|come down|reduce|knock (?:some|a bit) off|negotiable|price match|beat (?:that|it|their)|descuento|mas barato)\b/;
const RECURRING =
	/\b(?:weekly|every week|bi-?weekly|every (?:other|2|two) weeks?|twice a month|monthly|every month|recurring|regular (?:service|basis|schedule)|sign up)\b/;
const PRICE_CUE =
	/\b(?:would you|will you|could you|can you|how about|what about|do it for|take|(?:i|we)(?:'?ll| can| could| would)? pay|pay up to|only|max|budget|offer|price (?:is|should be|will be)|charge|costs?|works?)\b|(?:a|per|each|\/)\s*(?:visit|clean(?:ing)?|month|mo)\b/;
const QUESTION =
	/\?|\b(?:what(?:'s| is| does)|how (?:long|many|much|does)|does (?:it|that|this) include|is (?:it|that|there)|do you|can you (?:bring|use)|which|when)\b/;

/** The percentage a customer asks for ("10% off", "15 percent discount"). */
function percentAsked(text: string): number | null {
	const m = /(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent|pct|por ?ciento)/.exec(text);
	if (!m) return null;
	const value = parseFloat(m[1]);
	return value > 0 && value <= 100 ? value : null;
}

function frequencyAsked(text: string): Intent['frequency'] {
	if (/\b(?:bi-?weekly|every (?:other|2|two) weeks?|twice a month)\b/.test(text)) return 'biweekly';
	if (/\b(?:weekly|every week)\b/.test(text)) return 'weekly';
	if (/\b(?:monthly|every month|once a month)\b/.test(text)) return 'monthly';
	return null;
}

/**
 * What the customer wants, read by rules. Amounts and percentages are facts
 * for the policy to judge; nothing here decides a price.
 */
export function readIntent(reply: string): Intent {
	const text = normalize(reply);
	const none = { amount_cents: null, percent: null, frequency: null };
	if (!text) return { type: 'unclear', ...none };
	if (HUMAN.test(text)) return { type: 'wants_human', ...none };
	const percent = percentAsked(text);
	const amounts = moneyAmountsIn(reply);
	// A bare number after "do", "take", "pay" or "for" is a price too ("would you do 200?"), and so is one said as a rate ("1800 a month").
	const bare =
		/\b(?:do|take|pay|for|at|offer|accept|budget(?: is)?|max(?:imum)?|only|about|around)\s+(\d{2,5})(?:\.\d{1,2})?\b(?!\s*(?:%|percent|sq|square|bed|bath|room|hour|min|day|week|month|year))/.exec(
			text,
		) ??
		/\b(\d{2,5})(?:\.\d{1,2})?\s*(?=(?:a|per|each|\/)\s*(?:visit|clean(?:ing)?|month|mo)\b)/.exec(
			text,
		);
	const amount = amounts.length ? Math.min(...amounts) : bare ? parseInt(bare[1], 10) * 100 : null;
	if (REJECT.test(text) && !DISCOUNT_ASK.test(text) && percent === null && amount === null)
		return { type: 'reject', ...none };
	// In a reply to a quote, a bare percentage is a discount ask ("40%?", "come on, 15 percent").
	if (percent !== null) {
		return { type: 'counter_percent', ...none, percent };
	}
	// A price said as a rate ("$300 per visit", "1800 a month") is an offer even inside a yes or a question: the policy judges it.
	if (
		amount !== null &&
		(DISCOUNT_ASK.test(text) || TOO_EXPENSIVE.test(text) || PRICE_CUE.test(text))
	) {
		return { type: 'counter_amount', ...none, amount_cents: amount };
	}
	const frequency = frequencyAsked(text);
	if (
		frequency &&
		RECURRING.test(text) &&
		(QUESTION.test(text) ||
			DISCOUNT_ASK.test(text) ||
			/\b(?:switch|change|make it|go|instead|sign up)\b/.test(text))
	) {
		return { type: 'switch_recurring', ...none, frequency };
	}
	if (DISCOUNT_ASK.test(text) || TOO_EXPENSIVE.test(text)) return { type: 'ask_discount', ...none };
	if (ACCEPT.test(text) && !/\bnot\b[^.]{0,12}\b(?:ok|okay|good|fine)\b/.test(text))
		return { type: 'accept', ...none };
	if (QUESTION.test(text)) return { type: 'question', ...none };
	return { type: 'unclear', ...none };
}
