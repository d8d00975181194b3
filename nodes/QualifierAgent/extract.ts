import { readDamageFacts } from '../shared/damage';
import { affirmedMatch, hasAny, NUMBER, parseNumber } from '../shared/text';
import { readUrgency } from '../shared/urgency';
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

const COMMERCIAL = [
	/\b(?:office|offices|clinic|dental|dentist|medical (?:office|center|centre|practice)|practice|restaurant|cafe|coffee shop|bakery|bar|pub|gym|fitness|studio space|yoga studio|dance studio|warehouse|factory|plant floor|retail|store|shop|boutique|salon|spa|barbershop|showroom|dealership|hotel|motel|hostel|church|school|daycare|preschool|kindergarten|university|campus|library|lab|laboratory|bank|(?:our|my|small|local) business|businesses|(?:our|my) company|corporate|front of house|commercial|coworking|co-working|workspace|facility|facilities|building lobby|lobby|suites?|tenant spaces?|storefront|franchise|our staff|employees|janitorial|vet(?:erinary)? clinic|hospital|pharmacy|daycare|venue|event space|theater|theatre|cinema|mall|supermarket|grocery|brewery|winery|kitchen staff|commercial kitchen|property management|hoa common areas|common areas)\b/,
	/\b(?:oficina|consultorio|clinica|restaurante|negocio|empresa|local comercial|tienda|almacen|bodega|gimnasio|escuela|iglesia)\b/,
	/\b(?:(?:law|accounting|architecture|design|consulting|insurance|marketing|real estate) (?:firm|office|agency)|firm|agency|pediatrics|dentistry|chiropract\w*|pizzeria|taqueria|diner|bistro|deli|tavern|clubhouse|club house|(?:our|the) (?:staff|employees|patients|customers|clients|members)|workplace|headquarters|hq|plant|shop floor|loading dock|break ?room|conference rooms?|cubicles?|reception area|waiting room)\b/,
];
const RESIDENTIAL = [
	/\b(?:(?<!front of )house|home|apartment|condo|condominium|townhouse|townhome|duplex|flat|(?<!(?:yoga|dance|recording|art|photo|fitness|pilates|tattoo|design|music) )studio(?! space)|bungalow|cottage|cabin|villa|mobile home|trailer|my place|our place|bedrooms?|br\b|bdrm|master bath|loft|penthouse|basement suite|in-law|granny flat|airbnb|vacation rental|rental property|my mom'?s|my parents'?|residence|family room|living room|kids|dorm)\b/,
	/\b(?:casa|departamento|apartamento|hogar|recamaras?|habitacion(?:es)?|dormitorios?|cuartos?)\b/,
];

