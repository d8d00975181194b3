/**
 * The outbox's three steps on the n8n side: Put Messages in the Outbox (the flow that wrote a
 * Confirmation Agent's messages), Take Messages to Send and Record a Send (the Outbox workflow,
 * for a flow's first try and the schedule's retries). The rules are in shared/records/outbox.ts.
 */
import {
	NodeOperationError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { objectAt, textAt } from '../../shared/case';
import { InputError } from '../../shared/errors';
import { emailKey, phoneKey } from '../../shared/intake/keys';
import { toNodeError } from '../../shared/n8n/errors';
import { readSettingsSource, settingsRowsOf } from '../../shared/n8n/settings';
import { knownCaseIdOf, recordCaseStep } from '../../shared/records/cases';
import {
	claimMessages,
	DEFAULT_RETRY_SCHEDULE,
	MAX_ATTACHMENT_BYTES,
	messageKey,
	parseRetrySchedule,
	queueMessages,
	quietHoursForRetries,
	recordFailure,
	recordSent,
	type OutboxAttachment,
	type OutboxContent,
	type OutboxDraft,
	type OutboxMessage,
	type QuietHours,
} from '../../shared/records/outbox';
import { readBusinessSettings } from '../../shared/settings';
import type { BookingStore } from '../../shared/store';
import { checkTimeZone } from '../../SchedulingAgent/calendar';

export const OUTBOX_OPERATIONS = ['queueMessages', 'takeMessages', 'recordSend'];

const show = (operation: string[], more: Record<string, unknown[]> = {}) => ({
	show: { operation, ...more },
});

export const outboxProperties: INodeProperties[] = [
	{
		displayName: 'What the Message Is',
		name: 'messageLabel',
		type: 'string',
		default: 'Confirmation',
		displayOptions: show(['queueMessages']),
		placeholder: 'Confirmation',
		description:
			'In ops’ words: shown on the ops board and in the handoff if the message cannot be delivered',
	},
	{
		displayName: 'Message From',
		name: 'messageFrom',
		type: 'options',
		default: 'confirmation',
		displayOptions: show(['queueMessages']),
		options: [
			{
				name: 'A Confirmation Agent',
				value: 'confirmation',
				description:
					'The e-mail and text it wrote on the item (confirmation.email, confirmation.sms)',
			},
			{
				name: 'The Fields Below',
				value: 'fields',
				description: 'One e-mail or text written here (a message to ops or a crew)',
			},
		],
	},
	{
		displayName: 'Send As',
		name: 'fieldChannel',
		type: 'options',
		default: 'email',
		displayOptions: show(['queueMessages'], { messageFrom: ['fields'] }),
		options: [
			{ name: 'E-Mail', value: 'email' },
			{ name: 'Text Message', value: 'sms' },
		],
	},
	{
		displayName: 'To',
		name: 'messageTo',
		type: 'string',
		default: '',
		displayOptions: show(['queueMessages'], { messageFrom: ['fields'] }),
		placeholder: 'ops@brightclean.example',
		description: 'One e-mail address, or one phone number in E.164 (+12125550123) for a text',
	},
	{
		displayName: 'Subject',
		name: 'messageSubject',
		type: 'string',
		default: '',
		displayOptions: show(['queueMessages'], { messageFrom: ['fields'], fieldChannel: ['email'] }),
	},
	{
		displayName: 'Text',
		name: 'messageText',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: show(['queueMessages'], { messageFrom: ['fields'] }),
	},
	{
		displayName: 'When It Cannot Be Delivered',
		name: 'whenUndeliverable',
		type: 'options',
		default: 'handOver',
		displayOptions: show(['queueMessages']),
		options: [
			{
				name: 'Hand the Case to Ops',
				value: 'handOver',
				description: 'Record a Send gives the case for the Human Queue (a message to a customer)',
			},
			{
				name: 'Only Record It on the Case',
				value: 'record',
				description:
					'The ops board lists it under failed deliveries; nobody is written to (a message to ops: handing it over would write to them again the same way)',
			},
		],
	},
	{
		displayName: 'Messages',
		name: 'channels',
		type: 'multiOptions',
		default: ['email', 'sms'],
		displayOptions: show(['queueMessages'], { messageFrom: ['confirmation'] }),
		options: [
			{ name: 'E-Mail', value: 'email' },
			{ name: 'Text Message', value: 'sms' },
		],
		description:
			'Which of the messages on the item to keep and send (each only when the item has it: confirmation.email, confirmation.sms)',
	},
	{
		displayName: 'E-Mail From',
		name: 'emailFrom',
		type: 'string',
		default: '',
		displayOptions: show(['queueMessages']),
		placeholder: 'Bright Clean <hello@brightclean.example>',
		description: 'The sender of the e-mail (name and address); required when there is an e-mail',
	},
	{
		displayName: 'Text From',
		name: 'smsFrom',
		type: 'string',
		default: '',
		displayOptions: show(['queueMessages']),
		placeholder: '+12125550100',
		description: 'The Twilio number (E.164) or Messaging Service the text is sent from',
	},
	{
		displayName: 'Quiet Hours Start',
		name: 'quietStart',
		type: 'string',
		default: '21:00',
		displayOptions: show(['queueMessages'], { settingsFrom: ['node'] }),
		description:
			'A text tried again waits from this time (local, HH:MM) until the end; a text written in quiet hours (an emergency answered at night) is tried again at once',
	},
	{
		displayName: 'Quiet Hours End',
		name: 'quietEnd',
		type: 'string',
		default: '08:00',
		displayOptions: show(['queueMessages'], { settingsFrom: ['node'] }),
		description: 'Local, HH:MM',
	},
	{
		displayName: 'Which Messages',
		name: 'whichMessages',
		type: 'options',
		default: 'item',
		displayOptions: show(['takeMessages']),
		options: [
			{
				name: 'The Item’s Messages',
				value: 'item',
				description: 'Those Put Messages in the Outbox listed on the item (outbox)',
			},
			{
				name: 'Every Message Due',
				value: 'due',
				description:
					'Those whose next try is due, and those a sender took and never finished (it stopped)',
			},
		],
	},
	{
		displayName: 'Messages per Run',
		name: 'batchSize',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: 1000 },
		displayOptions: show(['takeMessages'], { whichMessages: ['due'] }),
		description: 'Taken at most per run; the rest wait for the next run',
	},
	{
		displayName: 'Outcome',
		name: 'sendOutcome',
		type: 'options',
		default: 'sent',
		displayOptions: show(['recordSend']),
		options: [
			{ name: 'Sent', value: 'sent' },
			{ name: 'Not Sent (Try Again Later)', value: 'failed' },
		],
	},
	{
		displayName: 'Message ID',
		name: 'outboxId',
		type: 'string',
		default: "={{ $('Take Messages to Send').item.json.outbox_id }}",
		displayOptions: show(['recordSend']),
		description:
			'The outbox_id Take Messages to Send gave (after a Send Email or Twilio node the item is their answer)',
	},
	{
		displayName: 'Error',
		name: 'sendError',
		type: 'string',
		default: '={{ $json.error?.message ?? "" }}',
		displayOptions: show(['recordSend'], { sendOutcome: ['failed'] }),
		description: 'Why it was not sent (kept on the message and shown to ops)',
	},
	{
		displayName: 'Try Again After',
		name: 'retrySchedule',
		type: 'string',
		default: DEFAULT_RETRY_SCHEDULE,
		displayOptions: show(['recordSend'], { sendOutcome: ['failed'] }),
		placeholder: DEFAULT_RETRY_SCHEDULE,
		description:
			'The waits before each new try, after the first (s, m or h, separated by commas). When they are used up the case is handed to ops.',
	},
];

