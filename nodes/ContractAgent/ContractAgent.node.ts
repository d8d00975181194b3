import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	bookingStorePostgresTest,
	collectionValue,
	jsonParameter,
	optionalText,
	optionalValue,
	parameterValue,
	readStoreConfig,
	requireText,
	runAgentPerItem,
	storeProperties,
} from '../shared/n8n';
import { openStore } from '../shared/store';
import {
	contractsDue,
	generateContract,
	MIN_SECRET_LENGTH,
	recordSignature,
	renewContract,
	type GenerateInput,
} from './contract';

/** Saving a Booking Agents Signing Secret credential: too short a secret is refused there, not at the first booking. */
async function bookingAgentsSigningSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.secret ?? '');
	return secret.length >= MIN_SECRET_LENGTH
		? { status: 'OK', message: 'The secret is long enough to sign agreement links' }
		: {
				status: 'Error',
				message: `The secret has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} (a long random text)`,
			};
}

type Operation = 'generate' | 'recordSignature' | 'listDue' | 'renew' | 'end';

export class ContractAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contract Agent',
		name: 'contractAgent',
		icon: { light: 'file:contractAgent.svg', dark: 'file:contractAgent.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Writes the service agreement from the quote and booking (HTML, PDF, SHA-256), makes an expiring signing link for a Wait node, records signatures, and handles renewals',
		defaults: { name: 'Contract Agent' },
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
				displayOptions: {
					show: { operation: ['generate', 'recordSignature'], signingSecretFrom: ['credential'] },
				},
				testedBy: 'bookingAgentsSigningSecretTest',
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'generate',
				options: [
					{
						name: 'Generate Agreement',
						value: 'generate',
						action: 'Generate a service agreement',
						description: 'Agreement (HTML and PDF) with its SHA-256 and a signing link',
					},
					{
						name: 'List Due for Renewal',
						value: 'listDue',
						action: 'List contracts due for renewal',
						description: 'Active contracts ending within the next days',
					},
					{
						name: 'Mark as Ending',
						value: 'end',
						action: 'Mark a contract as ending',
						description: 'The contract will not renew',
					},
					{
						name: 'Record Signature',
						value: 'recordSignature',
						action: 'Record a signature',
						description: 'Check the signing token and record the signature against the document',
					},
					{
						name: 'Renew',
						value: 'renew',
						action: 'Renew a contract',
						description: 'Start a new term, optionally at a changed price',
					},
				],
			},
			{
				displayName: 'Signing Secret From',
				name: 'signingSecretFrom',
				type: 'options',
				default: 'credential',
				displayOptions: { show: { operation: ['generate', 'recordSignature'] } },
				options: [
					{
						name: 'Credential',
						value: 'credential',
						description:
							'A Booking Agents Signing Secret credential: encrypted, never in workflow JSON or execution data',
					},
					{
						name: 'Parameter',
						value: 'parameter',
						description: 'Typed or mapped below (it is then saved with the workflow)',
					},
				],
				description:
					'Where the key that signs the links comes from; the node that records signatures must use the same one',
			},
			{
				displayName: 'Signing Secret',
				name: 'signingSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				displayOptions: {
					show: { operation: ['generate', 'recordSignature'], signingSecretFrom: ['parameter'] },
				},
				description:
					'A long random text (16+ characters) that signs the links; keep it the same in the node that records signatures',
			},
			{
				displayName: 'Customer',
				name: 'customer',
				type: 'json',
				default: '={{ $json.customer ?? {} }}',
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Quote',
				name: 'quote',
				type: 'json',
				default: '={{ $json.negotiation?.quote ?? $json.quote ?? {} }}',
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Booking',
				name: 'booking',
				type: 'json',
				default: '={{ $json.booking ?? {} }}',
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Business Name',
				name: 'businessName',
				type: 'string',
				default: 'Bright Clean Co.',
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Signing Page URL',
				name: 'signingBaseUrl',
				type: 'string',
				default: '={{ $execution.resumeUrl }}',
				displayOptions: { show: { operation: ['generate'] } },
				description:
					'Where the customer signs; with a Wait node after this one (resume on webhook call), its resume URL makes the workflow wait for the signature',
			},
			{
				displayName: 'Link Valid (Hours)',
				name: 'signingValidHours',
				type: 'number',
				default: 72,
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Terms',
				name: 'terms',
				type: 'collection',
				placeholder: 'Change a term',
				default: {},
				displayOptions: { show: { operation: ['generate'] } },
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
				displayOptions: { show: { operation: ['generate'] } },
				description:
					'Leave empty for the default agreement. Placeholders: {date} {business} {customer_name} {service} {address} {frequency_text} {start_date} {end_date} {term_months} {price_text} {renewal_text} {notice_days} {payment_terms} {liability} {quote_id} {booking_text}.',
			},
			{
				displayName: 'PDF Binary Property',
				name: 'binaryProperty',
				type: 'string',
				default: 'contract',
				displayOptions: { show: { operation: ['generate'] } },
			},
			{
				displayName: 'Token',
				name: 'token',
				type: 'string',
				typeOptions: { password: true },
				default: '={{ $json.query?.token ?? $json.body?.token }}',
				displayOptions: { show: { operation: ['recordSignature'] } },
				description: 'The token from the signing link (a resumed Wait node has it in its query)',
			},
			{
				displayName: 'Signer Name',
				name: 'signerName',
				type: 'string',
				default: '={{ $json.body?.name }}',
				displayOptions: { show: { operation: ['recordSignature'] } },
			},
			{
				displayName: 'Signer IP',
				name: 'signerIp',
				type: 'string',
				default: '={{ $json.headers?.["x-forwarded-for"] ?? $json.headers?.["x-real-ip"] ?? "" }}',
				displayOptions: { show: { operation: ['recordSignature'] } },
			},
			{
				displayName: 'Signer User Agent',
				name: 'signerUserAgent',
				type: 'string',
				default: '={{ $json.headers?.["user-agent"] ?? "" }}',
				displayOptions: { show: { operation: ['recordSignature'] } },
			},
			{
				displayName: 'Within (Days)',
				name: 'withinDays',
				type: 'number',
				default: 30,
				displayOptions: { show: { operation: ['listDue'] } },
			},
			{
				displayName: 'Contract ID',
				name: 'contractId',
				type: 'string',
				default: '={{ $json.contract_id ?? $json.contract?.contract_id }}',
				displayOptions: { show: { operation: ['renew', 'end'] } },
			},
			{
				displayName: 'Price Change (%)',
				name: 'priceChangePct',
				type: 'number',
				default: 0,
				displayOptions: { show: { operation: ['renew'] } },
				description: 'For example 3 for a 3% increase',
			},
			...storeProperties,
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest, bookingAgentsSigningSecretTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const store = await openStore(await readStoreConfig(this));
		const fromCredential =
			['generate', 'recordSignature'].includes(operation) &&
			this.getNodeParameter('signingSecretFrom', 0, 'credential') === 'credential';
		const credentialSecret = fromCredential
			? String(
					(await this.getCredentials<{ secret?: string }>('bookingAgentsSigningSecret')).secret ??
						'',
				)
			: '';
		const secret = (i: number) =>
			fromCredential
				? credentialSecret
				: String(parameterValue(this, 'signingSecret', i, '') ?? '');
		if (operation === 'listDue') {
			const due = await contractsDue(this.getNodeParameter('withinDays', 0) as number, { store });
			return [due.map((contract) => ({ json: { contract }, pairedItem: { item: 0 } }))];
		}
		if (operation === 'recordSignature') {
			return await runAgentPerItem(this, 'signature', async (i) => {
				const result = await recordSignature(
					{
						token: requireText(this, 'token', 'Token', i, '{{ $json.query.token }}'),
						name: String(optionalValue(this, 'signerName', i) ?? ''),
						ip: optionalText(this, 'signerIp', i),
						user_agent: optionalText(this, 'signerUserAgent', i),
					},
					{ store, signingSecret: secret(i) },
				);
				return result as unknown as IDataObject;
			});
		}
		if (operation === 'renew' || operation === 'end') {
			return await runAgentPerItem(this, 'renewal', async (i) => {
				const id = requireText(
					this,
					'contractId',
					'Contract ID',
					i,
					'{{ $json.contract.contract_id }}',
				);
				const result = await renewContract(
					id,
					{
						action: operation,
						price_change_pct:
							operation === 'renew'
								? (this.getNodeParameter('priceChangePct', i, 0) as number)
								: null,
					},
					{ store },
				);
				return result as unknown as IDataObject;
			});
		}
		const pdfs = new Map<number, Uint8Array>();
		return await runAgentPerItem(
			this,
			'contract',
			async (i) => {
				const terms = collectionValue(this, 'terms', i);
				const { contract, pdf } = await generateContract(
					{
						customer: jsonParameter(this, 'customer', 'Customer', i) as GenerateInput['customer'],
						quote: jsonParameter(this, 'quote', 'Quote', i) as GenerateInput['quote'],
						booking: jsonParameter(this, 'booking', 'Booking', i) as GenerateInput['booking'],
						business: { name: String(parameterValue(this, 'businessName', i, '') ?? '') },
						terms: Object.fromEntries(
							Object.entries(terms).filter(([, v]) => v !== '' && v !== null && v !== undefined),
						),
						signingBaseUrl: optionalText(this, 'signingBaseUrl', i),
						signingValidHours: this.getNodeParameter('signingValidHours', i, 72) as number,
						template: optionalText(this, 'template', i),
					},
					{ store, signingSecret: secret(i) },
				);
				pdfs.set(i, pdf);
				return contract as unknown as IDataObject;
			},
			async (i, result) => {
				const pdf = pdfs.get(i);
				if (!pdf) return null;
				const property =
					(this.getNodeParameter('binaryProperty', i, 'contract') as string) || 'contract';
				return {
					[property]: await this.helpers.prepareBinaryData(
						Buffer.from(pdf),
						`agreement-${String(result.contract_id)}.pdf`,
						'application/pdf',
					),
				};
			},
		);
	}
}
