import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { smsReplyFromCase } from '../case';
import { recordSmsReply } from '../confirm';
import { caseOf, definedBelow, missingFromCase } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { collectionParameter, optionalValue, requireText } from '../../shared/n8n/parameters';
import { businessProperty, type OperationContext } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Phone',
		name: 'replyPhone',
		type: 'string',
		default: '={{ $json.body?.From ?? $json.From }}',
		required: true,
		displayOptions: definedBelow,
		description: 'The number that replied (Twilio sends it as From)',
	},
	{
		displayName: 'Reply Text',
		name: 'replyText',
		type: 'string',
		default: '={{ $json.body?.Body ?? $json.Body }}',
		required: true,
		displayOptions: definedBelow,
		description: 'What they wrote (Twilio sends it as Body)',
	},
	businessProperty,
];

export const description = updateDisplayOptions(
	{ show: { operation: ['recordSmsReply'] } },
	properties,
);

/** STOP (and its variants) opts the number out of every later text; START opts it back in. */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	let reply: { phone: string; text: string };
	if (op.source === 'case') {
		const item = caseOf(this, i);
		const fromCase = smsReplyFromCase(item);
		if (!fromCase.phone)
			throw missingFromCase(this, i, 'body.From', 'the number that replied', item.body);
		reply = { phone: fromCase.phone, text: fromCase.text };
	} else
		reply = {
			phone: requireText(this, 'replyPhone', 'Phone', i, '{{ $json.body.From }}'),
			text: String(optionalValue(this, 'replyText', i) ?? ''),
		};
	const business = collectionParameter(this, 'business', i);
	const result = await recordSmsReply(
		{ ...reply, business: (business.name as string) ?? null },
		{ store: op.store, smsDefaultCountry: 'US' },
	);
	return [{ json: { sms_reply: result as unknown as IDataObject } }];
}
