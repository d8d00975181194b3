import { z } from 'zod/v4';

import { moneyAmountsIn } from '../shared/money';
import { normalize } from '../shared/text';
import { anyWord, wordPattern } from '../shared/words';

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

const HUMAN = wordPattern('reply_wants_human');
const ACCEPT = wordPattern('reply_accept');
const REJECT = wordPattern('reply_reject');
const REJECT_AFTER_PRICE = new RegExp(
	`\\btoo (?:expensive|much|pricey|high)[^.?!]{0,20}${anyWord('reply_reject_after_price')}\\b`,
);
const TOO_EXPENSIVE = wordPattern('reply_too_expensive');
const DISCOUNT_ASK = wordPattern('reply_discount_ask');
const RECURRING = wordPattern('reply_recurring');
const PRICE_CUE = new RegExp(
	`\\b${anyWord('reply_price_cues')}\\b|(?:a|per|each|\\/)\\s*(?:visit|clean(?:ing)?|month|mo)\\b`,
);
const QUESTION = new RegExp(`\\?|\\b${anyWord('reply_questions')}\\b`);
const SWITCH = wordPattern('reply_switch');
const AMOUNT_AFTER_LEAD = new RegExp(
	`\\b${anyWord('reply_amount_lead')}\\s+(\\d{2,5})(?:\\.\\d{1,2})?\\b(?!\\s*${anyWord('reply_not_amount')})`,
);
const PERCENT = new RegExp(`(\\d{1,3}(?:\\.\\d+)?)\\s*${anyWord('percent_words')}`);

/** The percentage a customer asks for ("10% off", "15 percent discount"). */
function percentAsked(text: string): number | null {
	const m = PERCENT.exec(text);
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
		AMOUNT_AFTER_LEAD.exec(text) ??
		/\b(\d{2,5})(?:\.\d{1,2})?\s*(?=(?:a|per|each|\/)\s*(?:visit|clean(?:ing)?|month|mo)\b)/.exec(
			text,
		);
	const amount = amounts.length ? Math.min(...amounts) : bare ? parseInt(bare[1], 10) * 100 : null;
	if (
		(REJECT.test(text) || REJECT_AFTER_PRICE.test(text)) &&
		!DISCOUNT_ASK.test(text) &&
		percent === null &&
		amount === null
	)
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
		(QUESTION.test(text) || DISCOUNT_ASK.test(text) || SWITCH.test(text))
	) {
		return { type: 'switch_recurring', ...none, frequency };
	}
	if (DISCOUNT_ASK.test(text) || TOO_EXPENSIVE.test(text)) return { type: 'ask_discount', ...none };
	if (ACCEPT.test(text) && !/\bnot\b[^.]{0,12}\b(?:ok|okay|good|fine)\b/.test(text))
		return { type: 'accept', ...none };
	if (QUESTION.test(text)) return { type: 'question', ...none };
	return { type: 'unclear', ...none };
}
