/**
 * What the agents do with the customer record Look Up the Customer puts on the item: the
 * Qualifier scores a returning customer and says so; the Pricing Agent gives the rate card's
 * returning-customer discount (under the stacking cap) and treats a customer who never booked
 * as first-time (a first-time promo code applies, not for a returning one); the Confirmation
 * Agent writes by the channel the customer prefers when it can reach them, leaves out what
 * they opted out of, and sends an emergency every way it can.
 */
import { compose, type ComposeInput } from '../../nodes/ConfirmationAgent/compose';
import { composeInputFromCase } from '../../nodes/ConfirmationAgent/case';
import { pricingFactsFromCase } from '../../nodes/PricingAgent/case';
import { priceSync } from '../../nodes/PricingAgent/price';
import { qualifyInputFromCase } from '../../nodes/QualifierAgent/case';
import { qualifyRules } from '../../nodes/QualifierAgent/qualify';

const NOW = '2026-11-25T12:00:00Z';
const message = 'Standard clean for a 3 bed 2 bath house next week please';
const contact = {
	name: 'Dana Lee',
	email: 'dana@example.com',
	phone: '(212) 736-5000',
	address: '12 Oak St',
};

describe('a returning customer', () => {
	it('Qualifier: scores and marks the returning customer, and only them', () => {
		const fresh = qualifyRules(qualifyInputFromCase({ message, customer: contact }) as never);
		const back = qualifyRules(
			qualifyInputFromCase({ message, customer: { ...contact, returning: true } }) as never,
		);
		expect(fresh.returning_customer).toBe(false);
		expect(back.returning_customer).toBe(true);
		expect(back.lead_score - fresh.lead_score).toBe(10);
		expect(back.reasons).toContain('+10 returning customer: booked with us before');
	});

	it('Pricing: the returning discount under the cap; first-time promos only for new customers', () => {
		const item = (returning: boolean | undefined, more: Record<string, unknown> = {}) => ({
			qualification: {
				service_type: 'standard_cleaning',
				property_type: 'residential',
				bedrooms: 3,
				bathrooms: 2,
			},
			customer: { ...contact, ...(returning === undefined ? {} : { returning }) },
			...more,
		});
		const rateCard = {
			returning_customer_discount_pct: 5,
			promo_codes: { WELCOME10: { type: 'percent' as const, value: 10, first_time_only: true } },
		};
		const quote = (it: Record<string, unknown>, card: Record<string, unknown> = rateCard) =>
			priceSync(pricingFactsFromCase(it), { rateCard: card, now: NOW });
		const unknown = quote(item(undefined));
		const back = quote(item(true));
		expect(unknown.line_items.some((l) => l.code === 'returning_customer')).toBe(false);
		const line = back.line_items.find((l) => l.code === 'returning_customer')!;
		expect(line).toMatchObject({ kind: 'discount', label: 'Returning customer discount (5%)' });
		expect(line.amount_cents).toBe(-Math.round(back.subtotal_cents * 0.05));
		// The card's default is no discount.
		expect(quote(item(true), {}).line_items.some((l) => l.code === 'returning_customer')).toBe(
			false,
		);
		// A first-time promo: a customer the store has never seen book gets it, a returning one does not.
		const fresh = quote(item(false, { promo_code: 'WELCOME10' }));
		expect(fresh.line_items.some((l) => l.code === 'promo_WELCOME10')).toBe(true);
		const again = quote(item(true, { promo_code: 'WELCOME10' }));
		expect(again.line_items.some((l) => l.code === 'promo_WELCOME10')).toBe(false);
		// Stacked with a weekly discount (15%) and a 10% agreed one, the 25% cap holds.
		const capped = priceSync(pricingFactsFromCase(item(true, { frequency: 'weekly' })), {
			rateCard,
			now: NOW,
			negotiatedDiscountPct: 10,
		});
		expect(capped.discount_cents).toBe(Math.round(capped.subtotal_cents * 0.25));
	});

	it('Confirmation: by the preferred channel when it can reach them; opt-outs kept; emergencies every way', () => {
		const input = (customer: Record<string, unknown>, kind = 'booking_confirmation') =>
			({
				...composeInputFromCase({ customer: { ...contact, ...customer } }, kind as never),
				kind,
				business: { name: 'Bright Clean', email: 'ops@brightclean.example' },
				booking: {
					booking_id: 'bk_1',
					start: '2026-11-30T09:00:00-05:00',
					end: '2026-11-30T12:00:00-05:00',
					time_zone: 'America/New_York',
				},
				quote: { total_cents: 16490, currency: 'USD' },
			}) as ComposeInput;
		const write = (customer: Record<string, unknown>, kind?: string) =>
			compose(input(customer, kind), { now: NOW });

		const both = write({});
		expect(both.email).not.toBeNull();
		expect(both.sms).not.toBeNull();
		const texts = write({ preferred_channel: 'sms' });
		expect(texts.email).toBeNull();
		expect(texts.sms).not.toBeNull();
		expect(texts.skipped).toContain('email: the customer prefers texts');
		const mail = write({ preferred_channel: 'email' });
		expect(mail.sms).toBeNull();
		expect(mail.skipped).toContain('sms: the customer prefers e-mail');
		// Prefers texts but has no number a text reaches: the e-mail still goes.
		expect(write({ preferred_channel: 'sms', phone: '555' }).email).not.toBeNull();
		const noMail = write({ opt_outs: { email: true, sms: false } });
		expect(noMail.email).toBeNull();
		expect(noMail.skipped).toContain('email: the customer asked for no e-mails');
		expect(write({ opt_outs: { sms: true } }).sms).toBeNull();
		// An emergency: every way it can, whatever the preference.
		const emergency = write({ preferred_channel: 'email' }, 'emergency_dispatch');
		expect(emergency.email).not.toBeNull();
		expect(emergency.sms).not.toBeNull();
	});
});
