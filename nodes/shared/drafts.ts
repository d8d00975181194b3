/**
 * What a model's draft may not add to a message: links, e-mail addresses and phone numbers
 * (a personalised e-mail added a payment link), percentages, and things given away ("three
 * free cleanings"). Money amounts are checked with `moneyAmountsIn`; these are the rest.
 */

/** Something given away ("three free cleanings", "on the house"); "feel free to" is not. */
const GIVEAWAY =
	/\b(?:free(?!\s+to\b)(?:\s+of\s+charge)?|complimentary|on\s+the\s+house|no\s+charge|at\s+no\s+(?:extra\s+)?cost|gratis|waive[ds]?)\b/i;

/** Money written with a symbol or thousands commas: not a phone number. */
const MONEY = /(?:\$|usd\s?)\s?\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?/gi;
const LINK = /https?:\/\/[^\s<>"')]+|\bwww\.[^\s<>"')]+/gi;
const ADDRESS = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;

export const givesAway = (text: string): boolean => GIVEAWAY.test(text);

/** Every percentage written ("15%", "15 percent"), as a number. */
export function percentsIn(text: string): number[] {
	return [...text.matchAll(/(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)/gi)].map((m) =>
		Number(m[1]),
	);
}

/** Every link, e-mail address and phone number written (a phone as its digits). */
export function contactsIn(text: string): string[] {
	const links = text.match(LINK) ?? [];
	const rest = text.replace(LINK, ' ');
	const addresses = rest.match(ADDRESS) ?? [];
	const phones = (rest.replace(ADDRESS, ' ').replace(MONEY, ' ').match(PHONE) ?? []).map((p) =>
		p.replace(/\D/g, ''),
	);
	return [...links, ...addresses.map((a) => a.toLowerCase()), ...phones];
}

/** Whether a draft adds no link, address, phone number, percentage or giveaway its original lacks. */
export function addsNothing(draft: string, original: string): boolean {
	const contacts = new Set(contactsIn(original));
	const percents = new Set(percentsIn(original));
	return (
		contactsIn(draft).every((c) => contacts.has(c)) &&
		percentsIn(draft).every((p) => percents.has(p)) &&
		(!givesAway(draft) || givesAway(original))
	);
}
