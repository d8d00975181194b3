import { z } from 'zod/v4';

/**
 * The business's rate card. All money in cents; multipliers and percentages
 * as plain numbers. Ops staff edit the common figures in the node (in dollars)
 * or replace the whole card with JSON; either way it is validated here.
 */
const cents = z.number().int().min(0);
const pct = z.number().min(0).max(100);

export const promoCodeSchema = z.object({
	type: z.enum(['percent', 'fixed']),
	/** Percent (0-100) or cents, by type. */
	value: z.number().min(0),
	/** Last day the code works (ISO date or date-time); absent means no expiry. */
	expires: z.string().nullable().optional(),
	first_time_only: z.boolean().optional(),
	description: z.string().optional(),
});

export const rateCardSchema = z.object({
	currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
	residential: z.object({
		/** A studio or one-bedroom home. */
		base_cents: cents,
		per_extra_bedroom_cents: cents,
		/** Each bathroom after the first; half baths count half. */
		per_extra_bathroom_cents: cents,
		/** Used instead of rooms when the square footage is known. */
		per_sqft_cents: z.number().min(0),
		minimum_cents: cents,
	}),
	service_multipliers: z.object({
		standard_cleaning: z.number().positive(),
		deep_cleaning: z.number().positive(),
		move_in_out: z.number().positive(),
		post_construction: z.number().positive(),
	}),
	carpet: z.object({
		per_room_cents: cents,
		per_sqft_cents: z.number().min(0),
		minimum_cents: cents,
	}),
	windows: z.object({ per_window_cents: cents, minimum_cents: cents }),
	add_ons: z.record(z.string(), z.object({ label: z.string(), price_cents: cents })),
	recurring_discount_pct: z.object({ weekly: pct, biweekly: pct, monthly: pct }),
	/** Off the subtotal for a customer who booked with us before; 0: none. */
	returning_customer_discount_pct: pct,
	commercial: z.object({ per_sqft_cents: z.number().min(0), minimum_cents: cents }),
	restoration: z.object({
		call_out_cents: cents,
		hourly_cents: cents,
		/** Applied to labour at night, on weekends the business calls after hours, and on holidays. */
		after_hours_multiplier: z.number().min(1),
		/** A planned (non-emergency) restoration visit is billed at least this much. */
		minimum_cents: cents,
		/** Base hours per damage type; size adds hours on top. */
		base_hours: z.object({
			water_damage: z.number().positive(),
			fire_damage: z.number().positive(),
			sewage: z.number().positive(),
			mold: z.number().positive(),
			biohazard: z.number().positive(),
			storm: z.number().positive(),
		}),
		hours_per_1000_sqft: z.number().min(0),
		hours_per_bedroom: z.number().min(0),
	}),
	promo_codes: z.record(z.string(), promoCodeSchema),
	/** No combination of discounts (recurring, returning customer, promo, negotiated) goes past this. */
	max_total_discount_pct: pct,
	tax_rate_pct: pct,
	/** Days a quote stays valid. */
	validity_days: z.number().int().positive(),
	/** A quote whose per-visit total or monthly price exceeds this needs a person's approval. */
	approval_threshold_cents: cents,
});
export type RateCard = z.infer<typeof rateCardSchema>;
export type PromoCode = z.infer<typeof promoCodeSchema>;

export const DEFAULT_RATE_CARD: RateCard = {
	currency: 'USD',
	residential: {
		base_cents: 9900,
		per_extra_bedroom_cents: 2000,
		per_extra_bathroom_cents: 2000,
		per_sqft_cents: 12,
		minimum_cents: 12000,
	},
	service_multipliers: {
		standard_cleaning: 1,
		deep_cleaning: 1.4,
		move_in_out: 1.5,
		post_construction: 2,
	},
	carpet: { per_room_cents: 4500, per_sqft_cents: 30, minimum_cents: 12000 },
	windows: { per_window_cents: 800, minimum_cents: 15000 },
	add_ons: {
		inside_oven: { label: 'Inside oven', price_cents: 3500 },
		inside_fridge: { label: 'Inside fridge', price_cents: 3500 },
		interior_windows: { label: 'Interior windows', price_cents: 4000 },
		laundry: { label: 'Laundry (wash, dry, fold)', price_cents: 2500 },
		pets: { label: 'Pet hair treatment', price_cents: 2000 },
	},
	recurring_discount_pct: { weekly: 15, biweekly: 10, monthly: 5 },
	returning_customer_discount_pct: 0,
	commercial: { per_sqft_cents: 8, minimum_cents: 15000 },
	restoration: {
		call_out_cents: 50000,
		hourly_cents: 15000,
		after_hours_multiplier: 1.5,
		minimum_cents: 60000,
		base_hours: { water_damage: 4, fire_damage: 6, sewage: 5, mold: 4, biohazard: 6, storm: 5 },
		hours_per_1000_sqft: 2,
		hours_per_bedroom: 0.5,
	},
	promo_codes: {},
	max_total_discount_pct: 25,
	tax_rate_pct: 0,
	validity_days: 14,
	approval_threshold_cents: 500000,
};

type DeepPartial<T> = {
	[K in keyof T]?: T[K] extends Record<string, unknown> ? DeepPartial<T[K]> : T[K];
};
export type RateCardOverride = DeepPartial<RateCard>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `override` onto `base`; records (add-ons, promo codes) merge by key. */
export function merge<T>(base: T, override: unknown): T {
	if (!isPlainObject(override) || !isPlainObject(base))
		return (override === undefined ? base : override) as T;
	const out: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(override)) {
		out[key] = key in out ? merge(out[key], value) : value;
	}
	return out as T;
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}

export class RateCardError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RateCardError';
	}
}

/** Resolved cards by their override's JSON: a workflow prices many items with one card. */
const resolved = new Map<string, RateCard>();
const RESOLVED_CACHE_SIZE = 64;

/** The defaults with an override applied, validated; an invalid card names the field and the fix. */
export function resolveRateCard(override?: RateCardOverride | null): RateCard {
	const key = JSON.stringify(override ?? {});
	const cached = resolved.get(key);
	if (cached) return cached;
	const card = buildRateCard(override);
	if (resolved.size >= RESOLVED_CACHE_SIZE) resolved.delete(resolved.keys().next().value as string);
	resolved.set(key, card);
	return card;
}

function buildRateCard(override?: RateCardOverride | null): RateCard {
	const card = merge(DEFAULT_RATE_CARD, override ?? {});
	const checked = rateCardSchema.safeParse(card);
	if (!checked.success) {
		const issue = checked.error.issues[0];
		throw new RateCardError(
			`Rate card field "${issue.path.join('.')}" is invalid: ${issue.message}. Fix it in the rate card JSON or the node's rate fields.`,
		);
	}
	// Frozen: the cached card is shared by every quote made with it.
	return deepFreeze(checked.data);
}
