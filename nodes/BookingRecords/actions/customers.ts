/**
 * Booking Records' customer operations on the n8n side: look up the customer of a case before the
 * agents run, and the operations ops use on a customer (read with history, change, export, erase).
 * The rules are in shared/records/customers.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { objectAt } from '../../shared/case';
import { caseOf } from '../../shared/n8n/inputs';
import { runPerItem, type Additions } from '../../shared/n8n/items';
import { knownCaseIdOf } from '../../shared/records/cases';
import {
	eraseCustomer,
	exportCustomer,
	getCustomer,
	lookUpCustomer,
	updateCustomer,
	type CustomerChanges,
} from '../../shared/records/customers';
import type { BookingStore } from '../../shared/store';

export const CUSTOMER_OPERATIONS = [
	'lookUpCustomer',
	'getCustomer',
	'updateCustomer',
	'exportCustomer',
	'eraseCustomer',
];

/** The operations a customer's id is given to. */
const BY_ID = ['getCustomer', 'updateCustomer', 'exportCustomer', 'eraseCustomer'];

const showFor = (operation: string[]) => ({ show: { operation } });

const allowOrStop = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	default: 'unchanged',
	displayOptions: showFor(['updateCustomer']),
	options: [
		{ name: 'Leave As It Is', value: 'unchanged' },
		{ name: `Stop ${what}`, value: 'optedOut' },
		{ name: `Allow ${what} Again`, value: 'allowed' },
	],
});

export const customerProperties: INodeProperties[] = [
	{
		displayName:
			"Finds the customer by the e-mail or phone the message gives (made on their first message; two records one message shows to be one person are merged) and adds to the item's customer: customer_id, returning (booked with us before), previous_cases, notes, opt_outs, preferred_channel and known_addresses. The Qualifier and the Pricing Agent read them.",
		name: 'lookUpNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor(['lookUpCustomer']),
	},
	{
		displayName: 'Customer',
		name: 'customerId',
		type: 'string',
		default: '={{ $json.customer_id ?? $json.customer?.customer_id }}',
		required: true,
		placeholder: 'cu_3f79f427b592474095137645 or dana@example.com or +1 212 555 0100',
		displayOptions: showFor(BY_ID),
		description:
			'The customer’s ID (cu_..., on every case record and on the item after Look Up the Customer), or an e-mail address or phone number they are known by',
	},
	{
		displayName: 'Note to Add',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'Gate code 4411; the dog stays in the yard',
		displayOptions: showFor(['updateCustomer']),
		description: 'Kept with who wrote it and when; crews and agents see the notes on the next case',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: showFor(['updateCustomer']),
		description: 'A corrected name; empty leaves it as it is',
	},
	{
		displayName: 'Address to Add',
		name: 'address',
		type: 'string',
		default: '',
		displayOptions: showFor(['updateCustomer']),
	},
	allowOrStop('Texts', 'smsOptOut', 'Texts'),
	allowOrStop('E-mails', 'emailOptOut', 'E-mails'),
	{
		displayName: 'Preferred Channel',
		name: 'preferredChannel',
		type: 'options',
		default: 'unchanged',
		displayOptions: showFor(['updateCustomer']),
		options: [
			{ name: 'Leave As It Is', value: 'unchanged' },
			{ name: 'E-Mail', value: 'email' },
			{ name: 'Text', value: 'sms' },
			{ name: 'No Preference', value: 'none' },
		],
		description: 'How the customer asked to hear from us; the Confirmation Agent uses it',
	},
	{
		displayName:
			'Erases the customer’s personal data everywhere in the store (name, e-mails, phones, addresses, notes, the message text and contact on each case, their answers and links, the recipient and text of every message to them). Kept without personal data: the cases’ facts and amounts, past visits and signed agreements; a texts opt-out stays on its number. Refused while a visit is still to come: cancel it first. This cannot be undone: export first if the customer asked for a copy.',
		name: 'eraseNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor(['eraseCustomer']),
	},
	{
		displayName: 'Put File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: showFor(['exportCustomer']),
		description: 'The binary field the JSON file goes in (for Send Email or a file node)',
	},
];

const optOutChoice = (value: unknown): boolean | null =>
	value === 'optedOut' ? true : value === 'allowed' ? false : null;

export async function runCustomerOperation(
	ctx: IExecuteFunctions,
	operation: string,
	store: BookingStore,
): Promise<ReturnType<typeof runPerItem>> {
	const by = ctx.getWorkflow().name ?? null;
	return await runPerItem(ctx, async (i): Promise<Additions[]> => {
		const nowMs = Date.now();
		if (operation === 'lookUpCustomer') {
			const item = caseOf(ctx, i);
			// The case this request is (from its request_id): a retried request is not its own earlier case.
			const found = await lookUpCustomer(store, item, nowMs, knownCaseIdOf(item));
			// No e-mail or phone to know the customer by: the item goes on as it came.
			if (!found) return [{ json: {} }];
			return [
				{ json: { customer: { ...(objectAt(item.customer) ?? {}), ...found } as IDataObject } },
			];
		}
		const id = String(ctx.getNodeParameter('customerId', i, '') ?? '');
		if (operation === 'getCustomer')
			return [{ json: (await getCustomer(store, id)) as unknown as IDataObject }];
		if (operation === 'updateCustomer') {
			const text = (name: string) => String(ctx.getNodeParameter(name, i, '') ?? '').trim() || null;
			const channel = ctx.getNodeParameter('preferredChannel', i, 'unchanged') as string;
			const changes: CustomerChanges = {
				note: text('note'),
				name: text('name'),
				address: text('address'),
				smsOptOut: optOutChoice(ctx.getNodeParameter('smsOptOut', i, 'unchanged')),
				emailOptOut: optOutChoice(ctx.getNodeParameter('emailOptOut', i, 'unchanged')),
				preferredChannel:
					channel === 'unchanged' ? null : (channel as CustomerChanges['preferredChannel']),
			};
			return [
				{
					json: {
						customer: (await updateCustomer(
							store,
							id,
							changes,
							by,
							nowMs,
						)) as unknown as IDataObject,
					},
				},
			];
		}
		if (operation === 'exportCustomer') {
			const exported = await exportCustomer(store, id, nowMs);
			const customerId = (exported.customer as { customer_id: string }).customer_id;
			const property = String(ctx.getNodeParameter('binaryPropertyName', i, 'data') || 'data');
			const file = await ctx.helpers.prepareBinaryData(
				Buffer.from(JSON.stringify(exported, null, 2)),
				`customer-${customerId}.json`,
				'application/json',
			);
			return [
				{
					json: {
						customer_id: customerId,
						exported_at: exported.exported_at as string,
						file: file.fileName ?? null,
					},
					binary: { [property]: file },
				},
			];
		}
		return [
			{ json: { erasure: (await eraseCustomer(store, id, by, nowMs)) as unknown as IDataObject } },
		];
	});
}
