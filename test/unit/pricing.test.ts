import {
	priceSync,
	price,
	PricingInputError,
	quoteSchema,
	type Quote,
} from '../../nodes/PricingAgent/price';
import { DEFAULT_RATE_CARD, RateCardError } from '../../nodes/PricingAgent/rateCard';

const NOW = '2026-11-25T12:00:00.000Z';
const p = (facts: Record<string, unknown>, options: Parameters<typeof priceSync>[1] = {}) =>
	priceSync(facts, { now: NOW, ...options });
const lineAmount = (q: Quote, code: string) =>
	q.line_items.find((l) => l.code === code)?.amount_cents;
const sumLines = (q: Quote) => q.line_items.reduce((s, l) => s + l.amount_cents, 0);

describe('Pricing: residential cleaning', () => {
	it('a studio or one bedroom is the base price, floored at the minimum charge', () => {
		const studio = p({ service_type: 'standard_cleaning', bedrooms: 0, bathrooms: 1 });
		expect(lineAmount(studio, 'base')).toBe(9900);
		expect(lineAmount(studio, 'minimum')).toBe(2100);
		expect(studio.total_cents).toBe(12000);
	});

	it('adds $20 per extra bedroom and per extra bathroom, half baths at half', () => {
		const q = p({ service_type: 'standard_cleaning', bedrooms: 3, bathrooms: 2.5 });
		expect(lineAmount(q, 'extra_bedrooms')).toBe(4000);
		expect(lineAmount(q, 'extra_bathrooms')).toBe(3000);
		expect(q.total_cents).toBe(9900 + 4000 + 3000);
		expect(q.pricing_basis).toBe('residential_rooms');
	});

	it('prices by square feet when known ($0.12/sq ft)', () => {
		const q = p({
			service_type: 'standard_cleaning',
			bedrooms: 3,
			bathrooms: 2,
			square_feet: 1800,
		});
		expect(q.pricing_basis).toBe('residential_sqft');
		expect(q.total_cents).toBe(21600);
	});

	it.each([
		['deep_cleaning', 1.4],
		['move_in_out', 1.5],
		['post_construction', 2.0],
	])('%s multiplies by %p as its own line', (service, multiplier) => {
		const q = p({ service_type: service, bedrooms: 3, bathrooms: 2 });
		const base = 9900 + 4000 + 2000;
		expect(lineAmount(q, 'service_multiplier')).toBe(Math.round(base * (multiplier - 1)));
		expect(q.total_cents).toBe(Math.round(base * multiplier));
	});

	it('adds add-ons as lines and refuses unknown ones by name', () => {
		const q = p({
			service_type: 'standard_cleaning',
			bedrooms: 2,
			bathrooms: 1,
			add_ons: ['inside_oven', 'inside_fridge', 'laundry', 'pets', 'interior_windows'],
		});
		expect(q.line_items.filter((l) => l.kind === 'add_on').map((l) => l.amount_cents)).toEqual([
			3500, 3500, 2500, 2000, 4000,
		]);
		expect(() => p({ service_type: 'standard_cleaning', add_ons: ['jacuzzi'] })).toThrow(
			/Unknown add-on "jacuzzi". Known add-ons: inside_oven/,
		);
		expect(
			p({ service_type: 'standard_cleaning', add_ons: 'inside_oven, pets' }).line_items.filter(
				(l) => l.kind === 'add_on',
			),
		).toHaveLength(2);
	});

	it.each([
		['weekly', 15, 52 / 12],
		['biweekly', 10, 26 / 12],
		['monthly', 5, 1],
	])(
		'%s service: %p%% off each visit as its own line, and a monthly figure',
		(frequency, pct, visits) => {
			const q = p({ service_type: 'standard_cleaning', bedrooms: 3, bathrooms: 2, frequency });
			const subtotal = 15900;
			const discount = Math.round((subtotal * pct) / 100);
			expect(q.line_items.find((l) => l.kind === 'discount')).toMatchObject({
				amount_cents: -discount,
				label: expect.stringContaining(`${pct}%`),
			});
			expect(q.total_cents).toBe(subtotal - discount);
			expect(q.recurring).toMatchObject({
				frequency,
				per_visit_cents: subtotal - discount,
				per_month_cents: Math.round((subtotal - discount) * visits),
			});
		},
	);

	it('one-time work has no monthly figure', () => {
		expect(
			p({ service_type: 'deep_cleaning', bedrooms: 2, bathrooms: 1, frequency: 'one_time' })
				.recurring,
		).toBeNull();
	});

	it('estimates with stated assumptions when facts are missing', () => {
		const q = p({ service_type: 'standard_cleaning' });
		expect(q.assumptions).toEqual(['assumed 2 bedrooms and 1 bathroom (no size given)']);
		expect(q.summary).toContain('Estimate: assumed 2 bedrooms');
		expect(p({ service_type: 'standard_cleaning', bedrooms: 4 }).assumptions).toEqual([
			'assumed 1 bathroom (only bedrooms given)',
		]);
	});
});

