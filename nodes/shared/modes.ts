import { z } from 'zod/v4';

import {
	callStructured,
	emptyUsage,
	LlmError,
	type LlmCallOptions,
	type LlmConnection,
	type LlmUsage,
} from './llm/client';

/** How an agent reads free text. Rules only is the default: offline, free, deterministic. */
export const AGENT_MODES = ['rules', 'aiWithFallback', 'aiOnly'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

export const SOURCES = ['rules', 'ai', 'ai+rules'] as const;

/**
 * Who decides an emergency in the AI modes: `rulesOrModel`, the default, never lets the model
 * remove an emergency the rules found (it can add one they missed); `model` lets its reading stand.
 */
export const EMERGENCY_DECISIONS = ['rulesOrModel', 'model'] as const;
export type EmergencyDecision = (typeof EMERGENCY_DECISIONS)[number];
export type Source = (typeof SOURCES)[number];

/** What an agent needs to call a model; absent in rules mode. */
export interface AiSettings {
	connection: LlmConnection;
	call: LlmCallOptions;
}

export interface AgentOptionsBase {
	mode?: AgentMode;
	ai?: AiSettings;
}

export interface ModeOutcome<Facts, AiFacts = unknown> {
	facts: Facts;
	/** What the model answered (or the earlier answer used), null when the rules alone read it. */
	aiFacts: AiFacts | null;
	source: Source;
	usage: LlmUsage;
	/** Why the AI answer was not used, when rules took over. */
	fallback_reason: string | null;
}

/**
 * Runs an extraction in the chosen mode. `rules` always works; `ai` asks the
 * model for facts matching `schema` and `merge` combines them with the rules'
 * facts (the model fills in, the rules keep what only they can be sure of).
 * In AI-with-fallback mode any failure of the model falls back to rules. With `prior` (the
 * model's answer to the same request, made earlier for this item) no call is made.
 */
export async function extractWithMode<Facts, AiFacts>(args: {
	mode: AgentMode;
	ai?: AiSettings;
	rules: () => Facts;
	request: { name: string; schema: z.ZodType<AiFacts>; system: string; user: string };
	prior?: AiFacts | null;
	/** Combines the model's facts with the rules' facts (null in AI-only mode, where rules do not run). */
	merge: (rulesFacts: Facts | null, aiFacts: AiFacts) => { facts: Facts; usedRules: boolean };
}): Promise<ModeOutcome<Facts, AiFacts>> {
	const usage = emptyUsage();
	if (args.mode === 'rules')
		return { facts: args.rules(), aiFacts: null, source: 'rules', usage, fallback_reason: null };
	if (!args.ai) {
		throw new TypeError(
			`mode "${args.mode}" needs options.ai ({ connection: { apiKey, baseUrl }, call: { model, timeoutMs, retry } }); use mode "rules" to run without a model.`,
		);
	}
	// Rules that cannot read the text (they throw) do not stop the model from trying; their error
	// counts only if the model fails too.
	let rulesFacts: Facts | null = null;
	let rulesError: unknown = null;
	if (args.mode === 'aiWithFallback') {
		try {
			rulesFacts = args.rules();
		} catch (error) {
			rulesError = error;
		}
	}
	try {
		const data =
			args.prior ??
			(await callStructured(args.ai.connection, args.request, args.ai.call, usage)).data;
		const merged = args.merge(rulesFacts, data);
		return {
			facts: merged.facts,
			aiFacts: data,
			source: merged.usedRules ? 'ai+rules' : 'ai',
			usage,
			fallback_reason: null,
		};
	} catch (error) {
		if (args.mode === 'aiOnly') {
			if (error instanceof LlmError) (error as LlmError & { usage?: LlmUsage }).usage = usage;
			throw error;
		}
		if (rulesError) throw rulesError;
		const reason = error instanceof Error ? error.message : String(error);
		return {
			facts: rulesFacts ?? args.rules(),
			aiFacts: null,
			source: 'rules',
			usage,
			fallback_reason: reason,
		};
	}
}

/**
 * Wraps customer text for a prompt so the model treats it as data. Injection
 * attempts stay inside the quoted block; code decides every number anyway.
 */
export function quoteCustomerText(text: string): string {
	return `<customer_message>\n${text.replace(/<\/?customer_message>/gi, '')}\n</customer_message>`;
}