export async function runOutboxOperation(
	ctx: IExecuteFunctions,
	operation: string,
	store: BookingStore,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const made =
				operation === 'queueMessages'
					? await queue(ctx, i, items[i], store)
					: operation === 'takeMessages'
						? await take(ctx, i, items[i], store)
						: await record(ctx, i, store);
			for (const item of made) out.push({ ...item, pairedItem: { item: i } });
		} catch (error) {
			const nodeError = toNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push({
				json: {
					...(ctx.getNode().onError === 'continueErrorOutput' ? {} : items[i].json),
					error: {
						message: nodeError.message,
						description: (nodeError as NodeOperationError).description ?? null,
					},
				},
				pairedItem: { item: i },
			});
		}
	}
	return [out];
}

function quietHoursOf(ctx: IExecuteFunctions, i: number): QuietHours | null {
	if (readSettingsSource(ctx, i) === 'tables') {
		const business = readBusinessSettings(settingsRowsOf(ctx, i));
		if (!business.quiet_hours_start || !business.quiet_hours_end) return null;
		return {
			start: business.quiet_hours_start,
			end: business.quiet_hours_end,
			time_zone: business.time_zone,
		};
	}
	const time = (name: string, fallback: string) => {
		const value = String(ctx.getNodeParameter(name, i, fallback) ?? '').trim();
		if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value))
			throw new InputError(
				name,
				`"${value.slice(0, 20)}" is not a time: write it as HH:MM (21:00).`,
			);
		return value;
	};
	return {
		start: time('quietStart', '21:00'),
		end: time('quietEnd', '08:00'),
		time_zone: checkTimeZone(ctx.getNodeParameter('timeZone', i, 'America/New_York'), 'timeZone'),
	};
}

