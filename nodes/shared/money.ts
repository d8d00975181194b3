/**
 * Money is integer cents plus an ISO 4217 currency, never a float (docs/architecture.md).
 * One rounding rule everywhere: half away from zero, to the cent, once per line.
 */

/** Rounds a fractional cent amount to whole cents, half away from zero. */
export function roundCents(value: number): number {
	return Math.sign(value) * Math.round(Math.abs(value));
}

/** `pct` percent of `cents`, rounded to the cent. */
export function percentOf(cents: number, pct: number): number {
	return roundCents((cents * pct) / 100);
}

/** Dollars (as ops staff type them in the editor) to cents. */
export function dollarsToCents(dollars: number): number {
	return roundCents(dollars * 100);
}

/** "$1,234.50" style text for messages; the currency decides the symbol. */
const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(cents: number, currency = 'USD'): string {
	let formatter = formatters.get(currency);
	if (!formatter) {
		formatter = new Intl.NumberFormat('en-US', {
			style: 'currency',
			currency,
			minimumFractionDigits: 2,
		});
		formatters.set(currency, formatter);
	}
	return formatter.format(cents / 100);
}

/**
 * Every money amount written in a text, in cents ("$2,246.40", "$99", "USD 150").
 * Used to check that a drafted message quotes only amounts the policy approved.
 */
export function moneyAmountsIn(text: string): number[] {
	const amounts: number[] = [];
	// A number read before "dollars" starts where a run of digits starts (the lookbehind): tried
	// from inside the run, a long one (100,000 digits) took seconds, each start scanning the rest.
	const pattern =
		/(?:\$|usd\s?|us\$)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?|(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(?:dollars|usd|bucks)\b/gi;
	for (const m of text.matchAll(pattern)) {
		const whole = (m[1] ?? m[3]).replace(/,/g, '');
		const fraction = (m[2] ?? m[4] ?? '0').padEnd(2, '0');
		amounts.push(parseInt(whole, 10) * 100 + parseInt(fraction, 10));
	}
	return amounts;
}
