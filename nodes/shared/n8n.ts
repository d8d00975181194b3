/**
 * The n8n side shared by every agent node: the mode and AI-option parameters,
 * reading the credential, and the per-item loop (pass-through, pairedItem,
 * continueOnFail, clear errors). Agent logic never imports this file.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type INodeCredentialTestResult,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, DEFAULT_LLM_OPTIONS, LlmError } from './llm/client';
import { PostgresBookingStore, type PostgresConnection, type StoreConfig } from './store';
import { DEFAULT_RETRY } from './llm/retry';
import type { AgentMode, AiSettings } from './modes';
import { readFromItem, type Reading } from './item-expression';

export const CREDENTIAL_OPENAI = 'bookingAgentsOpenAiApi';

/** The subtitle of agents with a mode: which reader runs. */
export const modeSubtitle =
	'={{ {"rules": "Rules only", "aiWithFallback": "AI with rules fallback", "aiOnly": "AI only"}[$parameter["mode"]] }}';

/** The OpenAI-compatible credential, asked for only in the AI modes. */
export const openAiCredential = {
	name: CREDENTIAL_OPENAI,
	required: true,
	displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'] } },
};

export const modeProperty: INodeProperties = {
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	noDataExpression: true,
	default: 'rules',
	options: [
		{
			name: 'Rules Only',
			value: 'rules',
			description: 'Built-in rules: works offline, needs no API key, costs nothing',
		},
		{
			name: 'AI with Rules Fallback',
			value: 'aiWithFallback',
			description:
				'An OpenAI-compatible model reads the text; if it fails or answers badly, the rules take over',
		},
		{
			name: 'AI Only',
			value: 'aiOnly',
			description: 'Only the model reads the text; the item fails if the model does',
		},
	],
	description: 'How the agent reads free text. Numbers and decisions are always made by code.',
};

/** Shown for the AI modes only. */
export const aiOptionsProperty: INodeProperties = {
	displayName: 'AI Options',
	name: 'aiOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'] } },
	options: [
		{
			displayName: 'Base Delay (Ms)',
			name: 'baseDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 500,
			description:
				'First backoff window; it doubles on each retry (full jitter). A Retry-After header from the endpoint wins.',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 4,
			description:
				'Tries per item, the first included. Only timeouts, network errors, 408, 409, 429 and 5xx are retried.',
		},
		{
			displayName: 'Model',
			name: 'model',
			type: 'string',
			default: 'gpt-4o-mini',
			description: 'Model name as your endpoint knows it',
		},
		{
			displayName: 'Temperature',
			name: 'temperature',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 1 },
			default: 0,
			description: 'Randomness of the answer; 0 is the most repeatable',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for one answer before trying again',
		},
	],
};

/** Reads the credential and AI options for item `i`; undefined in rules mode. */
export async function readAiSettings(
	ctx: IExecuteFunctions,
	i: number,
	mode: AgentMode,
): Promise<AiSettings | undefined> {
	if (mode === 'rules') return undefined;
	const credentials = await ctx.getCredentials(CREDENTIAL_OPENAI, i);
	const options = ctx.getNodeParameter('aiOptions', i, {}) as IDataObject;
	return {
		connection: {
			apiKey: String(credentials.apiKey ?? ''),
			baseUrl: String(credentials.baseUrl || DEFAULT_BASE_URL),
			organization: credentials.organization ? String(credentials.organization) : undefined,
		},
		call: {
			model: String(options.model || DEFAULT_LLM_OPTIONS.model),
			temperature: typeof options.temperature === 'number' ? options.temperature : 0,
			timeoutMs: Math.round(
				(typeof options.timeoutSeconds === 'number'
					? options.timeoutSeconds
					: DEFAULT_LLM_OPTIONS.timeoutMs / 1000) * 1000,
			),
			retry: {
				...DEFAULT_RETRY,
				attempts:
					typeof options.maxAttempts === 'number' ? options.maxAttempts : DEFAULT_RETRY.attempts,
				baseDelayMs:
					typeof options.baseDelayMs === 'number' ? options.baseDelayMs : DEFAULT_RETRY.baseDelayMs,
			},
		},
	};
}

