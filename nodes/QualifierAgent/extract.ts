import { readDamageFacts } from '../shared/damage';
import { affirmedMatch, hasAny, NUMBER, parseNumber } from '../shared/text';
import { readUrgency } from '../shared/urgency';
import {
	anyWord,
	phrasePatterns,
	VISIT_COUNTS,
	wordPattern,
	words,
	wordsPattern,
} from '../shared/words';
import {
	SERVICE_OF_DAMAGE,
	WEEKDAYS,
	type EmergencyType,
	type Frequency,
	type PropertyType,
	type ServiceType,
	type Urgency,
	type Weekday,
} from '../shared/vocabulary';

export interface Budget {
	min: number | null;
	max: number | null;
}

/** The facts the Qualifier reads from a message; scoring happens on these. */
export interface LeadFacts {
	service_type: ServiceType;
	property_type: PropertyType | null;
	is_emergency: boolean;
	emergency_type: EmergencyType | null;
	urgency: Urgency;
	urgency_intensity: 0 | 1 | 2;
	frequency: Frequency | null;
	/** Visits a week (1-7) for a weekly service ("three times a week" is 3, "Monday to Friday" 5); null otherwise. */
	visits_per_week: number | null;
	/** The days of a weekly service's visits when the message names them ("Mondays and Thursdays"); null otherwise. */
	visit_weekdays: Weekday[] | null;
	bedrooms: number | null;
	bathrooms: number | null;
	square_feet: number | null;
	budget: Budget | null;
	decision_maker: boolean | null;
	wants_human: boolean;
	discount_request_pct: number | null;
	/** Phrases showing the customer is only price shopping. */
	price_shopping: boolean;
	/** Nothing in the message relates to the services offered. */
	off_topic: boolean;
}

const N = NUMBER;
const SQM_PER_SQFT = 10.764;

const COMMERCIAL = wordPattern('commercial_places');
const RESIDENTIAL = wordPattern('residential_places');

/** Rooms and parts of a home: residential when nothing says business. */
const HOME_PARTS = wordPattern('home_parts');

const COMPLAINT = wordPattern('complaints');
const COMPLAINT_ABOUT_OUR_VISIT = wordPattern('complaints_about_our_visit');

const CLEANING_WORDS = wordPattern('cleaning_words');

const SERVICE_RULES: Array<[ServiceType, RegExp[]]> = [
	[
		'post_construction',
		[
			...phrasePatterns('service_post_construction'),
			new RegExp(
				`\\b${anyWord('renovation_works')}\\b[^.]{0,100}\\b${anyWord('renovation_mess')}\\b`,
			),
			new RegExp(
				`\\b${anyWord('renovation_mess')}\\b[^.]{0,60}\\b${anyWord('renovation_works_after_mess')}\\b`,
			),
		],
	],
	[
		'move_in_out',
		[
			...phrasePatterns('service_move_in_out'),
			new RegExp(
				`\\b${anyWord('tenancy_words')}\\b[^.]{0,60}\\bturnover\\b|\\bturnover\\b[^.]{0,60}\\b(?:tenants?|lease)\\b`,
			),
		],
	],
	['carpet_cleaning', phrasePatterns('service_carpet')],
	['window_cleaning', phrasePatterns('service_windows')],
	['mold_remediation', phrasePatterns('service_mold')],
	// Work we do not do, asked for by name ("air duct cleaning"), is not a move's clean because a move is mentioned.
	['other', phrasePatterns('services_not_offered')],
	// A move as the occasion ("before the new tenant moves in"): carpets, windows or mould asked for above win; a deep clean for a move is the move's clean.
	[
		'move_in_out',
		[
			// "Move in" or "move out", but not "move in Friday" (a date, not a move-out clean).
			/\bmov(?:e|ing)[- ]?(?:in|out)\b(?![- ]?(?:on |next |this |in |by |at )?(?:mon|tues|wednes|thurs|fri|satur|sun)?(?:day|sat|sun|fri)\b)/,
			...phrasePatterns('service_move_in_out_context'),
		],
	],
	['deep_cleaning', phrasePatterns('service_deep')],
];

