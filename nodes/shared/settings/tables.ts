/**
 * The business's settings as ops staff keep them: six n8n Data Tables, edited
 * in n8n's own UI (Overview > Data tables), read by the templates' *Business
 * Settings* workflow on every execution. This file names the tables and their
 * columns and holds the rows a new business starts with; `read.ts` checks rows
 * and turns them into what the agents use.
 */
import { WEEKDAYS, type Weekday } from '../vocabulary';

export type ColumnType = 'string' | 'number' | 'boolean';

export interface SettingsTable {
	/** The Data Table's name in n8n (the templates find it by this name). */
	name: string;
	/** What ops staff keep in it, shown in the docs and the templates' notes. */
	purpose: string;
	columns: Array<{ name: string; type: ColumnType }>;
}

/** The item key (`settings.<key>`) each table's rows travel under, and the table. */
export const SETTINGS_TABLES = {
	business: {
		name: 'Booking Business',
		purpose:
			'One row per setting: the business name and addresses, time zone, public URL, booking calendar, discount policy, quiet hours.',
		columns: [
			{ name: 'setting', type: 'string' },
			{ name: 'value', type: 'string' },
			{ name: 'notes', type: 'string' },
		],
	},
	rate_card: {
		name: 'Booking Rate Card',
		purpose:
			'One row per price: base prices, multipliers, recurring discounts, restoration rates, add-ons (rate add_on:<code>).',
		columns: [
			{ name: 'rate', type: 'string' },
			{ name: 'amount', type: 'number' },
			{ name: 'label', type: 'string' },
		],
	},
	crews: {
		name: 'Booking Crews',
		purpose:
			'One row per crew: contact, skills, on call or not, working days, service area, time off.',
		columns: [
			{ name: 'crew_id', type: 'string' },
			{ name: 'name', type: 'string' },
			{ name: 'phone', type: 'string' },
			{ name: 'email', type: 'string' },
			{ name: 'skills', type: 'string' },
			{ name: 'on_call', type: 'boolean' },
			{ name: 'working_days', type: 'string' },
			{ name: 'service_area', type: 'string' },
			{ name: 'time_off', type: 'string' },
			{ name: 'active', type: 'boolean' },
		],
	},
	promo_codes: {
		name: 'Booking Promo Codes',
		purpose:
			'One row per promo code customers may quote: percent or fixed off, expiry, first-time customers only.',
		columns: [
			{ name: 'code', type: 'string' },
			{ name: 'type', type: 'string' },
			{ name: 'value', type: 'number' },
			{ name: 'expires', type: 'string' },
			{ name: 'first_time_only', type: 'boolean' },
			{ name: 'description', type: 'string' },
		],
	},
	hours: {
		name: 'Booking Hours',
		purpose: 'Opening hours: one row per day and window; a day with no row is closed.',
		columns: [
			{ name: 'day', type: 'string' },
			{ name: 'opens', type: 'string' },
			{ name: 'closes', type: 'string' },
		],
	},
	holidays: {
		name: 'Booking Holidays',
		purpose: 'Days with no regular work (on-call crews still take emergencies).',
		columns: [
			{ name: 'date', type: 'string' },
			{ name: 'name', type: 'string' },
		],
	},
	messages: {
		name: 'Booking Messages',
		purpose:
			"The wording of the customer's e-mails and texts: one row per message and part (subject, text, sms), with {placeholders} the agents fill in.",
		columns: [
			{ name: 'message', type: 'string' },
			{ name: 'part', type: 'string' },
			{ name: 'wording', type: 'string' },
		],
	},
} as const satisfies Record<string, SettingsTable>;

/** The parts of a message a Booking Messages row words. */
export const MESSAGE_PARTS = ['subject', 'text', 'sms'] as const;
export type MessagePart = (typeof MESSAGE_PARTS)[number];

export type SettingsKey = keyof typeof SETTINGS_TABLES;
export const SETTINGS_KEYS = Object.keys(SETTINGS_TABLES) as SettingsKey[];

/** A row as n8n's Data Table node returns it: the columns plus n8n's own id and timestamps. */
export type SettingsRow = Record<string, unknown> & { id?: number | string };

/** The rows of every table, as they travel on the item under `settings`. */
export type SettingsRows = Partial<Record<SettingsKey, SettingsRow[]>>;

/**
 * Every setting the Business table knows: its kind (how the value text is read)
 * and what it means. A row naming anything else is an error (a typo would
 * otherwise be ignored without a word).
 */
