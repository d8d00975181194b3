import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

import { smsKeyword } from '../shared/intake/keywords';

import { InputError } from '../shared/errors';

/** Bad input to the Confirmation agent: names the field and the fix. */
export class ConfirmationInputError extends InputError {}

/** GSM 03.38 basic set (one septet each) and its extension table (two septets: escape + char). */
const GSM_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSize {
	encoding: SmsEncoding;
	/** Septets (GSM-7) or UTF-16 code units (UCS-2). */
	units: number;
	segments: number;
}

/** Encoding and segment count as carriers bill them: GSM-7 160/153 septets, UCS-2 70/67 units. */
export function smsSize(text: string): SmsSize {
	let septets = 0;
	let gsm = true;
	for (const ch of text) {
		if (BASIC.has(ch)) septets += 1;
		else if (EXTENDED.has(ch)) septets += 2;
		else {
			gsm = false;
			break;
		}
	}
	if (gsm)
		return {
			encoding: 'GSM-7',
			units: septets,
			segments: septets === 0 ? 1 : septets <= 160 ? 1 : Math.ceil(septets / 153),
		};
	const units = text.length; // UTF-16 code units: an emoji counts two
	return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** A phone number in E.164 (+15551234567), or an error naming the field. */
export function toE164(phone: unknown, defaultCountry: string): string {
	if (typeof phone !== 'string' || !phone.trim())
		throw new ConfirmationInputError(
			'phone',
			"An SMS needs the customer's phone number; map it, e.g. {{ $json.customer.phone }}.",
		);
	const parsed = parsePhoneNumberFromString(
		phone.trim(),
		defaultCountry.toUpperCase() as CountryCode,
	);
	if (!parsed || !parsed.isValid()) {
		throw new ConfirmationInputError(
			'phone',
			`${JSON.stringify(phone)} is not a valid phone number for ${defaultCountry.toUpperCase()}. Give it with its country code (+44...) or set the default country.`,
		);
	}
	return parsed.number;
}

/** The customer's number in E.164, or null when it is not one a text can reach (the message then goes without SMS). */
export function textableNumber(phone: string, defaultCountry: string): string | null {
	const parsed = parsePhoneNumberFromString(
		phone.trim(),
		defaultCountry.toUpperCase() as CountryCode,
	);
	return parsed?.isValid() ? parsed.number : null;
}

export { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from '../shared/intake/keywords';

/** What an SMS reply asks for: opting out or back in (HELP and anything else: none). */
export function readSmsKeyword(text: string): {
	action: 'opt_out' | 'opt_in' | 'none';
	keyword: string | null;
} {
	const read = smsKeyword(text);
	return read && read.action !== 'help'
		? { action: read.action, keyword: read.keyword }
		: { action: 'none', keyword: null };
}

export interface SmsPolicy {
	/** Add "Reply STOP to opt out." (required on automated marketing and first messages in the US). */
	optOutLine: boolean;
	/** Longest message in segments; longer bodies are shortened, the opt-out line kept. */
	maxSegments: number;
}

export const OPT_OUT_LINE = 'Reply STOP to opt out.';

/** The SMS text as sent: body, then the opt-out line, shortened to the segment limit. */
export function fitSms(
	body: string,
	policy: SmsPolicy,
): { text: string; size: SmsSize; shortened: boolean } {
	const suffix = policy.optOutLine ? `\n${OPT_OUT_LINE}` : '';
	let text = `${body.trim()}${suffix}`;
	let size = smsSize(text);
	let shortened = false;
	let keep = body.trim().length;
	while (size.segments > policy.maxSegments && keep > 0) {
		keep = Math.max(0, keep - Math.max(1, Math.ceil((size.segments - policy.maxSegments) * 10)));
		text = `${[...body.trim()].slice(0, keep).join('').trimEnd()}...${suffix}`;
		size = smsSize(text);
		shortened = true;
	}
	return { text, size, shortened };
}
