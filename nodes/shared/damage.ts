import { affirmedMatch, normalize } from './text';
import type { EmergencyType, Hazard } from './vocabulary';

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
	/\bfire ?drills?\b/g,
	/\b(?:fire|smoke) ?alarms?\b/g,
	/\bfalse alarms?\b/g,
	/\bfire ?extinguishers? (?:test|inspection|check)/g,
	/\bfire ?places?\b/g,
	/\bfire ?pits?\b/g,
	/\bcamp ?fires?\b/g,
	/\bbon ?fires?\b/g,
	/\bfire ?works?\b/g,
	/\bfire ?(?:exit|door|escape|marshal|code|safety|station|fighter|department)s?\b/g,
	/\b(?:got|get|was|been|getting) fired\b/g,
	/\bfired up\b/g,
	/\bon fire\b(?= (?:with|lately|this|today|at)\b)/g,
	/\bfire (?:sale|emoji)\b/g,
	/\bflood(?:s|ed|ing)? (?:of|with) (?:guests|people|emails|e-mails|calls|orders|requests|customers|visitors|tourists|applications|messages|memories|visitors|bookings)\b/g,
	/\bflooded with (?:work|requests|calls|emails|orders|guests|people)\b/g,
	/\b(?:hard )?water (?:spots?|stains? on (?:the )?(?:glass|windows?|shower|faucets?)|marks?|rings?)\b/g,
	/\bhard water\b/g,
	/\bwater ?(?:bottles?|cooler|dispenser|features?|views?|front|park|color|colour|fountain|softener|filter)\b/g,
	/\bsmoke[- ]?(?:free|detectors?|alarms?|break)\b/g,
	/\b(?:non|no)[- ]smok(?:ing|er)\b/g,
	/\bsmoker\b/g,
	/\bdisaster (?:zone|area)\b/g,
	/\b(?:a|total|complete|absolute|hot) (?:disaster|mess|pigsty|wreck)\b/g,
	/\bstorm (?:of|in a teacup)\b/g,
	/\bbrainstorm\w*\b/g,
	/\bshowers? of\b/g,
	/\bblood(?:y|hound)? (?:hell|mary)\b/g,
	/\bmold(?:ing|ings)\b/g,
	/\bcrown mold\w*\b/g,
	/\bleak(?:ed|s)? (?:the )?(?:news|info|information|story)\b/g,
	/\bemergency (?:move|contact|exit|number|clean(?:ing)?|turnover|deep clean)\b/g,
];

interface TypeRule {
	type: EmergencyType;
	/** Words that name this damage (active or not). */
	mention: RegExp[];
	/** Phrases that describe the damage as happening now. */
	active: RegExp[];
}

