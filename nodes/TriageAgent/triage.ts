import { z } from 'zod/v4';

import { emptyUsage, llmUsageSchema } from '../shared/llm/client';
import {
	extractWithMode,
	SOURCES,
	type AgentOptionsBase,
	type EmergencyDecision,
} from '../shared/modes';
import {
	damageReadingSchema,
	readingRequest,
	type DamageReading,
	type MessageReading,
} from '../shared/reading';
import { inReadingOrder } from '../shared/email';
import { normalize } from '../shared/text';
import { priorityFor, readUrgency, receivedMonth } from '../shared/urgency';
import { emptySituation, readDamageFacts, type DamageFacts } from '../shared/damage';
import { EMERGENCY_TYPES, HAZARDS, SEVERITIES, type Severity } from '../shared/vocabulary';
import { safetyInstructionsFor } from './safety';

export const triageSchema = z.object({
	is_emergency: z.boolean(),
	emergency_type: z.enum(EMERGENCY_TYPES).nullable(),
	severity: z.enum(SEVERITIES),
	priority: z.number().int().min(1).max(10),
	respond_within_minutes: z.number().int().positive().nullable(),
	safety_instructions: z.array(z.string()),
	escalate_to_human: z.boolean(),
	hazards: z.array(z.enum(HAZARDS)),
	reasons: z.array(z.string()),
	source: z.enum(SOURCES),
	llm_usage: llmUsageSchema,
	fallback_reason: z.string().nullable(),
});
export type TriageResult = z.infer<typeof triageSchema>;

export interface TriageInput {
	message: string;
	channel?: string | null;
	/** When the message came in (ISO 8601): a month named without a day is read against it, as the Qualifier does. */
	received_at?: string | null;
}

export interface TriageOptions extends AgentOptionsBase {
	/** In the AI modes, who decides an emergency (see QualifyOptions.emergencyDecision). */
	emergencyDecision?: EmergencyDecision;
	/** The model's reading of this message made earlier for the item (no call is made then). */
	earlierReading?: MessageReading | null;
	/** Minutes within which an emergency must be answered by a person or crew. */
	responseDeadlineMinutes?: number;
	/** A tighter deadline for critical cases (hazard to people). */
	criticalDeadlineMinutes?: number;
}

export const TRIAGE_DEFAULTS = { responseDeadlineMinutes: 120, criticalDeadlineMinutes: 60 };

/** What the model is asked for about the damage (its part of the shared reading): facts only. */
export const triageAiFactsSchema = damageReadingSchema;
type TriageAiFacts = DamageReading;

function severityOf(facts: DamageFacts): Severity {
	if (!facts.active) return facts.damage_type ? 'low' : 'none';
	const critical = facts.hazards.some(
		(h) => h === 'gas' || h === 'fire_active' || h === 'people_at_risk' || h === 'structural',
	);
	if (critical || (facts.hazards.includes('electrical') && facts.damage_type !== 'fire_damage'))
		return 'critical';
	if (facts.uncertain || facts.damage_type === 'mold') return 'moderate';
	return 'high';
}

function mergeAiFacts(
	rules: DamageFacts | null,
	ai: TriageAiFacts,
	modelDecides: boolean,
): { facts: DamageFacts; usedRules: boolean } {
	const aiActive = ai.describes_active_damage && !ai.figure_of_speech && ai.damage_type !== null;
	const aiFacts: DamageFacts = {
		damage_type: ai.figure_of_speech ? null : ai.damage_type,
		active: aiActive,
		historic: false,
		hazards: ai.hazards,
		signals: aiActive ? [`model: active ${ai.damage_type}`] : [],
		uncertain: false,
		situation: emptySituation(),
	};
	if (!rules) return { facts: aiFacts, usedRules: false };
	// Recall first: either reader seeing an active emergency makes it one (unless ops let the model
	// decide); a disagreement is flagged for a person.
	const active = modelDecides ? aiFacts.active : rules.active || aiFacts.active;
	const disagree = rules.active !== aiFacts.active;
	return {
		facts: {
			damage_type:
				(aiFacts.active ? aiFacts.damage_type : null) ?? rules.damage_type ?? aiFacts.damage_type,
			active,
			historic: rules.historic && !active,
			hazards: [...new Set([...rules.hazards, ...aiFacts.hazards])],
			signals: [...rules.signals, ...aiFacts.signals],
			uncertain: rules.uncertain || disagree,
			situation: rules.situation,
		},
		usedRules:
			rules.active ||
			rules.hazards.length > 0 ||
			disagree ||
			(!aiFacts.damage_type && rules.damage_type !== null),
	};
}

