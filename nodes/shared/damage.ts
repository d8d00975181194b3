/**
 * Reading a message the way a dispatcher listens to a caller: not for keywords but for the
 * facts that make damage an emergency. What is escaping or growing (water, sewage, smoke,
 * fire, mould, a biohazard, storm water); whether it is still happening, just happened, or has
 * stopped and dried; whether it is small and contained; who is at risk; whether a business must
 * open or an authority has closed it. Talk that is not about real damage is set aside first:
 * figures of speech ("looks like a crime scene"), hypotheticals ("if a pipe burst, how fast
 * would you come?") and plans ("ready for hurricane season").
 *
 * The facts are combined by a score (docs/agents/triage.md explains it):
 *   +3  the damage is said to be escaping or growing (pouring, backing up, still coming in)
 *   +1  a kind of damage is named, literally
 *   +1  each: it is recent (this morning, last night, hours ago) or the customer asks to hurry,
 *       people at risk (children, the elderly, someone pregnant or ill), a business that must open
 *   +2  an authority has closed the place (health inspector, fire marshal)
 *   it does not count when the latest thing said about it is that it is over (dried out, cleaned
 *   up, back to normal, fixed weeks ago) or small and contained (a towel's worth, into the pan).
 * A named kind with a score of 2 or more is an emergency; without the +3 a person confirms it.
 * Every word is data (words/en.ts, words/es.ts), so a new phrasing is a new line in a list.
 */
import { affirmedMatch, negatedAt, normalize } from './text';
import type { EmergencyType, Hazard } from './vocabulary';
import { anyWord, phrasePatterns, wordPattern } from './words';
import { remembered } from './remembered';

/** The facts a dispatcher listens for, as the message states them. */
export interface Situation {
	/** The damage is said to be escaping, spreading or standing now. */
	escaping: boolean;
	/** It just happened, or the customer asks to hurry. */
	recent: boolean;
	/** The latest word on it: it is over (dried, cleaned up, fixed long ago). */
	over: boolean;
	/** The latest word on it: it is small and contained. */
	contained: boolean;
	/** Children, the elderly, someone pregnant, ill or hurt. */
	people_at_risk: boolean;
	/** A business that must open soon. */
	must_open: boolean;
	/** A health inspector, fire marshal or the city has closed the place. */
	closed_by_authority: boolean;
	/** Damage talk set aside: figures of speech, hypotheticals and plans. */
	set_aside: string[];
	/** A kind of damage named only in a question or a plan ("do you handle floods?"). */
	asked_about: EmergencyType | null;
	/** The score above; an emergency from 2 with a kind of damage named. */
	score: number;
}

/** A situation with no facts found (what a model's reading starts from). */
export function emptySituation(): Situation {
	return {
		escaping: false,
		recent: false,
		over: false,
		contained: false,
		people_at_risk: false,
		must_open: false,
		closed_by_authority: false,
		set_aside: [],
		asked_about: null,
		score: 0,
	};
}

/** The first kind of damage the set-aside questions and plans name. */
function askedAbout(questions: string[]): EmergencyType | null {
	if (!questions.length) return null;
	const text = questions.join(' . ');
	if (!NAMES_DAMAGE.test(text)) return null;
	return RULES.find((rule) => rule.mention.some((p) => p.test(text)))?.type ?? null;
}

/** What the message says about damage, before any policy is applied. */
export interface DamageFacts {
	/** The kind of damage or hazard the message describes, active or not. */
	damage_type: EmergencyType | null;
	/** The damage is happening now or just happened and needs same-day response. */
	active: boolean;
	/** The damage is described as old, past, dealt with, or small and contained. */
	historic: boolean;
	hazards: Hazard[];
	/** The phrases that led to the decision, for the reasons list. */
	signals: string[];
	/** Damage words were found but the wording leaves doubt (a dispatcher should look). */
	uncertain: boolean;
	situation: Situation;
}

