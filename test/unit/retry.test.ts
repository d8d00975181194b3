import {
	backoffDelay,
	isRetryable,
	parseRetryAfter,
	withRetry,
} from '../../nodes/shared/llm/retry';

const headers = (h: Record<string, string>) => ({
	get: (name: string) => h[name.toLowerCase()] ?? null,
});

describe('retry policy', () => {
	it.each([
		[{ status: 408 }, true],
		[{ status: 409 }, true],
		[{ status: 429 }, true],
		[{ status: 500 }, true],
		[{ status: 503 }, true],
		[{ status: 400 }, false],
		[{ status: 401 }, false],
		[{ status: 404 }, false],
		[{ status: 422 }, false],
		[{ code: 'ECONNRESET' }, true],
		[{ transient: true }, true],
		[new Error('schema mismatch'), false],
	])('%p retryable: %p', (error, expected) => {
		expect(isRetryable(error)).toBe(expected);
	});

	it('reads Retry-After in seconds, as an HTTP date, and retry-after-ms', () => {
		expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
		const now = Date.parse('2026-11-25T12:00:00Z');
		expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 25 Nov 2026 12:00:05 GMT' }), now)).toBe(
			5000,
		);
		expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
		expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeNull();
		expect(parseRetryAfter(headers({}))).toBeNull();
	});

	it('full jitter: each wait is uniform in [0, min(max, base * 2^(n-1))]', () => {
		const options = { baseDelayMs: 100, maxDelayMs: 1000 };
		expect(backoffDelay(1, options, () => 0.999)).toBe(99);
		expect(backoffDelay(3, options, () => 0.5)).toBe(200);
		expect(backoffDelay(10, options, () => 0.999)).toBe(999);
		expect(backoffDelay(2, options, () => 0)).toBe(0);
	});

	it('retries retryable failures up to the attempt limit, with the computed waits', async () => {
		const waits: number[] = [];
		let calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw Object.assign(new Error('busy'), { status: 503 });
				},
				{
					attempts: 4,
					baseDelayMs: 100,
					maxDelayMs: 10_000,
					random: () => 0.5,
					sleep: async (ms) => void waits.push(ms),
				},
			),
		).rejects.toThrow('busy');
		expect(calls).toBe(4);
		expect(waits).toEqual([50, 100, 200]);
	});

	it('honours Retry-After (capped) instead of the backoff', async () => {
		const waits: number[] = [];
		let calls = 0;
		const result = await withRetry(
			async () => {
				calls++;
				if (calls === 1)
					throw Object.assign(new Error('slow down'), { status: 429, retryAfterMs: 2000 });
				if (calls === 2)
					throw Object.assign(new Error('slow down'), { status: 429, retryAfterMs: 999_999 });
				return 'ok';
			},
			{
				attempts: 5,
				baseDelayMs: 100,
				maxDelayMs: 30_000,
				sleep: async (ms) => void waits.push(ms),
			},
		);
		expect(result).toBe('ok');
		expect(waits).toEqual([2000, 30_000]);
	});

	it('does not retry what cannot succeed on retry', async () => {
		let calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw Object.assign(new Error('bad request'), { status: 400 });
				},
				{ attempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
			),
		).rejects.toThrow('bad request');
		expect(calls).toBe(1);
	});
});
