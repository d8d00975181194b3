import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { contractPdf, signingState } from '../contract';
import { signingPageHtml, signingPageStatus } from '../signing-page';
import { caseOf } from '../../shared/n8n/inputs';
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
		displayName: 'Answer With',
		name: 'answerWith',
		type: 'options',
		default: 'link',
		options: [
			{
				name: 'As the Link Asks',
				value: 'link',
				description:
					'The page; the PDF when the address asks for it (?format=pdf, the page’s "Download the PDF")',
			},
			{ name: 'The Page', value: 'page' },
			{
				name: 'The PDF',
				value: 'pdf',
				description: 'The agreement as a PDF file (binary field "agreement")',
			},
		],
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
	const answerWith = this.getNodeParameter('answerWith', i, 'link') as string;
	const wantsPdf =
		answerWith === 'pdf' ||
		(answerWith === 'link' &&
			(caseOf(this, i).query as { format?: unknown } | undefined)?.format === 'pdf');
	if (readable && wantsPdf) {
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
