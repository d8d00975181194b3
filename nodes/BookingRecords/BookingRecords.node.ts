import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { settingsNodeProperty, settingsSourceProperty } from '../shared/n8n/settings';
import { bookingStorePostgresTest, storeProperties } from '../shared/n8n/store';
import {
	bookingAgentsSigningSecretTest,
	bookingAgentsTwilioWebhookTest,
} from '../shared/n8n/signing';
import { LINK_OPERATIONS } from './actions/links';
import { outboxProperties } from './actions/outbox';
import { router } from './actions/router';
import { strandedProperties } from './actions/stranded';
import { customerProperties } from './actions/customers';

const periodProperties = (operations: string[]) => [
	{
		displayName: 'Period',
		name: 'period',
		type: 'options' as const,
		default: 'lastWeek',
		displayOptions: { show: { operation: operations } },
		options: [
			{ name: 'Last Week (Monday to Sunday)', value: 'lastWeek' },
			{ name: 'This Week So Far', value: 'thisWeek' },
			{ name: 'The Last 30 Days (to Today)', value: 'last30Days' },
			{ name: 'Dates Below', value: 'custom' },
		],
		description: "Weeks run Monday to Sunday in the business's time zone",
	},
	{
		displayName: 'From',
		name: 'periodFrom',
		type: 'string' as const,
		default: '',
		placeholder: '2026-11-02',
		displayOptions: { show: { operation: operations, period: ['custom'] } },
		description: 'First day included (YYYY-MM-DD, business time zone)',
	},
	{
		displayName: 'To',
		name: 'periodTo',
		type: 'string' as const,
		default: '',
		placeholder: '2026-11-08',
		displayOptions: { show: { operation: operations, period: ['custom'] } },
		description: 'Last day included (YYYY-MM-DD)',
	},
];

