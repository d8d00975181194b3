/**
 * Urgency and priority, the way a careful dispatcher reads them. Shared by the
 * Qualifier (urgency, priority) and the Triage agent (priority of a
 * non-emergency), so the two never disagree.
 */

import type { Urgency } from './vocabulary';
import { wordPattern, wordPatterns } from './words';

export interface UrgencyReading {
	/** The urgency the words give, before the emergency decision is applied. */
	urgency: Exclude<Urgency, 'emergency'>;
	/** Within the band, how pressing: 2 = today/asap, 1 = tomorrow/this week, 0 = plain. */
	intensity: 0 | 1 | 2;
	cue: string | null;
}

const HIGH_NOW = wordPatterns('urgency_now');
const HIGH_SOON = wordPatterns('urgency_soon');
const LOW = wordPatterns('urgency_low');
/** Said outright, these win over any urgent-sounding word ("not urgent", "no rush"). */
const NOT_URGENT = wordPattern('not_urgent');
const PAST = wordPattern('past_events');
/** "A manager to call me today": the time is when they want a call, not the job. */
const CONTACT = wordPattern('contact_requests');
/** "If our basement floods this weekend can you come the same day?": a time inside a what-if. */
const CONDITIONAL = wordPattern('damage_conditional');

/** "We had a fire drill today": a time word about something past says nothing about when the job is wanted. */
function aboutThePast(text: string, index: number): boolean {
	const clause =
		text
			.slice(Math.max(0, index - 60), index)
			.split(/[.!?;,]/)
			.pop() ?? '';
	return PAST.test(clause);
}

/** The time word says when the customer wants to hear from us, not when the job is wanted. */
function aboutACall(text: string, index: number): boolean {
	const clause =
		text
			.slice(Math.max(0, index - 40), index)
			.split(/[.!?;,]/)
			.pop() ?? '';
	return CONTACT.test(clause);
}

/** The time word is part of a what-if about damage, not when the job is wanted. */
function aboutAWhatIf(text: string, index: number): boolean {
	const sentence =
		text
			.slice(Math.max(0, index - 80), index)
			.split(/[.!?;]/)
			.pop() ?? '';
	return CONDITIONAL.test(sentence);
}

export function readUrgency(normalized: string): UrgencyReading {
	const calm = NOT_URGENT.exec(normalized);
	if (calm) return { urgency: 'low', intensity: 0, cue: calm[0] };
	for (const p of HIGH_NOW) {
		const m = p.exec(normalized);
		if (
			m &&
			!aboutThePast(normalized, m.index) &&
			!aboutACall(normalized, m.index) &&
			!aboutAWhatIf(normalized, m.index)
		)
			return { urgency: 'high', intensity: 2, cue: m[0] };
	}
	for (const p of HIGH_SOON) {
		const m = p.exec(normalized);
		if (m && !aboutAWhatIf(normalized, m.index))
			return { urgency: 'high', intensity: 1, cue: m[0] };
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
