/**
 * What a public caller reads: the outcome, the price, the time, the next step, the reference, and
 * nothing internal (lead score and its reasons, pricing inputs and the rate card, crew ids, triage
 * reasoning, model usage), whatever the case carries.
 */
import { ANSWER_OUTCOMES, publicAnswer } from '../../nodes/shared/records/answer';

const SECRETS = [
	'lead_score',
	'reasons',
	'+5 writer decides',
	'pricing_inputs',
	'rate_card',
	'crew_id',
	'crew-7',
	'llm_usage',
	'severity',
	'assumptions',
	'approval_required',
	'crew_contact',
	'+19995550000',
];

const item = {
	case: { case_id: 'cs_answer_1' },
	message: 'Weekly office clean, 3,000 sq ft',
	customer: {
		name: 'Dana',
		email: 'dana@example.com',
		phone: '+12125550100',
		address: '1 Main St',
	},
	business: { time_zone: 'America/New_York' },
	qualification: { lead_score: 85, reasons: ['+5 writer decides'], llm_usage: { calls: 1 } },
	triage: {
		is_emergency: true,
		emergency_type: 'water_damage',
		severity: 'critical',
		respond_within_minutes: 60,
		safety_instructions: ['Turn off the main water valve.'],
		reasons: ['burst'],
	},
	quote: {
		quote_id: 'q_1',
		currency: 'USD',
		service_type: 'office_cleaning',
		line_items: [
			{
				kind: 'base',
				label: 'Office clean',
				quantity: 1,
				unit_price_cents: 18000,
				amount_cents: 18000,
			},
		],
		subtotal_cents: 18000,
		discount_cents: 0,
		tax_cents: 0,
		total_cents: 18000,
		recurring: {
			frequency: 'weekly',
			visits_per_week: 1,
			visits_per_month: 4.33,
			per_visit_cents: 18000,
			per_month_cents: 77940,
		},
		valid_until: '2027-01-01',
		summary: 'Weekly office clean',
		assumptions: ['3,000 sq ft'],
		approval_required: false,
		pricing_inputs: {
			facts: {},
			rate_card: { base: 1 },
			negotiated_discount_pct: 0,
			priced_at: 'x',
		},
	},
	booking: {
		status: 'confirmed',
		booking_id: 'bk_1',
		crew_id: 'crew-7',
		crew_name: 'Crew A',
		crew_contact: { phone: '+19995550000', email: null },
		start: '2027-01-05T14:00:00.000Z',
		end: '2027-01-05T16:00:00.000Z',
		time_zone: 'America/New_York',
		occurrences: [],
		alternatives: [],
	},
	contract: {
		contract_id: 'ct_1',
		status: 'sent',
		signing_url: 'https://x/sign?t=1',
		document_html: '<p>',
		terms: { a: 1 },
	},
};

it.each(ANSWER_OUTCOMES)('"%s" tells what the customer may read, nothing internal', (outcome) => {
	const answer = publicAnswer(item, outcome, 'cs_answer_1');
	const text = JSON.stringify(answer);
	for (const secret of SECRETS)
		expect({ outcome, secret, found: text.includes(secret) }).toMatchObject({ found: false });
	expect(answer).toMatchObject({ status: outcome, reference: 'cs_answer_1' });
	expect(typeof answer.message).toBe('string');
});

it('says when, how much and where the confirmation goes, in the business time zone', () => {
	const booked = publicAnswer(item, 'booked', 'cs_answer_1');
	expect(booked.message).toBe(
		'Thank you. Your visit is booked for Tuesday, January 5 at 9:00 AM ($180.00). The confirmation is on its way to dana@example.com.',
	);
	expect(booked).toMatchObject({
		booking: { booking_id: 'bk_1', start: '2027-01-05T14:00:00.000Z', crew_name: 'Crew A' },
		quote: {
			quote_id: 'q_1',
			total_cents: 18000,
			line_items: [{ label: 'Office clean', amount_cents: 18000 }],
		},
		next_step: expect.stringMatching(/confirmation/),
	});
	const dispatched = publicAnswer(item, 'dispatched', 'cs_answer_1');
	expect(dispatched.message).toMatch(
		/arriving by Tuesday, January 5 at 9:00 AM\. Turn off the main water valve\./,
	);
	expect(dispatched.emergency).toEqual({
		type: 'water_damage',
		respond_within_minutes: 60,
		safety: ['Turn off the main water valve.'],
	});
	const series = publicAnswer(item, 'series_booked', 'cs_answer_1');
	expect(series.contract).toMatchObject({ contract_id: 'ct_1', signing_url: 'https://x/sign?t=1' });
	expect(JSON.stringify(series)).not.toContain('document_html');
	// A person's words replace the default ones; a lead that is not a fit hears no price.
	expect(publicAnswer(item, 'needs_details', null, 'Send us the address.').message).toBe(
		'Send us the address.',
	);
	expect(publicAnswer(item, 'not_qualified', null).quote).toBeNull();
});

it('answers a case with nothing on it yet without failing', () => {
	const answer = publicAnswer({}, 'handed_to_person', null);
	expect(answer).toMatchObject({
		status: 'handed_to_person',
		quote: null,
		booking: null,
		emergency: null,
	});
});