/**
 * The agents' mappings are read from the item in code where they only look a
 * value up in it (item-expression.ts: `$json` paths, `??`, literals) or are one
 * of the object-building defaults below: n8n 2.x evaluates every expression in
 * an isolate (a millisecond or more each), and a template maps dozens of
 * parameters. Each gives exactly what n8n's evaluation gives
 * (test/workflow/defaults.workflow.test.ts checks them against n8n); any other
 * expression is evaluated by n8n as usual.
 */
// The item is arbitrary JSON; the readers mirror expressions over it, optional chaining included.
type Json = Record<string, any>;
const NATIVE_DEFAULTS: Record<string, (json: Json) => unknown> = {
	'={{ { bedrooms: $json.qualification?.bedrooms, bathrooms: $json.qualification?.bathrooms, square_feet: $json.qualification?.square_feet, is_emergency: $json.triage?.is_emergency ?? $json.qualification?.is_emergency ?? false, estimated_hours: $json.quote?.estimated_hours } }}':
		(j) => ({
			bedrooms: j.qualification?.bedrooms,
			bathrooms: j.qualification?.bathrooms,
			square_feet: j.qualification?.square_feet,
			is_emergency: j.triage?.is_emergency ?? j.qualification?.is_emergency ?? false,
			estimated_hours: j.quote?.estimated_hours,
		}),
	'={{ { reply_url: $json.reply_url, signing_url: $json.contract?.signing_url, review_url: $json.review_url, link_expires: $json.contract?.signing_expires_at } }}':
		(j) => ({
			reply_url: j.reply_url,
			signing_url: j.contract?.signing_url,
			review_url: j.review_url,
			link_expires: j.contract?.signing_expires_at,
		}),
};

/** A mapping read from the item in code, or `found: false` when n8n must evaluate it. */
export function readMapping(expression: string, json: Json): Reading {
	const table = NATIVE_DEFAULTS[expression];
	return table ? { found: true, value: table(json) } : readFromItem(expression, json);
}

/** A parameter's value for item i: simple mappings read in code (see readMapping), anything else evaluated by n8n. */
export function parameterValue(
	ctx: IExecuteFunctions,
	name: string,
	i: number,
	fallback: unknown,
): unknown {
	const raw = ctx.getNode().parameters[name];
	if (typeof raw === 'string' && raw.startsWith('=')) {
		const reading = readMapping(raw, (ctx.getInputData()[i]?.json ?? {}) as Json);
		if (reading.found) return reading.value === undefined ? fallback : reading.value;
	}
	return ctx.getNodeParameter(name, i, fallback);
}

/**
 * A collection parameter (Business, Calendar, Series...) for item i: each value
 * that is plain or a simple mapping is read in code; only the others are
 * evaluated by n8n, one key at a time (a Series with one ternary costs one
 * evaluation, not six).
 */
export function collectionValue(ctx: IExecuteFunctions, name: string, i: number): IDataObject {
	const raw = ctx.getNode().parameters[name];
	if (!raw || typeof raw !== 'object' || Array.isArray(raw))
		return ctx.getNodeParameter(name, i, {}) as IDataObject;
	const json = (ctx.getInputData()[i]?.json ?? {}) as Json;
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(raw)) {
		const reading =
			typeof value === 'string' && value.startsWith('=')
				? readMapping(value, json)
				: value !== null && typeof value === 'object'
					? { found: false }
					: { found: true, value };
		// n8n leaves a mapping that gives nothing as undefined: the key stays, without a value.
		out[key] = (
			reading.found ? reading.value : ctx.getNodeParameter(`${name}.${key}`, i)
		) as IDataObject[string];
	}
	return out;
}