describe('Pricing: commercial, carpet and windows', () => {
	it('a weekly commercial clean of 7,200 sq ft is about $2,500 a month, with no recurring discount', () => {
		const q = p({
			service_type: 'commercial_cleaning',
			property_type: 'commercial',
			square_feet: 7200,
			frequency: 'weekly',
		});
		expect(q.total_cents).toBe(57600);
		expect(q.recurring?.per_month_cents).toBe(249600);
		expect(q.line_items.some((l) => l.kind === 'discount')).toBe(false);
		expect(q.notes[0]).toMatch(/no recurring discount/);
	});

	it('prices every visit of a weekly service taken several times a week', () => {
		const once = p({
			service_type: 'commercial_cleaning',
			property_type: 'commercial',
			square_feet: 7200,
			frequency: 'weekly',
		});
		const thrice = p({
			service_type: 'commercial_cleaning',
			property_type: 'commercial',
			square_feet: 7200,
			frequency: 'weekly',
			visits_per_week: 3,
		});
		expect(thrice.total_cents).toBe(once.total_cents); // the price of one visit
		expect(thrice.recurring).toEqual({
			frequency: 'weekly',
			visits_per_week: 3,
			visits_per_month: 13,
			per_visit_cents: 57600,
			per_month_cents: 748800,
		});
		expect(once.recurring?.visits_per_week).toBe(1);
		expect(thrice.summary).toContain('$576.00 per visit, 3 times a week ($7,488.00 a month)');
		expect(
			p({
				service_type: 'commercial_cleaning',
				square_feet: 7200,
				frequency: 'weekly',
				visits_per_week: '2',
			}).summary,
		).toContain('twice a week');
		// A count from the form text arrives as text; other cadences have no visits a week.
		expect(
			p({
				service_type: 'standard_cleaning',
				bedrooms: 3,
				frequency: 'biweekly',
				visits_per_week: 3,
			}).recurring,
		).toMatchObject({ frequency: 'biweekly', visits_per_week: null });
		expect(
			p({ service_type: 'standard_cleaning', bedrooms: 3, visits_per_week: 3 }).recurring,
		).toBeNull();
		for (const bad of [0, 8, 2.5, 'often', -1]) {
			expect(() =>
				p({
					service_type: 'commercial_cleaning',
					square_feet: 7200,
					frequency: 'weekly',
					visits_per_week: bad,
				}),
			).toThrow(
				expect.objectContaining({
					name: 'PricingInputError',
					field: 'visits_per_week',
					message: expect.stringContaining('1 to 7'),
				}),
			);
		}
		expect(quoteSchema.parse(thrice)).toEqual(thrice);
	});

	it('applies the commercial minimum per visit', () => {
		expect(p({ service_type: 'commercial_cleaning', square_feet: 1000 }).total_cents).toBe(15000);
	});

	it('cannot price commercial work without square feet, and says which field to ask for', () => {
		expect(() => p({ service_type: 'commercial_cleaning' })).toThrow(
			expect.objectContaining({ name: 'PricingInputError', field: 'square_feet' }),
		);
	});

	it('carpets by room ($45) or by area, with its minimum', () => {
		expect(p({ service_type: 'carpet_cleaning', bedrooms: 3 }).total_cents).toBe(4 * 4500);
		expect(p({ service_type: 'carpet_cleaning', carpet_rooms: 2 }).total_cents).toBe(12000);
		expect(p({ service_type: 'carpet_cleaning', square_feet: 1000 }).total_cents).toBe(30000);
	});

	it('windows by count, estimated with an assumption when not given', () => {
		expect(p({ service_type: 'window_cleaning', windows: 25 }).total_cents).toBe(25 * 800);
		const q = p({ service_type: 'window_cleaning', bedrooms: 3 });
		expect(lineAmount(q, 'windows')).toBe(15 * 800);
		expect(lineAmount(q, 'minimum')).toBe(15000 - 15 * 800);
		expect(q.assumptions[0]).toMatch(/assumed 15 windows/);
	});
});