/** Work we do not do: the list asked for by name above and the rest. */
const OTHER_SERVICES = wordsPattern([...words('other_services'), ...words('services_not_offered')]);
const REBOOKING = wordPattern('rebooking');
const SERVICE_NOT_NEEDED = wordPattern('service_not_needed', 'g');
const BOOKED_BEFORE = wordPattern('booked_before');

const STANDARD_HINTS = wordPattern('standard_clean_hints');
const RESTORATION = wordPattern('restoration_words');
const COMMERCIAL_REQUEST = wordPattern('commercial_request_words');

const MOLD_GONE = wordPattern('mold_gone');

function detectService(
	text: string,
	isCommercial: boolean,
	damage: EmergencyType | null,
	damageActive: boolean,
	describesProperty: boolean,
	askedAbout: EmergencyType | null,
): ServiceType {
	if (damage && damageActive) return SERVICE_OF_DAMAGE[damage];
	// "Carpets are fine but the place needs a full clean": what needs nothing is not asked for.
	text = text.replace(SERVICE_NOT_NEEDED, ' ');
	// Drying out wet carpets or walls is restoration, whatever is wet.
	if (
		(damage === 'water_damage' || damage === 'sewage' || damage === 'storm') &&
		restorationAsked(text)
	)
		return 'water_damage';
	// A complaint about a visit booked before names that visit's service but asks for none,
	// unless it asks for the visit again ("I want it rescheduled").
	if (COMPLAINT_ABOUT_OUR_VISIT.test(text) && BOOKED_BEFORE.test(text) && !REBOOKING.test(text))
		return 'other';
	for (const [service, patterns] of SERVICE_RULES) {
		// Mould already removed is not the job asked for.
		if (service === 'mold_remediation' && (damage !== 'mold' || MOLD_GONE.test(text))) continue;
		if (patterns.some((p) => affirmedMatch(text, p))) {
			// Windows or carpets named as one item of a general clean stay a general clean.
			if (
				(service === 'window_cleaning' || service === 'carpet_cleaning') &&
				isAddOnOfGeneralClean(text, service)
			)
				continue;
			// A deep clean of a business is still a commercial clean (docs/architecture.md: specialty work keeps its type, general cleans of a business do not).
			if (service === 'deep_cleaning' && isCommercial) return 'commercial_cleaning';
			return service;
		}
	}
	if (COMPLAINT.test(text)) return 'other';
	// Work we do not do asked for beside a building's stairwells or lobby: the clean of those is asked too.
	if (OTHER_SERVICES.test(text) && !restorationAsked(text) && !COMMON_AREAS.test(text))
		return 'other';
	// A biohazard named (droppings in the attic, long there) is its own cleanup, not a house clean.
	if (damage === 'biohazard') return SERVICE_OF_DAMAGE.biohazard;
	// Restoration of past damage keeps the damage's own service; a plain clean after old damage is a clean.
	const restoration = restorationAsked(text);
	// "We never had it cleaned" asks for no clean.
	const cleaningAsked = affirmedMatch(text, CLEANING_WORDS) !== null || STANDARD_HINTS.test(text);
	// "Do you handle floods?", "what if a pipe burst?": asking about restoration work.
	if (
		askedAbout &&
		askedAbout !== 'biohazard' &&
		!damage &&
		(!cleaningAsked || CLEANUP_AFTER_DAMAGE.test(text))
	)
		return SERVICE_OF_DAMAGE[askedAbout];
	if (damage === 'water_damage' || damage === 'sewage' || damage === 'storm') {
		if (restoration || (!cleaningAsked && /\bdamage\b/.test(text))) return 'water_damage';
	}
	if (
		damage === 'fire_damage' &&
		(restoration || (!cleaningAsked && /\b(?:damage|soot|smoke)\b/.test(text)))
	)
		return 'fire_damage';
	if (cleaningAsked) {
		if (
			OTHER_SERVICES.test(text) &&
			!/\b(?:house|home|apartment|office)\b/.test(text) &&
			!COMMON_AREAS.test(text)
		)
			return 'other';
		return isCommercial ? 'commercial_cleaning' : 'standard_cleaning';
	}
	if (OTHER_SERVICES.test(text)) return 'other';
	// A cleaning company asked about a sized property or a cadence is asked for a clean.
	if (isCommercial && COMMERCIAL_REQUEST.test(text)) return 'commercial_cleaning';
	if (describesProperty) return isCommercial ? 'commercial_cleaning' : 'standard_cleaning';
	return 'other';
}

