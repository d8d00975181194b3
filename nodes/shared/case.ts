/**
 * The case: the item every agent reads and adds to (the item contract). A
 * template's first step starts it from the request; each agent then writes its
 * result under its own key and passes the rest through:
 *
 *   { message, channel, customer: { name, email, phone, address },
 *     preference, frequency, weekday, time, start_date, idempotency_key,
 *     business: { name, email, phone, reply_to, sms_from, crew_phone, time_zone,
 *                 review_url, agreement_signing_url },
 *     qualification, triage, quote, negotiation, booking, contract, confirmation }
 *
 * With Input Source "From the Case (Automatic)" an agent reads its inputs here
 * in code, without an expression for n8n to evaluate. The readers below are
 * the only way the agents look into it, so a missing or mistyped value is
 * treated the same everywhere: absent.
 */

export type CaseItem = Record<string, unknown>;
type Json = Record<string, unknown>;

/** An object at `value`, or null (arrays and other values are not objects here). */
export function objectAt(value: unknown): Json | null {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Json)
		: null;
}

/** The value at a path of keys (`at(item, 'qualification', 'service_type')`); undefined when any step is missing. */
export function at(item: unknown, ...path: string[]): unknown {
	let value: unknown = item;
	for (const key of path) {
		const object = objectAt(value);
		if (!object || !Object.prototype.hasOwnProperty.call(object, key)) return undefined;
		value = object[key];
	}
	return value;
}

/** The first value that is neither undefined nor null (JavaScript's `??` over several readings). */
export function firstOf(...values: unknown[]): unknown {
	for (const value of values) if (value !== undefined && value !== null) return value;
	return null;
}

/** A text value, trimmed; null when absent or blank. Numbers count as text ("3"). */
export function textAt(item: unknown, ...path: string[]): string | null {
	const value = at(item, ...path);
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') return null;
	const text = value.trim();
	return text === '' ? null : text;
}

/** The business's public details the case carries (the templates' Business Settings), or null. */
export function caseBusiness(item: CaseItem): Json | null {
	return objectAt(item.business);
}

/** The offer being discussed: the latest negotiated one, else the quote. */
export function currentOffer(item: CaseItem): Json | null {
	return objectAt(at(item, 'negotiation', 'quote')) ?? objectAt(item.quote);
}
