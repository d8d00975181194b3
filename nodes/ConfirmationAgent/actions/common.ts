/**
 * What the Confirmation Agent's operations share on the n8n side: the message's
 * inputs (from the case or mapped), the business's details, the channels and
 * wording options, and the invite file a message brings.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readSettingsSource, settingsRowsOf } from '../../shared/n8n/settings';
import { readBusinessSettings, readMessageSettings } from '../../shared/settings';
import { composeInputFromCase } from '../case';
import {
	MESSAGE_KINDS,
	MESSAGE_PLACEHOLDERS,
	type ComposeInput,
	type MessageKind,
} from '../compose';
import type { ConfirmOptions } from '../confirm';
import { readAiSettings } from '../../shared/n8n/ai';
import { caseOf, definedBelow, type InputSource } from '../../shared/n8n/inputs';
import {
	collectionParameter,
	hasParameter,
	jsonParameter,
	optionalText,
	optionalValue,
} from '../../shared/n8n/parameters';
import type { AgentMode } from '../../shared/modes';
import type { BookingStore } from '../../shared/store';

export type Kind = MessageKind | 'follow_up_due';

export interface OperationContext {
	source: InputSource;
	store: BookingStore;
}

const list = (value: unknown): string[] | null =>
	Array.isArray(value)
		? value.map(String)
		: typeof value === 'string' && value.trim()
			? [value]
			: null;
const objectOrNull = (value: unknown) =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : null;

/** The message's subject: who, what was booked or offered, and the links, when mapped by hand. */
export const messageInputProperties: INodeProperties[] = [
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		default: '={{ $json.customer?.name }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Customer Email',
		name: 'customerEmail',
		type: 'string',
		default: '={{ $json.customer?.email }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Customer Phone',
		name: 'customerPhone',
		type: 'string',
		default: '={{ $json.customer?.phone }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Service Address',
		name: 'customerAddress',
		type: 'string',
		default: '={{ $json.customer?.address }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Service',
		name: 'service',
		type: 'string',
		default: '={{ $json.qualification?.service_type ?? $json.quote?.service_type ?? "cleaning" }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Booking',
		name: 'booking',
		type: 'json',
		default: '={{ $json.booking ?? {} }}',
		displayOptions: definedBelow,
		description:
			"The Scheduling Agent's result: start, end, time zone, crew, booking or series ID. Only { booking_id } (as an AI Agent passes it): the booking is read from the booking store.",
	},
	{
		displayName: 'Quote',
		name: 'quote',
		type: 'json',
		default: '={{ $json.negotiation?.quote ?? $json.quote ?? {} }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Links',
		name: 'links',
		type: 'json',
		default:
			'={{ { reply_url: $json.reply_url, signing_url: $json.contract?.signing_url, review_url: $json.review_url, link_expires: $json.contract?.signing_expires_at } }}',
		displayOptions: definedBelow,
		description: 'Reply link (quotes), signing link (contracts), review link',
	},
];

