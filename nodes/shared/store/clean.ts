/**
 * What the store keeps is what it can keep on both engines: PostgreSQL refuses a NUL character in
 * text and JSON, and a btree index entry over about 2.7 KB (a long idempotency key).
 */
import { createHash } from 'node:crypto';

/** A NUL written as JSON's escape (JSON.stringify writes it so), not one whose backslash is escaped. */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * A value with every NUL character taken out of its strings (objects and lists walked), also
 * from JSON text already written (`\u0000` escapes), which PostgreSQL's jsonb refuses too.
 */
export function withoutNul(value: unknown): unknown {
	if (typeof value === 'string')
		// Most strings carry neither: one scan for a NUL or a backslash before any replacing.
		return /[\u0000\\]/.test(value) ? value.replace(/\u0000/g, '').replace(JSON_NUL, '$1') : value;
	if (Array.isArray(value)) return value.map(withoutNul);
	if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)]));
	return value;
}

/** Keys up to this long are kept as they are (readable in the store); longer ones as their hash. */
const MAX_KEY_LENGTH = 200;

/** The idempotency key as stored: as given, or its SHA-256 when long or holding control characters. */
export function storedIdempotencyKey(key: string): string {
	if (key.length <= MAX_KEY_LENGTH && !/[\u0000-\u001f\u007f]/.test(key)) return key;
	return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
