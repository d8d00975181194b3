/**
 * Urgency and priority, the way a careful dispatcher reads them. Shared by the
 * Qualifier (urgency, priority) and the Triage agent (priority of a
 * non-emergency), so the two never disagree.
 */

import { InputError } from './errors';
import type { Urgency } from './vocabulary';
import { anyWord, MONTHS, SEASONS, wordPattern, wordPatterns } from './words';

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

/** "Starting in March", "mid-February", "para marzo": a month named without a day (a day after it makes a date). */
const MONTH_NAMED = new RegExp(
	`\\b${anyWord('month_lead_ins')}[ -](${Object.keys(MONTHS).join('|')})\\b(?! ?\\d{1,2}(?:st|nd|rd|th)?\\b)`,
	'g',
);

const SEASON_NAMES = Object.keys(SEASONS).join('|');
/** "Sometime in the spring", "by summer", "spring is fine": a season named as when, read as the month it begins. */
const SEASON_NAMED = new RegExp(
	`\\b${anyWord('season_lead_ins')} (?:the |la |el )?(${SEASON_NAMES})\\b|\\b(${SEASON_NAMES}) ${anyWord('season_is_fine')}\\b`,
	'g',
);

/**
 * A month or a season named as when the job is wanted, two or more months after the month the
 * message came in: a month or more away. "In January" said in December is next month, a few
 * weeks off; "in the spring" said in December begins in March.
 */
function farMonth(text: string, receivedMonth: number): string | null {
	const named = [
		...[...text.matchAll(MONTH_NAMED)].map((m) => ({ month: MONTHS[m[1]], match: m })),
		...[...text.matchAll(SEASON_NAMED)].map((m) => ({ month: SEASONS[m[1] ?? m[2]], match: m })),
	];
	for (const { month, match } of named) {
		const ahead = (month - receivedMonth + 12) % 12;
		if (ahead >= 2 && !aboutThePast(text, match.index)) return match[0];
	}
	return null;
}

/**
 * Whether `pattern` occurs in the clause before `index`, reaching back at most `reach`
 * characters and no further than the last of `stops` (a sentence or clause mark).
 */
function saidJustBefore(
	text: string,
	index: number,
	reach: number,
	pattern: RegExp,
	// A form's fields ("Service: nightly | Start: ASAP") are clauses of their own.
	stops = /[.!?;,|]/,
): boolean {
	const clause =
		text
			.slice(Math.max(0, index - reach), index)
			.split(stops)
			.pop() ?? '';
	return pattern.test(clause);
}

/** "We had a fire drill today": a time word about something past says nothing about when the job is wanted. */
const aboutThePast = (text: string, index: number) => saidJustBefore(text, index, 60, PAST);

/** The time word says when the customer wants to hear from us, not when the job is wanted. */
const aboutACall = (text: string, index: number) => saidJustBefore(text, index, 40, CONTACT);

const ROUTINE = wordPattern('every_day');
/** "Every morning before we open at 11": a time in a routine is when each visit happens, not how soon. */
const aboutARoutine = (text: string, index: number) => saidJustBefore(text, index, 30, ROUTINE);

/** The time word is part of a what-if about damage (in its sentence), not when the job is wanted. */
const aboutAWhatIf = (text: string, index: number) =>
	saidJustBefore(text, index, 80, CONDITIONAL, /[.!?;]/);

/**
 * `receivedMonth` (1-12), the month the message came in, lets a month named without a day be
 * read; without it, month names say nothing (the result does not depend on the clock).
 */
export function readUrgency(
	normalized: string,
	receivedMonth: number | null = null,
): UrgencyReading {
	const calm = NOT_URGENT.exec(normalized);
	if (calm) return { urgency: 'low', intensity: 0, cue: calm[0] };
	for (const p of HIGH_NOW) {
		const m = p.exec(normalized);
		if (
			m &&
			!aboutThePast(normalized, m.index) &&
			!aboutACall(normalized, m.index) &&
			!aboutAWhatIf(normalized, m.index) &&
			!aboutARoutine(normalized, m.index)
		)
			return { urgency: 'high', intensity: 2, cue: m[0] };
	}
	for (const p of HIGH_SOON) {
		const m = p.exec(normalized);
		if (
			m &&
			!aboutACall(normalized, m.index) &&
			!aboutAWhatIf(normalized, m.index) &&
			!aboutARoutine(normalized, m.index)
		)
			return { urgency: 'high', intensity: 1, cue: m[0] };
	}
	for (const p of LOW) {
		const m = p.exec(normalized);
		if (m) return { urgency: 'low', intensity: 0, cue: m[0] };
	}
	const far = receivedMonth === null ? null : farMonth(normalized, receivedMonth);
	if (far) return { urgency: 'low', intensity: 0, cue: far };
	return { urgency: 'normal', intensity: 0, cue: null };
}

/** The month (1-12, UTC) a message came in, from its `received_at`; null when none is given. */
export function receivedMonth(receivedAt: unknown): number | null {
	if (receivedAt === undefined || receivedAt === null || receivedAt === '') return null;
	const ms = typeof receivedAt === 'string' ? Date.parse(receivedAt) : Number.NaN;
	if (Number.isNaN(ms))
		throw new InputError(
			'received_at',
			`"received_at" must be when the message came in, a date and time such as 2026-12-07T15:00:00Z; got ${JSON.stringify(receivedAt)}. Map the case's received_at, or leave it empty.`,
		);
	return new Date(ms).getUTCMonth() + 1;
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
