/** The agents' reading modes on the n8n side: the Mode and AI Options parameters, and the OpenAI credential. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, DEFAULT_LLM_OPTIONS } from '../llm/client';
import { DEFAULT_RETRY } from '../llm/retry';
import type { AgentMode, AiSettings, EmergencyDecision } from '../modes';
import { earlierReading, shareReading, type MessageReading } from '../reading';
import type { Additions } from './items';

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

/** Who decides an emergency in the AI modes (Qualifier and Triage). */
export const emergencyDecisionProperty: INodeProperties = {
	displayName: 'Emergency Decision',
	name: 'emergencyDecision',
	type: 'options',
	default: 'rulesOrModel',
	displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'] } },
	options: [
		{
			name: 'Rules or Model (Safest)',
			value: 'rulesOrModel',
			description:
				'An emergency either one finds is an emergency: the model can add one the rules missed, never remove one they found',
		},
		{
			name: 'Model Decides',
			value: 'model',
			description:
				"The model's reading stands, even against an emergency the rules found. Only for a model you have measured on your own messages.",
		},
	],
	description: 'Who decides whether a message is an emergency when a model reads it',
};

export function readEmergencyDecision(ctx: IExecuteFunctions, i: number): EmergencyDecision {
	return ctx.getNodeParameter('emergencyDecision', i, 'rulesOrModel') === 'model'
		? 'model'
		: 'rulesOrModel';
}

/**
 * The model's reading an agent before this one left on the item (`model_reading`), when it is
 * of the same message by the same model; the agent then makes no call of its own.
 */
export function readingLeftOnItem(
	item: INodeExecutionData,
	message: string,
	ai: AiSettings | undefined,
): MessageReading | null {
	if (!ai) return null;
	return earlierReading(item.json.model_reading, message, ai.call.model);
}

/** What the agent adds to the item: its result, and the model's reading for the next agent. */
export function withReading(
	key: string,
	result: IDataObject,
	message: string,
	ai: AiSettings | undefined,
	reading: MessageReading | null,
): Additions[] {
	const json: IDataObject = { [key]: result };
	if (ai && reading) json.model_reading = shareReading(message, ai.call.model, reading);
	return [{ json }];
}

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