describe('Pricing: emergency restoration', () => {
	it('call-out fee plus hourly labour with the hours estimate shown', () => {
		const q = p({
			service_type: 'water_damage',
			is_emergency: true,
			emergency_type: 'water_damage',
			square_feet: 1500,
		});
		expect(lineAmount(q, 'call_out')).toBe(50000);
		expect(q.estimated_hours).toBe(7);
		expect(lineAmount(q, 'labour')).toBe(7 * 15000);
		expect(q.assumptions[0]).toMatch(
			/estimated 7 hours of labour: 4 h base for water damage \+ 3 h for 1,500 sq ft/,
		);
	});

	it('uses given hours, and the after-hours or holiday multiplier on labour only', () => {
		const q = p({
			service_type: 'fire_damage',
			is_emergency: true,
			estimated_hours: 4,
			after_hours: true,
		});
		expect(lineAmount(q, 'labour')).toBe(60000);
		expect(lineAmount(q, 'after_hours')).toBe(30000);
		expect(q.total_cents).toBe(50000 + 60000 + 30000);
		expect(
			p({
				service_type: 'water_damage',
				is_emergency: true,
				estimated_hours: 2,
				holiday: true,
			}).line_items.find((l) => l.code === 'after_hours')?.label,
		).toMatch(/^Holiday/);
	});

	it('a planned restoration visit has no call-out but a minimum', () => {
		const q = p({ service_type: 'mold_remediation', estimated_hours: 2 });
		expect(lineAmount(q, 'call_out')).toBeUndefined();
		expect(q.total_cents).toBe(60000);
	});

	it('an emergency of any service is priced as restoration (biohazard is "other")', () => {
		const q = p({ service_type: 'other', is_emergency: true, emergency_type: 'biohazard' });
		expect(q.pricing_basis).toBe('restoration');
		expect(q.estimated_hours).toBe(6);
	});

	it('a triaged emergency with no service type takes the service of its damage (docs/architecture.md)', () => {
		expect(p({ is_emergency: true, emergency_type: 'sewage' }).service_type).toBe('water_damage');
		expect(
			p({ service_type: '', is_emergency: true, emergency_type: 'fire_damage' }).service_type,
		).toBe('fire_damage');
		expect(
			p({ service_type: null, is_emergency: 'true', emergency_type: 'mold' }).service_type,
		).toBe('mold_remediation');
		expect(p({ is_emergency: true, emergency_type: 'biohazard' }).pricing_basis).toBe(
			'restoration',
		);
		// A given service type wins over the damage.
		expect(
			p({ service_type: 'carpet_cleaning', is_emergency: true, emergency_type: 'water_damage' })
				.service_type,
		).toBe('carpet_cleaning');
	});
});

describe('Pricing: promos, caps, tax, validity, approval', () => {
	const card = {
		promo_codes: {
			WELCOME10: { type: 'percent' as const, value: 10, first_time_only: true },
			SPRING25: { type: 'fixed' as const, value: 2500, expires: '2026-12-31' },
			OLD: { type: 'percent' as const, value: 50, expires: '2025-01-01' },
		},
	};

	it('applies a percent promo for a first-time customer and a fixed one until it expires', () => {
		const q = p(
			{
				service_type: 'standard_cleaning',
				bedrooms: 3,
				bathrooms: 2,
				promo_code: 'welcome10',
				first_time: true,
			},
			{ rateCard: card },
		);
		expect(lineAmount(q, 'promo_WELCOME10')).toBe(-1590);
		expect(
			lineAmount(
				p(
					{ service_type: 'standard_cleaning', bedrooms: 3, bathrooms: 2, promo_code: 'SPRING25' },
					{ rateCard: card },
				),
				'promo_SPRING25',
			),
		).toBe(-2500);
	});

	it.each([
		['OLD', /expired/],
		['WELCOME10', /first-time customers only/],
		['NOPE', /not a valid code/],
	])('does not apply %s and notes why', (code, why) => {
		const q = p({ service_type: 'standard_cleaning', promo_code: code }, { rateCard: card });
		expect(q.discount_cents).toBe(0);
		expect(q.notes.join(' ')).toMatch(why);
	});

	it('caps stacked discounts (weekly 15% + promo 10% + negotiated 10% -> 25%)', () => {
		const q = p(
			{
				service_type: 'standard_cleaning',
				bedrooms: 3,
				bathrooms: 2,
				frequency: 'weekly',
				promo_code: 'WELCOME10',
				first_time: true,
			},
			{ rateCard: card, negotiatedDiscountPct: 10 },
		);
		expect(q.discount_cents).toBe(Math.round(15900 * 0.25));
		expect(q.discount_pct).toBe(25);
		expect(q.notes.join(' ')).toMatch(/capped at 25%/);
	});

	it('adds tax on the discounted amount as its own line', () => {
		const q = p(
			{ service_type: 'standard_cleaning', bedrooms: 3, bathrooms: 2, frequency: 'biweekly' },
			{ rateCard: { tax_rate_pct: 8.25 } },
		);
		expect(lineAmount(q, 'tax')).toBe(Math.round((15900 - 1590) * 0.0825));
		expect(q.total_cents).toBe(sumLines(q));
	});

	it('lines always add up to the total, in whole cents', () => {
		for (const facts of [
			{
				service_type: 'deep_cleaning',
				bedrooms: 5,
				bathrooms: 3.5,
				frequency: 'weekly',
				add_ons: ['pets'],
			},
			{ service_type: 'post_construction', square_feet: 2345, frequency: 'monthly' },
			{ service_type: 'water_damage', is_emergency: true, bedrooms: 3, after_hours: true },
		]) {
			const q = p(facts, { rateCard: { tax_rate_pct: 7.5 } });
			expect(q.total_cents).toBe(sumLines(q));
			for (const l of q.line_items) expect(Number.isInteger(l.amount_cents)).toBe(true);
			expect(quoteSchema.parse(q)).toEqual(q);
		}
	});

	it('is valid for 14 days and flags big jobs for approval', () => {
		expect(p({ service_type: 'standard_cleaning' }).valid_until).toBe('2026-12-09T12:00:00.000Z');
		// The summary says how long, not until when: the messages write the date in the business's zone.
		expect(p({ service_type: 'standard_cleaning' }).summary).toMatch(/Valid for 14 days\./);
		expect(
			p({ service_type: 'commercial_cleaning', square_feet: 40_000, frequency: 'weekly' })
				.approval_required,
		).toBe(true);
		expect(p({ service_type: 'standard_cleaning' }).approval_required).toBe(false);
	});

	it('the same facts on the same day give the same quote id', () => {
		const a = p({ service_type: 'standard_cleaning', bedrooms: 2 });
		expect(p({ service_type: 'standard_cleaning', bedrooms: 2 }).quote_id).toBe(a.quote_id);
		expect(p({ service_type: 'standard_cleaning', bedrooms: 3 }).quote_id).not.toBe(a.quote_id);
	});
});

