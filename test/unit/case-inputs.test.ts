/**
 * What the agents read from the case beyond version 1's default mappings
 * (test/workflow/case-inputs.workflow.test.ts holds them equal where they
 * overlap): the request's own facts win over what the text says, series take
 * the agreed cadence, the business's details travel with the case, and items
 * that other agents list (a visit, an agreement) read as cases.
 */
import { composeInputFromCase, smsReplyFromCase } from '../../nodes/ConfirmationAgent/case';
import {
	agreementInputFromCase,
	contractIdFromCase,
	signatureInputFromCase,
} from '../../nodes/ContractAgent/case';
import { negotiationInputFromCase } from '../../nodes/NegotiationAgent/case';
import { pricingFactsFromCase } from '../../nodes/PricingAgent/case';
import { qualifyInputFromCase } from '../../nodes/QualifierAgent/case';
import { triageInputFromCase } from '../../nodes/TriageAgent/case';
import {
	bookingInputsFromCase,
	idempotencyKeyFromCase,
	jobFromCase,
	priorityFromCase,
	seriesFromCase,
} from '../../nodes/SchedulingAgent/case';
import { at, firstOf, textAt } from '../../nodes/shared/case';

describe('reading the case', () => {
	it('reads paths safely: absent, null, arrays and inherited keys are all absent', () => {
		expect(at({ a: { b: 1 } }, 'a', 'b')).toBe(1);
		expect(at({ a: null }, 'a', 'b')).toBeUndefined();
		expect(at({ a: [1] }, 'a', '0')).toBeUndefined();
		expect(at({}, 'constructor')).toBeUndefined();
		expect(at({}, '__proto__')).toBeUndefined();
		expect(textAt({ m: '  hi  ' }, 'm')).toBe('hi');
		expect(textAt({ m: '   ' }, 'm')).toBeNull();
		expect(textAt({ m: 3 }, 'm')).toBe('3');
		expect(textAt({ m: { text: 'x' } }, 'm')).toBeNull();
		expect(firstOf(undefined, null, 0, 1)).toBe(0);
		expect(firstOf(undefined, null)).toBeNull();
	});

	it('the Qualifier and Triage read when the request came in, for months named as when', () => {
		const item = { message: 'clean in March', received_at: '2026-12-05T12:00:00.000-05:00' };
		expect(qualifyInputFromCase(item).received_at).toBe(item.received_at);
		expect(triageInputFromCase(item).received_at).toBe(item.received_at);
		expect(triageInputFromCase({ message: 'x' }).received_at).toBeNull();
	});

	it('a message that is not text is no message', () => {
		expect(qualifyInputFromCase({ message: ['a'] }).message).toBeNull();
		expect(qualifyInputFromCase({ message: 'Clean please', customer: 'Dana' }).customer).toEqual({
			email: null,
			phone: null,
			address: null,
			returning: false,
		});
	});
});

describe('Pricing from the case', () => {
	const qualification = { service_type: 'standard_cleaning', frequency: 'monthly' };
	it('a frequency the request states wins over the one read from the message', () => {
		expect(pricingFactsFromCase({ frequency: 'weekly', qualification }).frequency).toBe('weekly');
		expect(pricingFactsFromCase({ qualification }).frequency).toBe('monthly');
	});
	it('Frequency When Not Stated applies only when neither says', () => {
		expect(pricingFactsFromCase({ qualification: {} }, 'weekly').frequency).toBe('weekly');
		expect(pricingFactsFromCase({ qualification }, 'weekly').frequency).toBe('monthly');
		expect(pricingFactsFromCase({ qualification: {} }).frequency).toBeNull();
	});
	it("an emergency is Triage's word first, then the Qualifier's", () => {
		expect(
			pricingFactsFromCase({
				triage: { is_emergency: false },
				qualification: { is_emergency: true },
			}).is_emergency,
		).toBe(false);
		expect(pricingFactsFromCase({}).is_emergency).toBe(false);
	});
});