export const businessProperty: INodeProperties = {
	displayName: 'Business',
	name: 'business',
	type: 'collection',
	placeholder: 'Set business details',
	default: { name: 'Bright Clean Co.', email: 'bookings@example.com' },
	description: "From the case, the case's business details win where it has them",
	options: [
		{
			displayName: 'From Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: 'bookings@example.com',
		},
		{ displayName: 'Name', name: 'name', type: 'string', default: 'Bright Clean Co.' },
		{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
		{
			displayName: 'Reply-To Email',
			name: 'reply_to',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
		},
	],
};

const quietAndPlan: INodeProperties[] = [
	{ displayName: 'Quiet Hours End', name: 'quietEnd', type: 'string', default: '08:00' },
	{ displayName: 'Quiet Hours Start', name: 'quietStart', type: 'string', default: '21:00' },
	{
		displayName: 'Reminders (Hours Before)',
		name: 'reminderHours',
		type: 'string',
		default: '24,2',
	},
	{ displayName: 'Review Request (Hours After)', name: 'reviewHours', type: 'number', default: 24 },
];

const smsOptions: INodeProperties[] = [
	{
		displayName: 'SMS',
		name: 'sms',
		type: 'boolean',
		default: true,
		description: 'Whether to compose the SMS (skipped for numbers that replied STOP)',
	},
	{
		displayName: 'SMS Default Country',
		name: 'country',
		type: 'string',
		default: 'US',
		description: 'For numbers written without a country code',
	},
	{ displayName: 'SMS Max Segments', name: 'maxSegments', type: 'number', default: 3 },
	{
		displayName: 'SMS Opt-Out Line',
		name: 'optOutLine',
		type: 'options',
		default: 'always',
		options: [
			{ name: 'Always', value: 'always' },
			{ name: 'Marketing Messages Only', value: 'marketing' },
			{ name: 'Never', value: 'never' },
		],
	},
];

/** Channels, wording and the reminder plan of a composed message. */
export const composeOptionsProperty: INodeProperties = {
	displayName: 'Channels and Wording',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Calendar Invite',
			name: 'calendar',
			type: 'boolean',
			default: true,
			description: 'Whether to add an .ics invite (confirmations, dispatches, cancellations)',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'boolean',
			default: true,
			description: 'Whether to compose the e-mail',
		},
		{
			displayName: 'Email Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description:
				'Replaces the default subject; placeholders like {name}, {service}, {date} work (not with Reminder or Review Request, When Due)',
		},
		{
			displayName: 'Email Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			description:
				'Replaces the default text: {name} {service} {when} {date} {time} {address} {crew} {price} {booking_ref} {business} {business_phone} and the links (not with Reminder or Review Request, When Due)',
		},
		{
			displayName: 'Invite Binary Property',
			name: 'binaryProperty',
			type: 'string',
			default: 'invite',
			description: 'Where the .ics goes, for Send Email attachments',
		},
		...quietAndPlan,
		...smsOptions,
		{
			displayName: 'SMS Text',
			name: 'smsText',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'Replaces the default SMS text (not with Reminder or Review Request, When Due)',
		},
	],
};

/** A follow-up's channels and plan: the texts are the kind's own (reminder or review request). */
export const followUpOptionsProperty: INodeProperties = {
	displayName: 'Channels and Plan',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Email',
			name: 'email',
			type: 'boolean',
			default: true,
			description: 'Whether to compose the e-mail',
		},
		...quietAndPlan,
		...smsOptions,
	],
};

/** The message's inputs for item i: from the case, or from the mapped parameters. */
export function readComposeInput(
	ctx: IExecuteFunctions,
	i: number,
	source: InputSource,
	kind: Kind,
): Omit<ComposeInput, 'kind'> {
	const business = collectionParameter(ctx, 'business', i);
	const has = (name: string) => hasParameter(ctx, name);
	const sequence = ctx.getNodeParameter('sequence', i, 0) as number;
	const reason = has('reason') ? optionalText(ctx, 'reason', i) : null;
	const crewPhone = has('crewPhone') ? optionalText(ctx, 'crewPhone', i) : null;
	const nodeBusiness = {
		name: String(business.name ?? ''),
		email: String(business.email ?? ''),
		reply_to: (business.reply_to as string) || null,
		phone: (business.phone as string) || null,
	};
	if (source === 'case') {
		const input = composeInputFromCase(caseOf(ctx, i), kind);
		const phone = crewPhone ?? input.business.crew_phone;
		return {
			customer: input.customer,
			business: {
				name: input.business.name ?? nodeBusiness.name,
				email: input.business.email ?? nodeBusiness.email,
				reply_to: input.business.reply_to ?? nodeBusiness.reply_to,
				phone: input.business.phone ?? nodeBusiness.phone,
			},
			booking: input.booking,
			quote: input.quote,
			service: input.service,
			links: input.links,
			safety_instructions:
				kind === 'emergency_dispatch' || kind === 'callout_fee'
					? list(input.safety_instructions)
					: null,
			crew_contact:
				kind === 'crew_visit'
					? { phone, email: input.crew_email, name: input.booking?.crew_name ?? null }
					: kind === 'emergency_dispatch' && phone
						? { phone }
						: null,
			renewal_date: kind === 'renewal_notice' ? input.renewal_date : null,
			series_visits: input.series_visits ?? null,
			invoice: [
				'invoice',
				'payment_failed',
				'callout_fee',
				'deposit_request',
				'deposit_back',
			].includes(kind)
				? (input.invoice ?? null)
				: null,
			refund: kind === 'deposit_back' ? (input.refund ?? null) : null,
			charge: kind === 'payment_failed' ? (input.charge ?? null) : null,
			asked_for: Array.isArray(input.asked_for) ? input.asked_for.map(String) : null,
			reason,
			sequence,
		};
	}
	return {
		customer: {
			name: optionalText(ctx, 'customerName', i),
			email: optionalText(ctx, 'customerEmail', i),
			phone: optionalText(ctx, 'customerPhone', i),
			address: optionalText(ctx, 'customerAddress', i),
		},
		business: nodeBusiness,
		booking: objectOrNull(jsonParameter(ctx, 'booking', 'Booking', i)) as ComposeInput['booking'],
		quote: objectOrNull(jsonParameter(ctx, 'quote', 'Quote', i)) as ComposeInput['quote'],
		service: optionalText(ctx, 'service', i),
		links: objectOrNull(jsonParameter(ctx, 'links', 'Links', i)) as ComposeInput['links'],
		safety_instructions: has('safetyInstructions')
			? list(optionalValue(ctx, 'safetyInstructions', i))
			: null,
		crew_contact: crewPhone ? { phone: crewPhone } : null,
		renewal_date: has('renewalDate') ? optionalText(ctx, 'renewalDate', i) : null,
		reason,
		sequence,
	};
}

