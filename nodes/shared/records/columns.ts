/** Reading the records' columns the same on both stores. */

/** JSON kept as text; PostgreSQL hands BIGINT back as text, SQLite as numbers. */
export const jsonColumn = <T>(value: unknown, fallback: T): T =>
	typeof value === 'string' && value ? (JSON.parse(value) as T) : fallback;
export const numberColumn = (value: unknown): number | null =>
	value === null || value === undefined ? null : Number(value);