describe('Negotiation from the case', () => {
	it('negotiates the latest offer and counts the round', () => {
		const input = negotiationInputFromCase({
			quote: { total_cents: 100 },
			negotiation: { quote: { total_cents: 90 }, next_round: 2 },
			reply: 'ok',
		});
		expect(input).toMatchObject({ quote: { total_cents: 90 }, round: 2, reply: 'ok' });
		expect(negotiationInputFromCase({ quote: { total_cents: 100 } })).toMatchObject({
			quote: { total_cents: 100 },
			round: 1,
			reply: null,
		});
	});
});

describe('Scheduling from the case', () => {
	const configured = { frequency: 'weekly' as const, weekday: 'mon' as const, time: '09:00' };
	it('a series takes the agreed cadence: the negotiated offer, else the quote, else the request or the message', () => {
		expect(
			seriesFromCase(
				{
					negotiation: { quote: { recurring: { frequency: 'biweekly', visits_per_week: null } } },
					quote: { recurring: { frequency: 'weekly', visits_per_week: 3 } },
				},
				configured,
			),
		).toMatchObject({ frequency: 'biweekly', visits_per_week: null });
		expect(
			seriesFromCase(
				{ quote: { recurring: { frequency: 'weekly', visits_per_week: 3 } } },
				configured,
			),
		).toMatchObject({ frequency: 'weekly', visits_per_week: 3 });
		expect(seriesFromCase({ frequency: 'monthly' }, configured).frequency).toBe('monthly');
		expect(seriesFromCase({ qualification: { frequency: 'biweekly' } }, configured).frequency).toBe(
			'biweekly',
		);
		expect(seriesFromCase({}, configured)).toMatchObject(configured);
	});
	it('a first visit a person chose (no room for the series as asked) sets its day, time and first date, at the business clock, over the request', () => {
		const item = {
			weekday: 'sun',
			time: '07:00',
			qualification: { visit_weekdays: ['sun'], frequency: 'weekly' },
			decision: {
				kind: 'no_room',
				slot: { start: '2026-12-07T08:30:00-05:00', crew_id: 'crew-a' },
			},
		};
		expect(seriesFromCase(item, configured)).toMatchObject({
			frequency: 'weekly',
			weekday: 'mon',
			weekdays: null,
			time: '08:30',
			start_date: '2026-12-07',
		});
		// A decision without a time (a discount approved) changes nothing.
		expect(
			seriesFromCase({ ...item, decision: { kind: 'discount_approval', slot: null } }, configured),
		).toMatchObject({ weekday: 'sun', time: '07:00' });
	});
	it("the request's day, time and first date win; a named day clears the days read from the message", () => {
		const item = {
			weekday: 'fri',
			time: '14:00',
			start_date: '2030-01-04',
			qualification: { visit_weekdays: ['tue', 'thu'] },
		};
		expect(seriesFromCase(item, configured)).toMatchObject({
			weekday: 'fri',
			weekdays: null,
			time: '14:00',
			start_date: '2030-01-04',
		});
		expect(
			seriesFromCase({ qualification: { visit_weekdays: ['tue', 'thu'] } }, configured),
		).toMatchObject({
			weekday: 'mon',
			weekdays: ['tue', 'thu'],
			time: '09:00',
		});
	});
	it('reads the job, the priority and the keys as version 1 did, and the business time zone', () => {
		expect(
			jobFromCase({ qualification: { bedrooms: '3' }, quote: { service_type: 'deep_cleaning' } }),
		).toMatchObject({
			service_type: 'deep_cleaning',
			bedrooms: 3,
			is_emergency: false,
		});
		expect(priorityFromCase({ qualification: { priority: 6 } })).toEqual({
			priority: 6,
			respond_within_minutes: 120,
		});
		expect(idempotencyKeyFromCase({ headers: { 'idempotency-key': 'k1' } })).toBe('k1');
		expect(
			idempotencyKeyFromCase({ idempotency_key: 'k0', headers: { 'idempotency-key': 'k1' } }),
		).toBe('k0');
		expect(bookingInputsFromCase({ business: { time_zone: 'Europe/Paris' } }).time_zone).toBe(
			'Europe/Paris',
		);
	});
});