/** Figures of speech and look-alikes that mention damage words without damage. */
const FALSE_FRIENDS: RegExp[] = [
	...phrasePatterns('damage_false_friends', 'g'),
	// "On fire with orders", "on fire lately": a figure of speech, before a word that says so.
	/\bon fire\b(?= (?:with|lately|this|today|at)\b)/g,
];

/** A sentence: up to an end mark, a bar (form fields) or a line's end. */
const SENTENCE = /[^.!?;|]+/g;
/** A clause: a sentence, also cut where the story turns ("..., but", "and now"). */
const TURN = wordPattern('clause_turns').source;
const CLAUSE = new RegExp(`(?:${TURN})?(?:(?!${TURN})[^.!?;|])+`, 'g');

/** Talk about damage that is not happening: from the cue to the end of its sentence. */
const HYPOTHETICAL = new RegExp(
	`(?:${wordPattern('damage_hypothetical').source}|${wordPattern('damage_conditional').source})[^.!?;|]*`,
	'g',
);
/** A joke marker ("lol") makes its whole sentence a figure of speech. */
const JOKE = wordPattern('damage_joke');
const PRESENT = new RegExp(
	`${wordPattern('damage_escaping').source}|${wordPattern('damage_now').source}`,
);

/**
 * Water said to flow a few words after it is named ("water from the unit upstairs keeps
 * dripping", "el agua del tinaco está cayendo"), not a water heater or the water bill, and not
 * across a negation ("the water upstairs is not leaking").
 */
const WATER_FLOWING = new RegExp(
	`\\b${anyWord('flowing_subjects')}\\b(?! ${anyWord('flowing_subject_not')}\\b)(?: (?!${anyWord('negation')}\\b)[^ .!?;|]+){0,5}? ${anyWord('flowing_verbs')}\\b`,
);

interface TypeRule {
	type: EmergencyType;
	/** Words that name this damage (active or not). */
	named: RegExp[];
	/** The named words and the active phrases the named words do not cover. */
	mention: RegExp[];
	/** The active phrases not among the named words. */
	activeOnly: RegExp[];
	/** Phrases that describe the damage as happening now. */
	active: RegExp[];
}

/** A rule whose mentions include its active phrases: a phrase that says damage is happening names it. */
function ruleOf(type: EmergencyType, named: RegExp[], active: RegExp[]): TypeRule {
	const listed = new Set(named.map((p) => p.source));
	const activeOnly = active.filter((p) => !listed.has(p.source));
	return { type, named, mention: [...named, ...activeOnly], activeOnly, active };
}

const RULES: TypeRule[] = [
	ruleOf('sewage', phrasePatterns('sewage_named'), phrasePatterns('sewage_active')),
	ruleOf('fire_damage', phrasePatterns('fire_named'), phrasePatterns('fire_active')),
	// Bare "blood" or droppings name the hazard without saying it is there now.
	ruleOf('biohazard', phrasePatterns('biohazard_named'), phrasePatterns('biohazard_active')),
	ruleOf('storm', phrasePatterns('storm_named'), phrasePatterns('storm_active')),
	// Mold alone is a planned job; it is an emergency when it is a health hazard or spreading fast.
	ruleOf('mold', phrasePatterns('mold_named'), phrasePatterns('mold_active')),
	ruleOf(
		'water_damage',
		[...phrasePatterns('water_named'), WATER_FLOWING],
		[...phrasePatterns('water_active'), WATER_FLOWING],
	),
];

/**
 * One pattern for many whole-word patterns: their common leading word boundary is checked once
 * per position instead of once per alternative (a profile put a third less time in the longest).
 */
function unionOf(sources: string[], flags = ''): RegExp {
	const allAtBoundary = sources.every((source) => source.startsWith('\\b'));
	return allAtBoundary
		? new RegExp(`\\b(?:${sources.map((source) => source.slice(2)).join('|')})`, flags)
		: new RegExp(sources.join('|'), flags);
}

/** Whether any of these patterns matches: `test` as on one pattern. */
function anyOfUnions(patterns: RegExp[]): { test(text: string): boolean } {
	return { test: (text) => patterns.some((p) => p.test(text)) };
}

