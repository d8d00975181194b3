import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { dollarsToCents } from '../shared/money';
import { caseOf, definedBelow, inputSourceProperties, readInputSource } from '../shared/n8n/inputs';
import { runAgentPerItem } from '../shared/n8n/items';
import { jsonParameter, optionalValue } from '../shared/n8n/parameters';
import {
	readSettingsSource,
	settingsOnNode,
	settingsRowsOf,
	settingsNodeProperty,
	settingsSourceProperty,
} from '../shared/n8n/settings';
import { readRateCard } from '../shared/settings';
import { pricingFactsFromCase } from './case';
import { rateCardFromLists } from './lists';
import { price } from './price';
import { merge, type RateCardOverride } from './rateCard';

/** The node's add-on and promo code lists (each entry's fields as n8n gives them). */
function listsToCard(ctx: IExecuteFunctions, i: number): RateCardOverride {
	const list = (name: string, key: string) =>
		((ctx.getNodeParameter(name, i, {}) as IDataObject)[key] as IDataObject[] | undefined) ?? [];
	return rateCardFromLists(list('addOnPrices', 'addOn'), list('promoCodes', 'promo'));
}

/** The rate fields of the node, in dollars and percent as ops staff think of them, mapped onto the card. */
function rateFieldsToCard(rates: IDataObject): RateCardOverride {
	const card: Record<string, unknown> = {};
	const set = (section: string, key: string, value: unknown) => {
		if (value === undefined || value === null || value === '') return;
		card[section] = {
			...((card[section] as Record<string, unknown> | undefined) ?? {}),
			[key]: value,
		};
	};
	const money = (v: unknown) => (typeof v === 'number' ? dollarsToCents(v) : undefined);
	const perSqft = (v: unknown) =>
		typeof v === 'number' ? Math.round(v * 100 * 10_000) / 10_000 : undefined;
	set('residential', 'base_cents', money(rates.residentialBase));
	set('residential', 'per_extra_bedroom_cents', money(rates.extraBedroom));
	set('residential', 'per_extra_bathroom_cents', money(rates.extraBathroom));
	set('residential', 'per_sqft_cents', perSqft(rates.residentialPerSqft));
	set('residential', 'minimum_cents', money(rates.residentialMinimum));
	set('service_multipliers', 'deep_cleaning', rates.deepMultiplier);
	set('service_multipliers', 'move_in_out', rates.moveInOutMultiplier);
	set('service_multipliers', 'post_construction', rates.postConstructionMultiplier);
	set('recurring_discount_pct', 'weekly', rates.weeklyDiscountPct);
	set('recurring_discount_pct', 'biweekly', rates.biweeklyDiscountPct);
	set('recurring_discount_pct', 'monthly', rates.monthlyDiscountPct);
	set('commercial', 'per_sqft_cents', perSqft(rates.commercialPerSqft));
	set('commercial', 'minimum_cents', money(rates.commercialMinimum));
	set('restoration', 'call_out_cents', money(rates.emergencyCallOut));
	set('restoration', 'hourly_cents', money(rates.restorationHourly));
	set('restoration', 'after_hours_multiplier', rates.afterHoursMultiplier);
	for (const [field, key] of [
		['currency', 'currency'],
		['returningCustomerDiscountPct', 'returning_customer_discount_pct'],
		['taxRatePct', 'tax_rate_pct'],
		['validityDays', 'validity_days'],
		['maxTotalDiscountPct', 'max_total_discount_pct'],
	] as const) {
		if (rates[field] !== undefined && rates[field] !== '') card[key] = rates[field];
	}
	if (typeof rates.approvalThreshold === 'number')
		card.approval_threshold_cents = dollarsToCents(rates.approvalThreshold);
	return card as RateCardOverride;
}

