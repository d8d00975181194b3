import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { signingState } from '../contract';
import { signingPageHtml, signingPageStatus } from '../signing-page';
import type { Additions } from '../../shared/n8n/items';
import { optionalText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '={{ $json.query?.token ?? $json.body?.token }}',
		description: 'The token from the signing link, as the webhook received it',
	},
	{
		displayName: 'Problem to Show',
		name: 'problem',
		type: 'string',
		default: '={{ $json.signing_problem ?? "" }}',
		description:
			'Shown above the form when a signature could not be taken (for example: type your full name). Empty: none.',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['showAgreement'] } },
	properties,
);

/** The page a signing link opens (GET): the agreement with the name to type and Sign, or why it cannot be signed. */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const view = await signingState(this.getNodeParameter('token', i, ''), {
		store: op.store,
		signingSecret: op.secret(i),
	});
	const problem = view.state === 'open' ? optionalText(this, 'problem', i) : null;
	return [
		{
			json: {
				signing_page: {
					state: view.state,
					status: signingPageStatus({ state: view.state, problem }),
					contract_id: view.contract?.id ?? null,
					html: signingPageHtml({ ...view, problem }),
				} as IDataObject,
			},
		},
	];
}