/** What is said to be done already ("dried out and repaired last spring") is not what is asked. */
const DONE_ALREADY = new RegExp(
	`${wordPattern('damage_over').source}|${wordPattern('damage_in_the_past').source}`,
	'g',
);

function restorationAsked(text: string): boolean {
	return RESTORATION.test(text) && RESTORATION.test(text.replace(DONE_ALREADY, ' '));
}

/** A whole-place clean: "house cleaning", "clean of the apartment", a maid, a place "spotless". */
const GENERAL_CLEAN = new RegExp(
	`\\b${anyWord('general_clean_scopes')}\\b[^.]{0,25}\\bclean\\w*\\b|\\bclean\\w* (?:of )?(?:the |my |our )?${anyWord('general_clean_places')}\\b|\\bmaid\\b|\\bhousekeep|\\bspotless\\b`,
);

/** Windows or carpets named as one item of a list ("and the windows", "carpets too"). */
const asItemOfList = (object: string) =>
	new RegExp(
		`\\b${anyWord('add_on_before')}\\b[^.]{0,20}\\b${object}\\b|\\b${object}\\b[^.]{0,15}\\b${anyWord('add_on_after')}\\b`,
	);
const AS_ITEM = {
	window_cleaning: asItemOfList('windows?'),
	carpet_cleaning: asItemOfList('(?:carpets?|rugs?)'),
};

function isAddOnOfGeneralClean(
	text: string,
	service: 'window_cleaning' | 'carpet_cleaning',
): boolean {
	return GENERAL_CLEAN.test(text) && AS_ITEM[service].test(text);
}

const HOMES_DESPITE_BUSINESS_WORDS = wordPattern('homes_despite_business_words');
const OWN_BUSINESS = wordPattern('own_business_places');
const COMMON_AREAS = wordPattern('building_common_areas');
const CLEANUP_AFTER_DAMAGE = wordPattern('cleanup_after_damage');

function detectPropertyType(text: string): PropertyType | null {
	const commercial = COMMERCIAL.test(text);
	const residential = RESIDENTIAL.test(text) || (!commercial && HOME_PARTS.test(text));
	if (commercial && !residential) return 'commercial';
	if (residential && !commercial) return 'residential';
	if (commercial && residential) {
		// A building's lobbies and stairwells are premises, even in a building of homes.
		if (COMMON_AREAS.test(text)) return 'commercial';
		// "home office", "my studio apartment" and "office in my house" are homes.
		if (HOMES_DESPITE_BUSINESS_WORDS.test(text)) return 'residential';
		if (OWN_BUSINESS.test(text)) return 'commercial';
		return 'residential';
	}
	return null;
}

const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const FREQUENCY_RULES: Array<[Frequency, RegExp]> = [
	['biweekly', wordPattern('frequency_biweekly')],
	['monthly', wordPattern('frequency_monthly')],
	['weekly', wordPattern('frequency_weekly')],
	['one_time', wordPattern('frequency_one_time')],
];

/** The cadence stated first wins ("weekly, or every other week if cheaper" is weekly). */
function detectFrequency(text: string): Frequency | null {
	let best: { frequency: Frequency; index: number } | null = null;
	for (const [frequency, pattern] of FREQUENCY_RULES) {
		const m = affirmedMatch(text, pattern);
		if (m && (!best || m.index < best.index)) best = { frequency, index: m.index };
	}
	return best?.frequency ?? null;
}

