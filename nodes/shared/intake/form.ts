/**
 * A public web form's defences that need no third-party service: a honeypot field people never
 * see (a bot fills it), a minimum time between the page being served and its submission (a bot
 * posts at once), and a limit on submissions per sender (e-mail, phone, client address) kept in
 * the booking store. No n8n import.
 */
import type { BookingStore } from '../store';

export interface FormDefences {
	/** The hidden field's value: anything in it is a bot. */
	honeypot: unknown;
	/** When the page was served (epoch ms, the form's hidden field), as text or a number. */
	startedAt: unknown;
	nowMs: number;
	/** Fewer seconds than this between the page and the submission is a bot. */
	minSeconds: number;
	/** A page older than this is stale: the customer reloads it. */
	maxAgeHours?: number;
}

export interface FormRefusal {
	field: string;
	/** What the person reads on the page. */
	fix: string;
}

/** Null when the submission looks like a person's, else why not (the field and what to do). */
export function checkFormDefences(input: FormDefences): FormRefusal | null {
	const trap = typeof input.honeypot === 'string' ? input.honeypot.trim() : input.honeypot;
	if (trap !== undefined && trap !== null && trap !== '')
		return { field: 'website', fix: 'This form could not be sent. Please call or e-mail us.' };
	const started = Number(
		typeof input.startedAt === 'string' ? input.startedAt.trim() : input.startedAt,
	);
	if (!Number.isFinite(started) || started <= 0)
		return {
			field: 'started',
			fix: 'The form was sent without the page it came from: open the form again and send it from there.',
		};
	const seconds = (input.nowMs - started) / 1000;
	if (seconds < -60)
		return {
			field: 'started',
			fix: 'The form came from a page we did not serve: open the form again.',
		};
	if (seconds < input.minSeconds)
		return {
			field: 'started',
			fix: `That was sent very fast (${Math.max(0, Math.round(seconds))} s): please check the details and send the form again.`,
		};
	if (seconds > (input.maxAgeHours ?? 24) * 3600)
		return {
			field: 'started',
			fix: 'The page was open a long time: reload the form and send it again.',
		};
	return null;
}

export interface RateLimit {
	/** Submissions allowed per key in the window. */
	max: number;
	windowMinutes: number;
}

/**
 * Counts this submission against every key (an e-mail, a phone, a client address) and refuses it
 * when any key already reached the limit in the window; a refused one is not counted. Old
 * attempts are forgotten as the window moves.
 */
export async function takeRateLimit(
	store: BookingStore,
	keys: string[],
	nowMs: number,
	limit: RateLimit,
): Promise<{ allowed: true } | { allowed: false; key: string; retry_after_s: number }> {
	const unique = [...new Set(keys.filter(Boolean))];
	if (!unique.length) return { allowed: true };
	const since = nowMs - limit.windowMinutes * 60_000;
	return await store.lockedWrite('intake:rate', async (sql) => {
		const marks = unique.map((_, i) => `$${i + 2}`).join(', ');
		await sql.query(`DELETE FROM intake_attempts WHERE at_ms < $1 AND key IN (${marks})`, [
			since,
			...unique,
		]);
		const rows = await sql.query(
			`SELECT key, COUNT(*) AS n, MIN(at_ms) AS first_ms FROM intake_attempts WHERE key IN (${marks.replace(/\$(\d+)/g, (_, n) => `$${Number(n) - 1}`)}) GROUP BY key`,
			unique,
		);
		const full = rows.find((row) => Number(row.n) >= limit.max);
		if (full)
			return {
				allowed: false as const,
				key: String(full.key),
				retry_after_s: Math.max(
					1,
					Math.ceil((Number(full.first_ms) + limit.windowMinutes * 60_000 - nowMs) / 1000),
				),
			};
		for (const key of unique)
			await sql.query('INSERT INTO intake_attempts (key, at_ms) VALUES ($1, $2)', [key, nowMs]);
		return { allowed: true as const };
	});
}
