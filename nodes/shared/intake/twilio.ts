/**
 * Twilio's request signature (`X-Twilio-Signature`), as Twilio documents it: HMAC-SHA1 with the
 * account's Auth Token over the full URL Twilio called (with its query string), followed by
 * each POST parameter's name and value, names sorted; base64. Pure; no n8n import.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TwilioParams = Record<string, string | string[] | undefined | null>;

/** Twilio's form fields as a webhook parsed them (names and values as strings). */
export function twilioParams(body: unknown): TwilioParams {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
	const out: TwilioParams = {};
	for (const [name, value] of Object.entries(body as Record<string, unknown>))
		out[name] = Array.isArray(value) ? value.map(String) : value === null ? null : String(value);
	return out;
}

/** The URL Twilio called and signed: the webhook's address with the query string it received. */
export function signedUrl(base: string, query: unknown): string {
	const url = base.trim();
	const fields =
		query && typeof query === 'object' && !Array.isArray(query)
			? Object.entries(query as Record<string, unknown>)
			: [];
	if (url.includes('?') || !fields.length) return url;
	const search = new URLSearchParams();
	for (const [name, value] of fields)
		for (const each of Array.isArray(value) ? value : [value]) search.append(name, String(each));
	return `${url}?${search.toString()}`;
}

/** The signature Twilio sends for a form-encoded POST of `params` to `url`. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
	let data = url;
	for (const name of Object.keys(params).sort()) {
		const value = params[name];
		if (value === undefined || value === null) continue;
		// A repeated parameter is signed once per value, values sorted (as Twilio's own libraries do).
		for (const each of Array.isArray(value) ? [...value].sort() : [value]) data += name + each;
	}
	return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URL with and without its scheme's default port: Twilio signs the URL as configured, and a
 * proxy in front of n8n may add or drop ":443" (Twilio's libraries accept both).
 */
function urlVariants(url: string): string[] {
	// Not URL's parser: it drops a default port, and the text Twilio signed is what counts.
	const parts = /^(https?):\/\/([^/?#:]+)(?::(\d+))?(.*)$/i.exec(url);
	if (!parts) return [url];
	const [, scheme, host, port, rest] = parts;
	const standard = scheme.toLowerCase() === 'https' ? '443' : '80';
	if (!port) return [url, `${scheme}://${host}:${standard}${rest}`];
	if (port === standard) return [url, `${scheme}://${host}${rest}`];
	return [url];
}

/** True when `signature` is Twilio's for this request (compared in constant time). */
export function isTwilioSignatureValid(
	authToken: string,
	signature: unknown,
	url: string,
	params: TwilioParams,
): boolean {
	if (typeof signature !== 'string' || !signature || !authToken) return false;
	const given = Buffer.from(signature);
	return urlVariants(url).some((variant) => {
		const expected = Buffer.from(twilioSignature(authToken, variant, params));
		return expected.length === given.length && timingSafeEqual(expected, given);
	});
}

/** TwiML that answers an incoming text: one message back, or nothing. */
export function twimlReply(text: string | null): string {
	if (!text) return '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
	const escaped = text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}