describe('Pricing: bad input', () => {
	it.each([
		[{ service_type: 'standard_cleaning', bedrooms: -2 }, 'bedrooms', /cannot be negative/],
		[{ service_type: 'standard_cleaning', bedrooms: 'three' }, 'bedrooms', /must be a number/],
		[{ service_type: 'standard_cleaning', bedrooms: 400 }, 'bedrooms', /not believable/],
		[
			{ service_type: 'standard_cleaning', square_feet: 9_000_000 },
			'square_feet',
			/not believable/,
		],
		[{ service_type: 'standard_cleaning', square_feet: 12 }, 'square_feet', /square metres/],
		[{ service_type: 'standard_cleaning', bathrooms: Number.NaN }, 'bathrooms', /must be a number/],
		[{ service_type: 'spaceship' }, 'service_type', /must be one of/],
		[{ service_type: 'other' }, 'service_type', /has no rate/],
		[{ emergency_type: 'water_damage' }, 'service_type', /must be one of/], // not an emergency: the damage does not decide
		[{ is_emergency: true }, 'service_type', /must be one of/],
		[{ is_emergency: true, emergency_type: 'meteor' }, 'service_type', /must be one of/],
		[{ service_type: 'standard_cleaning', frequency: 'hourly' }, 'frequency', /must be one of/],
		[{ service_type: 'standard_cleaning', is_emergency: 'maybe' }, 'is_emergency', /true or false/],
	])('%p is refused naming %s', (facts, field, message) => {
		try {
			p(facts);
			throw new Error('expected a PricingInputError');
		} catch (error) {
			expect(error).toBeInstanceOf(PricingInputError);
			expect((error as PricingInputError).field).toBe(field);
			expect((error as Error).message).toMatch(message);
		}
	});

	it('accepts numbers written as text, as n8n expressions often give them', () => {
		expect(
			p({ service_type: 'standard_cleaning', bedrooms: '3', bathrooms: '2' }).total_cents,
		).toBe(15900);
	});

	it('refuses an invalid rate card naming the field', () => {
		expect(() =>
			p({ service_type: 'standard_cleaning' }, { rateCard: { residential: { base_cents: -5 } } }),
		).toThrow(RateCardError);
		expect(() =>
			p({ service_type: 'standard_cleaning' }, { rateCard: { currency: 'dollars' } }),
		).toThrow(/"currency"/);
	});

	it('the async API equals the sync one, and the defaults are the documented ones', async () => {
		expect(await price({ service_type: 'standard_cleaning', bedrooms: 2 }, { now: NOW })).toEqual(
			p({ service_type: 'standard_cleaning', bedrooms: 2 }),
		);
		expect(DEFAULT_RATE_CARD.residential).toEqual({
			base_cents: 9900,
			per_extra_bedroom_cents: 2000,
			per_extra_bathroom_cents: 2000,
			per_sqft_cents: 12,
			minimum_cents: 12000,
		});
		expect(DEFAULT_RATE_CARD.tax_rate_pct).toBe(0);
	});
});
