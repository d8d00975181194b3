import { z } from 'zod/v4';

import { llmUsageSchema } from '../shared/llm/client';
import {
	extractWithMode,
	SOURCES,
	type AgentOptionsBase,
	type EmergencyDecision,
} from '../shared/modes';
import { InputError } from '../shared/errors';
import { inReadingOrder } from '../shared/email';
import { normalize } from '../shared/text';
import { anyWord } from '../shared/words';
import { priorityFor, receivedMonth } from '../shared/urgency';
import {
	EMERGENCY_TYPES,
	FREQUENCIES,
	PROPERTY_TYPES,
	SERVICE_OF_DAMAGE,
	SERVICE_TYPES,
	URGENCIES,
	WEEKDAYS,
} from '../shared/vocabulary';
import { readDamageFacts } from '../shared/damage';
import {
	leadReadingSchema,
	readingRequest,
	type LeadReading,
	type MessageReading,
} from '../shared/reading';
import { extractLeadFacts, visitTimeIn, type LeadFacts } from './extract';
import { scoreLead } from './score';

/** A house number, a street name and a street type. */
const ADDRESS = new RegExp(`\\b\\d{1,6} [a-z0-9 .]{2,40}\\b${anyWord('street_types')}\\b`, 'i');

const budgetSchema = z.object({
	min: z.number().int().min(0).nullable(),
	max: z.number().int().min(0).nullable(),
});

export const qualificationSchema = z.object({
	lead_score: z.number().int().min(0).max(100),
	is_qualified: z.boolean(),
	service_type: z.enum(SERVICE_TYPES),
	property_type: z.enum(PROPERTY_TYPES).nullable(),
	is_emergency: z.boolean(),
	emergency_type: z.enum(EMERGENCY_TYPES).nullable(),
	urgency: z.enum(URGENCIES),
	priority: z.number().int().min(1).max(10),
	frequency: z.enum(FREQUENCIES).nullable(),
	visits_per_week: z
		.number()
		.int()
		.min(1)
		.max(7)
		.nullable()
		.describe(
			'Weekly service only: visits a week (3 for "three times a week"); null for other cadences.',
		),
	visit_weekdays: z
		.array(z.enum(WEEKDAYS))
		.nullable()
		.describe(
			'Weekly service: the days of the visits when the message names them, Monday first ("Mondays and Thursdays" is ["mon", "thu"]); every other week or monthly: the one day named ("Fridays" is ["fri"]); null otherwise.',
		),
	visit_time: z
		.string()
		.regex(/^([01]\d|2[0-3]):[0-5]\d$/)
		.nullable()
		.describe(
			'A recurring service: the local time of the visits when the message says it ("every Friday at 2pm" is "14:00"); null otherwise.',
		),
	bedrooms: z.number().min(0).nullable(),
	bathrooms: z.number().min(0).nullable(),
	square_feet: z.number().min(0).nullable(),
	budget: budgetSchema.nullable().describe('In cents.'),
	decision_maker: z.boolean().nullable(),
	wants_human: z.boolean(),
	returning_customer: z
		.boolean()
		.describe(
			"The customer booked with us before (the item's customer.returning, from Look Up the Customer).",
		),
	discount_request_pct: z.number().min(0).max(100).nullable(),
	missing_info: z.array(z.string()),
	ask_before_booking: z
		.array(z.enum(['address', 'bedrooms', 'bathrooms', 'square_feet']))
		.describe(
			'What must be known before the job is priced and booked without a person (an address, the size the price rests on); empty when nothing blocks.',
		),
	reasons: z.array(z.string()),
	source: z.enum(SOURCES),
	llm_usage: llmUsageSchema,
	fallback_reason: z.string().nullable(),
});
export type Qualification = z.infer<typeof qualificationSchema>;

export interface QualifyInput {
	message: string;
	channel?: string | null;
	customer?: {
		name?: string | null;
		email?: string | null;
		phone?: string | null;
		address?: string | null;
		/** Booked with us before (Booking Records' Look Up the Customer says so). */
		returning?: boolean | null;
	} | null;
	/** Facts the customer gave in a form (an ask-back's answers): they beat what is read from the message. */
	details?: KnownDetails | null;
	/**
	 * When the message came in (ISO 8601). A month named without a day ("starting in March") is
	 * read against it: two or more months later is low urgency. Without it, month names are not read.
	 */
	received_at?: string | null;
}