const WATER_MENTION = [
	/\bwater damage\b/,
	/\bwater[- ]damaged\b/,
	/\bflood(?:ed|ing|s)?\b/,
	/\bburst(?:ed)? (?:\w+ )?(?:pipe|pipes|hose|line|main|heater|tank|boiler)\b/,
	/\b(?:pipe|pipes|hose|line|main|heater|tank|boiler|radiator)s? (?:has |have |just |had )?(?:burst|bursted|broke|broken|split|cracked|exploded|blew)\b/,
	/\bleak(?:ing|s|ed|y)?\b/,
	/\bwater (?:is |was |keeps )?(?:everywhere|pouring|gushing|spraying|shooting|spurting|squirting|streaming|bubbling|coming|dripping|running|pooling|leaking|seeping|rising|flowing|soaking|flooding|filling|covering|all over|on the floor|in the basement|under)\b/,
	/\b(?:can'?t|cannot|can not|how (?:do i|to)) (?:find|turn off|shut off|reach) (?:the )?(?:main |water )?(?:shut ?off|valve|water)\b/,
	/\b(?:standing|pooling|pooled|rising) water\b/,
	/\binch(?:es)? of water\b/,
	/\bsoaked|soaking wet|drenched|waterlogged|water ?logged\b/,
	/\b(?:inundad[oa]|inundacion|fuga de agua|se rompio (?:un|una|el|la) (?:tubo|tuberia|cano)|agua por todas partes|dano(?:s)? (?:por|de) agua)\b/,
	/\boverflow(?:ed|ing|s)?\b/,
	/\bwater heater\b/,
	/\bsump pump\b/,
	/\bwet (?:carpet|carpets|floor|floors|drywall|walls|basement|ceiling)\b/,
	/\bceiling (?:is )?(?:dripping|leaking|sagging|collapsed|caved|came down)\b/,
];
const WATER_ACTIVE = [
	/\bburst(?:ed)? (?:\w+ )?(?:pipe|pipes|hose|line|main|heater|tank|boiler)\b/,
	/\b(?:pipe|pipes|hose|line|main|heater|tank|boiler|radiator)s? (?:has |have |just |had )?(?:burst|bursted|broke|broken|split|cracked|exploded|blew)\b/,
	/\bflood(?:ed|ing)\b/,
	/\bwater (?:is |was |keeps )?(?:everywhere|pouring|gushing|spraying|shooting|spurting|squirting|streaming|bubbling|coming (?:in|through|down|out|up|from)|dripping|running|pooling|leaking|seeping|rising|flowing|flooding|filling|all over|on the floor|in the basement)\b/,
	/\b(?:can'?t|cannot|can not) (?:find|turn off|shut off|reach) (?:the )?(?:main |water )?(?:shut ?off|valve|water)\b/,
	/\b(?:standing|pooling|rising) water\b/,
	/\binch(?:es)? of water\b/,
	/\b(?:soaked|soaking wet|drenched|waterlogged)\b/,
	/\b(?:is|are|keeps?|still|currently|actively|now) (?:\w+ )?leaking\b/,
	/\bleaking (?:from|through|into|everywhere|all over|under|out)\b/,
	/\bceiling (?:is )?(?:dripping|leaking|sagging|collapsed|caved|came down)\b/,
	/\b(?:inundad[oa]|inundacion|se rompio (?:un|una|el|la) (?:tubo|tuberia|cano)|agua por todas partes)\b/,
	/\boverflow(?:ed|ing)\b/,
	/\bwet (?:carpet|carpets|floor|floors|drywall|walls|basement|ceiling)\b/,
	/\bsump pump (?:failed|died|stopped|broke|is broken|not working)\b/,
	/\bwater heater (?:burst|broke|failed|leaked|is leaking|exploded|let go)\b/,
];

const BIOHAZARD_ACTIVE = [
	/\bbio ?hazard/,
	/\b(?:unattended|undiscovered) death\b/,
	/\b(?:someone|person|body|tenant|neighbou?r|he|she|relative|father|mother|dad|mom|uncle|aunt) (?:\w+ )?(?:died|passed away|was found dead)\b/,
	/\bdecompos\w+\b/,
	/\bblood(?:y)? (?:everywhere|all over|stains?|spill|on the)\b/,
	/\bbody fluids?\b/,
	/\b(?:crime|trauma|suicide|death) scene\b/,
	/\b(?:used )?(?:needles|syringes|sharps)\b/,
	/\b(?:human|animal) (?:waste|feces|faeces|excrement)\b/,
	/\b(?:feces|faeces|excrement|vomit|urine) (?:everywhere|all over|on the)\b/,
	/\bmeth lab\b/,
	/\btear gas\b/,
	/\bdead (?:animal|rat|rats|mouse|mice|raccoon|possum|opossum|squirrel|bird|birds|cat|dog|skunk)\b/,
	/\b(?:maggots|carcass|rotting (?:animal|body|flesh))\b/,
];

const RULES: TypeRule[] = [
	{
		type: 'sewage',
		mention: [
			/\bsewage\b/,
			/\bsewer (?:back ?up|backed|line|overflow)\b/,
			/\bsewer\b/,
			/\bseptic (?:back ?up|backed|overflow|tank)\b/,
			/\bblack ?water\b/,
			/\braw sewage\b/,
			/\b(?:toilet|toilets) (?:is |are |keeps )?(?:overflow(?:ed|ing|s)?|backed up|backing up|flooding|flooded)\b/,
			/\bpoop water\b/,
			/\b(?:aguas negras|aguas residuales|drenaje tapado)\b/,
		],
		active: [
			/\bsewage\b/,
			/\bsewer (?:back ?up|backed|overflow)/,
			/\bseptic (?:back ?up|backed|overflow)/,
			/\bblack ?water\b/,
			/\b(?:toilet|toilets) (?:is |are |keeps )?(?:overflow(?:ed|ing|s)?|backed up|backing up|flooding|flooded)\b/,
			/\bbacked up (?:into|through|in)\b/,
			/\b(?:aguas negras|aguas residuales)\b/,
		],
	},
	{
		type: 'fire_damage',
		mention: [
			/\b(?:house|kitchen|apartment|garage|grease|electrical|dryer|small|big|chimney|basement|office|room|attic|building|unit|restaurant)? ?fire\b/,
			/\bsmoke (?:damage|smell|odor|odour|stains?|residue|everywhere|filled)\b/,
			/\bsmoke[- ]damaged\b/,
			/\bsoot\b/,
			/\bburn(?:ed|t) (?:down|out|up)\b/,
			/\bscorch(?:ed)?\b/,
			/\b(?:incendio|humo|hollin)\b/,
		],
		active: [
			/\b(?:there was|we had|had|just had|caught|a|the) (?:a )?(?:\w+ )?fire\b/,
			/\bfire (?:last night|yesterday|this morning|today|earlier|on \w+day|broke out|in (?:the|our|my))\b/,
			/\bfire (?:damage|damaged)\b/,
			/\bsmoke (?:damage|smell|odor|odour|stains?|residue|everywhere|filled)\b/,
			/\bsmoke[- ]damaged\b/,
			/\bsoot\b/,
			/\bburn(?:ed|t) (?:down|out|up)\b/,
			/\bcaught fire\b/,
			/\b(?:is|still|currently) (?:on fire|burning)\b/,
			/\b(?:incendio|humo|hollin)\b/,
		],
	},
	{
		type: 'biohazard',
		// Bare "blood" or droppings name the hazard without saying it is there now.
		mention: [
			...BIOHAZARD_ACTIVE,
			/\bblood\b/,
			/\b(?:rat|rodent|mouse|bat|pigeon|bird) (?:droppings|infestation|feces|urine)\b/,
		],
		active: BIOHAZARD_ACTIVE,
	},
	{
		type: 'storm',
		mention: [
			/\bstorm\b/,
			/\bhurricane\b/,
			/\btornado\b/,
			/\bhail ?(?:storm|damage)?\b/,
			/\b(?:tree|branch|limb) (?:fell|came down|crashed|went) (?:on|through|into)\b/,
			/\broof (?:blew|blown|ripped|torn|tore) off\b/,
			/\b(?:wind|rain) damage\b/,
			/\b(?:tormenta|huracan|tornado)\b/,
		],
		active: [
			/\b(?:storm|hurricane|tornado|hail|wind) (?:last night|yesterday|this morning|today|damage|damaged|blew|tore|ripped|broke|knocked|took|hit|came|flooded|caused)\b/,
			/\b(?:after|from|during|in) (?:the|this|last night'?s|yesterday'?s|today'?s) (?:storm|hurricane|tornado|hail ?storm)\b/,
			/\b(?:tree|branch|limb) (?:fell|came down|crashed|went) (?:on|through|into)\b/,
			/\broof (?:blew|blown|ripped|torn|tore) off\b/,
			/\brain (?:is |was )?(?:coming|pouring|getting|leaking) (?:in|through)\b/,
			/\b(?:tormenta|huracan)\b/,
		],
	},
	{
		type: 'mold',
		mention: [/\bmou?ld(?:y)?\b/, /\bmildew\b/, /\bmoho\b/, /\bhongos?\b/],
		// Mold alone is a planned job; it is an emergency when it is a health hazard or spreading fast.
		active: [
			/\bmou?ld (?:is )?(?:everywhere|spreading|all over|growing fast|taking over|covering)\b/,
			/\b(?:spreading|growing|fast) mou?ld\b/,
		],
	},
	{ type: 'water_damage', mention: WATER_MENTION, active: WATER_ACTIVE },
];

const HISTORIC = [
	/\b(?:last|a|one|two|few|couple of|several|\d+) (?:year|years|month|months)(?: ago)?\b/,
	/\b(?:last week|(?:a|one|two|three|few|couple of|several|\d+) weeks? ago)\b/,
	/\b(?:all |completely |fully )?dried (?:out|up)\b|\b(?:is|are|it'?s|everything'?s) (?:all )?dry (?:now|again)\b|\b(?:fixed|repaired|patched) (?:it|them|the (?:pipe|leak|roof))\b/,
	/\b(?:years|months) ago\b/,
	/\bold (?:water |fire |smoke )?(?:damage|stains?|leak|fire|flood)\b/,
	/\b(?:previous|prior|past|former|earlier|fixed|repaired|old) (?:leak|flood|fire|damage)\b/,
	/\b(?:leak|flood|fire|damage|stain)s? (?:was|were|got|has been|have been) (?:fixed|repaired|patched|dealt with|taken care of|sorted|resolved|dried)\b/,
	/\b(?:already|has been|have been|been|was|were) (?:fixed|repaired|dried out|dried|cleaned(?: up)?|taken care of|remediated|restored)\b/,
	/\b(?:stains?|marks?|spots?) (?:from|left by|of) (?:an? )?(?:old |previous |past )?(?:leak|flood|water|fire|smoke)\b/,
	/\bwater stains?\b/,
	/\b(?:estimate|quote|inspection) for (?:old|past|previous)\b/,
];

const ACUTE_TIME =
	/\b(?:right now|just now|currently|just (?:happened|started|burst|broke|found|discovered|noticed|got home)|still (?:leaking|coming|going|pouring|burning|spreading|rising|running|dripping|flooding|smoking|wet)|(?:is|are) (?:now )?(?:leaking|pouring|flooding|spreading|rising|dripping)|tonight|this morning|this afternoon|this evening|last night|today|hours? ago|minutes? ago|overnight|asap|urgent|emergency|help|hurry|immediately|quickly)\b/;

const HAZARD_RULES: Array<[Hazard, RegExp]> = [
	[
		'electrical',
		/\b(?:outlets?|sockets?|wiring|wires|electrical|electricity|power (?:strip|cords?|outlets?)|breaker|panel|extension cords?|sparks?|sparking)\b/,
	],
	['gas', /\b(?:smell(?:s)? (?:of |like )?gas|gas (?:smell|leak|line)|olor a gas)\b/],
	[
		'structural',
		/\b(?:ceiling (?:is )?(?:sagging|collapsed|caving|caved|came down|falling|bulging)|collapsed|caving in|structural|roof (?:blew|blown|ripped|torn|tore) off|floor (?:is )?(?:buckling|caving|giving way)|walls? (?:is |are )?(?:bulging|collapsing))\b/,
	],
	[
		'health',
		/\b(?:can't breathe|cant breathe|trouble breathing|hard to breathe|breathing problems?|asthma|coughing|headaches?|dizzy|nausea|got sick|getting sick|allerg\w+|immuno\w*|infant|newborn|baby|elderly|pregnant|chemo)\b/,
	],
	['fire_active', /\b(?:(?:is|still|currently) (?:on fire|burning)|flames|fire is spreading)\b/],
	[
		'people_at_risk',
		/\b(?:trapped|injured|hurt|unconscious|can't get out|cant get out|someone is inside|kids are inside|bleeding)\b/,
	],
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
