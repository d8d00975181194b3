import { setTimeout as delay } from 'node:timers/promises';

/**
 * Retry for LLM calls: exponential backoff with full jitter, honouring
 * Retry-After, retrying only what can succeed on retry. n8n's own Retry On Fail
 * (at most 5 tries, fixed wait) is too coarse for rate-limited APIs.
 */

export interface RetryOptions {
	/** Total tries, the first included. */
	attempts: number;
	/** The cap of the first backoff window, in ms; it doubles each try. */
	baseDelayMs: number;
	/** No single wait is longer than this (Retry-After included). */
	maxDelayMs: number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	/** Called before each wait, for logging and tests. */
	onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

const RETRYABLE_STATUS = new Set([408, 409, 429]);
const RETRYABLE_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** An error carrying what the retry policy needs to know. */
export interface RetryableErrorShape {
	status?: number;
	code?: string;
	/** Set on timeouts and connection failures by the client. */
	transient?: boolean;
	retryAfterMs?: number | null;
}

export function isRetryable(error: unknown): boolean {
	if (!error || typeof error !== 'object') return false;
	const e = error as RetryableErrorShape;
	if (e.transient) return true;
	if (typeof e.status === 'number') return RETRYABLE_STATUS.has(e.status) || e.status >= 500;
	if (typeof e.code === 'string') return RETRYABLE_CODES.has(e.code);
	return false;
}

/**
 * Reads Retry-After (seconds or an HTTP date) and the OpenAI-style
 * retry-after-ms header. Returns null when absent or unreadable.
 */
export function parseRetryAfter(
	headers: { get(name: string): string | null } | undefined,
	now = Date.now(),
): number | null {
	if (!headers) return null;
	const ms = headers.get('retry-after-ms');
	if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(parseFloat(ms));
	const value = headers.get('retry-after');
	if (!value) return null;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(parseFloat(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(
	attempt: number,
	options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
	random = Math.random,
): number {
	const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
	return Math.floor(random() * cap);
}

const defaultSleep = async (ms: number) => {
	await delay(ms);
};

export async function withRetry<T>(
	fn: (attempt: number) => Promise<T>,
	options: RetryOptions,
): Promise<T> {
	const sleep = options.sleep ?? defaultSleep;
	const attempts = Math.max(1, Math.floor(options.attempts));
	for (let attempt = 1; ; attempt++) {
		try {
			return await fn(attempt);
		} catch (error) {
			if (attempt >= attempts || !isRetryable(error)) throw error;
			const retryAfter = (error as RetryableErrorShape).retryAfterMs;
			const delayMs =
				typeof retryAfter === 'number'
					? Math.min(options.maxDelayMs, retryAfter)
					: backoffDelay(attempt, options, options.random);
			options.onRetry?.({ attempt, delayMs, error });
			await sleep(delayMs);
		}
	}
}