const COUNT_WORD: Record<string, number> = VISIT_COUNTS;
const COUNT = `(?:${Object.keys(VISIT_COUNTS).join('|')}|[1-7])`;
const PER = anyWord('visits_per');
const UNIT = anyWord('visit_units');
/** "3 times a week", "twice a week", "5 days per week", "3x/week", "3-5 days a week" (the lower figure), "tres veces por semana". */
const VISITS_A_WEEK = new RegExp(
	`\\b(${COUNT})(?:\\s?-\\s?${COUNT})? ?(?:${UNIT} ?${PER}? ?|${PER} ?)(?:week|wk|semana)\\b|\\b(twice|thrice|[2-7] ?x|(?:two|three|four|five|six|seven|[2-7]) times) weekly\\b`,
);
const WEEKDAYS_ONLY = wordPattern('weekdays_only');
const EVERY_DAY = wordPattern('every_day');
const WEEKDAY_LIST = new RegExp(
	`\\b(?:every |on )?(${WEEKDAY})(s?)((?:\\s?(?:,|and|&|\\/|y)\\s?(?:${WEEKDAY})s?)+)`,
);

const PARTS_OF_DAY_AFTER = /^ (?:evenings|nights|mornings|afternoons)\b/;
const ONE_WEEKDAY = new RegExp(`\\b(?:every|each) (${WEEKDAY})s?\\b|\\b(${WEEKDAY})s\\b`);
const DAY_CODE: Record<string, Weekday> = {
	monday: 'mon',
	tuesday: 'tue',
	wednesday: 'wed',
	thursday: 'thu',
	friday: 'fri',
	saturday: 'sat',
	sunday: 'sun',
};
const inWeekOrder = (days: Iterable<Weekday>) => WEEKDAYS.filter((d) => new Set(days).has(d));

/**
 * How many visits a week a weekly service takes, and on which days when the
 * message names them: a stated count first ("3 times a week"), then named days
 * ("every Monday and Thursday", "Tuesdays"), weekdays only (Monday to Friday),
 * every day or night. Days that do not agree with a stated count are not kept.
 */
function detectVisitDays(text: string): { visits: number | null; days: Weekday[] | null } {
	let stated: number | null = null;
	const counted = affirmedMatch(text, VISITS_A_WEEK);
	if (counted) {
		const word = (counted[1] ?? counted[2]).replace(/ ?(?:x|times)$/, '');
		const n = COUNT_WORD[word] ?? Number(word);
		if (n >= 1 && n <= 7) stated = n;
	}
	let days: Weekday[] | null = null;
	const list = WEEKDAY_LIST.exec(text);
	// Plural days, "every" or a plural part of the day ("Tuesday and Friday evenings") make a list a
	// cadence; "Monday and Tuesday work for us" is a preference.
	if (
		list &&
		(list[2] === 's' ||
			/^(?:every )/.test(list[0]) ||
			PARTS_OF_DAY_AFTER.test(text.slice(list.index + list[0].length)))
	) {
		const named = inWeekOrder(
			[list[1], ...[...list[3].matchAll(new RegExp(WEEKDAY, 'g'))].map((m) => m[0])].map(
				(d) => DAY_CODE[d],
			),
		);
		if (named.length >= 2) days = named;
	}
	if (!days && affirmedMatch(text, WEEKDAYS_ONLY)) days = ['mon', 'tue', 'wed', 'thu', 'fri'];
	if (!days && affirmedMatch(text, EVERY_DAY)) days = [...WEEKDAYS];
	if (!days) {
		const one = affirmedMatch(text, ONE_WEEKDAY);
		if (one) days = [DAY_CODE[one[1] ?? one[2]]];
	}
	const visits = stated ?? days?.length ?? null;
	return { visits, days: days && days.length === visits ? days : null };
}

const BED = anyWord('bedroom_words');
const BATH = anyWord('bathroom_words');