describe('Contract from the case', () => {
	it('an agreement for the latest offer, with the business named by the case', () => {
		expect(
			agreementInputFromCase({
				customer: { name: 'Dana' },
				quote: { total_cents: 100 },
				negotiation: { quote: { total_cents: 90 } },
				business: {
					name: 'Acme Clean',
					phone: '+1 212 555 0100',
					agreement_signing_url: 'https://x/sign',
				},
			}),
		).toEqual({
			customer: { name: 'Dana' },
			quote: { total_cents: 90 },
			booking: {},
			business_name: 'Acme Clean',
			business: { address: null, email: null, phone: '+1 212 555 0100' },
			signing_workflow_url: 'https://x/sign',
		});
	});
	it('a signature as the resumed request carries it', () => {
		expect(
			signatureInputFromCase({
				query: { token: 'tq' },
				body: { token: 'tb', name: 'Dana' },
				headers: { 'x-real-ip': '198.51.100.1', 'user-agent': 'UA' },
			}),
		).toEqual({ token: 'tq', name: 'Dana', ip: '198.51.100.1', user_agent: 'UA' });
		expect(signatureInputFromCase({ body: { token: 'tb' } })).toMatchObject({
			token: 'tb',
			name: '',
		});
		expect(contractIdFromCase({ contract: { contract_id: 'ct_1' } })).toBe('ct_1');
	});
});

describe('Confirmation from the case', () => {
	it("takes the business's details and crew phone from the case", () => {
		const input = composeInputFromCase(
			{
				business: {
					name: 'Acme Clean',
					email: 'hi@acme.example',
					crew_phone: '+12125550199',
					review_url: 'https://r',
				},
			},
			'review_request',
		);
		expect(input.business).toMatchObject({
			name: 'Acme Clean',
			email: 'hi@acme.example',
			crew_phone: '+12125550199',
		});
		expect(input.links.review_url).toBe('https://r');
		// The booked crew's own phone wins over the business's crew line.
		expect(
			composeInputFromCase(
				{
					business: { name: 'Acme Clean', crew_phone: '+12125550199' },
					booking: { crew_contact: { phone: '+12125550177', email: null } },
				},
				'emergency_dispatch',
			).business.crew_phone,
		).toBe('+12125550177');
	});
	it('a visit listed by Scheduling reads as a case: its customer, its service', () => {
		const booking = {
			booking_id: 'bk_1',
			service: 'deep_cleaning',
			customer: { name: 'Lee', email: 'lee@example.com' },
		};
		const input = composeInputFromCase({ booking, customer: booking.customer }, 'follow_up_due');
		expect(input).toMatchObject({
			customer: { name: 'Lee', email: 'lee@example.com' },
			service: 'deep_cleaning',
			booking,
		});
	});
	it("an agreement due for renewal: the contract's customer, the renewal's price and date", () => {
		const input = composeInputFromCase(
			{
				contract: { contract_id: 'ct_1', customer: { name: 'Rae' }, renews_on: '2031-01-01' },
				renewal: {
					start_date: '2030-12-01',
					price: { total_cents: 5000, service_type: 'standard_cleaning' },
				},
			},
			'renewal_notice',
		);
		expect(input).toMatchObject({
			customer: { name: 'Rae' },
			quote: { total_cents: 5000 },
			service: 'standard_cleaning',
			renewal_date: '2030-12-01',
		});
	});
	it("a text's sender and words as Twilio posts them", () => {
		expect(smsReplyFromCase({ body: { From: '+12125550100', Body: 'STOP' } })).toEqual({
			phone: '+12125550100',
			text: 'STOP',
		});
		expect(smsReplyFromCase({ From: '+1', Body: 'hi' })).toEqual({ phone: '+1', text: 'hi' });
	});
});