export interface KnownDetails {
	property_type?: (typeof PROPERTY_TYPES)[number] | null;
	bedrooms?: number | null;
	bathrooms?: number | null;
	square_feet?: number | null;
}

const DETAIL_BOUNDS = { bedrooms: 50, bathrooms: 50, square_feet: 2_000_000 } as const;

/** The details object of a case, checked: each wrong value names its field and the fix. */
export function readKnownDetails(value: unknown): KnownDetails | null {
	if (value === null || value === undefined) return null;
	if (typeof value !== 'object' || Array.isArray(value))
		throw new InputError(
			'details',
			'"details" is an object such as { "bedrooms": 3, "bathrooms": 2 } (the facts the customer gave in a form).',
		);
	const given = value as Record<string, unknown>;
	const details: KnownDetails = {};
	for (const key of Object.keys(DETAIL_BOUNDS) as Array<keyof typeof DETAIL_BOUNDS>) {
		const raw = given[key];
		if (raw === null || raw === undefined || raw === '') continue;
		const number = typeof raw === 'string' ? Number(raw.replace(/,/g, '')) : raw;
		if (
			typeof number !== 'number' ||
			!Number.isFinite(number) ||
			number < 0 ||
			number > DETAIL_BOUNDS[key]
		)
			throw new InputError(
				`details.${key}`,
				`"details.${key}" is a number from 0 to ${DETAIL_BOUNDS[key].toLocaleString('en-US')}; got ${JSON.stringify(raw)}.`,
			);
		details[key] = number;
	}
	const property = given.property_type;
	if (property !== null && property !== undefined && property !== '') {
		if (!(PROPERTY_TYPES as readonly unknown[]).includes(property))
			throw new InputError(
				'details.property_type',
				`"details.property_type" is one of ${PROPERTY_TYPES.join(', ')}; got ${JSON.stringify(property)}.`,
			);
		details.property_type = property as KnownDetails['property_type'];
	}
	return details;
}

/** The facts with what the customer told us in a form put over what the message said. */
function withDetails(facts: LeadFacts, details: KnownDetails | null | undefined): LeadFacts {
	if (!details) return facts;
	const merged = { ...facts };
	for (const key of ['property_type', 'bedrooms', 'bathrooms', 'square_feet'] as const)
		if (details[key] !== null && details[key] !== undefined)
			(merged as Record<string, unknown>)[key] = details[key];
	return merged;
}

export interface QualifyOptions extends AgentOptionsBase {
	/** A lead at or above this score is qualified. */
	qualifiedThreshold?: number;
	/**
	 * In the AI modes, who decides an emergency: `rulesOrModel` (the default: an emergency either
	 * finds is one; the model can add one the rules missed, never remove one they found) or
	 * `model` (the model's reading stands).
	 */
	emergencyDecision?: EmergencyDecision;
	/** The model's reading of this message made earlier for the item (no call is made then). */
	earlierReading?: MessageReading | null;
}

export const QUALIFY_DEFAULTS = { qualifiedThreshold: 60 };

/** What the model is asked for about the lead (its part of the shared reading). */
export const qualifierAiFactsSchema = leadReadingSchema;
type QualifierAiFacts = LeadReading;

