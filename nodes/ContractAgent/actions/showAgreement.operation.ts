import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { contractPdf, signingState } from '../contract';
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
		displayName: 'Give the PDF',
		name: 'pdf',
		type: 'boolean',
		default: '={{ $json.query?.format === "pdf" }}',
		description:
			'Whether to give the agreement as a PDF file (binary field "agreement") instead of the page, as its "Download the PDF" link asks',
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
	const token = this.getNodeParameter('token', i, '');
	const view = await signingState(token, {
		store: op.store,
		signingSecret: op.secret(i),
	});
	const readable = view.state === 'open' || view.state === 'signed';
	if (readable && this.getNodeParameter('pdf', i, false)) {
		const file = await this.helpers.prepareBinaryData(
			Buffer.from(await contractPdf(view.contract!)),
			`agreement-${view.contract!.id}.pdf`,
			'application/pdf',
		);
		return [
			{
				json: {
					signing_page: {
						state: view.state,
						status: 200,
						contract_id: view.contract!.id,
						pdf: true,
					} as IDataObject,
				},
				binary: { agreement: file },
			},
		];
	}
	const problem = view.state === 'open' ? optionalText(this, 'problem', i) : null;
	return [
		{
			json: {
				signing_page: {
					state: view.state,
					status: signingPageStatus({ state: view.state, problem }),
					contract_id: view.contract?.id ?? null,
					pdf: false,
					html: signingPageHtml({
						...view,
						problem,
						token: typeof token === 'string' ? token : null,
					}),
				} as IDataObject,
			},
		},
	];
}
