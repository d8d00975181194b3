/**
 * Urgency and priority, the way a careful dispatcher reads them. Shared by the
 * Qualifier (urgency, priority) and the Triage agent (priority of a
 * non-emergency), so the two never disagree.
 */

import type { Urgency } from './vocabulary';

export interface UrgencyReading {
	/** The urgency the words give, before the emergency decision is applied. */
	urgency: Exclude<Urgency, 'emergency'>;
	/** Within the band, how pressing: 2 = today/asap, 1 = tomorrow/this week, 0 = plain. */
	intensity: 0 | 1 | 2;
	cue: string | null;
}

const HIGH_NOW: RegExp[] = [
	/\b(?:asap|urgent(?:ly)?|right away|immediately|as soon as (?:possible|you can)|today|tonight|this (?:morning|afternoon|evening)|same[- ]day|within (?:the )?(?:hour|next (?:few )?hours?|\d+ hours?)|rush job|in a rush|emergency)\b/,
	/\b(?:hoy|urgente|lo antes posible|cuanto antes|ahora mismo|de inmediato)\b/,
];
const HIGH_SOON: RegExp[] = [
	/\b(?:tomorrow|within (?:a|one|1|two|2|a couple(?: of)?|couple|48 hours?|24 hours?) (?:days?|hours?)|within (?:24|48) hours|next day|by (?:this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day|this (?:week|weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|by the weekend|before the weekend|before (?:this |next )?(?:mon|tues|wednes|thurs|fri|satur|sun)day|in (?:a|one|two|2|1) days?|day after tomorrow|quickly|soon as|need(?:ed)? (?:it|this|someone) soon|short notice|last[- ]minute)\b/,
	/\b(?:manana|esta semana|este fin de semana|pronto)\b/,
];
const LOW: RegExp[] = [
	/\b(?:no rush|no hurry|not (?:in a )?(?:rush|hurry|urgent)|whenever(?! (?:a|the|my|our|someone|they|we|i|he|she|it|there|tenants?|guests?)\b)|flexible|ballpark|just want (?:a|an) (?:quote|price|estimate|idea)|any ?time (?:is fine|works)|just (?:comparing|shopping|looking|getting|checking|curious|wondering|browsing)|comparing (?:prices|quotes|rates)|shopping around|(?:price|ballpark) (?:check|idea|estimate)|next (?:month|year|spring|summer|fall|autumn|winter|season)|sometime(?! (?:next week|this|today|tomorrow|soon))|later (?:this|in the) (?:year|month|season)|in (?:about |around |roughly )?(?:a few|a couple of|\d+|two|three|four|five|six) (?:weeks|months)|(?:few|couple of) months(?! ago)|down the (?:road|line)|eventually|planning ahead|in the future|not sure when|no (?:set|fixed) date|for future reference|just an? (?:estimate|quote|idea)|budgeting|gathering quotes|getting quotes)\b/,
	/\b(?:sin prisa|no hay prisa|el proximo mes|mas adelante|solo (?:comparando|cotizando))\b/,
];

/** Said outright, these win over any urgent-sounding word ("not urgent", "no rush"). */
const NOT_URGENT =
	/\b(?:not (?:urgent|in a (?:rush|hurry)|a rush|time[- ]sensitive)|nothing urgent|no (?:rush|hurry)|non[- ]urgent|sin prisa|no hay prisa|no es urgente)\b/;

/** "We had a fire drill today": a time word about something past says nothing about when the job is wanted. */
function aboutThePast(text: string, index: number): boolean {
	const clause =
		text
			.slice(Math.max(0, index - 60), index)
			.split(/[.!?;,]/)
			.pop() ?? '';
	return /\b(?:had|was|were|got|did|went|came|received|happened|left|called)\b/.test(clause);
}

export function readUrgency(normalized: string): UrgencyReading {
	const calm = NOT_URGENT.exec(normalized);
	if (calm) return { urgency: 'low', intensity: 0, cue: calm[0] };
	for (const p of HIGH_NOW) {
		const m = p.exec(normalized);
		if (m && !aboutThePast(normalized, m.index))
			return { urgency: 'high', intensity: 2, cue: m[0] };
	}
	for (const p of HIGH_SOON) {
		const m = p.exec(normalized);
		if (m) return { urgency: 'high', intensity: 1, cue: m[0] };
	}
	for (const p of LOW) {
		const m = p.exec(normalized);
		if (m) return { urgency: 'low', intensity: 0, cue: m[0] };
	}
	return { urgency: 'normal', intensity: 0, cue: null };
}

/**
 * Priority 1-10 from urgency: emergency 10, high 7-9, normal 4-6, low 1-3.
 * Within a band, a stronger lead (score) or a more pressing date moves it up.
 */
export function priorityFor(
	urgency: Urgency,
	intensity: number,
	leadScore: number | null = null,
): number {
	const lift = leadScore === null ? 1 : leadScore >= 75 ? 2 : leadScore >= 45 ? 1 : 0;
	switch (urgency) {
		case 'emergency':
			return 10;
		case 'high':
			return 7 + Math.min(2, Math.max(intensity, intensity === 0 ? lift : intensity));
		case 'normal':
			return 4 + lift;
		case 'low':
			return 1 + lift;
	}
}