/** Any kind of damage named (to mark the clauses that name one). */
const NAMES_DAMAGE = anyOfUnions([
	unionOf(RULES.flatMap((rule) => rule.named.map((p) => p.source))),
	// Apart: one union of both lists is past a size where V8 runs the pattern about 3x slower.
	unionOf(RULES.flatMap((rule) => rule.activeOnly.map((p) => p.source))),
]);

/** Everything that says damage is escaping or standing now, every kind and the general words. */
const ESCAPING = unionOf(
	[
		...['sewage', 'fire', 'biohazard', 'storm', 'mold', 'water'].map(
			(kind) => wordPattern(`${kind}_active` as 'water_active').source,
		),
		wordPattern('damage_escaping').source,
		WATER_FLOWING.source,
	],
	'g',
);
/** Past in time: counts only in a sentence that names the damage ("fixed 3 weeks ago"). */
const LONG_AGO = wordPattern('damage_in_the_past', 'g');
const LONG_AGO_ONCE = wordPattern('damage_in_the_past');
/** Over: counts wherever it is said ("everything's back to normal now"). */
const OVER = wordPattern('damage_over', 'g');
const CONTAINED = wordPattern('damage_contained', 'g');
/** Water the customer describes as dirty: sewage, whatever word they use for it. */
const SEWAGE_LOOKS = wordPattern('sewage_described');
/** Weather that let the water in: storm damage, not a plumbing leak. */
const WEATHER = wordPattern('storm_weather');

const ACUTE_TIME = wordPattern('damage_happening_now');
const PEOPLE_AT_RISK = wordPattern('people_vulnerable');
const MUST_OPEN = wordPattern('business_must_open');
const CLOSED = wordPattern('closed_by_authority');
const CLOSED_ALL = wordPattern('closed_by_authority', 'g');
const CLOSED_NOW = /clos|shut|clausur|cerr|condemn|red[- ]?tag/;

/** Smoke from tobacco or a grill, with no fire named, is an odour or a film to clean, not fire damage. */
const SMOKE_WITHOUT_FIRE = wordPattern('smoke_without_fire');
const FIRE_ITSELF = wordPattern('fire_itself');
const SYMPTOMS = wordPattern('health_symptoms');
const HAZARD_RULES: Array<[Hazard, RegExp]> = [
	['electrical', wordPattern('hazard_electrical')],
	['gas', wordPattern('hazard_gas')],
	['structural', wordPattern('hazard_structural')],
	['health', new RegExp(`${SYMPTOMS.source}|${wordPattern('hazard_health').source}`)],
	['fire_active', wordPattern('hazard_fire_active')],
	['people_at_risk', wordPattern('hazard_people_at_risk')],
];

/** Removes look-alike phrases so that they cannot trigger a damage rule. */
function stripFalseFriends(text: string): string {
	let t = text;
	for (const p of FALSE_FRIENDS) t = t.replace(p, ' ');
	return t;
}

/** Blanks hypotheticals and joking sentences (same length, so positions still line up). */
function setAside(text: string, setAsideList: string[], questions: string[]): string {
	const blank = (s: string) => {
		setAsideList.push(s.trim().slice(0, 60));
		return ' '.repeat(s.length);
	};
	// A "what if" next to damage that is escaping now is not a hypothetical ("do you do
	// emergencies? water is pouring in right now" on one line): recall comes first.
	let t = text.replace(HYPOTHETICAL, (segment) => {
		if (PRESENT.test(segment)) return segment;
		questions.push(segment);
		return blank(segment);
	});
	t = t.replace(SENTENCE, (sentence) =>
		JOKE.test(sentence) && !PRESENT.test(sentence) ? blank(sentence) : sentence,
	);
	return t;
}

interface Sentence {
	start: number;
	end: number;
	namesDamage: boolean;
	/** Names the damage and puts it long ago ("a small fire two years ago ... smoke stains"). */
	longAgo: boolean;
}

/**
 * The end of the last affirmed (not negated) match in the text, or -1. With `sentences`, only
 * matches inside a sentence that `counts` count. Matches and sentences are both in text
 * order, so one pass over each.
 */