export class PricingAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pricing Agent',
		name: 'pricingAgent',
		icon: { light: 'file:pricingAgent.svg', dark: 'file:pricingAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ "Rate card" + ($parameter["rateCardJson"] && $parameter["rateCardJson"] !== "{}" ? " + JSON" : "") }}',
		description:
			'Prices a job from your rate card: line items, modifiers, discounts, tax, total, monthly price and validity. No AI: every number comes from the card.',
		defaults: { name: 'Pricing Agent' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			...inputSourceProperties,
			{
				displayName:
					"From the case: the Qualifier's and Triage's results on the item, and a frequency, add-ons or promo code the request states",
				name: 'caseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { inputSource: ['case'] } },
			},
			{
				displayName: 'Frequency When Not Stated',
				name: 'frequencyWhenUnstated',
				type: 'options',
				default: '',
				displayOptions: { show: { inputSource: ['case'] } },
				options: [
					{ name: 'One Visit', value: '' },
					{ name: 'Weekly', value: 'weekly' },
					{ name: 'Every Other Week', value: 'biweekly' },
					{ name: 'Monthly', value: 'monthly' },
				],
				description:
					'What to price when neither the request nor the message says how often (a recurring-service form: Weekly)',
			},
			{
				displayName:
					'The job facts default to the Qualifier and Triage results on the item; map other fields by dragging them in',
				name: 'factsNotice',
				type: 'notice',
				default: '',
				displayOptions: definedBelow,
			},
			{
				displayName: 'Service Type',
				name: 'serviceType',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.service_type }}',
				required: true,
				description:
					'One of standard_cleaning, deep_cleaning, move_in_out, post_construction, commercial_cleaning, carpet_cleaning, window_cleaning, water_damage, fire_damage, mold_remediation',
			},
			{
				displayName: 'Property Type',
				name: 'propertyType',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.property_type }}',
				description: 'Residential or commercial; commercial work is priced by square feet',
			},
			{
				displayName: 'Bedrooms',
				name: 'bedrooms',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.bedrooms }}',
				description: 'Leave empty to let the agent assume (the quote lists every assumption)',
			},
			{
				displayName: 'Bathrooms',
				name: 'bathrooms',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.bathrooms }}',
				description: 'A half bath counts 0.5',
			},
			{
				displayName: 'Square Feet',
				name: 'squareFeet',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.square_feet }}',
				description: 'Used instead of rooms when known; required for commercial work',
			},
			{
				displayName: 'Frequency',
				name: 'frequency',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.frequency }}',
				description:
					'One_time, weekly, biweekly or monthly. Recurring residential work gets its discount; recurring work gets a monthly price.',
			},
			{
				displayName: 'Visits a Week',
				name: 'visitsPerWeek',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.qualification?.visits_per_week }}',
				description:
					'For weekly service: how many visits a week (1-7; empty is 1). The monthly price counts every visit.',
				hint: 'Read by the Qualifier from words such as "three times a week" or "Monday to Friday"',
			},
			{
				displayName: 'Add-Ons',
				name: 'addOns',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.add_ons }}',
				description:
					'A list or comma-separated codes: inside_oven, inside_fridge, interior_windows, laundry, pets (or your own from the rate card)',
			},
			{
				displayName: 'Is Emergency',
				name: 'isEmergency',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.triage?.is_emergency ?? $json.qualification?.is_emergency ?? false }}',
				description: 'Whether emergency restoration rates (call-out fee plus labour) apply',
			},
			{
				displayName: 'Emergency Type',
				name: 'emergencyType',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.triage?.emergency_type ?? $json.qualification?.emergency_type }}',
				description:
					'Water_damage, fire_damage, sewage, mold, biohazard or storm; sets the base labour hours',
			},
			{
				displayName: 'Estimated Hours',
				name: 'estimatedHours',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.estimated_hours }}',
				description:
					'Restoration labour hours if known; otherwise estimated from the damage type and size',
			},
			{
				displayName: 'After Hours',
				name: 'afterHours',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.after_hours ?? false }}',
				description: 'Whether labour happens at night or on a weekend (after-hours multiplier)',
			},
			{
				displayName: 'Holiday',
				name: 'holiday',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.holiday ?? false }}',
				description: 'Whether labour falls on a public holiday (same multiplier)',
			},
			{
				displayName: 'Promo Code',
				name: 'promoCode',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.promo_code }}',
				description:
					'A code from the rate card; an unknown or expired code is noted and not applied',
			},
			{
				displayName: 'First-Time Customer',
				name: 'firstTime',
				displayOptions: definedBelow,
				type: 'string',
				default: '={{ $json.first_time ?? false }}',
				description: 'Whether first-time-only promo codes may apply',
			},
			settingsSourceProperty('Rates'),
			settingsNodeProperty,
			{
				displayName: 'Rates',
				name: 'rates',
				type: 'collection',
				placeholder: 'Change a rate',
				default: {},
				displayOptions: settingsOnNode,
				description: 'Your prices; anything not set here uses the default shown',
				options: [
					{
						displayName: 'After-Hours Multiplier',
						name: 'afterHoursMultiplier',
						type: 'number',
						default: 1.5,
						typeOptions: { minValue: 1, numberPrecision: 2 },
					},
					{
						displayName: 'Approval Threshold ($)',
						name: 'approvalThreshold',
						type: 'number',
						default: 5000,
						description: 'Quotes above this (per visit or per month) are flagged approval_required',
					},
					{
						displayName: 'Commercial Minimum ($)',
						name: 'commercialMinimum',
						type: 'number',
						default: 150,
					},
					{
						displayName: 'Commercial Per Sq Ft ($)',
						name: 'commercialPerSqft',
						type: 'number',
						default: 0.08,
						typeOptions: { numberPrecision: 3 },
					},
					{
						displayName: 'Currency',
						name: 'currency',
						type: 'string',
						default: 'USD',
						description: 'ISO 4217 code',
					},
					{
						displayName: 'Deep Clean Multiplier',
						name: 'deepMultiplier',
						type: 'number',
						default: 1.4,
						typeOptions: { numberPrecision: 2 },
					},
					{
						displayName: 'Emergency Call-Out ($)',
						name: 'emergencyCallOut',
						type: 'number',
						default: 500,
					},
					{
						displayName: 'Every-Other-Week Discount (%)',
						name: 'biweeklyDiscountPct',
						type: 'number',
						default: 10,
					},
					{ displayName: 'Extra Bathroom ($)', name: 'extraBathroom', type: 'number', default: 20 },
					{ displayName: 'Extra Bedroom ($)', name: 'extraBedroom', type: 'number', default: 20 },
					{
						displayName: 'Max Total Discount (%)',
						name: 'maxTotalDiscountPct',
						type: 'number',
						default: 25,
						description:
							'Cap on recurring, returning-customer, promo and negotiated discounts together',
					},
					{
						displayName: 'Monthly Discount (%)',
						name: 'monthlyDiscountPct',
						type: 'number',
						default: 5,
					},
					{
						displayName: 'Move-In/Out Multiplier',
						name: 'moveInOutMultiplier',
						type: 'number',
						default: 1.5,
						typeOptions: { numberPrecision: 2 },
					},
					{
						displayName: 'Post-Construction Multiplier',
						name: 'postConstructionMultiplier',
						type: 'number',
						default: 2,
						typeOptions: { numberPrecision: 2 },
					},
					{ displayName: 'Quote Valid (Days)', name: 'validityDays', type: 'number', default: 14 },
					{
						displayName: 'Residential Base ($)',
						name: 'residentialBase',
						type: 'number',
						default: 99,
						description: 'A studio or one-bedroom home',
					},
					{
						displayName: 'Residential Minimum ($)',
						name: 'residentialMinimum',
						type: 'number',
						default: 120,
					},
					{
						displayName: 'Residential Per Sq Ft ($)',
						name: 'residentialPerSqft',
						type: 'number',
						default: 0.12,
						typeOptions: { numberPrecision: 3 },
					},
					{
						displayName: 'Restoration Hourly ($)',
						name: 'restorationHourly',
						type: 'number',
						default: 150,
					},
					{
						displayName: 'Returning Customer Discount (%)',
						name: 'returningCustomerDiscountPct',
						type: 'number',
						default: 0,
						description:
							'Off the price for a customer who booked with us before (Booking Records’ Look Up the Customer tells); 0 gives none',
					},
					{
						displayName: 'Tax Rate (%)',
						name: 'taxRatePct',
						type: 'number',
						default: 0,
						typeOptions: { numberPrecision: 3 },
					},
					{
						displayName: 'Weekly Discount (%)',
						name: 'weeklyDiscountPct',
						type: 'number',
						default: 15,
					},
				],
			},
			{
				displayName: 'Add-On Prices',
				name: 'addOnPrices',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add an add-on',
				default: {},
				displayOptions: settingsOnNode,
				description:
					'Extras a customer can ask for, by code; adds to (or reprices) the defaults: inside_oven, inside_fridge, interior_windows, laundry, pets',
				options: [
					{
						displayName: 'Add-On',
						name: 'addOn',
						values: [
							{
								displayName: 'Code',
								name: 'code',
								type: 'string',
								default: '',
								placeholder: 'inside_oven',
								description: 'Lower-case letters, digits and _: how requests name it',
							},
							{
								displayName: 'Label',
								name: 'label',
								type: 'string',
								default: '',
								placeholder: 'Inside the oven',
								description: 'How the quote names it',
							},
							{
								displayName: 'Price ($)',
								name: 'price',
								type: 'number',
								default: 0,
								typeOptions: { minValue: 0, numberPrecision: 2 },
							},
						],
					},
				],
			},
			{
				displayName: 'Promo Codes',
				name: 'promoCodes',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add a promo code',
				default: {},
				displayOptions: settingsOnNode,
				description: 'Codes customers may quote for a discount (any case)',
				options: [
					{
						displayName: 'Promo Code',
						name: 'promo',
						values: [
							{
								displayName: 'Code',
								name: 'code',
								type: 'string',
								default: '',
								placeholder: 'SPRING10',
							},
							{
								displayName: 'Description',
								name: 'description',
								type: 'string',
								default: '',
								placeholder: 'Spring offer',
							},
							{
								displayName: 'Expires',
								name: 'expires',
								type: 'string',
								default: '',
								placeholder: '2027-04-30',
								description: 'Last day it works (YYYY-MM-DD); empty: never',
							},
							{
								displayName: 'First-Time Customers Only',
								name: 'firstTimeOnly',
								type: 'boolean',
								default: false,
							},
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								default: 'percent',
								options: [
									{ name: 'Percent Off', value: 'percent' },
									{ name: 'Dollars Off', value: 'fixed' },
								],
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'number',
								default: 10,
								typeOptions: { minValue: 0, numberPrecision: 2 },
								description: 'Percent, or dollars, off',
							},
						],
					},
				],
			},
			{
				displayName: 'Rate Card JSON (Overrides)',
				name: 'rateCardJson',
				type: 'json',
				default: '{}',
				description:
					'Any part of the rate card, or a whole one, in cents: promo codes, restoration hours, anything the Rates do not cover. Applied over the Rates (from this node or the Rate Card table). See the README for the format.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const source = readInputSource(this);
		return await runAgentPerItem(this, 'quote', async (i) => {
			// The Rates (the node's fields or the Rate Card table) first, the JSON card over them.
			const rates =
				readSettingsSource(this, i) === 'tables'
					? (readRateCard(settingsRowsOf(this, i)) as RateCardOverride)
					: merge<RateCardOverride>(
							rateFieldsToCard(this.getNodeParameter('rates', i, {}) as IDataObject),
							listsToCard(this, i),
						);
			const rateCard = merge<RateCardOverride>(
				rates,
				jsonParameter(this, 'rateCardJson', 'Rate Card JSON (Overrides)', i),
			);
			const facts =
				source === 'case'
					? pricingFactsFromCase(
							caseOf(this, i),
							(this.getNodeParameter('frequencyWhenUnstated', i, '') as string) || null,
						)
					: {
							service_type: optionalValue(this, 'serviceType', i),
							property_type: optionalValue(this, 'propertyType', i),
							bedrooms: optionalValue(this, 'bedrooms', i),
							bathrooms: optionalValue(this, 'bathrooms', i),
							square_feet: optionalValue(this, 'squareFeet', i),
							frequency: optionalValue(this, 'frequency', i),
							visits_per_week: optionalValue(this, 'visitsPerWeek', i),
							add_ons: optionalValue(this, 'addOns', i),
							is_emergency: optionalValue(this, 'isEmergency', i),
							emergency_type: optionalValue(this, 'emergencyType', i),
							estimated_hours: optionalValue(this, 'estimatedHours', i),
							after_hours: optionalValue(this, 'afterHours', i),
							holiday: optionalValue(this, 'holiday', i),
							promo_code: optionalValue(this, 'promoCode', i),
							first_time: optionalValue(this, 'firstTime', i),
						};
			const quote = await price(facts, { rateCard });
			return quote as unknown as IDataObject;
		});
	}
}
