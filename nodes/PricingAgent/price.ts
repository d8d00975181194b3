import { createHash } from 'node:crypto';
import { InputError } from '../shared/errors';

import { z } from 'zod/v4';

import {
	EMERGENCY_TYPES,
	FREQUENCIES,
	SERVICE_OF_DAMAGE,
	SERVICE_TYPES,
	type EmergencyType,
	type Frequency,
	type ServiceType,
} from '../shared/vocabulary';
import { cadenceText } from '../shared/wording';
import { formatMoney, percentOf, roundCents } from '../shared/money';
import { resolveRateCard, type RateCard, type RateCardOverride } from './rateCard';

/** Visits a month for each cadence: weekly 52/12, every other week 26/12, monthly 1. */

export const VISITS_PER_MONTH: Record<Exclude<Frequency, 'one_time'>, number> = {
	weekly: 52 / 12,
	biweekly: 26 / 12,
	monthly: 1,
};

export const LINE_KINDS = [
	'service',
	'labour',
	'fee',
	'modifier',
	'add_on',
	'minimum',
	'discount',
	'tax',
] as const;

const lineSchema = z.object({
	code: z.string(),
	kind: z.enum(LINE_KINDS),
	label: z.string(),
	quantity: z.number(),
	unit_price_cents: z.number().int(),
	amount_cents: z.number().int(),
});
export type QuoteLine = z.infer<typeof lineSchema>;

export const PRICING_BASES = [
	'residential_rooms',
	'residential_sqft',
	'commercial_sqft',
	'carpet',
	'windows',
	'restoration',
] as const;

const pricingFactsSchema = z.object({
	service_type: z.enum(SERVICE_TYPES),
	property_type: z.enum(['residential', 'commercial']).nullable(),
	bedrooms: z.number().nullable(),
	bathrooms: z.number().nullable(),
	square_feet: z.number().nullable(),
	frequency: z.enum(FREQUENCIES).nullable(),
	visits_per_week: z.number().int().min(1).max(7).nullable(),
	add_ons: z.array(z.string()),
	is_emergency: z.boolean(),
	emergency_type: z.enum(EMERGENCY_TYPES).nullable(),
	estimated_hours: z.number().nullable(),
	after_hours: z.boolean(),
	holiday: z.boolean(),
	promo_code: z.string().nullable(),
	first_time: z.boolean(),
	/** Booked with us before: the rate card's returning-customer discount applies. */
	returning_customer: z.boolean(),
	windows: z.number().nullable(),
	carpet_rooms: z.number().nullable(),
});
export type PricingFacts = z.infer<typeof pricingFactsSchema>;

export const quoteSchema = z.object({
	quote_id: z.string(),
	currency: z.string(),
	service_type: z.enum(SERVICE_TYPES),
	pricing_basis: z.enum(PRICING_BASES),
	line_items: z
		.array(lineSchema)
		.describe('Every charge, modifier, discount and tax as its own line; amounts in cents.'),
	subtotal_cents: z.number().int().describe('Charges before discounts and tax.'),
	discount_cents: z.number().int().describe('All discounts together, as a positive number.'),
	discount_pct: z.number().describe('discount_cents as a percentage of the subtotal.'),
	tax_rate_pct: z.number(),
	tax_cents: z.number().int(),
	total_cents: z.number().int().describe('What one visit (or the job) costs, tax included.'),
	recurring: z
		.object({
			frequency: z.enum(['weekly', 'biweekly', 'monthly']),
			visits_per_week: z
				.number()
				.int()
				.min(1)
				.max(7)
				.nullable()
				.describe('Weekly service: visits a week; null for other cadences.'),
			visits_per_month: z.number(),
			per_visit_cents: z.number().int(),
			per_month_cents: z.number().int(),
		})
		.nullable(),
	estimated_hours: z.number().nullable(),
	valid_until: z.string(),
	assumptions: z.array(z.string()),
	notes: z.array(z.string()),
	approval_required: z.boolean(),
	summary: z.string(),
	rounding: z.string(),
	pricing_inputs: z.object({
		facts: pricingFactsSchema,
		rate_card: z.record(z.string(), z.unknown()),
		negotiated_discount_pct: z.number(),
		priced_at: z.string(),
	}),
});
export type Quote = z.infer<typeof quoteSchema>;