function lastAffirmedEnd(
	text: string,
	pattern: RegExp,
	sentences?: Sentence[],
	counts: (sentence: Sentence) => boolean = () => true,
): number {
	let last = -1;
	let sentence = 0;
	pattern.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = pattern.exec(text)) !== null) {
		if (m[0].length === 0) {
			pattern.lastIndex++;
			continue;
		}
		const at = m.index;
		if (sentences) {
			while (sentence < sentences.length && sentences[sentence].end <= at) sentence++;
			const s = sentences[sentence];
			if (!s || at < s.start || !counts(s)) continue;
		}
		if (!negatedAt(text, at)) last = at + m[0].length;
	}
	return last;
}

const anyOfPatterns = new WeakMap<RegExp[], RegExp>();

/** The first affirmed match of the first pattern that has one, in the patterns' order. */
function firstAffirmed(text: string, patterns: RegExp[]): RegExpExecArray | null {
	// One pattern for the whole list tells first whether any phrase is there at all.
	let any = anyOfPatterns.get(patterns);
	if (!any) {
		any = unionOf(patterns.map((p) => p.source));
		anyOfPatterns.set(patterns, any);
	}
	if (!any.test(text)) return null;
	for (const p of patterns) {
		const m = affirmedMatch(text, p);
		if (m) return m;
	}
	return null;
}

/** The clauses of the text, each marked if it names a kind of damage and puts it long ago. */
function sentencesOf(text: string, keepsLongAgo: boolean): Sentence[] {
	const out: Sentence[] = [];
	CLAUSE.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = CLAUSE.exec(text)) !== null) {
		const s = m[0];
		const namesDamage = NAMES_DAMAGE.test(s);
		const previous = out.at(-1);
		// A clause after a turn ("..., but not a lot") speaks of what its sentence named.
		const sameSentence = previous !== undefined && !/[.!?;|]/.test(text[m.index - 1] ?? '.');
		out.push({
			start: m.index,
			end: m.index + s.length,
			namesDamage: namesDamage || (sameSentence && previous.namesDamage),
			longAgo: namesDamage && !keepsLongAgo && LONG_AGO_ONCE.test(s) && !PRESENT.test(s),
		});
	}
	return out;
}

/**
 * Reads damage facts from a message. Pure and deterministic: the same words always give the
 * same facts, and no figure of speech raises an alarm. Time grows with the message's length.
 */
export function readDamageFacts(message: string, normalized = normalize(message)): DamageFacts {
	return readingOf(normalized);
}

/** Kept for the next agent that reads the same text; frozen, since it is shared. */
const readingOf = remembered(32, (normalized: string) => {
	const facts = readNormalized(normalized);
	Object.freeze(facts.hazards);
	Object.freeze(facts.signals);
	Object.freeze(facts.situation.set_aside);
	Object.freeze(facts.situation);
	return Object.freeze(facts);
});