export const BUSINESS_SETTINGS = {
	business_name: { kind: 'text', required: true, notes: 'Shown in every message' },
	business_email: {
		kind: 'email',
		required: true,
		notes: 'Mail to customers comes from this address',
	},
	business_phone: { kind: 'text', notes: 'Printed in messages for customers to call' },
	business_address: {
		kind: 'text',
		notes: "The business's postal address, printed on agreements",
	},
	ops_email: { kind: 'email', required: true, notes: 'Escalations and decisions go here' },
	owner_email: {
		kind: 'email',
		notes: 'The weekly numbers are e-mailed here (empty: to the ops inbox)',
	},
	sms_from: { kind: 'text', notes: 'The Twilio number texts come from (E.164)' },
	crew_phone: {
		kind: 'text',
		notes: 'Emergency dispatches go here when the booked crew has no phone of its own',
	},
	on_call_ladder: {
		kind: 'ladder',
		notes:
			'After hours, who must acknowledge an emergency, in order: name and phone, separated by ; (for example Morgan +1 212 555 0181; Sam +1 212 555 0182). Empty: nobody is asked',
	},
	dispatch_ack_minutes: {
		kind: 'number',
		notes: 'Minutes each person on the on-call ladder has to acknowledge before the next is asked',
	},
	cancel_notice_hours: {
		kind: 'number',
		notes:
			'Hours before a visit from which a customer can no longer move, cancel or skip it on their link (ops are told and call them)',
	},
	time_zone: {
		kind: 'time_zone',
		required: true,
		notes: 'IANA name, for example America/New_York',
	},
	public_url: {
		kind: 'url',
		required: true,
		notes: "This n8n's public address; links in messages start with it",
	},
	review_url: { kind: 'url', notes: 'Where review requests send the customer (optional)' },
	currency: { kind: 'currency', notes: 'ISO 4217 code of every price, for example USD' },
	buffer_minutes: { kind: 'number', notes: 'Travel and set-up time after each job' },
	lead_time_minutes: { kind: 'number', notes: 'The earliest a normal booking can start from now' },
	slot_step_minutes: { kind: 'number', notes: 'Start times are offered on this step' },
	horizon_days: { kind: 'number', notes: 'How far ahead normal bookings are offered' },
	max_automatic_discount_pct: {
		kind: 'number',
		notes: 'Discounts up to this are granted without a person',
	},
	approval_band_up_to_pct: {
		kind: 'number',
		notes: 'Asks above the automatic limit and up to this go to a person',
	},
	floor_price_per_visit: { kind: 'number', notes: 'No offer goes below this ($); 0 = no floor' },
	max_negotiation_rounds: { kind: 'number', notes: 'The offer in this round is final' },
	concession_steps_pct: {
		kind: 'number_list',
		notes: 'What to offer round by round, comma-separated, for example 5, 10',
	},
	payment_links: {
		kind: 'yes_no',
		notes:
			'yes: the invoice e-mailed after a visit carries a Stripe payment link (set the Stripe credential); no: it asks to pay as usual',
	},
	monthly_billing: {
		kind: 'yes_no',
		notes:
			"yes: a regular service's agreement is billed once a month for its visits done, charged to the card the customer saved (Recurring Billing); no: each visit is billed when the crew marks it done",
	},
	callout_fee: {
		kind: 'number',
		notes:
			"An emergency's call-out fee ($): the customer pays it on a Stripe page before the crew is sent, and it counts toward the bill; 0 = none",
	},
	callout_fee_after_hours: {
		kind: 'yes_no',
		notes:
			'yes: the call-out fee is asked after business hours too; no: after hours the crew is sent at once',
	},
	callout_fee_minutes: {
		kind: 'number',
		notes:
			'How long the customer has to pay the call-out fee; then the crew is released and ops call them',
	},
	deposit_services: {
		kind: 'text',
		notes:
			'Services booked only once a deposit is paid (Simple Booking), comma-separated service types, for example post_construction, move_out; empty = none',
	},
	deposit_pct: {
		kind: 'number',
		notes: 'The deposit those services take, in percent of the quote',
	},
	deposit_hours: {
		kind: 'number',
		notes: "How long the customer has to pay the deposit; then the visit's time is released",
	},
	refund_as_credit: {
		kind: 'yes_no',
		notes:
			"yes: a cancelled visit's deposit that the policy gives back becomes credit toward the customer's next invoice; no: it is refunded to the card",
	},
	quiet_hours_start: { kind: 'time', notes: 'No reminder texts from this time...' },
	quiet_hours_end: { kind: 'time', notes: '...until this time (local)' },
} as const satisfies Record<string, { kind: string; required?: boolean; notes: string }>;

