import { affirmedMatch, normalize } from './text';
import type { EmergencyType, Hazard } from './vocabulary';
import { phrasePatterns, wordPattern } from './words';

/** What the message says about damage, before any policy is applied. */
export interface DamageFacts {
	/** The kind of damage or hazard the message describes, active or not. */
	damage_type: EmergencyType | null;
	/** The damage is happening now or just happened and needs same-day response. */
	active: boolean;
	/** The damage is described as old, past, or only cosmetic. */
	historic: boolean;
	hazards: Hazard[];
	/** The phrases that led to the decision, for the reasons list. */
	signals: string[];
	/** Damage words were found but the wording leaves doubt (a dispatcher should look). */
	uncertain: boolean;
}

/** Figures of speech and look-alikes that mention damage words without damage. */
const FALSE_FRIENDS: RegExp[] = [
	...phrasePatterns('damage_false_friends', 'g'),
	// "On fire with orders", "on fire lately": a figure of speech, before a word that says so.
	/\bon fire\b(?= (?:with|lately|this|today|at)\b)/g,
];

interface TypeRule {
	type: EmergencyType;
	/** Words that name this damage (active or not). */
	mention: RegExp[];
	/** Phrases that describe the damage as happening now. */
	active: RegExp[];
}

const RULES: TypeRule[] = [
	{
		type: 'sewage',
		mention: phrasePatterns('sewage_named'),
		active: phrasePatterns('sewage_active'),
	},
	{
		type: 'fire_damage',
		mention: phrasePatterns('fire_named'),
		active: phrasePatterns('fire_active'),
	},
	{
		type: 'biohazard',
		// Bare "blood" or droppings name the hazard without saying it is there now.
		mention: [...phrasePatterns('biohazard_active'), ...phrasePatterns('biohazard_named')],
		active: phrasePatterns('biohazard_active'),
	},
	{ type: 'storm', mention: phrasePatterns('storm_named'), active: phrasePatterns('storm_active') },
	// Mold alone is a planned job; it is an emergency when it is a health hazard or spreading fast.
	{ type: 'mold', mention: phrasePatterns('mold_named'), active: phrasePatterns('mold_active') },
	{
		type: 'water_damage',
		mention: phrasePatterns('water_named'),
		active: phrasePatterns('water_active'),
	},
];

const HISTORIC = phrasePatterns('damage_in_the_past');

const ACUTE_TIME = wordPattern('damage_happening_now');

const HAZARD_RULES: Array<[Hazard, RegExp]> = [
	['electrical', wordPattern('hazard_electrical')],
	['gas', wordPattern('hazard_gas')],
	['structural', wordPattern('hazard_structural')],
	['health', wordPattern('hazard_health')],
	['fire_active', wordPattern('hazard_fire_active')],
	['people_at_risk', wordPattern('hazard_people_at_risk')],
];

/** Removes look-alike phrases so that they cannot trigger a damage rule. */
function stripFalseFriends(text: string): string {
	let t = text;
	for (const p of FALSE_FRIENDS) t = t.replace(p, ' ');
	return t;
}

/**
 * Reads damage facts from a message. Pure and deterministic: the same words
 * always give the same facts, and no figure of speech raises an alarm.
 */
export function readDamageFacts(message: string, normalized = normalize(message)): DamageFacts {
	const text = stripFalseFriends(normalized);
	const signals: string[] = [];
	let damageType: EmergencyType | null = null;
	let active = false;
	let firstMention: EmergencyType | null = null;

	for (const rule of RULES) {
		const mention = rule.mention.map((p) => affirmedMatch(text, p)).find((m) => m !== null);
		if (!mention) continue;
		firstMention ??= rule.type;
		const activeHit = rule.active.map((p) => affirmedMatch(text, p)).find((m) => m !== null);
		if (activeHit) {
			damageType = rule.type;
			active = true;
			signals.push(activeHit[0].trim());
			break;
		}
		signals.push(mention[0].trim());
	}
	damageType ??= firstMention;

	const historic = HISTORIC.some((p) => p.test(text)) && !ACUTE_TIME.test(text);
	// A biohazard (a death, blood, waste) stays a hazard until it is cleaned, however long ago it began.
	if (historic && damageType !== 'biohazard') active = false;

	// A bare "leak" or "fire" with an acute time word ("leak under the sink right now, help")
	// is treated as active: recall matters more than precision for emergencies.
	let uncertain = false;
	if (damageType && !active && !historic && ACUTE_TIME.test(text)) {
		if (damageType !== 'mold') {
			active = true;
			uncertain = true;
			signals.push(ACUTE_TIME.exec(text)![0]);
		}
	}
	if (damageType === 'mold' && !active) {
		const health = HAZARD_RULES.find(([h]) => h === 'health')![1];
		if (health.test(text) && ACUTE_TIME.test(text)) {
			active = true;
			uncertain = true;
		}
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

	return { damage_type: damageType, active, historic, hazards: hazardList, signals, uncertain };
}