function mergeAiFacts(
	rules: LeadFacts | null,
	ai: QualifierAiFacts,
	modelDecidesEmergency: boolean,
): { facts: LeadFacts; usedRules: boolean } {
	const budget =
		ai.budget_min_dollars === null && ai.budget_max_dollars === null
			? null
			: {
					min: ai.budget_min_dollars === null ? null : Math.round(ai.budget_min_dollars * 100),
					max: ai.budget_max_dollars === null ? null : Math.round(ai.budget_max_dollars * 100),
				};
	const fromAi: LeadFacts = {
		service_type: ai.service_type,
		property_type: ai.property_type,
		is_emergency: ai.is_emergency && ai.emergency_type !== null,
		emergency_type: ai.is_emergency ? ai.emergency_type : null,
		urgency: ai.is_emergency && ai.emergency_type !== null ? 'emergency' : ai.urgency,
		urgency_intensity: ai.urgency === 'high' ? 1 : 0,
		frequency: ai.frequency,
		visits_per_week: ai.visits_per_week,
		visit_weekdays: ai.visit_weekdays,
		bedrooms: ai.bedrooms,
		bathrooms: ai.bathrooms,
		square_feet: ai.square_feet === null ? null : Math.round(ai.square_feet),
		budget,
		decision_maker: ai.decision_maker,
		wants_human: ai.wants_human,
		discount_request_pct: ai.discount_request_pct,
		price_shopping: ai.price_shopping,
		off_topic: ai.service_type === 'other' && !ai.is_emergency,
	};
	if (!rules) return { facts: fromAi, usedRules: false };

	let usedRules = false;
	const fill = <K extends keyof LeadFacts>(key: K) => {
		if (fromAi[key] === null && rules[key] !== null) {
			(fromAi as unknown as Record<string, unknown>)[key] = rules[key];
			usedRules = true;
		}
	};
	(
		[
			'property_type',
			'frequency',
			'visits_per_week',
			'visit_weekdays',
			'bedrooms',
			'bathrooms',
			'square_feet',
			'budget',
			'decision_maker',
			'discount_request_pct',
		] as const
	).forEach(fill);
	if (fromAi.service_type === 'other' && rules.service_type !== 'other') {
		fromAi.service_type = rules.service_type;
		fromAi.off_topic = false;
		usedRules = true;
	}
	// Safety first: an emergency the rules see is never dropped by the model.
	if (rules.is_emergency && !fromAi.is_emergency && !modelDecidesEmergency) {
		fromAi.is_emergency = true;
		fromAi.emergency_type = rules.emergency_type;
		fromAi.urgency = 'emergency';
		fromAi.service_type = rules.service_type;
		usedRules = true;
	}
	if (rules.wants_human && !fromAi.wants_human) {
		fromAi.wants_human = true;
		usedRules = true;
	}
	fromAi.urgency_intensity =
		rules.urgency === fromAi.urgency ? rules.urgency_intensity : fromAi.urgency_intensity;
	return { facts: fromAi, usedRules };
}

/** The decision part, always code: score, qualification, priority and what to ask next. */
/**
 * An e-mail address in the text. Bounded, and anchored at the start of a run, so that a long
 * run of letters or digits is scanned once, not once per position (time linear in the length).
 */
const EMAIL_IN_TEXT = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{1,63}/;
/** Ten digits, as phone numbers are written (each try looks at most 30 characters ahead). */
const PHONE_IN_TEXT = /(?:\+?\d[\s().-]?){10}/;

export function decideQualification(
	readFacts: LeadFacts,
	input: QualifyInput,
	options: QualifyOptions = {},
) {
	const facts = withDetails(readFacts, input.details);
	const threshold = options.qualifiedThreshold ?? QUALIFY_DEFAULTS.qualifiedThreshold;
	const customer = input.customer ?? {};
	const text = input.message ?? '';
	const contact = {
		hasEmail: Boolean(customer.email) || EMAIL_IN_TEXT.test(text),
		hasPhone: Boolean(customer.phone) || PHONE_IN_TEXT.test(text) || input.channel === 'sms',
		hasAddress: Boolean(customer.address) || ADDRESS.test(text),
		hasName: Boolean(customer.name),
		returning: customer.returning === true,
	};
	const { lead_score, reasons, missing_info, ask_before_booking } = scoreLead(facts, contact);
	return {
		lead_score,
		is_qualified: lead_score >= threshold,
		service_type: facts.service_type,
		property_type: facts.property_type,
		is_emergency: facts.is_emergency,
		emergency_type: facts.emergency_type,
		urgency: facts.urgency,
		priority: priorityFor(facts.urgency, facts.urgency_intensity, lead_score),
		frequency: facts.frequency,
		// Only a weekly service has visits a week; a weekly one with none stated has one.
		visits_per_week:
			facts.frequency === 'weekly'
				? (facts.visits_per_week ?? facts.visit_weekdays?.length ?? 1)
				: null,
		// Named days are kept only when they agree with the count (every other week or monthly: one day).
		visit_weekdays:
			facts.visit_weekdays?.length &&
			((facts.frequency === 'weekly' &&
				facts.visit_weekdays.length === (facts.visits_per_week ?? facts.visit_weekdays.length)) ||
				((facts.frequency === 'biweekly' || facts.frequency === 'monthly') &&
					facts.visit_weekdays.length === 1))
				? WEEKDAYS.filter((d) => facts.visit_weekdays!.includes(d))
				: null,
		// The time of a recurring visit, as the message says it (read by code in every mode).
		visit_time:
			facts.frequency && facts.frequency !== 'one_time' ? visitTimeIn(normalize(text)) : null,
		bedrooms: facts.bedrooms,
		bathrooms: facts.bathrooms,
		square_feet: facts.square_feet,
		budget: facts.budget,
		decision_maker: facts.decision_maker,
		wants_human: facts.wants_human,
		returning_customer: contact.returning,
		discount_request_pct: facts.discount_request_pct,
		missing_info,
		ask_before_booking,
		reasons: [...reasons, `qualified when score >= ${threshold}`],
	};
}

