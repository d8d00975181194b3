import { runWorkflow } from '../harness/in-process';

import chain from './workflows/quote-and-negotiate.json';

jest.setTimeout(60_000);

/** The chain with some node parameters replaced. */
function withParameters(overrides: Record<string, Record<string, unknown>>) {
	const workflow = JSON.parse(JSON.stringify(chain));
	for (const node of workflow.nodes)
		if (overrides[node.name]) node.parameters = overrides[node.name];
	return workflow;
}

describe('Pricing and Negotiation inside n8n-core', () => {
	it('prices from the qualification on the item and negotiates the reply, keeping everything else', async () => {
		const run = await runWorkflow(chain, {
			input: {
				message: 'We need our coworking space cleaned every week, about 7,200 sq ft.',
				reply: 'Looks good, but can you do 10% off?',
				customer: { name: 'Dana', email: 'dana@example.com' },
			},
		});
		expect(run.status).toBe('success');
		const [item] = run.output('Negotiate');
		expect(item.json.customer).toEqual({ name: 'Dana', email: 'dana@example.com' });
		expect(item.json.qualification).toMatchObject({
			service_type: 'commercial_cleaning',
			square_feet: 7200,
			frequency: 'weekly',
		});
		expect(item.json.quote).toMatchObject({
			total_cents: 57600,
			recurring: { per_month_cents: 249600 },
			currency: 'USD',
		});
		expect(item.json.negotiation).toMatchObject({
			action: 'accept',
			round: 1,
			next_round: 2,
			price: { per_month_cents: 224640 },
		});
		expect(item.json.negotiation.message).toContain('Dana');
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('a service three times a week is priced for every visit through the node defaults, and the discount keeps it', async () => {
		const run = await runWorkflow(chain, {
			input: {
				message:
					'Our 7,200 sq ft office needs cleaning 3 times a week, Monday Wednesday Friday evenings.',
				reply: 'Can you do 5% off?',
			},
		});
		expect(run.status).toBe('success');
		const [item] = run.output('Negotiate');
		expect(item.json.qualification).toMatchObject({ frequency: 'weekly', visits_per_week: 3 });
		expect(item.json.quote).toMatchObject({
			total_cents: 57600,
			recurring: { visits_per_week: 3, visits_per_month: 13, per_month_cents: 748800 },
		});
		expect(item.json.negotiation).toMatchObject({
			action: 'accept',
			quote: { recurring: { visits_per_week: 3, per_month_cents: 711360 } },
		});
	});

	it('uses the Rates fields and the JSON card (promo codes) of the node', async () => {
		const run = await runWorkflow(
			withParameters({
				'Price Job': {
					rates: { weeklyDiscountPct: 20, taxRatePct: 8, maxTotalDiscountPct: 30 },
					rateCardJson: '{"promo_codes": {"WELCOME": {"type": "fixed", "value": 1000}}}',
					promoCode: '={{ $json.promo }}',
				},
			}),
			{ input: { message: 'weekly clean, 3 bed 2 bath house', reply: 'yes', promo: 'welcome' } },
		);
		const quote = run.output('Price Job')[0].json.quote as {
			line_items: Array<{ code: string; amount_cents: number }>;
			tax_rate_pct: number;
		};
		const line = (code: string) => quote.line_items.find((l) => l.code === code)?.amount_cents;
		expect(line('recurring_weekly')).toBe(-3180);
		expect(line('promo_WELCOME')).toBe(-1000);
		expect(quote.tax_rate_pct).toBe(8);
		expect(line('tax')).toBe(Math.round((15900 - 3180 - 1000) * 0.08));
	});

	it('takes add-on prices and promo codes from the panel lists (no JSON), and names a bad entry by its place', async () => {
		const run = await runWorkflow(
			withParameters({
				'Price Job': {
					addOnPrices: { addOn: [{ code: 'balcony', label: 'Balcony sweep', price: 25 }] },
					promoCodes: { promo: [{ code: 'Spring5', type: 'fixed', value: 5 }] },
					addOns: 'balcony',
					promoCode: '={{ $json.promo }}',
				},
			}),
			{ input: { message: 'weekly clean, 3 bed 2 bath house', reply: 'yes', promo: 'spring5' } },
		);
		const quote = run.output('Price Job')[0].json.quote as {
			line_items: Array<{ code: string; amount_cents: number; label?: string }>;
		};
		const line = (code: string) => quote.line_items.find((l) => l.code === code);
		expect(line('add_on_balcony')?.amount_cents).toBe(2500);
		expect(line('promo_SPRING5')?.amount_cents).toBe(-500);

		const bad = await runWorkflow(
			withParameters({
				'Price Job': {
					promoCodes: {
						promo: [
							{ code: 'OK10', type: 'percent', value: 10 },
							{ code: 'BAD CODE', type: 'percent', value: 10 },
						],
					},
				},
			}),
			{ input: { message: 'weekly clean, 3 bed 2 bath house', reply: 'yes' } },
		);
		const error = bad.nodeError('Price Job') as unknown as { message: string; description: string };
		expect(error.message).toMatch(/^Promo Codes, code 2, Code: "BAD CODE" is not a promo code\./);
	});

	it('a negotiation round can follow another: the latest offer and round come from the item', async () => {
		const run = await runWorkflow(withParameters({ Negotiate: { policy: { maxRounds: 2 } } }), {
			input: { message: 'deep clean for my 3 bed 2 bath house', reply: 'I want 50% off' },
		});
		const first = run.output('Negotiate')[0].json.negotiation as {
			action: string;
			offered_discount_pct: number;
			final: boolean;
		};
		expect(first).toMatchObject({ action: 'counter', offered_discount_pct: 5, final: false });
	});

	it('fails with the field to fix when the job cannot be priced', async () => {
		const run = await runWorkflow(chain, {
			input: { message: 'office cleaning please, every week', reply: 'ok' },
		});
		expect(run.status).toBe('error');
		const error = run.nodeError('Price Job') as unknown as { message: string; description: string };
		expect(error.message).toMatch(/priced by square feet/);
		expect(error.description).toContain('"square_feet"');
	});

	it('names a wrong JSON rate card instead of guessing', async () => {
		const run = await runWorkflow(
			withParameters({ 'Price Job': { rateCardJson: '{"tax_rate_pct": "lots"}' } }),
			{
				input: { message: 'weekly clean, 2 bed 1 bath', reply: 'ok' },
			},
		);
		expect((run.nodeError('Price Job') as unknown as { message: string }).message).toMatch(
			/Rate card field "tax_rate_pct" is invalid/,
		);
	});
});