/** Rooms and parts of a home: residential when nothing says business. */
const HOME_PARTS =
	/\b(?:basement|garage|attic|crawl ?space|hallway|laundry room|bedroom|master|upstairs (?:neighbou?r|unit|apartment|bathroom)|neighbou?r'?s|(?:our|my) (?:bathroom|kitchen|shower|ceiling|sink|tub|bathtub|toilet|living room|floor|carpets?|walls?)|rental unit|tenant|in the unit|bathtub|pantry|shower drain|first floor|second floor|upstairs|downstairs|stairs|estate|colonial|ranch house|rancher|mansion|bano|(?:my|our) (?:son|daughter|kids?|children|baby|wife|husband|family|mom|dad|parents)|baby|sotano|cocina)\b/;

const COMPLAINT =
	/\b(?:complain\w*|terrible|awful service|refund|damage (?:your|the) (?:crew|cleaners?) did|(?:your|the) crew (?:broke|damaged)|last (?:cleaning|clean|visit) was (?:terrible|bad|awful|poor))\b/;

const CLEANING_WORDS =
	/\b(?:clean|cleaned|cleaning|cleaner|cleaners|cleanup|clean-up|maid|maids|housekeep\w*|janitor\w*|tidy|tidying|scrub\w*|sanitiz\w*|disinfect\w*|wipe down|dust\w*|vacuum\w*|mop\w*|limpieza|limpiar|limpien|aseo)\b/;

const SERVICE_RULES: Array<[ServiceType, RegExp[]]> = [
	[
		'post_construction',
		[
			/\bpost[- ]?(?:construction|renovation|reno|remodel|build)\b/,
			/\bafter (?:the |our |a |my )?(?:construction|renovation|reno|remodel(?:ing)?|contractors?|builders?|the build|drywall)\b/,
			/\b(?:construction|renovation|remodel|drywall|sanding) (?:dust|debris|mess|clean(?:ing|up)?)\b/,
			/\bbuilders?'? clean\b/,
			/\bnew build\b/,
			/\b(?:renovat\w+|remodel\w*|contractors?|builders?)\b[^.]{0,100}\b(?:dust|debris|sawdust)\b/,
			/\b(?:dust|debris|sawdust)\b[^.]{0,60}\b(?:renovat\w+|remodel\w*|contractors?|construction)\b/,
			/\b(?:despues de (?:la )?(?:construccion|remodelacion|obra)|post ?obra|fin de obra)\b/,
		],
	],
	[
		'move_in_out',
		[
			/\bmov(?:e|ing)[- ]?(?:in|out)\b(?![- ]?(?:on |next |this |in |by |at )?(?:mon|tues|wednes|thurs|fri|satur|sun)?(?:day|sat|sun|fri)\b)/,
			/\bmove-?(?:in|out)[- ]clean\w*\b/,
			/\bend of (?:lease|tenancy|rental)\b/,
			/\b(?:vacating|vacate|vacated|handing (?:back|over) the keys|get (?:my|our|the) (?:security )?deposit back|deposit back|tenant (?:leaves|moves out|moved out|left))\b/,
			/\b(?:tenants?|lease|rental)\b[^.]{0,60}\bturnover\b|\bturnover\b[^.]{0,60}\b(?:tenants?|lease)\b/,
			/\bbefore (?:we|i|the (?:new )?tenants?) (?:move|moves|hand)\b/,
			/\b(?:new|former|previous) tenants?\b/,
			/\b(?:just (?:bought|purchased|closed on|moved)|before (?:we|i) unpack|closing on (?:the|our|my) (?:house|home|condo)|moving (?:into|in to) (?:a|our|my|the) new)\b/,
			/\b(?:mudanza|me mudo|nos mudamos|desocupar|entrega del (?:departamento|apartamento|casa))\b/,
		],
	],
	[
		'carpet_cleaning',
		[
			/\b(?:carpets?|rugs?|upholstery|sofa|couch|mattress)(?: \w+)? (?:clean\w*|shampoo\w*|steam\w*)\b/,
			/\b(?:steam|shampoo|deep)[- ]?clean\w* (?:the |my |our |all )?(?:\w+ )?(?:carpets?|rugs?|upholstery)\b/,
			/\bcarpets?\b/,
			/\balfombras?\b/,
		],
	],
	[
		'window_cleaning',
		[
			/\bwindows? (?:clean\w*|wash\w*)\b/,
			/\b(?:clean|wash|do)\w* (?:the |my |our |all |\w+ )?(?:exterior |outside |inside )?windows\b/,
			/\bwater spots? on (?:the |my |our )?(?:windows|glass)\b/,
			/\bstreak\w* (?:windows|glass)\b/,
			/\bstorefront glass\b/,
			/\bventanas?\b/,
		],
	],
	[
		'mold_remediation',
		[
			/\bmou?ld(?:y)?\b/,
			/\bmildew (?:problem|remediation|removal|everywhere|on the walls)\b/,
			/\bmoho\b/,
		],
	],
	[
		'deep_cleaning',
		[
			/\bdeep(?:[- ]|ly )?clean\w*\b/,
			/\bspring[- ]clean\w*\b/,
			/\bthorough(?:ly)? clean\w*\b/,
			/\btop[- ]to[- ]bottom\b/,
			/\b(?:really|very|super|extremely|seriously) (?:dirty|filthy|gross)\b/,
			/\bhasn'?t been cleaned in (?:years|months|ages|a long time)\b/,
			/\b(?:disinfect|sanitiz)\w* (?:the |our |my |entire |whole )*(?:home|house|apartment|place)\b/,
			/\b(?:hoarder|hoarding)\b/,
			/\blimpieza (?:profunda|a fondo)\b/,
		],
	],
];

const OTHER_SERVICES =
	/\b(?:pressure[- ]wash\w*|power[- ]wash\w*|gutters?|lawn|mow\w*|landscap\w*|pest control|exterminat\w*|plumb(?:er|ing) (?:repair|service)|paint\w*|roofing|moving (?:company|truck|help|boxes)|movers|pool clean\w*|duct clean\w*|chimney sweep\w*|junk removal|dumpster|snow removal|car (?:wash|detail\w*)|detailing|laundry service|babysit\w*|dog walk\w*)\b/;

const STANDARD_HINTS =
	/\b(?:house ?clean\w*|home clean\w*|regular clean\w*|standard clean\w*|basic clean\w*|maid service|housekeeping|cleaning lady|cleaner|cleaners|clean(?:ing)? (?:service|help)|tidy\w*|limpieza|limpiar|aseo)\b/;

/** Patterns built from fragments are compiled once (none has the g flag, so sharing is safe). */
const regexCache = new Map<string, RegExp>();
function cachedRegex(source: string): RegExp {
	let compiled = regexCache.get(source);
	if (!compiled) {
		compiled = new RegExp(source);
		regexCache.set(source, compiled);
	}
	return compiled;
}

function detectService(
	text: string,
	isCommercial: boolean,
	damage: EmergencyType | null,
	damageActive: boolean,
	describesProperty: boolean,
): ServiceType {
	if (damage && damageActive) return SERVICE_OF_DAMAGE[damage];
	for (const [service, patterns] of SERVICE_RULES) {
		if (service === 'mold_remediation' && damage !== 'mold') continue;
		if (patterns.some((p) => affirmedMatch(text, p))) {
			// Windows or carpets named as one item of a general clean stay a general clean.
			if (
				(service === 'window_cleaning' || service === 'carpet_cleaning') &&
				isAddOnOfGeneralClean(text, service)
			)
				continue;
			// A deep clean of a business is still a commercial clean (DESIGN.md: specialty work keeps its type, general cleans of a business do not).
			if (service === 'deep_cleaning' && isCommercial) return 'commercial_cleaning';
			return service;
		}
	}
	if (COMPLAINT.test(text)) return 'other';
	if (OTHER_SERVICES.test(text) && !restorationAsked(text)) return 'other';
	// Restoration of past damage keeps the damage's own service; a plain clean after old damage is a clean.
	const restoration = restorationAsked(text);
	const cleaningAsked = CLEANING_WORDS.test(text) || STANDARD_HINTS.test(text);
	if (damage === 'water_damage' || damage === 'sewage' || damage === 'storm') {
		if (restoration || (!cleaningAsked && /\bdamage\b/.test(text))) return 'water_damage';
	}
	if (
		damage === 'fire_damage' &&
		(restoration || (!cleaningAsked && /\b(?:damage|soot|smoke)\b/.test(text)))
	)
		return 'fire_damage';
	if (cleaningAsked) {
		if (OTHER_SERVICES.test(text) && !/\b(?:house|home|apartment|office)\b/.test(text))
			return 'other';
		return isCommercial ? 'commercial_cleaning' : 'standard_cleaning';
	}
	if (OTHER_SERVICES.test(text)) return 'other';
	// A cleaning company asked about a sized property or a cadence is asked for a clean.
	if (isCommercial && /\b(?:service|quote|estimate|janitorial|crew|contract)\b/.test(text))
		return 'commercial_cleaning';
	if (describesProperty) return isCommercial ? 'commercial_cleaning' : 'standard_cleaning';
	return 'other';
}

function restorationAsked(text: string): boolean {
	return /\b(?:restor\w*|remediat\w*|repair\w*|dry(?:ing)? out|drying|dehumidif\w*|water extraction|extraction|mitigation)\b/.test(
		text,
	);
}

function isAddOnOfGeneralClean(
	text: string,
	service: 'window_cleaning' | 'carpet_cleaning',
): boolean {
	const object = service === 'window_cleaning' ? 'windows?' : '(?:carpets?|rugs?)';
	const generalClean =
		/\b(?:house|home|apartment|condo|office|full|whole|general|regular|weekly|biweekly|monthly|standard)\b[^.]{0,25}\bclean\w*\b|\bclean\w* (?:of )?(?:the |my |our )?(?:house|home|apartment|condo|place|office)\b|\bmaid\b|\bhousekeep/;
	const asItem = cachedRegex(
		`\\b(?:plus|also|and|including|incl|with|add|inside|interior)\\b[^.]{0,20}\\b${object}\\b|\\b${object}\\b[^.]{0,15}\\b(?:too|as well|also|included)\\b`,
	);
	return generalClean.test(text) && asItem.test(text);
}

function detectPropertyType(text: string): PropertyType | null {
	const commercial = COMMERCIAL.some((p) => p.test(text));
	const residential =
		RESIDENTIAL.some((p) => p.test(text)) || (!commercial && HOME_PARTS.test(text));
	if (commercial && !residential) return 'commercial';
	if (residential && !commercial) return 'residential';
	if (commercial && residential) {
		// "home office", "my studio apartment" and "office in my house" are homes.
		if (
			/\bhome office|office (?:in|at) (?:my|our) (?:home|house)|studio apartment|studio flat\b/.test(
				text,
			)
		)
			return 'residential';
		if (
			/\b(?:my|our) (?:office|clinic|restaurant|gym|store|shop|salon|business|warehouse|practice|company|building)\b/.test(
				text,
			)
		)
			return 'commercial';
		return 'residential';
	}
	return null;
}

const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const FREQUENCY_RULES: Array<[Frequency, RegExp]> = [
	[
		'biweekly',
		/\b(?:bi-?weekly|fortnight(?:ly)?|every (?:other|second|2nd|two|2) (?:week|weeks|wk|\w+day)|every couple (?:of )?weeks|(?:twice|two times|2 times|2x) (?:a|per|each|every|\/) ?month|twice monthly|semi-?monthly|(?:1|once|one time) every (?:2|two) weeks|alternate weeks|every 14 days|cada (?:dos|2) semanas|cada (?:15|quince) dias|quincenal\w*|dos veces (?:al|por) mes)\b/,
	],
	[
		'monthly',
		/\b(?:monthly|once (?:a|per|every|each) month|(?:1|one) ?(?:x|time)s? (?:a|per|\/) ?month|every month|each month|every (?:4|four) weeks|every 30 days|a month(?:ly)? (?:clean|service|visit)|mensual\w*|(?:una vez|1 vez) (?:al|por|cada) mes|cada mes)\b/,
	],
	[
		'weekly',
		cachedRegex(
			`\\b(?:weekly|every week|each week|once (?:a|per|every|each) week|(?:1|one|once) ?(?:x|time)s? (?:a|per|\\/) ?(?:week|wk)|(?:twice|two times|2 times|2x|3x|three times|four times|five times|(?:\\d(?:\\s?-\\s?\\d)?|two|three|four|five|six|seven) ?(?:x|times|days|nights|evenings|mornings)) (?:a|per|each|\\/) ?week|(?:twice|three times|\\dx) weekly|nightly|daily|every (?:day|night|evening|morning|weekday)|each (?:night|evening)|mon(?:day)?[- ]?(?:-|to|thru|through)[- ]?fri(?:day)?|weekdays after (?:hours|close)|every ${WEEKDAY}s?|${WEEKDAY}s? every week|on ${WEEKDAY}s each week|semanal\\w*|cada semana|todas las semanas|una vez (?:a la|por) semana|(?:los|cada) (?:lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)|(?:dos|tres|cuatro|cinco|\\d) veces (?:a la|por|por la|cada) semana)\\b`,
		),
	],
	[
		'one_time',
		/\b(?:(?:clean\w*|visit|come|service) (?:just |only )?once\b(?! (?:a|per|every|each|in|you|we|i))|(?:just|only) (?:this )?once|nothing recurring|one[- ]?time|one[- ]off|just once|only once|single (?:visit|clean\w*|service|job|appointment)|not (?:recurring|regular|ongoing)|no (?:recurring|ongoing|regular) service|a single|once-off|una (?:sola )?vez|solo una vez)\b/,
	],
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

const COUNT_WORD: Record<string, number> = {
	once: 1,
	one: 1,
	twice: 2,
	two: 2,
	thrice: 3,
	three: 3,
	four: 4,
	five: 5,
	six: 6,
	seven: 7,
	una: 1,
	dos: 2,
	tres: 3,
	cuatro: 4,
	cinco: 5,
	seis: 6,
	siete: 7,
};
const COUNT =
	'(?:once|twice|thrice|one|two|three|four|five|six|seven|una|dos|tres|cuatro|cinco|seis|siete|[1-7])';
const PER = '(?:a|per|each|every|\\/|a la|por|por la|cada|in a)';
const UNIT =
	'(?:x|times?|days?|nights?|evenings?|mornings?|visits?|cleans?|cleanings?|veces|dias|noches)';
/** "3 times a week", "twice a week", "5 days per week", "3x/week", "3-5 days a week" (the lower figure), "tres veces por semana". */
const VISITS_A_WEEK = cachedRegex(
	`\\b(${COUNT})(?:\\s?-\\s?${COUNT})? ?(?:${UNIT} ?${PER}? ?|${PER} ?)(?:week|wk|semana)\\b|\\b(twice|thrice|[2-7] ?x|(?:two|three|four|five|six|seven|[2-7]) times) weekly\\b`,
);
const WEEKDAYS_ONLY =
	/\b(?:mon(?:day)?s?\s?(?:-|to|thru|through|until)\s?fri(?:day)?s?|every (?:week ?day|week ?night|business day|working day)|week ?days|week ?nights|(?:business|working) days|de lunes a viernes|entre semana)\b/;
const EVERY_DAY =
	/\b(?:daily|nightly|every (?:single )?(?:day|night|evening|morning)|each (?:day|night|evening)|seven days|7 days|todos los dias|diario|diariamente)\b/;
const WEEKDAY_LIST = cachedRegex(
	`\\b(?:every |on )?(${WEEKDAY})(s?)((?:\\s?(?:,|and|&|\\/|y)\\s?(?:${WEEKDAY})s?)+)`,
);

const ONE_WEEKDAY = cachedRegex(`\\b(?:every|each) (${WEEKDAY})s?\\b|\\b(${WEEKDAY})s\\b`);
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
	// Plural days or "every" make a list a cadence; "Monday and Tuesday work for us" is a preference.
	if (list && (list[2] === 's' || /^(?:every )/.test(list[0]))) {
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

const BED =
	'(?:bed(?:room)?s?|bdrms?|bds?|brs?|beds?|b\\/r|recamaras?|habitacion(?:es)?|dormitorios?|cuartos?)';
const BATH = '(?:bath(?:room)?s?|baths?|bas?|bth|b\\/a|wc|toilets?|banos?)';

const ROOMS_COMBO =
	/(?<![#$])\b(\d+)\s*(?:br|bd|bed|b)\s*[/,+& ]?\s*(\d+(?:\.\d+)?)\s*(?:ba|bth|bath|b)\b/;
const BEDROOMS = new RegExp(`(?<![#$])\\b(${N})[- ]?${BED}`);
const BATHROOMS = new RegExp(
	`(?<![#$])\\b(${N})(?:\\s+and\\s+(?:a\\s+)?(?:half|1\\/2)|\\s*1\\/2|\\s+(?:y\\s+)?medio)?\\s*(?:full\\s+)?[- ]?${BATH}\\b`,
);
const HALF_BATHS = new RegExp(
	`\\b(?:(${N}|a|one)\\s+)?half[- ]?${BATH}\\b|\\b(${N}|a|one)\\s+powder rooms?\\b`,
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
	const slash =
		/\b(\d)\s*\/\s*(\d(?:\.\d)?)\s*(?:house|home|apartment|condo|townhouse|townhome|unit|place|flat|duplex)\b/.exec(
			text,
		);
	if (!combo && slash) {
		bedrooms = parseFloat(slash[1]);
		bathrooms = parseFloat(slash[2]);
	}

	if (bedrooms === null) {
		const m = BEDROOMS.exec(text);
		if (m) bedrooms = parseNumber(m[1].replace(/\s/g, ''));
	}
	if (
		bedrooms === null &&
		/\bstudio\b|\bestudio\b|\bbachelor (?:apartment|pad|unit)\b|\befficiency (?:apartment|unit)\b/.test(
			text,
		)
	) {
		if (
			!/\b(?:yoga|dance|recording|art|photo|fitness|pilates|tattoo|design|dental|hair) studio|studio (?:space|owner)\b/.test(
				text,
			)
		)
			bedrooms = 0;
	}

	if (bathrooms === null) {
		const full = BATHROOMS.exec(text);
		if (full) {
			const base = parseNumber(full[1].replace(/\s/g, ''));
			if (base !== null) bathrooms = base + (/(?:half|1\/2|medio)/.test(full[0]) ? 0.5 : 0);
		}
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

/** Square feet as stated, or square metres converted (x 10.764, rounded). */
function detectArea(text: string): number | null {
	const feet = cachedRegex(
		`\\b(${N})\\s*(?:\\+\\s*)?(?:sq\\.?\\s*(?:ft|feet|foot)\\.?|square[- ](?:feet|foot|ft)|sqft|sq\\/ft|sf\\b|ft2|sq\\.? f\\.?|pies cuadrados|pies2)`,
	).exec(text);
	if (feet) {
		const value = parseNumber(feet[1].replace(/\s/g, ''));
		if (value !== null) return Math.round(value);
	}
	const metres = cachedRegex(
		`\\b(${N})\\s*(?:m2\\b|sq\\.?\\s*m\\b|sqm\\b|square[- ]met(?:er|re)s?|sq\\.? met(?:er|re)s?|metros cuadrados|mts2|mt2|m\\^2)`,
	).exec(text);
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

/** Budget in cents from "$200-300", "under 150", "budget is around $250", "up to 500 dollars". */
function detectBudget(text: string): Budget | null {
	const hasBudgetContext =
		/\b(?:budget|spend|afford|pay|price range|looking to pay|willing to pay|max|maximum|no more than|at most|under|less than|below|up to|around|about|between|presupuesto|pagar)\b|\$/.test(
			text,
		);
	if (!hasBudgetContext) return null;
	const range = cachedRegex(
		`(?:${MONEY}|\\b${BARE})\\s*(?:-|to|and|a)\\s*\\$?\\s?(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d{1,2})?)(k)?\\s*(?:dollars|bucks|usd|\\$)?`,
	);
	const rangeMatch = range.exec(text);
	if (rangeMatch) {
		const low = rangeMatch[1] ?? rangeMatch[3];
		const lowK = rangeMatch[2] ?? rangeMatch[4];
		const isMoney =
			rangeMatch[0].includes('$') ||
			/dollars|bucks|usd/.test(rangeMatch[0]) ||
			/\b(?:budget|between|spend|pay|presupuesto)\b[^.]{0,25}$/.test(
				text.slice(0, rangeMatch.index),
			);
		if (low && isMoney) {
			const min = dollars(low, lowK);
			const max = dollars(rangeMatch[5], rangeMatch[6] ?? lowK);
			if (max >= min) return { min, max };
		}
	}
	const capWords =
		'(?:under|less than|below|no more than|not more than|at most|max(?:imum)?(?: of)?|up to|cap(?:ped)? at|top(?:s)? out at|nothing over|no more then)';
	const cap = cachedRegex(`\\b${capWords}\\s*(?:${MONEY}|${BARE}\\s*(?:dollars|bucks|usd)?)`).exec(
		text,
	);
	if (
		cap &&
		(cap[0].includes('$') ||
			/dollars|bucks|usd/.test(cap[0]) ||
			/budget|spend|pay|afford/.test(text))
	) {
		const value = cap[1] ?? cap[3];
		const k = cap[2] ?? cap[4];
		if (value) return { min: null, max: dollars(value, k) };
	}
	const floor = cachedRegex(`\\b(?:at least|minimum of|more than|over)\\s*${MONEY}`).exec(text);
	if (floor && /budget|spend|pay/.test(text))
		return { min: dollars(floor[1], floor[2]), max: null };
	const around = cachedRegex(
		`\\b(?:budget(?: is| of|:)?|spend|pay|afford|presupuesto(?: es| de)?)\\s*(?:is\\s*)?(?:around|about|roughly|approximately|approx\\.?|~|like|of|de)?\\s*(?:${MONEY}|${BARE}\\s*(?:dollars|bucks|usd))`,
	).exec(text);
	if (around) {
		const value = around[1] ?? around[3];
		const k = around[2] ?? around[4];
		if (value) {
			const cents = dollars(value, k);
			return { min: cents, max: cents };
		}
	}
	const dollarsAround = cachedRegex(`\\b(?:around|about|roughly|approximately|~)\\s*${MONEY}`).exec(
		text,
	);
	if (dollarsAround && /budget|spend|pay|afford|looking/.test(text)) {
		const cents = dollars(dollarsAround[1], dollarsAround[2]);
		return { min: cents, max: cents };
	}
	return null;
}

function detectDiscount(text: string): number | null {
	const patterns = [
		cachedRegex(
			`\\b(${N})\\s*(?:%|percent|per cent|pct|por ?ciento)\\s*(?:off|discount|descuento|less|lower|cheaper|reduction|deal|break)`,
		),
		cachedRegex(
			`\\b(?:discount|descuento|reduction|knock off|take off|deal|off)\\s*(?:of|de)?\\s*(?:like\\s*|around\\s*|about\\s*)?(${N})\\s*(?:%|percent|per cent|por ?ciento)`,
		),
		cachedRegex(
			`\\b(${N})\\s*(?:%|percent|per cent|por ?ciento)\\s*(?:\\w+\\s){0,4}(?:discount|descuento|off\\b)`,
		),
	];
	for (const p of patterns) {
		const m = p.exec(text);
		if (m) {
			const value = parseNumber(m[1].replace(/\s/g, ''));
			if (value !== null && value > 0 && value <= 100) return value;
		}
	}
	return null;
}

const HUMAN = [
	/\b(?:call|ring|phone) (?:me|us)\b/,
	/\b(?:give|gimme) (?:me|us) a (?:call|ring)\b/,
	/\bcall ?back\b/,
	/\b(?:speak|talk|chat) (?:to|with) (?:a |an |the |your |someone|somebody|real|actual|live)\b/,
	/\b(?:real|actual|live) (?:person|human|people|agent|rep)\b/,
	/\b(?:a |the )?(?:human|manager|supervisor|owner|representative|sales (?:rep|person)|someone in charge)\b(?=[^.?!]{0,30}(?:please|\?|call|contact|speak|talk|reach))/,
	/\b(?:have|can|could) (?:someone|somebody|a person|your manager|the manager|the owner) (?:call|contact|reach|phone)\b/,
	/\b(?:prefer|rather) (?:a )?(?:phone call|to talk|to speak|speaking)\b/,
	/\bnot (?:a |an )?(?:bot|robot|machine|ai)\b/,
	/\b(?:llamame|llamenme|me pueden llamar|hablar con (?:una persona|alguien|un humano|el gerente)|persona real)\b/,
	/\b(?:escalate|escalation)\b/,
	/\bcall me at\b/,
	/\b(?:contact|reach) (?:me|us) (?:by|via|on (?:my|the)) (?:phone|cell|mobile|telephone)\b/,
];
const NO_CALLS =
	/\b(?:don'?t|do not|please don'?t|no need to|no) (?:call|phone|ring)\b|\bno (?:phone )?calls\b|\btext only\b|\bemail only\b|\bcan'?t (?:take|answer) (?:calls|the phone)\b/;

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

function detectDecisionMaker(text: string): boolean | null {
	if (
		/\b(?:need to|have to|must|will|i'?ll|gotta) (?:check|ask|run it by|confirm|talk|consult|get approval)\b[^.]{0,30}\b(?:with |by )?(?:my |our |the )?(?:boss|manager|landlord|husband|wife|partner|spouse|owner|board|committee|team|hoa)\b|\bnot the (?:owner|decision maker)\b|\b(?:boss|landlord|owner|board|committee) (?:has to|needs to|must|will) (?:approve|decide|sign off)\b|\bon behalf of\b|\bforwarding (?:this )?(?:for|to)\b/.test(
			text,
		)
	) {
		return false;
	}
	if (
		/\b(?:i'?m|i am|as) (?:the )?(?:owner|homeowner|home owner|property manager|office manager|facilities manager|facility manager|manager|landlord|decision maker|ceo|founder|director|gm|general manager|operations manager|store manager|practice manager|building manager|proprietor)\b|\bi (?:own|manage|run) (?:the|a|this|our|my)\b|\b(?:my|our) (?:own )?(?:house|home|business|company|restaurant|office|clinic|store|practice|condo|apartment)\b|\bready to (?:book|sign|start|go)\b|\bsoy (?:el |la )?(?:dueno|duena|propietari[oa]|gerente)\b/.test(
			text,
		)
	) {
		return true;
	}
	return null;
}

const SHOPPING =
	/\b(?:just (?:comparing|shopping|looking|getting (?:quotes|prices|an estimate)|checking prices|curious)|comparing (?:prices|quotes|rates|companies)|shopping around|getting (?:a few|multiple|several|some) quotes|cheapest|lowest price|price check|ballpark)\b/;

/** Reads every fact the Qualifier scores, by rules. `text` is the normalised message. */
export function extractLeadFacts(message: string, text: string): LeadFacts {
	const damage = readDamageFacts(message, text);
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
	);
	const urgency = readUrgency(text);
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
		visit_weekdays: frequency === 'weekly' ? visitDays.days : null,
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
