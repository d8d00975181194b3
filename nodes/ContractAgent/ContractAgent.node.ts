import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { inputSourceProperties } from '../shared/n8n/inputs';
import { bookingStorePostgresTest, storeProperties } from '../shared/n8n/store';
import * as end from './actions/end.operation';
import * as generate from './actions/generate.operation';
import * as listDue from './actions/listDue.operation';
import * as recordSignature from './actions/recordSignature.operation';
import * as renew from './actions/renew.operation';
import { router } from './actions/router';
import { MIN_SECRET_LENGTH } from './contract';

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

export class ContractAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contract Agent',
		name: 'contractAgent',
		icon: { light: 'file:contractAgent.svg', dark: 'file:contractAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
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
				...inputSourceProperties[0],
			},
			{
				...inputSourceProperties[1],
				displayOptions: {
					show: {
						'@version': [{ _cnd: { gte: 2 } }],
						operation: ['generate', 'recordSignature', 'renew', 'end'],
					},
				},
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
			...generate.description,
			...recordSignature.description,
			...listDue.description,
			...renew.description,
			...end.description,
			...storeProperties,
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest, bookingAgentsSigningSecretTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