/** Decides from damage facts: the part of triage that is always code. */
export function decideTriage(
	facts: DamageFacts,
	normalized: string,
	options: TriageOptions = {},
	/** The month (1-12) the message came in, for months named as when ("in March"). */
	monthReceived: number | null = null,
): Omit<TriageResult, 'source' | 'llm_usage' | 'fallback_reason'> {
	const deadline = options.responseDeadlineMinutes ?? TRIAGE_DEFAULTS.responseDeadlineMinutes;
	const criticalDeadline = Math.min(
		deadline,
		options.criticalDeadlineMinutes ?? TRIAGE_DEFAULTS.criticalDeadlineMinutes,
	);
	const isEmergency = facts.active && facts.damage_type !== null;
	const severity = severityOf(facts);
	const reasons: string[] = [];

	if (isEmergency) {
		reasons.push(
			`active ${facts.damage_type!.replace('_', ' ')}: "${facts.signals[0] ?? facts.damage_type}"`,
		);
		if (facts.hazards.length) reasons.push(`hazards: ${facts.hazards.join(', ')}`);
		if (facts.uncertain) reasons.push('wording leaves doubt; a person should confirm');
	} else if (facts.damage_type) {
		reasons.push(
			facts.historic
				? `${facts.damage_type.replace('_', ' ')} mentioned as past or old damage, not active`
				: `${facts.damage_type.replace('_', ' ')} mentioned without signs of active damage`,
		);
	} else {
		reasons.push('no damage or hazard described');
	}

	const urgency = readUrgency(normalized, monthReceived);
	const escalate =
		isEmergency &&
		(severity === 'critical' || facts.uncertain || facts.damage_type === 'biohazard');
	if (escalate) reasons.push('escalated to a person');

	return {
		is_emergency: isEmergency,
		emergency_type: isEmergency ? facts.damage_type : null,
		severity,
		priority: isEmergency ? 10 : priorityFor(urgency.urgency, urgency.intensity),
		respond_within_minutes: isEmergency
			? severity === 'critical'
				? criticalDeadline
				: deadline
			: null,
		safety_instructions: isEmergency ? safetyInstructionsFor(facts.damage_type, facts.hazards) : [],
		escalate_to_human: escalate,
		// A copy: the reading is shared with the next agent and frozen; the item is the workflow's to change.
		hazards: isEmergency ? [...facts.hazards] : [],
		reasons,
	};
}

/** Triage one message. Rules by default; see the modes in docs/architecture.md. */
export async function triage(
	input: TriageInput,
	options: TriageOptions = {},
): Promise<TriageResult> {
	return (await triageAndShareReading(input, options)).triage;
}

/**
 * Triage one message, and return the model's reading of it (null in rules mode or when the
 * rules took over), which the Qualifier can use instead of asking again.
 */
export async function triageAndShareReading(
	input: TriageInput,
	options: TriageOptions = {},
): Promise<{ triage: TriageResult; reading: MessageReading | null }> {
	if (typeof input?.message !== 'string') {
		throw new TypeError('triage: "message" must be a string with the customer\'s text.');
	}
	const monthReceived = receivedMonth(input.received_at);
	const text = inReadingOrder(input.message);
	const normalized = normalize(text);
	const mode = options.mode ?? 'rules';
	const modelDecides = options.emergencyDecision === 'model';
	const rules = () => readDamageFacts(text, normalized);
	const outcome = await extractWithMode<DamageFacts, MessageReading>({
		mode,
		ai: options.ai,
		rules,
		request: readingRequest(input.message, input.channel),
		prior: options.earlierReading,
		// AI only: the model reads the message, but an emergency the rules see still counts.
		merge: (rulesFacts, reading) =>
			mergeAiFacts(
				rulesFacts ?? (mode === 'aiOnly' && !modelDecides ? rules() : null),
				reading.damage,
				modelDecides,
			),
	});
	return {
		triage: {
			...decideTriage(outcome.facts, normalized, options, monthReceived),
			source: outcome.source,
			llm_usage: outcome.usage,
			fallback_reason: outcome.fallback_reason,
		},
		reading: outcome.aiFacts,
	};
}

/** Synchronous rules-only triage, for the Qualifier and for hot paths. */
export function triageRules(message: string, options: TriageOptions = {}): TriageResult {
	const text = inReadingOrder(message);
	const normalized = normalize(text);
	return {
		...decideTriage(readDamageFacts(text, normalized), normalized, options),
		source: 'rules',
		llm_usage: emptyUsage(),
		fallback_reason: null,
	};
}