/** Qualify one inquiry. Rules by default; see the modes in docs/architecture.md. */
export async function qualify(
	input: QualifyInput,
	options: QualifyOptions = {},
): Promise<Qualification> {
	return (await qualifyAndShareReading(input, options)).qualification;
}

/**
 * Qualify one inquiry, and return the model's reading of the message (null in rules mode or
 * when the rules took over), which the Triage agent can use instead of asking again.
 */
export async function qualifyAndShareReading(
	input: QualifyInput,
	options: QualifyOptions = {},
): Promise<{ qualification: Qualification; reading: MessageReading | null }> {
	checkMessage(input);
	const text = inReadingOrder(input.message);
	const normalized = normalize(text);
	const mode = options.mode ?? 'rules';
	const modelDecides = options.emergencyDecision === 'model';
	const outcome = await extractWithMode<LeadFacts, MessageReading>({
		mode,
		ai: options.ai,
		rules: () => extractLeadFacts(text, normalized, receivedMonth(input.received_at)),
		request: readingRequest(input.message, input.channel),
		prior: options.earlierReading,
		merge: (rules, reading) => mergeAiFacts(rules, reading.lead, modelDecides),
	});
	let { facts, source } = outcome;
	// AI only: the model reads everything, but an emergency the damage rules see still counts.
	if (mode === 'aiOnly' && !modelDecides && !facts.is_emergency) {
		const damage = readDamageFacts(text, normalized);
		if (damage.active && damage.damage_type) {
			facts = {
				...facts,
				is_emergency: true,
				emergency_type: damage.damage_type,
				urgency: 'emergency',
				service_type: SERVICE_OF_DAMAGE[damage.damage_type],
				off_topic: false,
			};
			source = 'ai+rules';
		}
	}
	return {
		qualification: {
			...decideQualification(facts, input, options),
			source,
			llm_usage: outcome.usage,
			fallback_reason: outcome.fallback_reason,
		},
		reading: outcome.aiFacts,
	};
}

/** Synchronous rules-only path (benchmarks, hot loops). Same result as qualify() in rules mode. */
function checkMessage(input: QualifyInput): void {
	if (typeof input?.message !== 'string')
		throw new InputError(
			'message',
			`"message" must be a string with the customer's text; got ${input?.message === undefined ? 'nothing' : input.message === null ? 'null' : typeof input.message}. Map the field that holds it, e.g. {{ $json.body.message }}.`,
		);
}

export function qualifyRules(input: QualifyInput, options: QualifyOptions = {}): Qualification {
	checkMessage(input);
	const text = inReadingOrder(input.message);
	const facts = extractLeadFacts(text, normalize(text), receivedMonth(input.received_at));
	return {
		...decideQualification(facts, input, options),
		source: 'rules',
		llm_usage: { calls: 0, prompt_tokens: 0, completion_tokens: 0 },
		fallback_reason: null,
	};
}