async function attachmentsOf(
	ctx: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
): Promise<OutboxAttachment[]> {
	const attachments: OutboxAttachment[] = [];
	let bytes = 0;
	for (const [property, binary] of Object.entries(item.binary ?? {})) {
		const data = (await ctx.helpers.getBinaryDataBuffer(i, property)).toString('base64');
		bytes += data.length;
		if (bytes > MAX_ATTACHMENT_BYTES)
			throw new InputError(
				`binary.${property}`,
				'The attachments are over 5 MB: an e-mail to a customer carries an invite or a document, not more. Link larger files instead.',
			);
		attachments.push({
			property,
			fileName: binary.fileName ?? property,
			mimeType: binary.mimeType,
			data,
		});
	}
	return attachments;
}

/** The e-mail and text on the item (a Confirmation Agent's `confirmation`), kept in the outbox. */
async function queue(
	ctx: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
	store: BookingStore,
): Promise<INodeExecutionData[]> {
	const json = item.json as Record<string, unknown>;
	const label = String(ctx.getNodeParameter('messageLabel', i, 'Message') || 'Message').trim();
	const email = objectAt(objectAt(json.confirmation)?.email);
	const sms = objectAt(objectAt(json.confirmation)?.sms);
	const now = Date.now();
	const executionId = ctx.getExecutionId?.() ?? null;
	const node = ctx.getNode().name;
	const { confirmation: _written, ...caseItem } = json;
	// The case may be recorded after its messages are written: its id is known from the item already.
	const caseId = knownCaseIdOf(json);
	const drafts: OutboxDraft[] = [];
	const text = (value: unknown, field: string) => {
		if (typeof value !== 'string' || !value.trim())
			throw new InputError(
				field,
				`The message has no ${field.split('.').pop()}: put a Confirmation Agent (Compose) before this node, or leave the message out.`,
			);
		return value;
	};
	const fromConfirmation = ctx.getNodeParameter('messageFrom', i, 'confirmation') !== 'fields';
	const channels = fromConfirmation
		? (ctx.getNodeParameter('channels', i, ['email', 'sms']) as string[])
		: [];
	const sender = (parameter: string, what: string) => {
		const value = String(ctx.getNodeParameter(parameter, i, '') ?? '').trim();
		if (!value)
			throw new InputError(
				parameter,
				`No sender for the ${what}: set "${parameter === 'emailFrom' ? 'E-Mail From' : 'Text From'}" (the templates take it from the Booking Business table).`,
			);
		return value;
	};
	const draft = (
		channel: 'email' | 'sms',
		to: string,
		content: OutboxContent,
		quiet: QuietHours | null,
	): OutboxDraft => ({
		key: messageKey({ caseId, executionId, node, itemIndex: i, channel, recipient: to, content }),
		case_id: caseId,
		label,
		channel,
		recipient: to,
		content,
		quiet_hours: quiet,
		case_item: caseItem,
	});
	const onFailure: OutboxContent['on_failure'] =
		ctx.getNodeParameter('whenUndeliverable', i, 'handOver') === 'record' ? 'record' : undefined;
	if (!fromConfirmation) {
		const message = messageFromFields(ctx, i);
		drafts.push(
			draft(
				message.channel,
				message.to,
				message.channel === 'email'
					? {
							from: sender('emailFrom', 'e-mail'),
							subject: message.subject,
							text: message.text,
							attachments: await attachmentsOf(ctx, i, item),
							on_failure: onFailure,
						}
					: { from: sender('smsFrom', 'text message'), text: message.text, on_failure: onFailure },
				message.channel === 'sms' ? quietHoursForRetries(now, quietHoursOf(ctx, i)) : null,
			),
		);
	}
	if (email?.to && channels.includes('email'))
		drafts.push(
			draft(
				'email',
				text(email.to, 'confirmation.email.to'),
				{
					from: sender('emailFrom', 'e-mail'),
					subject: text(email.subject, 'confirmation.email.subject'),
					text: text(email.text, 'confirmation.email.text'),
					html: typeof email.html === 'string' ? email.html : null,
					attachments: await attachmentsOf(ctx, i, item),
					on_failure: onFailure,
				},
				null,
			),
		);
	if (sms?.to && channels.includes('sms'))
		drafts.push(
			draft(
				'sms',
				text(sms.to, 'confirmation.sms.to'),
				{
					from: sender('smsFrom', 'text message'),
					text: text(sms.text, 'confirmation.sms.text'),
					on_failure: onFailure,
				},
				quietHoursForRetries(now, quietHoursOf(ctx, i)),
			),
		);
	const queued = await queueMessages(store, drafts, now);
	return [
		{
			json: {
				...json,
				outbox: queued.map((m) => ({ id: m.id, channel: m.channel, status: m.status })),
			},
			...(item.binary ? { binary: item.binary } : {}),
		},
	];
}

