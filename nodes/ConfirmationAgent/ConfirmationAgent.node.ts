import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { AgentMode } from '../shared/modes';
import {
	aiOptionsProperty,
	bookingStorePostgresTest,
	collectionValue,
	hasParameter,
	jsonParameter,
	modeProperty,
	optionalText,
	optionalValue,
	readAiSettings,
	readStoreConfig,
	requireText,
	runAgentPerItem,
	storeProperties,
} from '../shared/n8n';
import { openStore } from '../shared/store';
import type { ComposeInput, MessageKind } from './compose';
import { confirm, confirmDueFollowUp, recordSmsReply, type ConfirmOptions } from './confirm';

const list = (value: unknown): string[] | null =>
	Array.isArray(value)
		? value.map(String)
		: typeof value === 'string' && value.trim()
			? [value]
			: null;
const objectOrNull = (value: unknown) =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : null;

export class ConfirmationAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Confirmation Agent',
		name: 'confirmationAgent',
		icon: { light: 'file:confirmationAgent.svg', dark: 'file:confirmationAgent.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "recordSmsReply" ? "Record SMS reply" : $parameter["messageKind"] }}',
		description:
			'Writes what Send Email and Twilio deliver: e-mail (text and HTML), SMS (E.164, segments, opt-out), a calendar invite (.ics) and the reminder plan; records STOP replies',
		defaults: { name: 'Confirmation Agent' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'bookingStorePostgres',
				required: true,
				displayOptions: { show: { store: ['postgres'] } },
				testedBy: 'bookingStorePostgresTest',
			},
			{
				name: 'bookingAgentsOpenAiApi',
				required: true,
				displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'], operation: ['compose'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'compose',
				options: [
					{
						name: 'Compose Message',
						value: 'compose',
						action: 'Compose a customer message',
						description: 'E-mail, SMS and calendar invite for one message kind',
					},
					{
						name: 'Record SMS Reply',
						value: 'recordSmsReply',
						action: 'Record an SMS reply',
						description: 'Record STOP (and START) replies so opted-out numbers get no SMS',
					},
				],
			},
			{
				...modeProperty,
				displayOptions: { show: { operation: ['compose'] } },
				description:
					'Rules only uses the templates. With AI, a model may reword the texts, but its wording is used only if every date, time, address, amount, link and reference stays exactly the same.',
			},
			{
				displayName: 'Message Kind',
				name: 'messageKind',
				type: 'options',
				default: 'booking_confirmation',
				displayOptions: { show: { operation: ['compose'] } },
				options: [
					{ name: 'Booking Confirmation', value: 'booking_confirmation' },
					{ name: 'Cancellation', value: 'cancellation' },
					{ name: 'Contract Signing Request', value: 'contract_signing' },
					{
						name: 'Emergency Dispatch',
						value: 'emergency_dispatch',
						description: 'Immediate SMS to the customer and a notice to the crew',
					},
					{ name: 'Quote With Reply Link', value: 'quote' },
					{ name: 'Reminder', value: 'reminder' },
					{
						name: 'Reminder or Review Request, When Due',
						value: 'follow_up_due',
						description:
							'For each visit from Scheduling > List: the reminder or review request the plan (see Channels and Wording) says is due now; visits with nothing due are left out. For a schedule that runs every 15 minutes or more often.',
					},
					{ name: 'Renewal Notice', value: 'renewal_notice' },
					{ name: 'Review Request', value: 'review_request' },
				],
			},
			{
				displayName: 'Customer Name',
				name: 'customerName',
				type: 'string',
				default: '={{ $json.customer?.name }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Customer Email',
				name: 'customerEmail',
				type: 'string',
				default: '={{ $json.customer?.email }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Customer Phone',
				name: 'customerPhone',
				type: 'string',
				default: '={{ $json.customer?.phone }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Service Address',
				name: 'customerAddress',
				type: 'string',
				default: '={{ $json.customer?.address }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Service',
				name: 'service',
				type: 'string',
				default:
					'={{ $json.qualification?.service_type ?? $json.quote?.service_type ?? "cleaning" }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Booking',
				name: 'booking',
				type: 'json',
				default: '={{ $json.booking ?? {} }}',
				displayOptions: { show: { operation: ['compose'] } },
				description:
					"The Scheduling Agent's result: start, end, time zone, crew, booking or series ID",
			},
			{
				displayName: 'Quote',
				name: 'quote',
				type: 'json',
				default: '={{ $json.negotiation?.quote ?? $json.quote ?? {} }}',
				displayOptions: { show: { operation: ['compose'] } },
			},
			{
				displayName: 'Links',
				name: 'links',
				type: 'json',
				default:
					'={{ { reply_url: $json.reply_url, signing_url: $json.contract?.signing_url, review_url: $json.review_url, link_expires: $json.contract?.signing_expires_at } }}',
				displayOptions: { show: { operation: ['compose'] } },
				description: 'Reply link (quotes), signing link (contracts), review link',
			},
			{
				displayName: 'Safety Instructions',
				name: 'safetyInstructions',
				type: 'json',
				default: '={{ $json.triage?.safety_instructions ?? [] }}',
				displayOptions: { show: { operation: ['compose'], messageKind: ['emergency_dispatch'] } },
			},
			{
				displayName: 'Crew Phone',
				name: 'crewPhone',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['compose'], messageKind: ['emergency_dispatch'] } },
				description: 'Where the crew notice goes',
			},
			{
				displayName: 'Renewal Date',
				name: 'renewalDate',
				type: 'string',
				default: '={{ $json.contract?.renews_on }}',
				displayOptions: { show: { operation: ['compose'], messageKind: ['renewal_notice'] } },
			},
			{
				displayName: 'Cancel Reason',
				name: 'reason',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['compose'], messageKind: ['cancellation'] } },
			},
			{
				displayName: 'Invite Sequence',
				name: 'sequence',
				type: 'number',
				default: 0,
				displayOptions: { show: { operation: ['compose'] } },
				description:
					'Raise it for each change of the same booking (a cancellation must be higher than the invite it cancels)',
			},
			{
				displayName: 'Business',
				name: 'business',
				type: 'collection',
				placeholder: 'Set business details',
				default: { name: 'Bright Clean Co.', email: 'bookings@example.com' },
				displayOptions: { show: { operation: ['compose', 'recordSmsReply'] } },
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
			},
			{
				displayName: 'Channels and Wording',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { operation: ['compose'] } },
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
					{ displayName: 'Quiet Hours End', name: 'quietEnd', type: 'string', default: '08:00' },
					{
						displayName: 'Quiet Hours Start',
						name: 'quietStart',
						type: 'string',
						default: '21:00',
					},
					{
						displayName: 'Reminders (Hours Before)',
						name: 'reminderHours',
						type: 'string',
						default: '24,2',
					},
					{
						displayName: 'Review Request (Hours After)',
						name: 'reviewHours',
						type: 'number',
						default: 24,
					},
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
					{
						displayName: 'SMS Text',
						name: 'smsText',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						description:
							'Replaces the default SMS text (not with Reminder or Review Request, When Due)',
					},
				],
			},
			{
				displayName: 'Phone',
				name: 'replyPhone',
				type: 'string',
				default: '={{ $json.body?.From ?? $json.From }}',
				required: true,
				displayOptions: { show: { operation: ['recordSmsReply'] } },
				description: 'The number that replied (Twilio sends it as From)',
			},
			{
				displayName: 'Reply Text',
				name: 'replyText',
				type: 'string',
				default: '={{ $json.body?.Body ?? $json.Body }}',
				required: true,
				displayOptions: { show: { operation: ['recordSmsReply'] } },
				description: 'What they wrote (Twilio sends it as Body)',
			},
			{
				...aiOptionsProperty,
				displayOptions: { show: { operation: ['compose'], mode: ['aiWithFallback', 'aiOnly'] } },
			},
			...storeProperties,
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as 'compose' | 'recordSmsReply';
		const store = await openStore(await readStoreConfig(this));
		if (operation === 'recordSmsReply') {
			return await runAgentPerItem(this, 'sms_reply', async (i) => {
				const business = collectionValue(this, 'business', i);
				const options = this.getNodeParameter('options', i, {}) as IDataObject;
				const result = await recordSmsReply(
					{
						phone: requireText(this, 'replyPhone', 'Phone', i, '{{ $json.body.From }}'),
						text: String(optionalValue(this, 'replyText', i) ?? ''),
						business: (business.name as string) ?? null,
					},
					{ store, smsDefaultCountry: (options.country as string) || 'US' },
				);
				return result as unknown as IDataObject;
			});
		}
		return await runAgentPerItem(
			this,
			'confirmation',
			async (i) => {
				const kind = this.getNodeParameter('messageKind', i) as MessageKind | 'follow_up_due';
				const business = collectionValue(this, 'business', i);
				const options = this.getNodeParameter('options', i, {}) as IDataObject;
				const override = Object.fromEntries(
					[
						['subject', options.subject],
						['text', options.text],
						['sms', options.smsText],
					].filter(([, v]) => typeof v === 'string' && v.trim()),
				);
				const has = (name: string) => hasParameter(this, name);
				const input: Omit<ComposeInput, 'kind'> = {
					customer: {
						name: optionalText(this, 'customerName', i),
						email: optionalText(this, 'customerEmail', i),
						phone: optionalText(this, 'customerPhone', i),
						address: optionalText(this, 'customerAddress', i),
					},
					business: {
						name: String(business.name ?? ''),
						email: String(business.email ?? ''),
						reply_to: (business.reply_to as string) || null,
						phone: (business.phone as string) || null,
					},
					booking: objectOrNull(
						jsonParameter(this, 'booking', 'Booking', i),
					) as ComposeInput['booking'],
					quote: objectOrNull(jsonParameter(this, 'quote', 'Quote', i)) as ComposeInput['quote'],
					service: optionalText(this, 'service', i),
					links: objectOrNull(jsonParameter(this, 'links', 'Links', i)) as ComposeInput['links'],
					safety_instructions: has('safetyInstructions')
						? list(optionalValue(this, 'safetyInstructions', i))
						: null,
					crew_contact:
						has('crewPhone') && optionalText(this, 'crewPhone', i)
							? { phone: optionalText(this, 'crewPhone', i) }
							: null,
					renewal_date: has('renewalDate') ? optionalText(this, 'renewalDate', i) : null,
					reason: has('reason') ? optionalText(this, 'reason', i) : null,
					sequence: this.getNodeParameter('sequence', i, 0) as number,
				};
				const mode = this.getNodeParameter('mode', i, 'rules') as AgentMode;
				const confirmOptions: ConfirmOptions = {
					store,
					mode,
					ai: await readAiSettings(this, i, mode),
					// A follow-up may be either kind, so one replacement text cannot fit it: the default texts are used.
					templates:
						Object.keys(override).length && kind !== 'follow_up_due'
							? { [kind]: override }
							: undefined,
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
						quietStart: (options.quietStart as string) || '21:00',
						quietEnd: (options.quietEnd as string) || '08:00',
					},
				};
				const result =
					kind === 'follow_up_due'
						? await confirmDueFollowUp(input, confirmOptions)
						: await confirm({ ...input, kind }, confirmOptions);
				return result as unknown as IDataObject | null;
			},
			async (i, result) => {
				const calendar = result.calendar as {
					ics: string;
					filename: string;
					mime_type: string;
				} | null;
				if (!calendar) return null;
				const property =
					((this.getNodeParameter('options', i, {}) as IDataObject).binaryProperty as string) ||
					'invite';
				return {
					[property]: await this.helpers.prepareBinaryData(
						Buffer.from(calendar.ics, 'utf8'),
						calendar.filename,
						'text/calendar',
					),
				};
			},
		);
	}
}