function readNormalized(normalized: string): DamageFacts {
	const setAsideList: string[] = [];
	const questions: string[] = [];
	const text = setAside(stripFalseFriends(normalized), setAsideList, questions);
	const signals: string[] = [];
	let damageType: EmergencyType | null = null;
	let firstMention: EmergencyType | null = null;
	let moldNamed = false;

	// Most messages name no damage at all: one pattern tells, before the rules look kind by kind.
	const namesAny = NAMES_DAMAGE.test(text);
	const smokeWithoutFire = namesAny && SMOKE_WITHOUT_FIRE.test(text) && !FIRE_ITSELF.test(text);
	for (const rule of namesAny ? RULES : []) {
		if (rule.type === 'fire_damage' && smokeWithoutFire) continue;
		const mention = firstAffirmed(text, rule.mention);
		if (!mention) continue;
		if (rule.type === 'mold') moldNamed = true;
		firstMention ??= rule.type;
		const activeHit = firstAffirmed(text, rule.active);
		if (activeHit) {
			damageType = rule.type;
			signals.push(activeHit[0].trim());
			break;
		}
		signals.push(mention[0].trim());
	}
	damageType ??= firstMention;
	// What the water looks like or where it came from names the kind better than the word "water".
	if (damageType === 'water_damage' && SEWAGE_LOOKS.test(text)) damageType = 'sewage';
	else if (damageType === 'water_damage' && WEATHER.test(text)) damageType = 'storm';

	// A biohazard stays a hazard until it is cleaned, however long ago it began.
	const sentences = damageType ? sentencesOf(text, damageType === 'biohazard') : [];
	const namesDamage = (s: Sentence) => s.namesDamage;
	// What a sentence puts long ago is not escaping now, whatever order its words come in.
	const escapingEnd = damageType
		? lastAffirmedEnd(text, ESCAPING, sentences, (s) => !s.longAgo)
		: -1;
	const overEnd = damageType
		? Math.max(
				lastAffirmedEnd(text, OVER),
				lastAffirmedEnd(text, LONG_AGO, sentences, (s) => s.longAgo),
			)
		: -1;
	const containedEnd = damageType ? lastAffirmedEnd(text, CONTAINED, sentences, namesDamage) : -1;
	const escaping = escapingEnd > Math.max(overEnd, containedEnd);
	const over = overEnd >= 0 && overEnd >= containedEnd && overEnd > escapingEnd;
	const contained = containedEnd >= 0 && containedEnd > overEnd && containedEnd > escapingEnd;

	const acute = ACUTE_TIME.exec(text);
	const situation: Situation = {
		escaping,
		recent: acute !== null,
		over,
		contained,
		people_at_risk: PEOPLE_AT_RISK.test(text),
		must_open: MUST_OPEN.test(text),
		closed_by_authority: CLOSED.test(text),
		set_aside: setAsideList,
		asked_about: askedAbout(questions),
		score: 0,
	};
	situation.score =
		damageType === null || over || contained
			? 0
			: (escaping ? 3 : 0) +
				// Mould alone is a planned job: naming it does not count.
				(damageType === 'mold' ? 0 : 1) +
				(situation.recent ? 1 : 0) +
				(situation.people_at_risk ? 1 : 0) +
				(situation.must_open ? 1 : 0) +
				(situation.closed_by_authority ? 2 : 0);

	let active = damageType !== null && situation.score >= 2;
	// Mould is an emergency when it spreads fast, harms someone now (someone fragile who is
	// unwell from it, or anyone who needs help today), or has closed the place.
	if (damageType === 'mold' && !escaping && !over && !contained) {
		const health = HAZARD_RULES.find(([h]) => h === 'health')![1];
		active =
			(active &&
				((health.test(text) && acute !== null) ||
					// Closed, not merely inspected or ordered to fix it (that is a planned job).
					[...text.matchAll(CLOSED_ALL)].some((m) => CLOSED_NOW.test(m[0])))) ||
			(situation.people_at_risk && affirmedMatch(text, SYMPTOMS) !== null);
	}
	const uncertain = active && !escaping;
	if (active && !escaping) {
		if (acute) signals.push(acute[0]);
		if (situation.closed_by_authority) signals.push(CLOSED.exec(text)![0]);
		if (situation.must_open) signals.push(MUST_OPEN.exec(text)![0]);
	}

	const hazards =
		damageType || active
			? HAZARD_RULES.filter(([, p]) => affirmedMatch(text, p)).map(([h]) => h)
			: [];
	// Electrical is a hazard only next to water.
	const hazardList = hazards.filter(
		(h) =>
			h !== 'electrical' ||
			damageType === 'water_damage' ||
			damageType === 'sewage' ||
			damageType === 'storm',
	);

	// Water that is over, with mould named: the mould it left is what there is to deal with
	// ("the tub overflowed weeks ago, we mopped it up, now dark spots and a musty smell").
	const leftMould =
		over &&
		moldNamed &&
		(damageType === 'water_damage' || damageType === 'sewage' || damageType === 'storm');

	return {
		damage_type: leftMould ? 'mold' : damageType,
		active,
		historic: damageType !== null && (over || contained),
		hazards: hazardList,
		signals,
		uncertain,
		situation,
	};
}
