import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { signatureInputFromCase } from '../case';
import { recordSignature } from '../contract';
import { caseOf, definedBelow, missingFromCase } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { optionalText, optionalValue, requireText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';

const properties: INodeProperties[] = [
	{
		displayName:
			'From the case: the token in the link (query or body), the name typed (body.name), the address and browser in the headers, as a resumed Wait node or a webhook gives them',
		name: 'signatureNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { inputSource: ['case'] } },
	},
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '={{ $json.query?.token ?? $json.body?.token }}',
		displayOptions: definedBelow,
		description: 'The token from the signing link (a resumed Wait node has it in its query)',
	},
	{
		displayName: 'Signer Name',
		name: 'signerName',
		type: 'string',
		default: '={{ $json.body?.name }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Signer IP',
		name: 'signerIp',
		type: 'string',
		default: '={{ $json.headers?.["x-forwarded-for"] ?? $json.headers?.["x-real-ip"] ?? "" }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Signer User Agent',
		name: 'signerUserAgent',
		type: 'string',
		default: '={{ $json.headers?.["user-agent"] ?? "" }}',
		displayOptions: definedBelow,
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['recordSignature'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	let input;
	if (op.source === 'case') {
		const item = caseOf(this, i);
		input = signatureInputFromCase(item);
		if (!input.token)
			throw missingFromCase(this, i, 'query.token', "the signing link's token", item.query);
	} else {
		input = {
			token: requireText(this, 'token', 'Token', i, '{{ $json.query.token }}'),
			name: String(optionalValue(this, 'signerName', i) ?? ''),
			ip: optionalText(this, 'signerIp', i),
			user_agent: optionalText(this, 'signerUserAgent', i),
		};
	}
	const result = await recordSignature(
		{ ...input, token: input.token! },
		{ store: op.store, signingSecret: op.secret(i) },
	);
	return [{ json: { signature: result as unknown as IDataObject } }];
}
