import {
	NodeOperationError,
	updateDisplayOptions,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { agreementInputFromCase } from '../case';
import { generateContract, type GenerateInput } from '../contract';
import { caseOf, definedBelow, missingFromCase, resumeUrl } from '../../shared/n8n/inputs';
import { collectionParameter, jsonParameter, optionalText } from '../../shared/n8n/parameters';
import type { Additions } from '../../shared/n8n/items';
import type { OperationContext } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer',
		name: 'customer',
		type: 'json',
		default: '={{ $json.customer ?? {} }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Quote',
		name: 'quote',
		type: 'json',
		default: '={{ $json.negotiation?.quote ?? $json.quote ?? {} }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Booking',
		name: 'booking',
		type: 'json',
		default: '={{ $json.booking ?? {} }}',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Business Name',
		name: 'businessName',
		type: 'string',
		default: 'Bright Clean Co.',
		description: "From the case, the case's business.name wins when it has one",
	},
	{
		displayName: 'Signing Page URL',
		name: 'signingBaseUrl',
		type: 'string',
		default: '={{ $execution.resumeUrl }}',
		displayOptions: { show: { '@version': [1] } },
		description:
			'Where the customer signs; with a Wait node after this one (resume on webhook call), its resume URL makes the workflow wait for the signature',
	},
	{
		displayName: 'Signing Page',
		name: 'signingPage',
		type: 'options',
		default: 'waitNode',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		options: [
			{
				name: 'A Wait Node After This One',
				value: 'waitNode',
				description:
					"This execution's resume URL: the workflow waits for the signature (Wait node resumed On Webhook Call)",
			},
			{
				name: 'The Agreement Signing Workflow',
				value: 'signingWorkflow',
				description:
					"The URL in the case's business.agreement_signing_url (the templates' Business Settings set it)",
			},
			{ name: 'A URL', value: 'url', description: 'A signing page of your own' },
		],
		description: 'Where the signing link in the agreement e-mail leads',
	},
	{
		displayName: 'Signing Page URL',
		name: 'signingBaseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/webhook/sign-agreement',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }], signingPage: ['url'] } },
		description: 'The link gets ?token=... appended.',
	},
	{
		displayName: 'Resume This Execution When Signed',
		name: 'resumeWhenSigned',
		type: 'boolean',
		default: false,
		displayOptions: {
			show: { '@version': [{ _cnd: { gte: 2 } }], signingPage: ['signingWorkflow'] },
		},
		description:
			'Whether the Agreement Signing workflow posts the signature to this execution (a Wait node resumed On Webhook Call after this one), so the flow goes on when the customer signs',
	},
	{ displayName: 'Link Valid (Hours)', name: 'signingValidHours', type: 'number', default: 72 },
	{
		displayName: 'Terms',
		name: 'terms',
		type: 'collection',
		placeholder: 'Change a term',
		default: {},
		options: [
			{
				displayName: 'Auto-Renew',
				name: 'auto_renew',
				type: 'boolean',
				default: true,
				description: 'Whether the agreement renews for another term unless notice is given',
			},
			{
				displayName: 'Liability',
				name: 'liability',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
			},
			{ displayName: 'Notice (Days)', name: 'notice_days', type: 'number', default: 30 },
			{ displayName: 'Payment Terms', name: 'payment_terms', type: 'string', default: '' },
			{ displayName: 'Term (Months)', name: 'term_months', type: 'number', default: 12 },
		],
	},
	{
		displayName: 'Agreement Template',
		name: 'template',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		description:
			'Leave empty for the default agreement. Placeholders: {date} {business} {customer_name} {service} {address} {frequency_text} {start_date} {end_date} {term_months} {price_text} {renewal_text} {notice_days} {payment_terms} {liability} {quote_id} {booking_text}.',
	},
	{
		displayName: 'PDF Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'contract',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['generate'] } }, properties);

/** Where the signing link leads, for item i. */
function signingPageFor(ctx: IExecuteFunctions, i: number, signingWorkflowUrl: string | null) {
	if (ctx.getNode().typeVersion < 2) return optionalText(ctx, 'signingBaseUrl', i);
	const page = ctx.getNodeParameter('signingPage', i, 'waitNode') as string;
	if (page === 'url') {
		const url = optionalText(ctx, 'signingBaseUrl', i);
		if (!url)
			throw new NodeOperationError(ctx.getNode(), 'The Signing Page URL is empty', {
				itemIndex: i,
				description: 'Give the URL of your signing page, or choose another Signing Page.',
			});
		return url;
	}
	if (page === 'signingWorkflow') {
		if (!signingWorkflowUrl)
			throw missingFromCase(
				ctx,
				i,
				'business.agreement_signing_url',
				"the Agreement Signing workflow's URL",
				caseOf(ctx, i).business,
			);
		return signingWorkflowUrl;
	}
	return resumeUrl(ctx, i);
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const fromCase = op.source === 'case' ? agreementInputFromCase(caseOf(this, i)) : null;
	const terms = collectionParameter(this, 'terms', i);
	const { contract, pdf } = await generateContract(
		{
			customer: (fromCase?.customer ??
				jsonParameter(this, 'customer', 'Customer', i)) as GenerateInput['customer'],
			quote: (fromCase?.quote ??
				jsonParameter(this, 'quote', 'Quote', i)) as GenerateInput['quote'],
			booking: (fromCase?.booking ??
				jsonParameter(this, 'booking', 'Booking', i)) as GenerateInput['booking'],
			business: {
				name: fromCase?.business_name ?? String(this.getNodeParameter('businessName', i, '') ?? ''),
				...(fromCase?.business ?? {}),
			},
			terms,
			signingBaseUrl: signingPageFor(
				this,
				i,
				agreementInputFromCase(caseOf(this, i)).signing_workflow_url,
			),
			signingValidHours: this.getNodeParameter('signingValidHours', i, 72) as number,
			resumeUrl:
				this.getNode().typeVersion >= 2 &&
				this.getNodeParameter('signingPage', i, 'waitNode') === 'signingWorkflow' &&
				this.getNodeParameter('resumeWhenSigned', i, false)
					? resumeUrl(this, i)
					: null,
			template: optionalText(this, 'template', i),
		},
		{ store: op.store, signingSecret: op.secret(i) },
	);
	const property = (this.getNodeParameter('binaryProperty', i, 'contract') as string) || 'contract';
	const files: IBinaryKeyData = {
		[property]: await this.helpers.prepareBinaryData(
			Buffer.from(pdf),
			`agreement-${contract.contract_id}.pdf`,
			'application/pdf',
		),
	};
	return [{ json: { contract: contract as unknown as IDataObject }, binary: files }];
}