export interface PriceOptions {
	/** Overrides of the default rate card (any subset), or a whole card. */
	rateCard?: RateCardOverride | null;
	/** When the quote is made (validity, promo expiry). Defaults to now. */
	now?: Date | string;
	/** A discount agreed in negotiation, in percent; subject to the stacking cap. */
	negotiatedDiscountPct?: number;
	quoteId?: string;
}

/** Bad input to the Pricing agent: names the field and the fix. */
export class PricingInputError extends InputError {}

export const ROUNDING_RULE =
	'Each line is rounded to the cent (half away from zero); percentages apply to the subtotal; the monthly price is the per-visit total times visits a month (weekly 52/12, every other week 26/12), rounded once.';

const LIMITS = {
	bedrooms: 50,
	bathrooms: 50,
	square_feet: 2_000_000,
	estimated_hours: 500,
	windows: 2000,
	carpet_rooms: 200,
};

function readNumber(raw: Record<string, unknown>, field: keyof typeof LIMITS): number | null {
	const value = raw[field];
	if (value === undefined || value === null || value === '') return null;
	const number =
		typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? parseFloat(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw new PricingInputError(
			field,
			`"${field}" must be a number; got ${JSON.stringify(value)}. Map a numeric field or leave it empty to let the agent assume one.`,
		);
	}
	if (number < 0)
		throw new PricingInputError(field, `"${field}" cannot be negative (got ${number}).`);
	if (number > LIMITS[field]) {
		throw new PricingInputError(
			field,
			`"${field}" of ${number} is not believable (the limit is ${LIMITS[field]}). Check the value; for very large sites quote by hand.`,
		);
	}
	if (field === 'square_feet' && number > 0 && number < 50) {
		throw new PricingInputError(
			field,
			`"square_feet" of ${number} is too small for a property; was it square metres? Multiply by 10.764.`,
		);
	}
	return number;
}

function readBoolean(raw: Record<string, unknown>, field: string): boolean {
	const value = raw[field];
	if (value === undefined || value === null || value === '') return false;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 1) return true;
	if (value === 'false' || value === 0) return false;
	throw new PricingInputError(
		field,
		`"${field}" must be true or false; got ${JSON.stringify(value)}.`,
	);
}

