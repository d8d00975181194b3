/**
 * The keywords a text may be (the whole text, any case, trailing punctuation), as US carriers
 * (CTIA) read them, and what the business answers. Pure; the Confirmation Agent's opt-out
 * record and Booking Records' incoming texts both read them here.
 */
export const OPT_OUT_KEYWORDS = [
	'STOP',
	'STOPALL',
	'QUIT',
	'END',
	'REVOKE',
	'OPT OUT',
	'OPTOUT',
	'CANCEL',
	'UNSUBSCRIBE',
];
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];
export const HELP_KEYWORDS = ['HELP', 'INFO'];

export type KeywordAction = 'opt_out' | 'opt_in' | 'help';

/** The keyword a text is, or null when it says something else. */
export function smsKeyword(text: string): { action: KeywordAction; keyword: string } | null {
	const word = String(text ?? '')
		.trim()
		.toUpperCase()
		.replace(/[.!\s]+$/g, '')
		.replace(/\s+/g, ' ');
	if (OPT_OUT_KEYWORDS.includes(word)) return { action: 'opt_out', keyword: word };
	if (OPT_IN_KEYWORDS.includes(word)) return { action: 'opt_in', keyword: word };
	if (HELP_KEYWORDS.includes(word)) return { action: 'help', keyword: word };
	return null;
}

/** The business's answer to a keyword (carriers require one to STOP, START and HELP). */
export function keywordReply(
	action: KeywordAction,
	business: { name: string; phone?: string | null; email?: string | null },
): string {
	if (action === 'opt_out')
		return `${business.name}: you are unsubscribed and will get no more texts from us. Reply START to subscribe again.`;
	if (action === 'opt_in')
		return `${business.name}: you are subscribed to texts again. Reply STOP to opt out.`;
	const reach = [
		business.phone ? `call ${business.phone}` : null,
		business.email ? `e-mail ${business.email}` : null,
	]
		.filter(Boolean)
		.join(' or ');
	return `${business.name}: texts about your cleaning requests and visits.${reach ? ` For help ${reach}.` : ''} Msg & data rates may apply. Reply STOP to opt out.`;
}