/** Whether the node has this parameter at all (n8n drops parameters hidden for the chosen operation). */
export function hasParameter(ctx: IExecuteFunctions, name: string): boolean {
	return Object.prototype.hasOwnProperty.call(ctx.getNode().parameters, name);
}

/** Reads a text parameter that must hold the customer's message. */
export function requireText(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
	example = '{{ $json.body.message }}',
): string {
	const value = parameterValue(ctx, name, i, '') as unknown;
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string' || value.trim() === '') {
		throw new NodeOperationError(
			ctx.getNode(),
			`The '${displayName}' parameter is empty for this item`,
			{
				itemIndex: i,
				description: `Map the customer's text into '${displayName}', for example ${example} after a webhook. The current mapping found ${value === undefined || value === null ? 'nothing' : 'no text'} in this item.`,
			},
		);
	}
	return value;
}

/** Reads an optional text parameter; expressions that resolve to nothing give null. */
export function optionalText(ctx: IExecuteFunctions, name: string, i: number): string | null {
	const value = parameterValue(ctx, name, i, '') as unknown;
	if (value === undefined || value === null) return null;
	const text = String(value).trim();
	return text === '' ? null : text;
}

function toNodeError(ctx: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	if (error instanceof LlmError) {
		if (error.kind === 'http') {
			return new NodeApiError(
				ctx.getNode(),
				{ message: error.message, httpCode: String(error.status ?? '') } as JsonObject,
				{
					itemIndex: i,
					message: error.message,
					description:
						error.status === 401
							? 'Check the API key in the Booking Agents OpenAI credential.'
							: 'The AI endpoint failed after all retries. Use "AI with Rules Fallback" to keep working when it is down.',
					httpCode: error.status ? String(error.status) : undefined,
				},
			);
		}
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex: i,
			description:
				'The model could not give a usable answer. Use "AI with Rules Fallback" so the rules take over in that case.',
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	const field = (error as { field?: unknown })?.field;
	if (typeof field === 'string') {
		// Input errors of the agents' cores name the field they reject and say how to fix it.
		return new NodeOperationError(ctx.getNode(), message, {
			itemIndex: i,
			description: `Fix "${field}" (the parameter or the field mapped into it) and run again.`,
		});
	}
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}

/** Reads a parameter that may be empty; expressions resolving to nothing give null. */
export function optionalValue(ctx: IExecuteFunctions, name: string, i: number): unknown {
	const value = parameterValue(ctx, name, i, null) as unknown;
	return value === undefined || value === '' ? null : value;
}

/** Reads a JSON parameter that may arrive as text or as an object; names the parameter when it is not JSON. */
export function jsonParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
): Record<string, unknown> {
	const value = parameterValue(ctx, name, i, {}) as unknown;
	if (value === null || value === undefined || value === '') return {};
	if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	if (typeof value === 'string') {
		try {
			const parsed = JSON.parse(value) as unknown;
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
				return parsed as Record<string, unknown>;
		} catch {
			// reported below
		}
	}
	throw new NodeOperationError(ctx.getNode(), `'${displayName}' is not a JSON object`, {
		itemIndex: i,
		description: `Give '${displayName}' a JSON object such as {"tax_rate_pct": 8.25}, or leave it as {}.`,
	});
}

/**
 * Runs an agent over every input item: the result goes under `key`, the rest of
 * the item passes through unchanged, every output item is paired with its input.
 */