/** Validates and normalises what the node (or a script) passes in. */
export function readPricingFacts(raw: unknown, card: RateCard): PricingFacts {
	if (!raw || typeof raw !== 'object')
		throw new PricingInputError(
			'facts',
			'price() needs an object of facts such as { service_type, bedrooms, bathrooms }.',
		);
	const r = raw as Record<string, unknown>;
	const givenType =
		r.emergency_type === '' || r.emergency_type === undefined ? null : r.emergency_type;
	// An emergency without a service type (a triaged call, never qualified) takes the service of its damage (docs/architecture.md).
	const service =
		(r.service_type === null || r.service_type === undefined || r.service_type === '') &&
		readBoolean(r, 'is_emergency') &&
		typeof givenType === 'string' &&
		givenType in SERVICE_OF_DAMAGE
			? SERVICE_OF_DAMAGE[givenType as EmergencyType]
			: r.service_type;
	if (typeof service !== 'string' || !(SERVICE_TYPES as readonly string[]).includes(service)) {
		throw new PricingInputError(
			'service_type',
			`"service_type" must be one of ${SERVICE_TYPES.join(', ')}; got ${JSON.stringify(service)}.`,
		);
	}
	const property = r.property_type ?? null;
	if (property !== null && property !== 'residential' && property !== 'commercial') {
		throw new PricingInputError(
			'property_type',
			`"property_type" must be residential, commercial or empty; got ${JSON.stringify(property)}.`,
		);
	}
	const frequency = r.frequency === '' || r.frequency === undefined ? null : r.frequency;
	if (frequency !== null && !(FREQUENCIES as readonly string[]).includes(frequency as string)) {
		throw new PricingInputError(
			'frequency',
			`"frequency" must be one of ${FREQUENCIES.join(', ')} or empty; got ${JSON.stringify(frequency)}.`,
		);
	}
	const visits =
		r.visits_per_week === '' || r.visits_per_week === undefined || r.visits_per_week === null
			? null
			: typeof r.visits_per_week === 'string'
				? Number(r.visits_per_week)
				: r.visits_per_week;
	if (
		visits !== null &&
		!(typeof visits === 'number' && Number.isInteger(visits) && visits >= 1 && visits <= 7)
	) {
		throw new PricingInputError(
			'visits_per_week',
			`"visits_per_week" must be a whole number from 1 to 7 (visits a week of a weekly service) or empty; got ${JSON.stringify(r.visits_per_week)}.`,
		);
	}
	const emergencyType = givenType;
	if (
		emergencyType !== null &&
		!(EMERGENCY_TYPES as readonly string[]).includes(emergencyType as string)
	) {
		throw new PricingInputError(
			'emergency_type',
			`"emergency_type" must be one of ${EMERGENCY_TYPES.join(', ')} or empty.`,
		);
	}
	let addOns: string[] = [];
	if (Array.isArray(r.add_ons)) addOns = r.add_ons.map(String);
	else if (typeof r.add_ons === 'string' && r.add_ons.trim().startsWith('[')) {
		try {
			addOns = (JSON.parse(r.add_ons) as unknown[]).map(String);
		} catch {
			throw new PricingInputError(
				'add_ons',
				'"add_ons" looks like a JSON list but is not valid JSON.',
			);
		}
	} else if (typeof r.add_ons === 'string' && r.add_ons.trim())
		addOns = r.add_ons
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	else if (r.add_ons !== undefined && r.add_ons !== null && r.add_ons !== '') {
		throw new PricingInputError(
			'add_ons',
			'"add_ons" must be a list of add-on codes (or a comma-separated text).',
		);
	}
	for (const code of addOns) {
		// Own keys only: "constructor" or "__proto__" is not an add-on the card sells.
		if (!Object.hasOwn(card.add_ons, code)) {
			throw new PricingInputError(
				'add_ons',
				`Unknown add-on "${code}". Known add-ons: ${Object.keys(card.add_ons).join(', ')}; add it to the rate card to sell it.`,
			);
		}
	}
	const promo =
		typeof r.promo_code === 'string' && r.promo_code.trim()
			? r.promo_code.trim().toUpperCase()
			: null;
	return {
		service_type: service as ServiceType,
		property_type: property as PricingFacts['property_type'],
		bedrooms: readNumber(r, 'bedrooms'),
		bathrooms: readNumber(r, 'bathrooms'),
		square_feet: readNumber(r, 'square_feet'),
		frequency: frequency as Frequency | null,
		// Visits a week belong to a weekly service only; weekly without a figure is once a week.
		visits_per_week: frequency === 'weekly' ? ((visits as number | null) ?? 1) : null,
		add_ons: [...new Set(addOns)],
		is_emergency: readBoolean(r, 'is_emergency'),
		emergency_type: emergencyType as EmergencyType | null,
		estimated_hours: readNumber(r, 'estimated_hours'),
		after_hours: readBoolean(r, 'after_hours'),
		holiday: readBoolean(r, 'holiday'),
		promo_code: promo,
		first_time: readBoolean(r, 'first_time'),
		returning_customer: readBoolean(r, 'returning_customer'),
		windows: readNumber(r, 'windows'),
		carpet_rooms: readNumber(r, 'carpet_rooms'),
	};
}

const SERVICE_LABEL: Record<ServiceType, string> = {
	standard_cleaning: 'Standard cleaning',
	deep_cleaning: 'Deep cleaning',
	move_in_out: 'Move-in/out cleaning',
	post_construction: 'Post-construction cleaning',
	commercial_cleaning: 'Commercial cleaning',
	carpet_cleaning: 'Carpet cleaning',
	window_cleaning: 'Window cleaning',
	water_damage: 'Water damage restoration',
	fire_damage: 'Fire damage restoration',
	mold_remediation: 'Mold remediation',
	other: 'Other service',
};