const ROOMS_COMBO =
	/(?<![#$])\b(\d+)\s*(?:br|bd|bed|b)\s*[/,+& ]?\s*(\d+(?:\.\d+)?)\s*(?:ba|bth|bath|b)\b/;
const BEDROOMS = new RegExp(`(?<![#$])\\b(${N})[- ]?${BED}`);
const BATHROOMS = new RegExp(
	`(?<![#$])\\b(${N})(?:\\s+and\\s+(?:a\\s+)?(?:half|1\\/2)|\\s*1\\/2|\\s+(?:y\\s+)?medio)?\\s*(?:full\\s+)?[- ]?${BATH}(?:\\s+y\\s+medio)?\\b`,
);
/** "2 bedrooms and a bathroom", "2 recamaras y un bano": one bathroom, named after the bedrooms. */
const ONE_BATH_AFTER_BEDROOMS = new RegExp(
	`${BED},?\\s+(?:and|y|&|\\+)\\s+(?:a|one|un|uno)\\s+(?:full\\s+)?${BATH}\\b`,
);
const HALF_BATHS = new RegExp(
	`\\b(?:(${N}|a|one)\\s+)?half[- ]?${BATH}\\b|\\b(${N}|a|one)\\s+powder rooms?\\b`,
);

/** "1 or ", "2 to ", "1-": the count that follows ends a range. */
const ROOM_RANGE_BEFORE = new RegExp(`\\b${N}\\s*(?:or|to|o|a|-)\\s*$`);
const STUDIO_HOME = wordPattern('studio_homes');
const STUDIO_BUSINESS = wordPattern('studio_businesses');

const ROOMS_SLASH = new RegExp(
	`\\b(\\d)\\s*\\/\\s*(\\d(?:\\.\\d)?)\\s*${anyWord('home_kinds')}\\b`,
);

/** Bedrooms and bathrooms from "3br/2ba", "three bedroom, 2.5 bath", "studio", "2 1/2 baths", "3 recamaras y 2 banos". */
function detectRooms(text: string): { bedrooms: number | null; bathrooms: number | null } {
	let bedrooms: number | null = null;
	let bathrooms: number | null = null;

	const combo = ROOMS_COMBO.exec(text);
	if (combo) {
		bedrooms = parseFloat(combo[1]);
		bathrooms = parseFloat(combo[2]);
	}
	const slash = ROOMS_SLASH.exec(text);
	if (!combo && slash) {
		bedrooms = parseFloat(slash[1]);
		bathrooms = parseFloat(slash[2]);
	}

	if (bedrooms === null) {
		const m = BEDROOMS.exec(text);
		// "Each is a 1 or 2 bedroom": a range of units, not this home's count.
		if (m && !ROOM_RANGE_BEFORE.test(text.slice(Math.max(0, m.index - 14), m.index)))
			bedrooms = parseNumber(m[1].replace(/\s/g, ''));
	}
	if (bedrooms === null && STUDIO_HOME.test(text) && !STUDIO_BUSINESS.test(text)) bedrooms = 0;

	if (bathrooms === null) {
		const full = BATHROOMS.exec(text);
		if (full) {
			const base = parseNumber(full[1].replace(/\s/g, ''));
			if (base !== null) bathrooms = base + (/(?:half|1\/2|medio)/.test(full[0]) ? 0.5 : 0);
		}
		if (bathrooms === null && ONE_BATH_AFTER_BEDROOMS.test(text)) bathrooms = 1;
		const half = HALF_BATHS.exec(text);
		if (half) {
			const count = parseNumber((half[1] ?? half[2] ?? 'one').replace(/\s/g, '')) ?? 1;
			if (bathrooms === null) bathrooms = count * 0.5;
			else if (!/(?:half|1\/2|medio)/.test(full?.[0] ?? '')) bathrooms += count * 0.5;
		}
	}
	// A ticket number or an address before "toilet" or "bed" is not a room count: no home has more than 20.
	const plausible = (n: number | null) => (n !== null && n <= 20 ? n : null);
	return { bedrooms: plausible(bedrooms), bathrooms: plausible(bathrooms) };
}

/** Below this, a stated area is a patch ("about 2 square feet of mould"), not the place. */
const SMALLEST_PLACE_SQFT = 100;

/** Square feet as stated, or square metres converted (x 10.764, rounded). */
function detectArea(text: string): number | null {
	const area = statedArea(text);
	return area !== null && area >= SMALLEST_PLACE_SQFT ? area : null;
}

const SQUARE_FEET = new RegExp(`\\b(${N})\\s*(?:\\+\\s*)?${anyWord('square_feet_units')}(?!\\w)`);
const SQUARE_METRES = new RegExp(`\\b(${N})\\s*${anyWord('square_metre_units')}(?!\\w)`);

function statedArea(text: string): number | null {
	const feet = SQUARE_FEET.exec(text);
	if (feet) {
		const value = parseNumber(feet[1].replace(/\s/g, ''));
		if (value !== null) return Math.round(value);
	}
	const metres = SQUARE_METRES.exec(text);
	if (metres) {
		const value = parseNumber(metres[1].replace(/\s/g, ''));
		if (value !== null) return Math.round(value * SQM_PER_SQFT);
	}
	return null;
}

const MONEY = '\\$\\s?(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d{1,2})?)(k)?';
const BARE = '(\\d{2,3}(?:,\\d{3})*|\\d+(?:\\.\\d{1,2})?)(k)?';

function dollars(value: string, k?: string): number {
	return Math.round(parseFloat(value.replace(/,/g, '')) * (k ? 1000 : 1) * 100);
}

const BUDGET_CONTEXT = wordPattern('budget_context');
const DOLLARS = anyWord('dollar_words');
/** A figure said in dollars (found anywhere in the matched text, as before). */
const DOLLAR_WORD = new RegExp(DOLLARS);

const MONEY_RANGE = new RegExp(
	`(?:${MONEY}|\\b${BARE})\\s*(?:-|to|and|a)\\s*\\$?\\s?(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d{1,2})?)(k)?\\s*(?:${DOLLARS}|\\$)?`,
);
const MONEY_CAP = new RegExp(`\\b${anyWord('budget_cap')}\\s*(?:${MONEY}|${BARE}\\s*${DOLLARS}?)`);
const MONEY_FLOOR = new RegExp(`\\b(?:at least|minimum of|more than|over)\\s*${MONEY}`);
const BUDGET_AROUND = new RegExp(
	`\\b(?:budget(?: is| of|:)?|spend|pay|afford|presupuesto(?: es| de)?)\\s*(?:is\\s*)?(?:around|about|roughly|approximately|approx\\.?|~|like|of|de)?\\s*(?:${MONEY}|${BARE}\\s*${DOLLARS})`,
);
const DOLLARS_AROUND = new RegExp(`\\b(?:around|about|roughly|approximately|~)\\s*${MONEY}`);

/** Budget in cents from "$200-300", "under 150", "budget is around $250", "up to 500 dollars". */
function detectBudget(text: string): Budget | null {
	const hasBudgetContext = BUDGET_CONTEXT.test(text) || text.includes('$');
	if (!hasBudgetContext) return null;
	const rangeMatch = MONEY_RANGE.exec(text);
	if (rangeMatch) {
		const low = rangeMatch[1] ?? rangeMatch[3];
		const lowK = rangeMatch[2] ?? rangeMatch[4];
		const isMoney =
			rangeMatch[0].includes('$') ||
			DOLLAR_WORD.test(rangeMatch[0]) ||
			/\b(?:budget|between|spend|pay|presupuesto)\b[^.]{0,25}$/.test(
				text.slice(0, rangeMatch.index),
			);
		if (low && isMoney) {
			const min = dollars(low, lowK);
			const max = dollars(rangeMatch[5], rangeMatch[6] ?? lowK);
			if (max >= min) return { min, max };
		}
	}
	const cap = MONEY_CAP.exec(text);
	if (
		cap &&
		(cap[0].includes('$') || DOLLAR_WORD.test(cap[0]) || /budget|spend|pay|afford/.test(text))
	) {
		const value = cap[1] ?? cap[3];
		const k = cap[2] ?? cap[4];
		if (value) return { min: null, max: dollars(value, k) };
	}
	const floor = MONEY_FLOOR.exec(text);
	if (floor && /budget|spend|pay/.test(text))
		return { min: dollars(floor[1], floor[2]), max: null };
	const around = BUDGET_AROUND.exec(text);
	if (around) {
		const value = around[1] ?? around[3];
		const k = around[2] ?? around[4];
		if (value) {
			const cents = dollars(value, k);
			return { min: cents, max: cents };
		}
	}
	const dollarsAround = DOLLARS_AROUND.exec(text);
	if (dollarsAround && /budget|spend|pay|afford|looking/.test(text)) {
		const cents = dollars(dollarsAround[1], dollarsAround[2]);
		return { min: cents, max: cents };
	}
	return null;
}

const PERCENT = anyWord('percent_words');
const DISCOUNT_PATTERNS = [
	new RegExp(`\\b(${N})\\s*${PERCENT}\\s*${anyWord('discount_after_percent')}`),
	new RegExp(
		`\\b${anyWord('discount_before_percent')}\\s*(?:of|de|del)?\\s*(?:like\\s*|around\\s*|about\\s*)?(${N})\\s*${PERCENT}`,
	),
	new RegExp(`\\b(${N})\\s*${PERCENT}\\s*(?:\\w+\\s){0,4}(?:discount|descuento|off\\b)`),
];

function detectDiscount(text: string): number | null {
	for (const p of DISCOUNT_PATTERNS) {
		const m = p.exec(text);
		if (m) {
			const value = parseNumber(m[1].replace(/\s/g, ''));
			if (value !== null && value > 0 && value <= 100) return value;
		}
	}
	return null;
}

const HUMAN = [
	wordPattern('wants_human'),
	// "the manager, please" or "a human? call me": a person in charge named near a request.
	new RegExp(
		`\\b${anyWord('people_in_charge')}\\b(?=[^.?!]{0,30}(?:please|\\?|call|contact|speak|talk|reach))`,
	),
];
const NO_CALLS = wordPattern('no_calls');

function detectWantsHuman(text: string): boolean {
	if (!hasAny(text, HUMAN)) return false;
	// "don't call, text me" is a channel preference, not a request for a person.
	if (
		NO_CALLS.test(text) &&
		!/\b(?:speak|talk) (?:to|with)|real person|human|manager|supervisor\b/.test(text)
	)
		return false;
	return true;
}

const NOT_DECIDER = new RegExp(
	`\\b${anyWord('defer_to')}\\b[^.]{0,30}\\b${anyWord('approvers')}\\b|\\b${anyWord('not_decider')}\\b`,
);
const DECIDER = wordPattern('decider');

function detectDecisionMaker(text: string): boolean | null {
	if (NOT_DECIDER.test(text)) return false;
	if (DECIDER.test(text)) return true;
	return null;
}

const SHOPPING = wordPattern('price_shopping');

/**
 * Form fields as sentences: "Bedrooms: 4 | Sq ft: 2400" reads as "4 bedrooms | 2400 sq ft",
 * the order the room and area rules expect.
 */
const FORM_FIELD = new RegExp(
	`\\b(${anyWord('bedroom_words')}|${anyWord('bathroom_words')}|${anyWord('square_feet_units')}|${anyWord('square_metre_units')}|sq\\.? ?ft\\.?)\\s?[:=]\\s?(\\d{1,6}(?:[.,]\\d+)?)\\b`,
	'g',
);

function formFieldsAsSentences(text: string): string {
	return text.replace(FORM_FIELD, (_, label: string, value: string) => `${value} ${label}`);
}

/** Reads every fact the Qualifier scores, by rules. `text` is the normalised message. */
const MERIDIEM = String.raw`(a\.?m\.?|p\.?m\.?|de la manana|de la tarde|de la noche)`;
/** "2pm", "9:30 a.m.", "3 de la tarde": an hour with its half of the day. */
const CLOCK_WITH_MERIDIEM = new RegExp(
	String.raw`(?<![\d$.,:])\b(\d{1,2})(?::([0-5]\d))?\s?${MERIDIEM}(?![a-z])`,
);
/** "14:00", "9:30": a time with minutes. */
const CLOCK_WITH_MINUTES = /(?<![\d$.,:])\b([01]?\d|2[0-3]):([0-5]\d)\b(?![.,]?\d)/;
/** "at 10", "a las 9": an hour said alone, read within business hours. */
const CLOCK_AFTER_AT =
	/\b(?:at|around|a las?)\s+(\d{1,2})\b(?=\s*(?:$|[,.;!?)](?!\d)|(?:on|every|each|in|please|and|for|o'?clock|en punto|los|cada)\b))/;
const NOON = /\b(?:at |around |a las? )?(?:noon|midday|mediodia)\b/;

const hhmm = (hour: number, minute: number) =>
	`${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/**
 * The local time a recurring visit is asked for ("every Friday at 2pm": 14:00), as HH:MM,
 * or null. An hour said alone ("at 10") is read within business hours: 7 to 11 in the
 * morning, 12 at noon, 1 to 6 in the afternoon. Amounts ("at 10% off", "$300") are not times.
 */
export function visitTimeIn(normalized: string): string | null {
	const withMeridiem = CLOCK_WITH_MERIDIEM.exec(normalized);
	if (withMeridiem) {
		const hour = Number(withMeridiem[1]);
		const minute = Number(withMeridiem[2] ?? 0);
		if (hour < 1 || hour > 12) return null;
		const afternoon = /^p|tarde|noche/.test(withMeridiem[3]);
		return hhmm((hour % 12) + (afternoon ? 12 : 0), minute);
	}
	const withMinutes = CLOCK_WITH_MINUTES.exec(normalized);
	if (withMinutes) {
		const hour = Number(withMinutes[1]);
		return hhmm(hour >= 1 && hour <= 6 ? hour + 12 : hour, Number(withMinutes[2]));
	}
	if (NOON.test(normalized)) return '12:00';
	const alone = CLOCK_AFTER_AT.exec(normalized);
	if (alone) {
		const hour = Number(alone[1]);
		if (hour >= 7 && hour <= 12) return hhmm(hour, 0);
		if (hour >= 1 && hour <= 6) return hhmm(hour + 12, 0);
	}
	return null;
}

/** `receivedMonth` (1-12): the month the message came in, for months named as when ("in March"). */
export function extractLeadFacts(
	message: string,
	normalized: string,
	receivedMonth: number | null = null,
): LeadFacts {
	const text = formFieldsAsSentences(normalized);
	const damage = readDamageFacts(message, normalized);
	const isEmergency = damage.active && damage.damage_type !== null;
	const propertyType = detectPropertyType(text);
	const rooms = detectRooms(text);
	const squareFeet = detectArea(text);
	const visitDays = detectVisitDays(text);
	// Several visits a week is a weekly service even in words the cadence rules do not list ("Mondays and Thursdays").
	const frequency =
		detectFrequency(text) ?? (visitDays.visits !== null && visitDays.visits > 1 ? 'weekly' : null);
	const describesProperty =
		rooms.bedrooms !== null ||
		rooms.bathrooms !== null ||
		squareFeet !== null ||
		frequency !== null;
	const serviceType = detectService(
		text,
		propertyType === 'commercial',
		damage.damage_type,
		isEmergency,
		describesProperty,
		damage.situation.asked_about,
	);
	const urgency = readUrgency(text, receivedMonth);
	const facts: LeadFacts = {
		service_type: serviceType,
		property_type:
			propertyType ??
			(serviceType === 'commercial_cleaning'
				? 'commercial'
				: rooms.bedrooms !== null
					? 'residential'
					: null),
		is_emergency: isEmergency,
		emergency_type: isEmergency ? damage.damage_type : null,
		urgency: isEmergency ? 'emergency' : urgency.urgency,
		urgency_intensity: urgency.intensity,
		frequency,
		visits_per_week: frequency === 'weekly' ? (visitDays.visits ?? 1) : null,
		// A weekly service's days; every other week or monthly, the one day its visits fall on ("Fridays").
		visit_weekdays:
			frequency === 'weekly'
				? visitDays.days
				: frequency && visitDays.days?.length === 1
					? visitDays.days
					: null,
		bedrooms: rooms.bedrooms,
		bathrooms: rooms.bathrooms,
		square_feet: squareFeet,
		budget: detectBudget(text),
		decision_maker: detectDecisionMaker(text),
		wants_human: detectWantsHuman(text),
		discount_request_pct: detectDiscount(text),
		price_shopping: SHOPPING.test(text),
		off_topic: serviceType === 'other' && !damage.damage_type && !CLEANING_WORDS.test(text),
	};
	return facts;
}
