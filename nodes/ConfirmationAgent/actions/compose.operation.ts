import { DateTime } from 'luxon';
import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { settingsNodeProperty, settingsSourceProperty } from '../../shared/n8n/settings';
import { confirm, confirmDueFollowUp } from '../confirm';
import type { ComposeInput, MessageKind } from '../compose';
import { aiOptionsProperty, modeProperty } from '../../shared/n8n/ai';
import type { Additions } from '../../shared/n8n/items';
import { definedBelow, resumeUrl } from '../../shared/n8n/inputs';
import {
	businessProperty,
	composeOptionsProperty,
	inviteFile,
	messageInputProperties,
	readComposeInput,
	readConfirmOptions,
	type Kind,
	type OperationContext,
} from './common';

const KINDS = [
	{ name: 'Booking Confirmation', value: 'booking_confirmation' },
	{ name: 'Cancellation', value: 'cancellation' },
	{
		name: 'Change: Free Times',
		value: 'change_options',
		description:
			'A customer asked on their link for the free times: the next ones and a new link to choose one',
	},
	{
		name: 'Change Not Possible: Time Taken',
		value: 'change_taken',
		description:
			'The time a customer chose on their link is taken: the visit keeps its time; the nearest free times and a new link',
	},
	{ name: 'Contract Signing Request', value: 'contract_signing' },
	{
		name: 'Crew Visit Page',
		value: 'crew_visit',
		description:
			'To the crew booked on the visit (its e-mail and phone in the crews’ settings): the visit and the link to mark each step',
	},
	{
		name: 'Details Request',
		value: 'details_request',
		description:
			'Asks the customer for what the job lacks (address, rooms, area) with the link to a short form',
	},
	{
		name: 'Details Reminder',
		value: 'details_reminder',
		description: 'The one reminder when the details have not come',
	},
	{
		name: 'Deposit Back',
		value: 'deposit_back',
		description:
			"A cancelled visit's deposit given back under the policy: refunded to the card, or a credit on the next invoice",
	},
	{
		name: 'Deposit Request',
		value: 'deposit_request',
		description:
			'A visit held until its deposit is paid: the deposit, its payment page, the day the time is released',
	},
	{
		name: 'Emergency Dispatch',
		value: 'emergency_dispatch',
		description: 'Immediate SMS to the customer and a notice to the crew',
	},
	{
		name: 'On My Way',
		value: 'on_my_way',
		description: 'Tells the customer the crew is on the way (sent when the crew taps On my way)',
	},
	{
		name: 'Call-Out Fee',
		value: 'callout_fee',
		description:
			"An emergency's crew is ready: pay the call-out fee (its payment page) and they are sent; with the safety steps",
	},
	{
		name: 'Invoice',
		value: 'invoice',
		description:
			'The invoice of a visit done (its PDF attached from the item) and, when there is one, its payment link',
	},
	{
		name: 'Payment Failed',
		value: 'payment_failed',
		description:
			'A charge to the saved card was declined: when it is tried again (or that it no longer is), and a link to save another card',
	},
	{ name: 'Quote With Reply Link', value: 'quote' },
	{ name: 'Reminder', value: 'reminder' },
	{ name: 'Renewal Notice', value: 'renewal_notice' },
	{ name: 'Review Request', value: 'review_request' },
	{
		name: 'Series Changed',
		value: 'series_change',
		description:
			"The series' new day or time from a date on, with what was booked and what could not be",
	},
	{
		name: 'Series Ending',
		value: 'series_end',
		description: "The last day of the series (under the agreement's notice) and the last visit",
	},
];