const RESTORATION_OF: Partial<Record<ServiceType, EmergencyType>> = {
	water_damage: 'water_damage',
	fire_damage: 'fire_damage',
	mold_remediation: 'mold',
};

const line = (
	code: string,
	kind: QuoteLine['kind'],
	label: string,
	quantity: number,
	unitPriceCents: number,
	amountCents?: number,
): QuoteLine => ({
	code,
	kind,
	label,
	quantity,
	unit_price_cents: roundCents(unitPriceCents),
	amount_cents: roundCents(amountCents ?? quantity * unitPriceCents),
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const roundUpToHalfHour = (hours: number) => Math.ceil(hours * 2) / 2;

interface Basis {
	basis: (typeof PRICING_BASES)[number];
	lines: QuoteLine[];
	hours: number | null;
	describe: string;
}

function restorationBasis(f: PricingFacts, card: RateCard, assumptions: string[]): Basis {
	const r = card.restoration;
	const type = f.emergency_type ?? RESTORATION_OF[f.service_type] ?? 'water_damage';
	let hours: number;
	if (f.estimated_hours !== null && f.estimated_hours > 0) {
		hours = roundUpToHalfHour(f.estimated_hours);
	} else {
		const base = r.base_hours[type];
		let sizeHours = 0;
		let sizeText = 'no size given';
		if (f.square_feet) {
			sizeHours = (f.square_feet / 1000) * r.hours_per_1000_sqft;
			sizeText = `${f.square_feet.toLocaleString('en-US')} sq ft`;
		} else if (f.bedrooms !== null) {
			sizeHours = f.bedrooms * r.hours_per_bedroom;
			sizeText = plural(f.bedrooms, 'bedroom');
		}
		hours = roundUpToHalfHour(base + sizeHours);
		assumptions.push(
			`estimated ${hours} hours of labour: ${base} h base for ${type.replace('_', ' ')} + ${roundUpToHalfHour(sizeHours)} h for ${sizeText} (an on-site assessment confirms it)`,
		);
	}
	const lines: QuoteLine[] = [];
	if (f.is_emergency)
		lines.push(line('call_out', 'fee', 'Emergency call-out', 1, r.call_out_cents));
	const labour = line(
		'labour',
		'labour',
		`${SERVICE_LABEL[f.service_type === 'other' ? 'water_damage' : f.service_type]} labour`,
		hours,
		r.hourly_cents,
	);
	lines.push(labour);
	if ((f.after_hours || f.holiday) && r.after_hours_multiplier > 1) {
		const why = f.holiday ? 'Holiday' : 'After-hours';
		lines.push(
			line(
				'after_hours',
				'modifier',
				`${why} labour (x${r.after_hours_multiplier})`,
				1,
				labour.amount_cents * (r.after_hours_multiplier - 1),
			),
		);
	}
	if (!f.is_emergency) {
		const sum = lines.reduce((s, l) => s + l.amount_cents, 0);
		if (sum < r.minimum_cents)
			lines.push(
				line(
					'minimum',
					'minimum',
					'Minimum charge for a restoration visit',
					1,
					r.minimum_cents - sum,
				),
			);
	}
	return { basis: 'restoration', lines, hours, describe: `${hours} hours` };
}

function commercialBasis(f: PricingFacts, card: RateCard): Basis {
	if (!f.square_feet) {
		throw new PricingInputError(
			'square_feet',
			'Commercial work is priced by square feet, and none was given. Ask the customer for the area (missing_info lists it) or map square_feet.',
		);
	}
	const c = card.commercial;
	const label =
		f.service_type === 'commercial_cleaning'
			? 'Commercial cleaning'
			: `${SERVICE_LABEL[f.service_type]} (commercial)`;
	const lines = [
		line(
			'area',
			'service',
			`${label}, ${f.square_feet.toLocaleString('en-US')} sq ft at ${formatMoney(c.per_sqft_cents, card.currency)}/sq ft`,
			f.square_feet,
			c.per_sqft_cents,
		),
	];
	const multiplier =
		card.service_multipliers[f.service_type as keyof RateCard['service_multipliers']];
	if (multiplier && multiplier !== 1) {
		lines.push(
			line(
				'service_multiplier',
				'modifier',
				`${SERVICE_LABEL[f.service_type]} (x${multiplier})`,
				1,
				lines[0].amount_cents * (multiplier - 1),
			),
		);
	}
	const sum = lines.reduce((s, l) => s + l.amount_cents, 0);
	if (sum < c.minimum_cents)
		lines.push(
			line('minimum', 'minimum', 'Minimum charge per commercial visit', 1, c.minimum_cents - sum),
		);
	return {
		basis: 'commercial_sqft',
		lines,
		hours: null,
		describe: `${f.square_feet.toLocaleString('en-US')} sq ft`,
	};
}

function carpetBasis(f: PricingFacts, card: RateCard, assumptions: string[]): Basis {
	const c = card.carpet;
	let lines: QuoteLine[];
	let describe: string;
	if (f.carpet_rooms !== null || (f.bedrooms !== null && f.square_feet === null)) {
		const rooms = f.carpet_rooms ?? (f.bedrooms ?? 0) + 1;
		if (f.carpet_rooms === null)
			assumptions.push(
				`assumed ${plural(rooms, 'carpeted room')}: the bedrooms and one living area`,
			);
		lines = [
			line(
				'rooms',
				'service',
				`Carpet cleaning, ${plural(rooms, 'room')}`,
				rooms,
				c.per_room_cents,
			),
		];
		describe = plural(rooms, 'room');
	} else if (f.square_feet) {
		lines = [
			line(
				'area',
				'service',
				`Carpet cleaning, ${f.square_feet.toLocaleString('en-US')} sq ft`,
				f.square_feet,
				c.per_sqft_cents,
			),
		];
		describe = `${f.square_feet.toLocaleString('en-US')} sq ft`;
	} else {
		assumptions.push('assumed 3 carpeted rooms (no size given)');
		lines = [line('rooms', 'service', 'Carpet cleaning, 3 rooms', 3, c.per_room_cents)];
		describe = '3 rooms';
	}
	const sum = lines.reduce((s, l) => s + l.amount_cents, 0);
	if (sum < c.minimum_cents)
		lines.push(
			line('minimum', 'minimum', 'Minimum charge for carpet cleaning', 1, c.minimum_cents - sum),
		);
	return { basis: 'carpet', lines, hours: null, describe };
}

function windowBasis(f: PricingFacts, card: RateCard, assumptions: string[]): Basis {
	const w = card.windows;
	let count = f.windows;
	if (count === null) {
		count = f.square_feet
			? Math.max(8, Math.ceil(f.square_feet / 150))
			: f.bedrooms !== null
				? f.bedrooms * 3 + 6
				: 15;
		assumptions.push(
			`assumed ${count} windows (${f.square_feet ? 'one per 150 sq ft' : f.bedrooms !== null ? 'three per bedroom plus six' : 'no size given'}); the price is confirmed on site`,
		);
	}
	const lines = [
		line(
			'windows',
			'service',
			`Window cleaning, ${plural(count, 'window')}`,
			count,
			w.per_window_cents,
		),
	];
	if (lines[0].amount_cents < w.minimum_cents)
		lines.push(
			line(
				'minimum',
				'minimum',
				'Minimum charge for window cleaning',
				1,
				w.minimum_cents - lines[0].amount_cents,
			),
		);
	return { basis: 'windows', lines, hours: null, describe: plural(count, 'window') };
}

function residentialBasis(f: PricingFacts, card: RateCard, assumptions: string[]): Basis {
	const r = card.residential;
	const label = SERVICE_LABEL[f.service_type];
	let lines: QuoteLine[];
	let basis: Basis['basis'];
	let describe: string;
	if (f.square_feet) {
		basis = 'residential_sqft';
		describe = `${f.square_feet.toLocaleString('en-US')} sq ft`;
		lines = [
			line(
				'area',
				'service',
				`${label} base, ${describe} at ${formatMoney(r.per_sqft_cents, card.currency)}/sq ft`,
				f.square_feet,
				r.per_sqft_cents,
			),
		];
	} else {
		basis = 'residential_rooms';
		let bedrooms = f.bedrooms;
		let bathrooms = f.bathrooms;
		if (bedrooms === null && bathrooms === null) {
			bedrooms = 2;
			bathrooms = 1;
			assumptions.push('assumed 2 bedrooms and 1 bathroom (no size given)');
		} else if (bedrooms === null) {
			bedrooms = Math.max(1, Math.ceil(bathrooms!));
			assumptions.push(`assumed ${plural(bedrooms, 'bedroom')} (only bathrooms given)`);
		} else if (bathrooms === null) {
			bathrooms = 1;
			assumptions.push('assumed 1 bathroom (only bedrooms given)');
		}
		const extraBedrooms = Math.max(0, bedrooms - 1);
		const extraBathrooms = Math.max(0, bathrooms! - 1);
		describe = `${bedrooms === 0 ? 'studio' : plural(bedrooms, 'bedroom')}, ${plural(bathrooms!, 'bathroom')}`;
		lines = [line('base', 'service', `${label} base (studio or 1 bedroom)`, 1, r.base_cents)];
		if (extraBedrooms)
			lines.push(
				line(
					'extra_bedrooms',
					'service',
					'Extra bedrooms',
					extraBedrooms,
					r.per_extra_bedroom_cents,
				),
			);
		if (extraBathrooms)
			lines.push(
				line(
					'extra_bathrooms',
					'service',
					'Extra bathrooms',
					extraBathrooms,
					r.per_extra_bathroom_cents,
				),
			);
	}
	const multiplier =
		card.service_multipliers[f.service_type as keyof RateCard['service_multipliers']] ?? 1;
	if (multiplier !== 1) {
		const base = lines.reduce((s, l) => s + l.amount_cents, 0);
		lines.push(
			line(
				'service_multiplier',
				'modifier',
				`${label} (x${multiplier})`,
				1,
				base * (multiplier - 1),
			),
		);
	}
	const sum = lines.reduce((s, l) => s + l.amount_cents, 0);
	if (sum < r.minimum_cents)
		lines.push(line('minimum', 'minimum', 'Minimum charge adjustment', 1, r.minimum_cents - sum));
	return { basis, lines, hours: null, describe };
}

function chooseBasis(f: PricingFacts, card: RateCard, assumptions: string[]): Basis {
	if (f.service_type === 'other' && !f.is_emergency) {
		throw new PricingInputError(
			'service_type',
			'The service type is "other", which has no rate. Set service_type to a priced service, or quote this job by hand.',
		);
	}
	if (f.is_emergency || RESTORATION_OF[f.service_type])
		return restorationBasis(f, card, assumptions);
	if (f.service_type === 'carpet_cleaning') return carpetBasis(f, card, assumptions);
	if (f.service_type === 'window_cleaning') return windowBasis(f, card, assumptions);
	if (f.service_type === 'commercial_cleaning' || f.property_type === 'commercial')
		return commercialBasis(f, card);
	return residentialBasis(f, card, assumptions);
}

function promoDiscount(
	f: PricingFacts,
	card: RateCard,
	subtotal: number,
	now: Date,
	notes: string[],
): QuoteLine | null {
	if (!f.promo_code) return null;
	const promo = card.promo_codes[f.promo_code];
	if (!promo) {
		notes.push(`promo code ${f.promo_code} is not a valid code; not applied`);
		return null;
	}
	if (promo.expires) {
		const expires = new Date(
			promo.expires.length === 10 ? `${promo.expires}T23:59:59.999Z` : promo.expires,
		);
		if (Number.isNaN(expires.getTime()) || expires < now) {
			notes.push(`promo code ${f.promo_code} expired on ${promo.expires}; not applied`);
			return null;
		}
	}
	if (promo.first_time_only && !f.first_time) {
		notes.push(`promo code ${f.promo_code} is for first-time customers only; not applied`);
		return null;
	}
	const amount =
		promo.type === 'percent'
			? percentOf(subtotal, promo.value)
			: Math.min(subtotal, Math.round(promo.value));
	const label =
		promo.type === 'percent' ? `Promo ${f.promo_code} (${promo.value}%)` : `Promo ${f.promo_code}`;
	return line(`promo_${f.promo_code}`, 'discount', label, 1, -amount);
}

/** The same facts, card and day give the same id (a retried workflow quotes once). The override determines the card. */
function quoteIdFor(
	facts: PricingFacts,
	cardOverride: unknown,
	negotiated: number,
	pricedAt: string,
): string {
	const digest = createHash('sha256')
		.update(JSON.stringify({ facts, cardOverride, negotiated, day: pricedAt.slice(0, 10) }))
		.digest('hex');
	return `Q-${digest.slice(0, 10).toUpperCase()}`;
}

/**
 * Prices a job from the rate card. Pure and deterministic: every number comes
 * from the card and the facts, every step is its own line, and nothing a
 * customer wrote can reach it except through validated facts.
 */
export function priceSync(rawFacts: unknown, options: PriceOptions = {}): Quote {
	const card = resolveRateCard(options.rateCard);
	const facts = readPricingFacts(rawFacts, card);
	const now = options.now ? new Date(options.now) : new Date();
	if (Number.isNaN(now.getTime()))
		throw new PricingInputError('now', `"now" is not a valid date: ${String(options.now)}.`);
	const negotiated = options.negotiatedDiscountPct ?? 0;
	if (!(negotiated >= 0 && negotiated <= 100))
		throw new PricingInputError(
			'negotiatedDiscountPct',
			'A negotiated discount must be between 0 and 100 percent.',
		);

	const assumptions: string[] = [];
	const notes: string[] = [];
	const { basis, lines, hours, describe } = chooseBasis(facts, card, assumptions);
	for (const code of facts.add_ons) {
		const addOn = card.add_ons[code];
		lines.push(line(`add_on_${code}`, 'add_on', addOn.label, 1, addOn.price_cents));
	}
	const subtotal = lines.reduce((s, l) => s + l.amount_cents, 0);

	// Discounts: the recurring discount (residential cleaning only), then a promo code, then a negotiated discount.
	const discounts: QuoteLine[] = [];
	const recurringFrequency =
		facts.frequency && facts.frequency !== 'one_time' ? facts.frequency : null;
	const residentialRecurring =
		recurringFrequency && (basis === 'residential_rooms' || basis === 'residential_sqft');
	if (residentialRecurring) {
		const pct = card.recurring_discount_pct[recurringFrequency];
		if (pct > 0)
			discounts.push(
				line(
					`recurring_${recurringFrequency}`,
					'discount',
					`${recurringFrequency === 'biweekly' ? 'Every-other-week' : recurringFrequency === 'weekly' ? 'Weekly' : 'Monthly'} service discount (${pct}%)`,
					1,
					-percentOf(subtotal, pct),
				),
			);
	}
	if (facts.returning_customer && card.returning_customer_discount_pct > 0)
		discounts.push(
			line(
				'returning_customer',
				'discount',
				`Returning customer discount (${card.returning_customer_discount_pct}%)`,
				1,
				-percentOf(subtotal, card.returning_customer_discount_pct),
			),
		);
	const promo = promoDiscount(facts, card, subtotal, now, notes);
	if (promo) discounts.push(promo);
	if (negotiated > 0)
		discounts.push(
			line(
				'negotiated',
				'discount',
				`Agreed discount (${negotiated}%)`,
				1,
				-percentOf(subtotal, negotiated),
			),
		);

	// The stacking cap: later discounts give way first.
	const cap = percentOf(subtotal, card.max_total_discount_pct);
	let discountTotal = discounts.reduce((s, l) => s - l.amount_cents, 0);
	for (let i = discounts.length - 1; i >= 0 && discountTotal > cap; i--) {
		const excess = discountTotal - cap;
		const reducible = -discounts[i].amount_cents;
		const cut = Math.min(excess, reducible);
		discounts[i] = {
			...discounts[i],
			amount_cents: discounts[i].amount_cents + cut,
			unit_price_cents: discounts[i].unit_price_cents + cut,
			label: `${discounts[i].label}, capped`,
		};
		discountTotal -= cut;
	}
	if (discounts.some((d) => d.label.endsWith(', capped')))
		notes.push(`discounts together are capped at ${card.max_total_discount_pct}% of the subtotal`);
	const appliedDiscounts = discounts.filter((d) => d.amount_cents !== 0);

	const taxable = subtotal - discountTotal;
	const tax = percentOf(taxable, card.tax_rate_pct);
	const allLines = [...lines, ...appliedDiscounts];
	if (card.tax_rate_pct > 0)
		allLines.push(line('tax', 'tax', `Tax (${card.tax_rate_pct}%)`, 1, tax));
	const total = taxable + tax;

	const visitsPerMonth = recurringFrequency
		? VISITS_PER_MONTH[recurringFrequency] * (facts.visits_per_week ?? 1)
		: 0;
	const recurring = recurringFrequency
		? {
				frequency: recurringFrequency,
				visits_per_week: recurringFrequency === 'weekly' ? (facts.visits_per_week ?? 1) : null,
				visits_per_month: Math.round(visitsPerMonth * 10_000) / 10_000,
				per_visit_cents: total,
				per_month_cents: roundCents(total * visitsPerMonth),
			}
		: null;
	if (recurringFrequency && !residentialRecurring && basis === 'commercial_sqft') {
		notes.push(
			'commercial contract: the monthly price is the per-visit price times visits a month, with no recurring discount',
		);
	}

	const validUntil = new Date(now.getTime() + card.validity_days * 86_400_000).toISOString();
	const money = (c: number) => formatMoney(c, card.currency);
	const headline = recurring
		? `${money(total)} per visit, ${cadenceText(recurring)} (${money(recurring.per_month_cents)} a month)`
		: `${money(total)}${basis === 'restoration' ? ' for the job' : ''}`;
	const discountText = discountTotal > 0 ? `, after ${money(discountTotal)} in discounts` : '';
	// A span, not a date: the pricing knows no time zone, and the messages write valid_until in the business's.
	const summary = `${SERVICE_LABEL[facts.service_type]}, ${describe}: ${headline}${discountText}. Valid for ${card.validity_days} ${card.validity_days === 1 ? 'day' : 'days'}.${assumptions.length ? ' Estimate: ' + assumptions.join('; ') + '.' : ''}`;
	const pricedAt = now.toISOString();

	return {
		quote_id: options.quoteId ?? quoteIdFor(facts, options.rateCard ?? {}, negotiated, pricedAt),
		currency: card.currency,
		service_type: facts.service_type,
		pricing_basis: basis,
		line_items: allLines,
		subtotal_cents: subtotal,
		discount_cents: discountTotal,
		discount_pct: subtotal ? Math.round((discountTotal / subtotal) * 10_000) / 100 : 0,
		tax_rate_pct: card.tax_rate_pct,
		tax_cents: tax,
		total_cents: total,
		recurring,
		estimated_hours: hours,
		valid_until: validUntil,
		assumptions,
		notes,
		approval_required:
			Math.max(total, recurring?.per_month_cents ?? 0) > card.approval_threshold_cents,
		summary,
		rounding: ROUNDING_RULE,
		pricing_inputs: {
			facts,
			rate_card: (options.rateCard ?? {}) as Record<string, unknown>,
			negotiated_discount_pct: negotiated,
			priced_at: pricedAt,
		},
	};
}

/** The package API: `price(facts, options)` (async like every agent). */
export async function price(facts: unknown, options: PriceOptions = {}): Promise<Quote> {
	return priceSync(facts, options);
}
