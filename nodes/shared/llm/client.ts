import OpenAI from 'openai';
import { z } from 'zod/v4';

import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryOptions } from './retry';

/** What an OpenAI-compatible endpoint needs; mirrors the bookingAgentsOpenAiApi credential. */
export interface LlmConnection {
	apiKey: string;
	baseUrl?: string;
	organization?: string;
}

export interface LlmCallOptions {
	model: string;
	temperature?: number;
	/** Per-try timeout in ms. */
	timeoutMs: number;
	retry: RetryOptions;
}

export const DEFAULT_LLM_OPTIONS: LlmCallOptions = {
	model: 'gpt-4o-mini',
	temperature: 0,
	timeoutMs: 30_000,
	retry: DEFAULT_RETRY,
};

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** What the LLM cost, reported on every result. */
export interface LlmUsage {
	calls: number;
	prompt_tokens: number;
	completion_tokens: number;
}

export const llmUsageSchema = z.object({
	calls: z.number().int().min(0),
	prompt_tokens: z.number().int().min(0),
	completion_tokens: z.number().int().min(0),
});

export const emptyUsage = (): LlmUsage => ({ calls: 0, prompt_tokens: 0, completion_tokens: 0 });

export type LlmErrorKind =
	'http' | 'timeout' | 'network' | 'refusal' | 'invalid_json' | 'schema' | 'empty';

/** Every failure of a structured call, with a kind the fallback logic and the user can read. */
export class LlmError extends Error {
	readonly kind: LlmErrorKind;
	readonly status?: number;
	readonly transient: boolean;
	readonly retryAfterMs: number | null;

	constructor(
		kind: LlmErrorKind,
		message: string,
		extra: { status?: number; transient?: boolean; retryAfterMs?: number | null } = {},
	) {
		super(message);
		this.name = 'LlmError';
		this.kind = kind;
		this.status = extra.status;
		this.transient = extra.transient ?? false;
		this.retryAfterMs = extra.retryAfterMs ?? null;
	}
}

/**
 * Turns a zod schema into the JSON schema of OpenAI structured outputs (strict
 * mode: every property required, no additional properties; optional facts are
 * nullable instead).
 */
export function toResponseFormat(name: string, schema: z.ZodType) {
	const jsonSchema = z.toJSONSchema(schema, {
		target: 'draft-7',
		unrepresentable: 'any',
	}) as Record<string, unknown>;
	delete jsonSchema.$schema;
	return {
		type: 'json_schema' as const,
		json_schema: { name, schema: jsonSchema, strict: true },
	};
}

function classify(error: unknown): LlmError {
	if (error instanceof LlmError) return error;
	if (error instanceof OpenAI.APIConnectionTimeoutError) {
		return new LlmError('timeout', 'The AI endpoint did not answer in time.', { transient: true });
	}
	if (error instanceof OpenAI.APIConnectionError) {
		return new LlmError('network', `Could not reach the AI endpoint: ${error.message}`, {
			transient: true,
		});
	}
	if (error instanceof OpenAI.APIError) {
		const status = error.status ?? 0;
		return new LlmError('http', `The AI endpoint answered HTTP ${status}: ${error.message}`, {
			status,
			retryAfterMs: parseRetryAfter(error.headers),
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new LlmError('network', message, { transient: /timeout|ECONN|socket/i.test(message) });
}

export interface StructuredResult<T> {
	data: T;
	usage: LlmUsage;
}

/**
 * One structured-output call: the model must answer JSON matching `schema`.
 * Retries transient failures; refusals, malformed JSON and schema violations
 * are not retried (the same prompt would fail the same way) and throw LlmError.
 */
export async function callStructured<S extends z.ZodType>(
	connection: LlmConnection,
	request: { name: string; schema: S; system: string; user: string },
	options: LlmCallOptions = DEFAULT_LLM_OPTIONS,
	/** Accumulates calls and tokens, failed tries included, so a fallback still reports the cost. */
	usage: LlmUsage = emptyUsage(),
): Promise<StructuredResult<z.infer<S>>> {
	const client = new OpenAI({
		apiKey: connection.apiKey,
		baseURL: connection.baseUrl || DEFAULT_BASE_URL,
		organization: connection.organization || null,
		maxRetries: 0,
		timeout: options.timeoutMs,
	});
	const responseFormat = toResponseFormat(request.name, request.schema);

	const completion = await withRetry(async () => {
		usage.calls++;
		try {
			return await client.chat.completions.create({
				model: options.model,
				temperature: options.temperature ?? 0,
				messages: [
					{ role: 'system', content: request.system },
					{ role: 'user', content: request.user },
				],
				response_format: responseFormat,
			});
		} catch (error) {
			throw classify(error);
		}
	}, options.retry);

	usage.prompt_tokens += completion.usage?.prompt_tokens ?? 0;
	usage.completion_tokens += completion.usage?.completion_tokens ?? 0;

	const message = completion.choices?.[0]?.message;
	if (message?.refusal) throw new LlmError('refusal', `The model refused: ${message.refusal}`);
	const content = message?.content;
	if (!content) throw new LlmError('empty', 'The model returned no content.');
	let parsed: unknown;
	try {
		parsed = JSON.parse(content);
	} catch {
		throw new LlmError('invalid_json', 'The model returned text that is not JSON.');
	}
	const checked = request.schema.safeParse(parsed);
	if (!checked.success) {
		const first = checked.error.issues[0];
		throw new LlmError(
			'schema',
			`The model's answer does not match the schema at "${first.path.join('.')}": ${first.message}`,
		);
	}
	return { data: checked.data, usage };
}