/** The one message written in the node's fields (Message From: The Fields Below), checked. */
function messageFromFields(
	ctx: IExecuteFunctions,
	i: number,
): { channel: 'email' | 'sms'; to: string; subject: string; text: string } {
	const channel = ctx.getNodeParameter('fieldChannel', i, 'email') === 'sms' ? 'sms' : 'email';
	const given = (name: string, fix: string) => {
		const value = String(ctx.getNodeParameter(name, i, '') ?? '');
		if (!value.trim()) throw new InputError(name, `The message has no ${fix}.`);
		return value;
	};
	const to = given('messageTo', 'recipient: set "To"').trim();
	// Written in E.164 (with its +), as a text's number is kept; the same checks as the case's thread keys.
	if (channel === 'sms' && !(to.startsWith('+') && phoneKey(to)))
		throw new InputError(
			'messageTo',
			`${JSON.stringify(to.slice(0, 40))} is not a phone number in E.164: set "To" to +country code and number (+12125550123).`,
		);
	if (channel === 'email' && !emailKey(to))
		throw new InputError(
			'messageTo',
			`${JSON.stringify(to.slice(0, 80))} is not one e-mail address: set "To" to a single address (name@example.com).`,
		);
	return {
		channel,
		to: channel === 'sms' ? phoneKey(to)! : to,
		subject: channel === 'email' ? given('messageSubject', 'subject: set "Subject"') : '',
		text: given('messageText', 'text: set "Text"'),
	};
}

