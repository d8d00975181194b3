/** Reading the records' columns the same on both stores. */

/**
 * JSON kept as text (the records' tables), or read already parsed (the booking tables'
 * JSONB columns on PostgreSQL). PostgreSQL hands BIGINT back as text, SQLite as numbers.
 */
export const jsonColumn = <T>(value: unknown, fallback: T): T =>
	typeof value === 'string' && value
		? (JSON.parse(value) as T)
		: value !== null && typeof value === 'object'
			? (value as T)
			: fallback;
export const numberColumn = (value: unknown): number | null =>
	value === null || value === undefined ? null : Number(value);