export type BusinessSettingName = keyof typeof BUSINESS_SETTINGS;

/** The Rate Card table's rates: the rate card field each sets and how its amount is read. */
export const RATES = {
	residential_base: {
		path: ['residential', 'base_cents'],
		unit: 'dollars',
		label: 'Home clean: studio or one bedroom',
	},
	extra_bedroom: {
		path: ['residential', 'per_extra_bedroom_cents'],
		unit: 'dollars',
		label: 'Each bedroom after the first',
	},
	extra_bathroom: {
		path: ['residential', 'per_extra_bathroom_cents'],
		unit: 'dollars',
		label: 'Each bathroom after the first (half baths half)',
	},
	residential_per_sqft: {
		path: ['residential', 'per_sqft_cents'],
		unit: 'dollars_fraction',
		label: 'Home clean per square foot (when the size is known)',
	},
	residential_minimum: {
		path: ['residential', 'minimum_cents'],
		unit: 'dollars',
		label: 'Smallest home clean',
	},
	deep_multiplier: {
		path: ['service_multipliers', 'deep_cleaning'],
		unit: 'multiplier',
		label: 'Deep clean: times the standard price',
	},
	move_in_out_multiplier: {
		path: ['service_multipliers', 'move_in_out'],
		unit: 'multiplier',
		label: 'Move-in/out: times the standard price',
	},
	post_construction_multiplier: {
		path: ['service_multipliers', 'post_construction'],
		unit: 'multiplier',
		label: 'Post-construction: times the standard price',
	},
	carpet_per_room: {
		path: ['carpet', 'per_room_cents'],
		unit: 'dollars',
		label: 'Carpet per room',
	},
	carpet_per_sqft: {
		path: ['carpet', 'per_sqft_cents'],
		unit: 'dollars_fraction',
		label: 'Carpet per square foot',
	},
	carpet_minimum: {
		path: ['carpet', 'minimum_cents'],
		unit: 'dollars',
		label: 'Smallest carpet job',
	},
	window_each: {
		path: ['windows', 'per_window_cents'],
		unit: 'dollars',
		label: 'Window cleaning per window',
	},
	window_minimum: {
		path: ['windows', 'minimum_cents'],
		unit: 'dollars',
		label: 'Smallest window job',
	},
	weekly_discount_pct: {
		path: ['recurring_discount_pct', 'weekly'],
		unit: 'percent',
		label: 'Weekly service discount (%)',
	},
	biweekly_discount_pct: {
		path: ['recurring_discount_pct', 'biweekly'],
		unit: 'percent',
		label: 'Every-other-week discount (%)',
	},
	monthly_discount_pct: {
		path: ['recurring_discount_pct', 'monthly'],
		unit: 'percent',
		label: 'Monthly service discount (%)',
	},
	returning_customer_discount_pct: {
		path: ['returning_customer_discount_pct'],
		unit: 'percent',
		label: 'Returning customer discount (%)',
	},
	commercial_per_sqft: {
		path: ['commercial', 'per_sqft_cents'],
		unit: 'dollars_fraction',
		label: 'Commercial clean per square foot',
	},
	commercial_minimum: {
		path: ['commercial', 'minimum_cents'],
		unit: 'dollars',
		label: 'Smallest commercial clean',
	},
	emergency_call_out: {
		path: ['restoration', 'call_out_cents'],
		unit: 'dollars',
		label: 'Emergency call-out fee',
	},
	restoration_hourly: {
		path: ['restoration', 'hourly_cents'],
		unit: 'dollars',
		label: 'Restoration per hour',
	},
	after_hours_multiplier: {
		path: ['restoration', 'after_hours_multiplier'],
		unit: 'multiplier',
		label: 'Restoration labour at night, weekends, holidays: times the hourly rate',
	},
	restoration_minimum: {
		path: ['restoration', 'minimum_cents'],
		unit: 'dollars',
		label: 'Smallest planned restoration visit',
	},
	max_total_discount_pct: {
		path: ['max_total_discount_pct'],
		unit: 'percent',
		label: 'Cap on all discounts together (%)',
	},
	tax_rate_pct: { path: ['tax_rate_pct'], unit: 'percent', label: 'Sales tax (%)' },
	quote_valid_days: { path: ['validity_days'], unit: 'days', label: 'Days a quote stays valid' },
	approval_threshold: {
		path: ['approval_threshold_cents'],
		unit: 'dollars',
		label: 'Quotes above this (per visit or per month) need a person',
	},
} as const satisfies Record<string, { path: readonly string[]; unit: string; label: string }>;