const properties: INodeProperties[] = [
	{
		...modeProperty,
		description:
			'Rules only uses the templates. With AI, a model may reword the texts, but its wording is used only if every date, time, address, amount, link and reference stays exactly the same.',
	},
	{
		displayName: 'Message Kind',
		name: 'messageKind',
		type: 'options',
		// The rule cannot read the spread list below, which holds this default.
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
		default: 'booking_confirmation',
		displayOptions: { show: { '@version': [1] } },
		// Version 1 also composed follow-ups here; version 2 has the Follow-Up operation for them.
		options: [
			...KINDS,
			{
				name: 'Reminder or Review Request, When Due',
				value: 'follow_up_due',
				description:
					'For each visit from Scheduling > List: the reminder or review request the plan (see Channels and Wording) says is due now; visits with nothing due are left out. For a schedule that runs every 15 minutes or more often.',
			},
		],
	},
	{
		displayName: 'Message Kind',
		name: 'messageKind',
		type: 'options',
		default: 'booking_confirmation',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		options: KINDS,
	},
	...messageInputProperties,
	{
		displayName: 'Safety Instructions',
		name: 'safetyInstructions',
		type: 'json',
		default: '={{ $json.triage?.safety_instructions ?? [] }}',
		displayOptions: {
			...definedBelow,
			show: { ...definedBelow.show, messageKind: ['emergency_dispatch'] },
		},
	},
	{
		displayName: 'Crew Phone',
		name: 'crewPhone',
		type: 'string',
		default: '',
		displayOptions: { show: { messageKind: ['emergency_dispatch'] } },
		description:
			"Where the crew notice goes. From the case, empty means the case's business.crew_phone.",
	},
	{
		displayName: 'Renewal Date',
		name: 'renewalDate',
		type: 'string',
		default: '={{ $json.contract?.renews_on }}',
		displayOptions: { show: { ...definedBelow.show, messageKind: ['renewal_notice'] } },
	},
	{
		displayName: 'Cancel Reason',
		name: 'reason',
		type: 'string',
		default: '',
		displayOptions: { show: { messageKind: ['cancellation'] } },
	},
	{
		displayName: 'Invite Sequence',
		name: 'sequence',
		type: 'number',
		default: 0,
		description:
			'Raise it for each change of the same booking (a cancellation must be higher than the invite it cancels)',
	},
	businessProperty,
	settingsSourceProperty('Quiet hours'),
	settingsNodeProperty,
	composeOptionsProperty,
	{ ...aiOptionsProperty },
];

export const description = updateDisplayOptions({ show: { operation: ['compose'] } }, properties);

/**
 * E-mail, SMS and invite for one message kind. From the case, a quote without
 * a reply link gets this execution's resume URL (a Wait node after this one
 * takes the reply).
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const kind = this.getNodeParameter('messageKind', i) as Kind;
	const input = readComposeInput(this, i, op.source, kind);
	if (op.source === 'define' && input.booking?.booking_id && !input.booking.start)
		await readStoredBooking(this, i, op, input.booking.booking_id, input);
	if (op.source === 'case' && kind === 'quote' && !input.links?.reply_url)
		input.links = {
			...input.links,
			reply_url: resumeUrl(this, i),
		};
	const options = await readConfirmOptions(this, i, op.store, kind);
	const result =
		kind === 'follow_up_due'
			? await confirmDueFollowUp(input, options)
			: await confirm({ ...input, kind: kind as MessageKind }, options);
	if (result === null) return [];
	const json = result as unknown as IDataObject;
	return [{ json: { confirmation: json }, binary: await inviteFile(this, i, json) }];
}

/**
 * A booking named only by its id (an AI Agent passes the id the booking tool returned): the
 * store's record is the booking, so what the message says comes from code, not from the model.
 * The customer's details and the service the node lacks come from the booking.
 */
async function readStoredBooking(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	bookingId: string,
	input: Omit<ComposeInput, 'kind'>,
): Promise<void> {
	const record = await op.store.getBooking(bookingId);
	if (!record)
		throw new NodeOperationError(ctx.getNode(), `No booking "${bookingId.slice(0, 80)}"`, {
			itemIndex: i,
			description:
				'The booking store has no booking with this id: pass the booking_id the Scheduling Agent returned, or the whole booking ({{ $json.booking }}).',
		});
	const iso = (ms: number) => DateTime.fromMillis(ms, { zone: record.time_zone }).toISO();
	const stored = record.customer ?? {};
	for (const key of ['name', 'email', 'phone', 'address'] as const)
		if (!input.customer[key] && typeof stored[key] === 'string')
			input.customer[key] = stored[key] as string;
	input.service ||= record.service;
	input.booking = {
		booking_id: record.id,
		series_id: record.series_id,
		status: record.status,
		start: iso(record.start_ms),
		end: iso(record.end_ms),
		time_zone: record.time_zone,
		cancel_reason: record.cancel_reason,
		created_at: iso(record.created_at_ms),
	};
}