/** One item per message to send now, with its attachments as binary data. */
async function take(
	ctx: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
	store: BookingStore,
): Promise<INodeExecutionData[]> {
	const which = ctx.getNodeParameter('whichMessages', i, 'item') as string;
	const now = Date.now();
	let claimed: OutboxMessage[];
	if (which === 'due') {
		claimed = await claimMessages(
			store,
			{ due: true, limit: Number(ctx.getNodeParameter('batchSize', i, 100)) || 100 },
			now,
		);
	} else {
		const listed = item.json.outbox;
		if (!Array.isArray(listed))
			throw new NodeOperationError(ctx.getNode(), 'No outbox list on the item', {
				itemIndex: i,
				description:
					'Put a Booking Records node with "Put Messages in the Outbox" before this one (it lists the messages under "outbox"), or set "Which Messages" to "Every Message Due".',
			});
		const ids = listed
			.map((m) => (typeof m === 'string' ? m : textAt(objectAt(m) ?? {}, 'id')))
			.filter((id): id is string => !!id);
		claimed = await claimMessages(store, { ids }, now);
	}
	const out: INodeExecutionData[] = [];
	for (const message of claimed) {
		const binary: IBinaryKeyData = {};
		for (const a of message.content.attachments ?? [])
			binary[a.property] = await ctx.helpers.prepareBinaryData(
				Buffer.from(a.data, 'base64'),
				a.fileName,
				a.mimeType,
			);
		out.push({
			json: {
				outbox_id: message.id,
				case_id: message.case_id,
				label: message.label,
				channel: message.channel,
				to: message.recipient,
				from: message.content.from,
				subject: message.content.subject ?? null,
				text: message.content.text,
				html: message.content.html ?? null,
				attachments: Object.keys(binary).join(','),
				attempt: message.attempts,
			},
			...(Object.keys(binary).length ? { binary } : {}),
		});
	}
	return out;
}

const channelWords = (channel: string) => (channel === 'email' ? 'e-mail' : 'text message');

/** Sent, or not: the message's next try, or (tries used up) the case for the Human Queue. */
async function record(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
): Promise<INodeExecutionData[]> {
	const id = String(ctx.getNodeParameter('outboxId', i, '') ?? '').trim();
	if (!id)
		throw new InputError(
			'outboxId',
			'No message id: set "Message ID" to the outbox_id of Take Messages to Send.',
		);
	const now = Date.now();
	const outcome = ctx.getNodeParameter('sendOutcome', i, 'sent') as string;
	const { message, gave_up } =
		outcome === 'sent'
			? await recordSent(store, id, now)
			: await recordFailure(
					store,
					id,
					String(ctx.getNodeParameter('sendError', i, '') || 'unknown error'),
					now,
					parseRetrySchedule(ctx.getNodeParameter('retrySchedule', i, DEFAULT_RETRY_SCHEDULE)),
				);
	const summary: IDataObject = {
		id: message.id,
		label: message.label,
		channel: message.channel,
		to: message.recipient,
		status: message.status,
		attempts: message.attempts,
		next_attempt_at:
			message.next_attempt_at_ms === null
				? null
				: new Date(message.next_attempt_at_ms).toISOString(),
		sent_at: message.sent_at_ms === null ? null : new Date(message.sent_at_ms).toISOString(),
		last_error: message.last_error,
	};
	if (!gave_up) return [{ json: { outbox: summary, gave_up: false } }];
	const error = message.last_error ?? 'unknown error';
	const failure = { channel: message.channel, label: message.label, error: error.slice(0, 300) };
	if (message.content.on_failure === 'record') {
		// A message to ops: kept on its case for the board's failed deliveries, nobody written to.
		if (message.case_id)
			await recordCaseStep(
				store,
				{ case: { case_id: message.case_id }, delivery_failure: failure },
				'handedOver',
				{
					workflow: ctx.getWorkflow().name ?? null,
					executionId: ctx.getExecutionId() ?? null,
					executionUrl: null,
				},
				now,
			);
		return [
			{ json: { outbox: summary, gave_up: true, hand_over: false, delivery_failure: failure } },
		];
	}
	return [
		{
			json: {
				...(message.case_item ?? {}),
				handoff_reason: `The ${message.label.toLowerCase()} ${channelWords(message.channel)} could not be delivered (${message.attempts} tries): ${error}`,
				delivery_failure: failure,
				outbox: summary,
				gave_up: true,
				hand_over: true,
			} as IDataObject,
		},
	];
}