export type RateName = keyof typeof RATES;
/** Rows whose rate starts with this add an add-on: `add_on:inside_oven`. */
export const ADD_ON_PREFIX = 'add_on:';

/** The demo business's details (npm start); ops replace them with their own. */
export const DEMO_BUSINESS: Partial<Record<BusinessSettingName, string>> = {
	business_name: 'Bright Clean Co.',
	business_email: 'bookings@brightclean.example',
	business_phone: '+1 212 555 0100',
	business_address: '100 Broadway, New York, NY 10005',
	ops_email: 'ops@brightclean.example',
	owner_email: 'owner@brightclean.example',
	sms_from: '+12125550100',
	crew_phone: '+12125550199',
	on_call_ladder: '',
	dispatch_ack_minutes: '10',
	cancel_notice_hours: '24',
	time_zone: 'America/New_York',
	public_url: 'http://localhost:5678/',
	review_url: 'https://brightclean.example/review',
	currency: 'USD',
	buffer_minutes: '30',
	lead_time_minutes: '120',
	slot_step_minutes: '30',
	horizon_days: '30',
	max_automatic_discount_pct: '10',
	approval_band_up_to_pct: '15',
	floor_price_per_visit: '0',
	max_negotiation_rounds: '3',
	concession_steps_pct: '5, 10',
	quiet_hours_start: '21:00',
	quiet_hours_end: '08:00',
	payment_links: 'no',
	monthly_billing: 'no',
	callout_fee: '0',
	callout_fee_after_hours: 'no',
	callout_fee_minutes: '20',
	deposit_services: '',
	deposit_pct: '25',
	deposit_hours: '24',
	refund_as_credit: 'no',
};

/** What the seed rows are made from: the agents' own defaults (the package's API passes them in). */
export interface SeedDefaults {
	/** The rate card, in cents, as the Pricing Agent keeps it. */
	rateCard: Record<string, unknown> & {
		add_ons: Record<string, { label: string; price_cents: number }>;
	};
	calendar: {
		crews: Array<{ id: string; name: string; skills: string[]; on_call: boolean }>;
		businessHours: Record<Weekday, Array<[string, string]>>;
	};
	business?: Partial<Record<BusinessSettingName, string>>;
	/** The Confirmation Agent's default wording, per message kind. */
	messages?: Record<string, Record<MessagePart, string>>;
}

/** The rows a new business starts with, per table: the package's defaults, in the tables' shape. */
export function seedRows({
	rateCard,
	calendar,
	business = {},
	messages = {},
}: SeedDefaults): Record<SettingsKey, Array<Record<string, unknown>>> {
	const values = { ...DEMO_BUSINESS, ...business };
	const rateAmount = (name: RateName): number => {
		const { path, unit } = RATES[name];
		let value: unknown = rateCard;
		for (const key of path) value = (value as Record<string, unknown>)[key];
		const n = value as number;
		return unit === 'dollars' || unit === 'dollars_fraction' ? n / 100 : n;
	};
	return {
		business: (Object.keys(BUSINESS_SETTINGS) as BusinessSettingName[]).map((setting) => ({
			setting,
			value: values[setting] ?? '',
			notes: BUSINESS_SETTINGS[setting].notes,
		})),
		rate_card: [
			...(Object.keys(RATES) as RateName[]).map((rate) => ({
				rate,
				amount: rateAmount(rate),
				label: RATES[rate].label,
			})),
			...Object.entries(rateCard.add_ons).map(([code, addOn]) => ({
				rate: `${ADD_ON_PREFIX}${code}`,
				amount: addOn.price_cents / 100,
				label: addOn.label,
			})),
		],
		crews: calendar.crews.map((crew) => ({
			crew_id: crew.id,
			name: crew.name,
			phone: '',
			email: '',
			skills: crew.skills.join(', '),
			on_call: crew.on_call,
			working_days: '',
			service_area: '',
			time_off: '',
			active: true,
		})),
		promo_codes: [],
		hours: WEEKDAYS.flatMap((day) =>
			calendar.businessHours[day].map(([opens, closes]) => ({ day, opens, closes })),
		),
		holidays: [],
		messages: Object.entries(messages).flatMap(([message, parts]) =>
			MESSAGE_PARTS.map((part) => ({ message, part, wording: parts[part] })),
		),
	};
}