export class BookingRecords implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Booking Records',
		name: 'bookingRecords',
		icon: { light: 'file:bookingRecords.svg', dark: 'file:bookingRecords.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			"Records each case's steps in the booking store and shows the business: the ops board page, the weekly numbers, CSV exports",
		defaults: { name: 'Booking Records' },
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
				name: 'bookingAgentsSigningSecret',
				required: true,
				displayOptions: { show: { operation: LINK_OPERATIONS } },
				testedBy: 'bookingAgentsSigningSecretTest',
			},
			{
				// The Auth Token checks that a text really came from Twilio.
				name: 'bookingAgentsTwilioWebhook',
				testedBy: 'bookingAgentsTwilioWebhookTest',
				required: true,
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['sms'], checkSignature: [true] },
				},
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'recordCase',
				options: [
					{
						name: 'Answer the Customer',
						value: 'answerCustomer',
						action: 'Answer the customer with the outcome',
						description:
							'What a web form, text or webhook caller reads: the outcome, price, time and next step, and nothing internal (no lead score, pricing inputs or crews)',
					},
					{
						name: 'Back Up the Store',
						value: 'backup',
						action: 'Back up the booking store',
						description:
							'A consistent copy of the SQLite booking store, taken while bookings go on, as a file to keep (PostgreSQL: use pg_dump)',
					},
					{
						name: 'Erase a Customer',
						value: 'eraseCustomer',
						action: 'Erase a customer s personal data',
						description:
							'On the customer’s request: their name, contact, notes and message text removed everywhere; the books (amounts, past visits, signed agreements) kept without them',
					},
					{
						name: 'Export a Customer’s Data',
						value: 'exportCustomer',
						action: 'Export everything kept about a customer',
						description:
							'One JSON file with the customer record, their cases with events, quotes, visits, agreements and the messages sent to them',
					},
					{
						name: 'Export CSV',
						value: 'export',
						action: 'Export cases or bookings as CSV',
						description: 'A CSV file of the cases received, or the visits, in a period',
					},
					{
						name: 'Find Stranded Bookings',
						value: 'strandedBookings',
						action: 'Find bookings whose flow stopped before recording them',
						description:
							'Confirmed visits some minutes old whose case does not list them (the flow that booked them stopped: an n8n worker killed): one item per case, for the Human Queue',
					},
					{
						name: 'Get a Customer',
						value: 'getCustomer',
						action: 'Get a customer with their history',
						description:
							'The customer record (contact, addresses, notes, opt-outs) and their cases, quotes, visits, agreements and messages',
					},
					{
						name: 'Look Up the Customer',
						value: 'lookUpCustomer',
						action: 'Look up the customer of the case',
						description:
							'Before the agents: finds (or starts) the customer by e-mail or phone and adds their ID, whether they are returning, ops’ notes, opt-outs and preferred channel',
					},
					{
						name: 'Make a Link',
						value: 'createLink',
						action: 'Make a link a person answers',
						description:
							'A signed, expiring, single-use link to a page (a quote to accept or ask about, a decision for ops); its answer resumes this execution',
					},
					{
						name: 'Open a Link',
						value: 'openLink',
						action: 'Show the page of a link',
						description:
							'The page a link opens (GET): the question, or why it cannot be answered (used, expired, not valid)',
					},
					{
						name: 'Ops Board Page',
						value: 'board',
						action: 'Make the ops board page',
						description:
							"Today's and this week's visits by crew, who waits on a decision, quotes and agreements waiting, failed messages, emergencies (HTML)",
					},
					{
						name: 'Put Messages in the Outbox',
						value: 'queueMessages',
						action: 'Put the messages in the outbox',
						description:
							'Keeps the e-mail and text a Confirmation Agent wrote (confirmation.email, confirmation.sms, with their attachments) until they are sent; a failed send is tried again on a schedule',
					},
					{
						name: 'Read an AI Agent’s Work',
						value: 'caseFromAgent',
						action: 'Read the work of an agent and its tools',
						description:
							'After an AI Agent whose tools are these nodes: the case with the reading, quote, booking and confirmation the tools returned (never the model’s own words)',
					},
					{
						name: 'Record a Send',
						value: 'recordSend',
						action: 'Record whether a message was sent',
						description:
							'After the Send Email or Twilio node: sent, or not sent (its next try is scheduled; when the tries are used up the case is handed to ops)',
					},
					{
						name: 'Record the Case',
						value: 'recordCase',
						action: 'Record a step of the case',
						description:
							'Keep what just happened to the case (answered, handed to a person, won, lost) with what the agents found',
					},
					{
						name: 'Route an Incoming Message',
						value: 'routeMessage',
						action: 'Route an incoming message to its case',
						description:
							'A text (Twilio, signature checked), e-mail or chat line: STOP/START/HELP answered, a quote reply resumes its flow, a follow-up joins the sender’s open case, else a new case',
					},
					{
						name: 'Take a Link’s Answer',
						value: 'answerLink',
						action: 'Take the answer to a link',
						description:
							'Checks the submitted page (POST), keeps the answer once, and gives the address of the execution to resume',
					},
					{
						name: 'Take Messages to Send',
						value: 'takeMessages',
						action: 'Take the messages to send now',
						description:
							'The messages the item put in the outbox, or every message whose next try is due: one item each, held so no other run sends it',
					},
					{
						name: 'Update a Customer',
						value: 'updateCustomer',
						action: 'Update a customer s notes and preferences',
						description:
							'Add a note (gate code, pets, keys) or an address, correct the name, stop or allow texts and e-mails, set the preferred channel',
					},
					{
						name: 'Weekly Numbers',
						value: 'report',
						action: 'Work out the weekly numbers',
						description:
							'Leads by channel, conversion, revenue booked, answer and emergency response times, crew time, cancellations, with an e-mail to send',
					},
				],
			},
			{
				displayName: 'Link For',
				name: 'linkKind',
				type: 'options',
				default: 'quote_reply',
				displayOptions: { show: { operation: ['createLink'] } },
				options: [
					{
						name: 'A Crew’s Visit',
						value: 'crew_visit',
						description:
							'For the crew booked on a visit (a Scheduling Agent visit on the item): when, where, who, and a button per step: On my way, Started, Done, Could not do it',
					},
					{
						name: 'A Customer’s Own Visit',
						value: 'visit_change',
						description:
							'For the customer, in the confirmation and reminders: move the visit to a time they choose, cancel it, or skip one visit of a series',
					},
					{
						name: 'A Time for a Job With No Room',
						value: 'no_room',
						description:
							'For ops: the next free times (the Scheduling Agent’s slots on the item), another time to type, or a call; with a name and a note',
					},
					{
						name: 'An Emergency to Acknowledge',
						value: 'dispatch_ack',
						description:
							'For the person whose turn it is on the on-call ladder (the case’s dispatch_rung; names and phones in the Booking Business table): the emergency, the crew booked, one button',
					},
					{
						name: 'An Ops Decision',
						value: 'ops_decision',
						description:
							'A discount or a reply that needs a person: Approve or Decline, with a name and a note',
					},
					{
						name: 'Details the Customer Is Asked For',
						value: 'ask_back',
						description:
							'A short form with what the job lacks before it can be priced and booked (the Qualifier’s ask_before_booking: address, rooms, area) and a preferred time',
					},
					{
						name: 'The Customer’s Reply to the Quote',
						value: 'quote_reply',
						description:
							'The quote (or counter-offer) with Accept and Ask a question or for a change',
					},
					{
						name: 'The Outcome of a Call Back',
						value: 'wants_human',
						description:
							'For ops, after calling a customer who asked for a person: booked (a free time or another), called back with nothing to book, or not a fit',
					},
				],
				description: 'What the page shows and asks; it is built from the case on the item',
			},
			{
				displayName: 'Links Address',
				name: 'linksUrl',
				type: 'string',
				default: '={{ $json.business.links_url }}',
				displayOptions: { show: { operation: ['createLink'] } },
				placeholder: 'https://n8n.example.com/webhook/link',
				description:
					'The webhook of the Customer Links workflow, which shows the page and takes the answer (the token is added as ?t=)',
			},
			{
				displayName: 'Resume Address',
				name: 'resumeUrl',
				type: 'string',
				default: '={{ $execution.resumeUrl }}',
				displayOptions: { show: { operation: ['createLink'] } },
				description:
					'Where the answer is posted: this execution, waiting on a Wait node resumed "On Webhook Call" (POST). Empty: the answer is only kept.',
			},
			{
				displayName: 'Valid For (Hours)',
				name: 'validHours',
				type: 'number',
				default: 336,
				typeOptions: { minValue: 1, maxValue: 2160 },
				displayOptions: { show: { operation: ['createLink'] } },
				description:
					'After this the page says the link has expired; make it match the Wait node’s limit',
			},
			{
				displayName: 'Reuse an Open Link',
				name: 'reuseOpen',
				type: 'boolean',
				default: false,
				displayOptions: { show: { operation: ['createLink'] } },
				description:
					'Whether to give back the case’s unanswered link of this kind, if it has one, instead of making another (the output says reused: true): a retried request then does not ask the person twice',
			},
			{
				displayName: 'Token',
				name: 'token',
				type: 'string',
				typeOptions: { password: true },
				default: '={{ $json.query?.t }}',
				displayOptions: { show: { operation: ['openLink', 'answerLink'] } },
				description: 'The t= of the link’s address, as the webhook received it',
			},
			{
				displayName: 'Submitted Fields',
				name: 'form',
				type: 'json',
				default: '={{ $json.body }}',
				displayOptions: { show: { operation: ['answerLink'] } },
				description: 'What the page posted (choice, message, name), as the webhook parsed it',
			},
			{
				displayName: 'Channel',
				name: 'incomingChannel',
				type: 'options',
				default: 'sms',
				displayOptions: { show: { operation: ['routeMessage'] } },
				options: [
					{ name: 'Text Message (Twilio Webhook)', value: 'sms' },
					{ name: 'E-Mail', value: 'email' },
					{ name: 'Chat', value: 'chat' },
					{ name: 'Web Form', value: 'web_form' },
				],
				description:
					'Where the message came from. A text is read from the Twilio webhook’s item (From, Body, MessageSid) and its signature checked.',
			},
			{
				displayName: 'Check Twilio’s Signature',
				name: 'checkSignature',
				type: 'boolean',
				default: true,
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['sms'] } },
				description:
					'Whether to refuse a request without a valid X-Twilio-Signature (signed with the account’s Auth Token, kept in the Booking Agents Twilio Webhook credential). Turn off only behind something that already checked it.',
			},
			{
				displayName: 'Address Twilio Calls',
				name: 'requestUrl',
				type: 'string',
				default: '={{ $json.webhookUrl }}',
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['sms'], checkSignature: [true] },
				},
				hint: 'Twilio signs the exact address set on its phone number. Behind a proxy, set n8n’s WEBHOOK_URL so this matches.',
				description: 'The webhook’s public address as Twilio calls it (its query string is added)',
			},
			{
				displayName: 'Message',
				name: 'messageText',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '={{ $json.text ?? $json.message }}',
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['email', 'chat', 'web_form'] },
				},
				description: 'What the customer wrote (the first 5,000 characters are read)',
			},
			{
				displayName: 'Sender’s E-Mail',
				name: 'fromEmail',
				type: 'string',
				default: '',
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['email', 'chat', 'web_form'] },
				},
				placeholder: 'dana@example.com',
				description: 'One address; the sender’s open case is found by it',
			},
			{
				displayName: 'Sender’s Phone',
				name: 'fromPhone',
				type: 'string',
				default: '',
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['email', 'chat', 'web_form'] },
				},
				placeholder: '+1 212 555 0100',
				description: 'With its country code; the sender’s open case is found by it too',
			},
			{
				displayName: 'Sender’s Name',
				name: 'senderName',
				type: 'string',
				default: '',
				displayOptions: {
					show: { operation: ['routeMessage'], incomingChannel: ['email', 'chat', 'web_form'] },
				},
			},
			{
				displayName: 'Message-ID',
				name: 'messageId',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['email'] } },
				description:
					'The e-mail’s own Message-ID header: a reply to our answer finds the case by it',
			},
			{
				displayName: 'In Reply To',
				name: 'references',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['email'] } },
				description:
					'The e-mail’s In-Reply-To and References headers: the Message-IDs of the conversation it answers',
			},
			{
				displayName: 'Honeypot Field',
				name: 'honeypot',
				type: 'string',
				default: '={{ $json.website }}',
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
				description:
					'A form field people never see (hidden by the form’s CSS): anything in it means a bot, and the submission is refused',
			},
			{
				displayName: 'Page Served At',
				name: 'formStartedAt',
				type: 'string',
				default: '={{ $json.started }}',
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
				description:
					'The form’s hidden field set to the time the page was served (epoch milliseconds, {{ $now.toMillis() }} as its value)',
			},
			{
				displayName: 'Minimum Seconds to Fill In',
				name: 'minimumSeconds',
				type: 'number',
				default: 3,
				typeOptions: { minValue: 0, maxValue: 120 },
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
				description: 'A form sent sooner after the page was served is a bot’s',
			},
			{
				displayName: 'Most Requests per Sender',
				name: 'rateLimitMax',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 1000 },
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
				description:
					'How many submissions one e-mail, phone or client address may make in the period below; more are refused with a polite page',
			},
			{
				displayName: 'Per (Minutes)',
				name: 'rateLimitMinutes',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1, maxValue: 10080 },
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
			},
			{
				displayName: 'Client Address',
				name: 'clientAddress',
				type: 'string',
				default:
					"={{ String($json.headers?.['x-forwarded-for'] ?? $json.headers?.['x-real-ip'] ?? '').split(',')[0].trim() }}",
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['web_form'] } },
				hint: 'Behind a proxy that sets X-Forwarded-For (turn on the Form Trigger’s Include Headers option)',
				description:
					'The sender’s IP address, also rate-limited; empty: only the e-mail and phone are',
			},
			{
				displayName: 'Chat Session',
				name: 'chatSession',
				type: 'string',
				default: '={{ $json.sessionId }}',
				displayOptions: { show: { operation: ['routeMessage'], incomingChannel: ['chat'] } },
				description: 'The chat’s session ID: every line of one conversation joins one case',
			},
			{
				displayName: 'What Happened',
				name: 'step',
				type: 'options',
				default: 'answered',
				displayOptions: { show: { operation: ['recordCase'] } },
				options: [
					{
						name: 'Asked the Customer',
						value: 'asked',
						description:
							'The customer was sent a question the job needs answered (an ask-back link): the case waits for them',
					},
					{
						name: 'Closed',
						value: 'closed',
						description: 'Nothing more to do',
					},
					{
						name: 'Customer Answered',
						value: 'answered',
						description:
							'A quote, a confirmation or a dispatch went to the customer (the first one sets the time to first answer)',
					},
					{
						name: 'Decided by a Person',
						value: 'decided',
						description:
							'Someone answered what the case waited for (ops approved or declined, the customer sent the details asked for); what was decided is read from "decision" on the item',
					},
					{
						name: 'Expired',
						value: 'expired',
						description: 'No reply before the quote or link ran out',
					},
					{
						name: 'Handed to a Person',
						value: 'handedOver',
						description:
							'Ops must decide or act (a discount, no room, the customer asked for a person); a message that was not delivered is recorded as such',
					},
					{
						name: 'Lost',
						value: 'lost',
						description: 'Not a fit, or the customer said no',
					},
					{
						name: 'Won',
						value: 'won',
						description: 'Booked or signed',
					},
				],
				description:
					'The step to record. The rest (qualification, quote, booking, emergency) is read from the case on the item.',
			},
			{
				displayName: 'Outcome',
				name: 'outcome',
				type: 'options',
				default: 'booked',
				displayOptions: { show: { operation: ['answerCustomer'] } },
				options: [
					{ name: 'Agreement Sent (Visits Held)', value: 'series_booked' },
					{ name: 'Booked', value: 'booked' },
					{ name: 'Call-Out Fee Asked (Crew Ready)', value: 'awaiting_callout_fee' },
					{ name: 'Deposit Asked (Visit Held)', value: 'awaiting_deposit' },
					{ name: 'Details Needed', value: 'needs_details' },
					{ name: 'Dispatcher Will Call', value: 'dispatcher_will_call' },
					{ name: 'Emergency Crew Dispatched', value: 'dispatched' },
					{ name: 'Not a Fit', value: 'not_qualified' },
					{ name: 'Person Will Follow Up', value: 'handed_to_person' },
					{ name: 'Quote Sent', value: 'quote_sent' },
					{ name: 'Something Failed: Team Will Call', value: 'escalated' },
				],
				description: 'What happened, as the answer’s status',
			},
			{
				displayName: 'Output',
				name: 'answerOutput',
				type: 'options',
				default: 'answer',
				displayOptions: { show: { operation: ['answerCustomer'] } },
				options: [
					{
						name: 'Only the Answer',
						value: 'answer',
						description:
							'For the last node of a workflow: what a caller gets back is what the customer may read',
					},
					{
						name: 'The Case, With the Answer Under "Answer"',
						value: 'caseAndAnswer',
						description:
							'The flow goes on with the case after answering; a Respond to Webhook node answers with the answer field',
					},
				],
			},
			{
				displayName: 'Message',
				name: 'answerMessage',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['answerCustomer'] } },
				description:
					'The words the customer reads; empty: the outcome’s own (with the time, price and where the confirmation goes)',
			},
			{
				displayName: 'Case From Node',
				name: 'caseNode',
				type: 'string',
				default: '',
				displayOptions: {
					show: { operation: ['recordCase', 'createLink', 'answerCustomer', 'caseFromAgent'] },
				},
				placeholder: 'Write the Confirmation',
				description:
					'The node whose output is the case (after a Send Email or Twilio node the item is their answer, not the case). Empty: the incoming item.',
			},
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['recordCase'] } },
				placeholder: 'No reply within 14 days',
				description: 'Shown on the board and kept with the step (optional)',
			},
			{
				...settingsSourceProperty('Business name, time zone, crews, opening hours and quiet hours'),
				displayOptions: { show: { operation: ['board', 'report', 'export', 'queueMessages'] } },
			},
			{
				...settingsNodeProperty,
				displayOptions: {
					show: {
						operation: ['board', 'report', 'export', 'queueMessages'],
						settingsFrom: ['tables'],
					},
				},
			},
			{
				displayName: 'Business Name',
				name: 'businessName',
				type: 'string',
				default: 'Our business',
				displayOptions: { show: { operation: ['board', 'report'], settingsFrom: ['node'] } },
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: 'America/New_York',
				placeholder: 'America/New_York',
				displayOptions: {
					show: {
						operation: ['board', 'report', 'export', 'queueMessages'],
						settingsFrom: ['node'],
					},
				},
				description: 'IANA name: days, weeks and times (quiet hours) are read in it',
			},
			{
				displayName: 'Emergency Response Goal (Minutes)',
				name: 'goalMinutes',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 0.5, maxValue: 1440 },
				displayOptions: { show: { operation: ['board', 'report'] } },
				description: 'From the request arriving to the crew being dispatched',
			},
			{
				displayName: 'Show This Week’s Numbers',
				name: 'withNumbers',
				type: 'boolean',
				default: true,
				displayOptions: { show: { operation: ['board'] } },
			},
			{
				displayName: 'Page Address',
				name: 'pageUrl',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['board'] } },
				placeholder: '={{ $json.webhookUrl }}',
				description:
					'The address the board is opened at, for its CSV export links (?export=cases, ?export=bookings); empty: no links',
			},
			...periodProperties(['report', 'export']),
			{
				displayName: 'Export',
				name: 'exportKind',
				type: 'options',
				default: 'cases',
				displayOptions: { show: { operation: ['export'] } },
				options: [
					{ name: 'Cases (Received in the Period)', value: 'cases' },
					{ name: 'Bookings (Visits in the Period)', value: 'bookings' },
				],
			},
			{
				displayName: 'Put File in Field',
				name: 'binaryProperty',
				type: 'string',
				default: 'data',
				displayOptions: { show: { operation: ['export', 'backup'] } },
				description: 'The binary field that holds the file (the CSV, or the backup)',
			},
			...outboxProperties,
			...strandedProperties,
			...customerProperties,
			...storeProperties,
		],
	};

	methods = {
		credentialTest: {
			bookingStorePostgresTest,
			bookingAgentsSigningSecretTest,
			bookingAgentsTwilioWebhookTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