export async function runAgentPerItem(
	ctx: IExecuteFunctions,
	key: string,
	/** The item's result; null leaves the item out (an agent that filters, such as follow-ups not yet due). */
	run: (i: number, item: INodeExecutionData) => Promise<IDataObject | null>,
	/** Files the result brings (an .ics invite, a PDF), added to the item's binary data. */
	attach?: (i: number, result: IDataObject) => Promise<IBinaryKeyData | null>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const item = items[i];
		try {
			const result = await run(i, item);
			if (result === null) continue;
			const files = attach ? await attach(i, result) : null;
			const binary = files ? { ...(item.binary ?? {}), ...files } : item.binary;
			out.push({
				json: { ...item.json, [key]: result },
				...(binary ? { binary } : {}),
				pairedItem: { item: i },
			});
		} catch (error) {
			const nodeError = toNodeError(ctx, error, i);
			if (ctx.continueOnFail()) {
				const errorJson = {
					message: nodeError.message,
					description: (nodeError as NodeOperationError).description ?? null,
				};
				// "Continue (using error output)": n8n routes an item whose json is only `error` to the
				// error output and puts the input's fields back on it. "Continue": the case stays on the item.
				const json =
					ctx.getNode().onError === 'continueErrorOutput'
						? { error: errorJson }
						: { ...item.json, error: errorJson };
				out.push({
					json,
					...(item.binary ? { binary: item.binary } : {}),
					pairedItem: { item: i },
				});
				continue;
			}
			throw nodeError;
		}
	}
	return [out];
}

/** Reads a JSON list parameter (text or already parsed); anything else names the parameter. */
export function jsonListParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
): unknown[] {
	const value = parameterValue(ctx, name, i, '') as unknown;
	if (value === null || value === undefined || value === '') return [];
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			parsed = undefined;
		}
	}
	if (!Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `'${displayName}' is not valid JSON`, {
			itemIndex: i,
			description: `Give '${displayName}' a JSON list, for example [{"id": "crew-a", "name": "Crew A", "skills": ["cleaning"], "on_call": false}]; fix "${name}".`,
		});
	}
	return parsed;
}

/** Where bookings, holds and opt-outs are kept: the same choice on every node that uses the store. */
export const storeProperties: INodeProperties[] = [
	{
		displayName: 'Store',
		name: 'store',
		type: 'options',
		noDataExpression: true,
		default: 'sqlite',
		options: [
			{
				name: 'SQLite File (No Set-Up)',
				value: 'sqlite',
				description: 'A file in the n8n user folder: for one n8n process',
			},
			{
				name: 'PostgreSQL',
				value: 'postgres',
				description: 'For queue mode with workers on several hosts',
			},
		],
	},
	{
		displayName: 'SQLite File Path',
		name: 'sqlitePath',
		type: 'string',
		default: '',
		placeholder: '~/.n8n/booking-agents.sqlite',
		displayOptions: { show: { store: ['sqlite'] } },
		description: 'Leave empty for booking-agents.sqlite in the n8n user folder',
	},
];

function connectionOf(credentials: IDataObject): PostgresConnection {
	return {
		host: String(credentials.host ?? 'localhost'),
		port: Number(credentials.port ?? 5432),
		database: String(credentials.database ?? 'booking_agents'),
		user: String(credentials.user ?? 'postgres'),
		password: credentials.password ? String(credentials.password) : undefined,
		ssl: Boolean(credentials.ssl),
		// Credentials saved before the setting existed have none: the pool's default.
		maxConnections:
			credentials.maxConnections === undefined || credentials.maxConnections === ''
				? undefined
				: Number(credentials.maxConnections),
	};
}

/** The store the node's Store parameter names (the PostgreSQL one through its credential). */
export async function readStoreConfig(ctx: IExecuteFunctions): Promise<StoreConfig> {
	const backend = ctx.getNodeParameter('store', 0) as 'sqlite' | 'postgres';
	if (backend === 'postgres')
		return {
			backend,
			connection: connectionOf(
				(await ctx.getCredentials('bookingStorePostgres', 0)) as IDataObject,
			),
		};
	return { backend, path: (ctx.getNodeParameter('sqlitePath', 0, '') as string) || null };
}

/** The Booking Store PostgreSQL credential's test: connect and migrate. */
export async function bookingStorePostgresTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const store = new PostgresBookingStore({
		...connectionOf(credential.data ?? {}),
		maxConnections: 1,
	});
	try {
		await store.init();
		return { status: 'OK', message: 'Connected; the booking tables are ready' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	} finally {
		await store.close();
	}
}