/** The agent's options for item i: mode, channels, SMS rules, the reminder plan, replacement texts. */
export async function readConfirmOptions(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
	kind: Kind,
): Promise<ConfirmOptions> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const override = Object.fromEntries(
		[
			['subject', options.subject],
			['text', options.text],
			['sms', options.smsText],
		].filter(([, v]) => typeof v === 'string' && v.trim()),
	);
	const mode = ctx.getNodeParameter('mode', i, 'rules') as AgentMode;
	// With the settings tables, the Booking Business table's quiet hours win, and the Booking Messages table's wording.
	const rows = readSettingsSource(ctx, i) === 'tables' ? settingsRowsOf(ctx, i) : null;
	const quiet = rows ? readBusinessSettings(rows) : null;
	const wording = rows ? readMessageSettings(rows, MESSAGE_KINDS, MESSAGE_PLACEHOLDERS) : {};
	return {
		store,
		mode,
		ai: await readAiSettings(ctx, i, mode),
		// The table's wording for every kind; this node's replacement texts win for its own kind (a follow-up may be
		// either kind, so one replacement text cannot fit it).
		templates: {
			...wording,
			...(Object.keys(override).length && kind !== 'follow_up_due'
				? { [kind]: { ...(wording[kind] ?? {}), ...override } }
				: {}),
		} as ConfirmOptions['templates'],
		channels: {
			email: options.email !== false,
			sms: options.sms !== false,
			calendar: options.calendar !== false,
		},
		smsDefaultCountry: (options.country as string) || 'US',
		smsMaxSegments: typeof options.maxSegments === 'number' ? options.maxSegments : 3,
		smsOptOutLine: (options.optOutLine as 'always' | 'marketing' | 'never') ?? 'always',
		plan: {
			reminderHoursBefore: String(options.reminderHours ?? '24,2')
				.split(',')
				.map(Number)
				.filter((n) => Number.isFinite(n) && n > 0),
			reviewHoursAfter: typeof options.reviewHours === 'number' ? options.reviewHours : 24,
			quietStart: quiet?.quiet_hours_start || (options.quietStart as string) || '21:00',
			quietEnd: quiet?.quiet_hours_end || (options.quietEnd as string) || '08:00',
		},
	};
}

/** The calendar invite a result carries, as a file for Send Email. */
export async function inviteFile(
	ctx: IExecuteFunctions,
	i: number,
	result: IDataObject,
): Promise<IBinaryKeyData | null> {
	const calendar = result.calendar as { ics: string; filename: string } | null;
	if (!calendar) return null;
	const property =
		((ctx.getNodeParameter('options', i, {}) as IDataObject).binaryProperty as string) || 'invite';
	return {
		[property]: await ctx.helpers.prepareBinaryData(
			Buffer.from(calendar.ics, 'utf8'),
			calendar.filename,
			'text/calendar',
		),
	};
}
