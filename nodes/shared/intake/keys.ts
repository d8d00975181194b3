/**
 * The keys a follow-up is matched by (DESIGN's case `thread`): a phone in E.164, an e-mail in
 * lower case, an e-mail's Message-ID without its angle brackets, a chat session. Pure.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** A phone number as the thread keeps it: E.164 when it is one (a local number read in `country`), else null. */
export function phoneKey(raw: unknown, country = 'US'): string | null {
	if (typeof raw !== 'string' || !raw.trim() || raw.length > 40) return null;
	const parsed = parsePhoneNumberFromString(raw.trim(), country.toUpperCase() as CountryCode);
	return parsed?.isValid() ? parsed.number : null;
}

/** One mailbox's address in lower case, or null when the text is not one address. */
export function emailKey(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const address = raw.trim().toLowerCase();
	return address.length <= 254 &&
		/^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+\.[a-z0-9-]{2,}$/.test(address)
		? address
		: null;
}

/** An e-mail Message-ID as kept: without angle brackets and spaces; null when it is not one. */
export function messageIdKey(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const id = raw.trim().replace(/^<|>$/g, '').trim();
	return id.length >= 3 && id.length <= 250 && /^[^\s<>]+$/.test(id) ? id : null;
}

/** Every Message-ID in a References or In-Reply-To header (or a list of them). */
export function messageIdsIn(raw: unknown): string[] {
	const text = Array.isArray(raw) ? raw.join(' ') : typeof raw === 'string' ? raw : '';
	const ids = new Set<string>();
	for (const match of text.slice(0, 20_000).matchAll(/<([^<>\s]{3,250})>/g)) ids.add(match[1]);
	if (!ids.size)
		for (const word of text.split(/\s+/).slice(0, 100)) {
			const id = messageIdKey(word);
			if (id && id.includes('@')) ids.add(id);
		}
	return [...ids];
}

export const THREAD_KEY_NAMES = ['phone', 'email', 'message_id', 'chat_session'] as const;
export type ThreadKeyName = (typeof THREAD_KEY_NAMES)[number];

/** The store's keys for a case's thread (`phone:+1...`, `email:...`, ...). */
export function threadKeysOf(thread: Record<string, unknown>): string[] {
	const keys: string[] = [];
	for (const name of THREAD_KEY_NAMES) {
		const value = thread[name];
		if (typeof value === 'string' && value.trim() && value.length <= 250)
			keys.push(`${name}:${name === 'email' ? value.trim().toLowerCase() : value.trim()}`);
	}
	return keys;
}
