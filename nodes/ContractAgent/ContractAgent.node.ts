import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { inputSourceProperties } from '../shared/n8n/inputs';
import { bookingStorePostgresTest, storeProperties } from '../shared/n8n/store';
import * as applyPaymentEvent from './actions/applyPaymentEvent.operation';
import * as billMonth from './actions/billMonth.operation';
import * as cardPage from './actions/cardPage.operation';
import * as chargesDue from './actions/chargesDue.operation';
import * as recordCharge from './actions/recordCharge.operation';
import * as refundDeposit from './actions/refundDeposit.operation';
import * as giveCredit from './actions/giveCredit.operation';
import * as requestDeposit from './actions/requestDeposit.operation';
import * as end from './actions/end.operation';
import * as getInvoice from './actions/getInvoice.operation';
import * as invoiceVisit from './actions/invoiceVisit.operation';
import * as voidInvoice from './actions/voidInvoice.operation';
import * as generate from './actions/generate.operation';
import * as listDue from './actions/listDue.operation';
import * as recordSignature from './actions/recordSignature.operation';
import * as renew from './actions/renew.operation';
import * as showAgreement from './actions/showAgreement.operation';
import { router, SIGNING_OPERATIONS } from './actions/router';
import {
	bookingAgentsSigningSecretTest,
	bookingAgentsStripeWebhookTest,
} from '../shared/n8n/signing';

export class ContractAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contract Agent',
		name: 'contractAgent',
		icon: { light: 'file:contractAgent.svg', dark: 'file:contractAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
		description:
			'Writes the service agreement from the quote and booking (HTML, PDF, SHA-256), makes an expiring signing link for a Wait node, records signatures, handles renewals, and bills the visits done',
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
				name: 'bookingAgentsStripeWebhook',
				required: true,
				displayOptions: { show: { operation: ['applyPaymentEvent'] } },
				testedBy: 'bookingAgentsStripeWebhookTest',
			},
			{
				name: 'bookingAgentsSigningSecret',
				required: true,
				displayOptions: {
					show: {
						operation: SIGNING_OPERATIONS,
						signingSecretFrom: ['credential'],
					},
				},
				testedBy: 'bookingAgentsSigningSecretTest',
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'agreement',
				options: [
					{ name: 'Agreement', value: 'agreement' },
					{ name: 'Invoice', value: 'invoice' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'invoiceVisit',
				displayOptions: { show: { resource: ['invoice'] } },
				options: [
					{
						name: 'Apply a Stripe Event',
						value: 'applyPaymentEvent',
						action: 'Apply a stripe payment event',
						description:
							'A Stripe webhook event, checked against its signature, applied to the invoice once: paid, part paid, refunded, or a failed attempt',
					},
					{
						name: 'Bill a Month of Agreements',
						value: 'billMonth',
						action: 'Bill a month of visits for every agreement',
						description:
							'One invoice per agreement of a regular service for the visits done in the month, with its PDF; a saved card is then due for a charge, else a link to save one comes with it',
					},
					{
						name: 'Bill a Visit',
						value: 'invoiceVisit',
						action: 'Bill a visit that is done',
						description:
							'An invoice at the quote the customer agreed, numbered without gaps, with its PDF; the same visit again gives the same invoice',
					},
					{
						name: 'Get',
						value: 'getInvoice',
						action: 'Get an invoice',
						description: 'An invoice by its ID or number, with its PDF',
					},
					{
						name: 'Give a Credit',
						value: 'giveCredit',
						action: 'Give a customer a credit',
						description:
							"Money the customer's next invoices use before anything is charged (goodwill, a billing mistake), once per key",
					},
					{
						name: 'List Charges Due',
						value: 'chargesDue',
						action: 'List the saved cards to charge now',
						description:
							'Invoices whose saved card is to be charged now (a new month, a dunning retry), with the amount, the Stripe customer and card, and an idempotency key per attempt',
					},
					{
						name: 'Record a Charge',
						value: 'recordCharge',
						action: 'Record the result of a charge',
						description:
							'Paid, declined (the next try on the dunning schedule: 1, 3, 7 days), given up after the last (ops decide), or not reached (tried again with the same key)',
					},
					{
						name: 'Refund a Deposit',
						value: 'refundDeposit',
						action: 'Refund a deposit under the policy',
						description:
							"What the policy gives back of a cancelled visit's deposit (called off by the business, or paid after the crew was released: all; the customer's cancellation: all with the notice, nothing within it), to the card (the Stripe PaymentIntent and idempotency key to refund it) or as credit toward the next invoice",
					},
					{
						name: 'Request a Deposit',
						value: 'requestDeposit',
						action: 'Request a deposit toward a visit',
						description:
							"A visit's deposit (an emergency's call-out fee) as its own invoice, once per visit; when Stripe says it is paid, Payments resumes the flow waiting for it; the visit's invoice counts it",
					},
					{
						name: 'Void',
						value: 'voidInvoice',
						action: 'Void an invoice',
						description:
							'An open invoice billed by mistake: it keeps its number and nothing is owed',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				displayOptions: { show: { resource: ['agreement'] } },
				noDataExpression: true,
				default: 'generate',
				options: [
					{
						name: 'Card Page',
						value: 'cardPage',
						action: 'Check a link to save a card',
						description:
							"What a card link opens: the agreement, its customer and currency (for Stripe's page to save a card), or why it is not valid",
					},
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
						description:
							"The contract will not renew; it ends at the end of its term, or on the day asked for under its notice period (from the case: the agreement of the visit's series)",
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
					{
						name: 'Signing Page',
						value: 'showAgreement',
						action: 'Show the page a signing link opens',
						description:
							'The agreement with the name to type and a Sign button (HTML), or why it cannot be signed: signed already, expired, no longer open, not valid',
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
						operation: [
							'generate',
							'recordSignature',
							'renew',
							'end',
							'invoiceVisit',
							'billMonth',
							'recordCharge',
							'cardPage',
							'requestDeposit',
							'refundDeposit',
							'giveCredit',
						],
					},
				},
			},
			{
				displayName: 'Signing Secret From',
				name: 'signingSecretFrom',
				type: 'options',
				default: 'credential',
				displayOptions: { show: { operation: SIGNING_OPERATIONS } },
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
					show: {
						operation: SIGNING_OPERATIONS,
						signingSecretFrom: ['parameter'],
					},
				},
				description:
					'A long random text (16+ characters) that signs the links; keep it the same in the node that records signatures',
			},
			...generate.description,
			...recordSignature.description,
			...showAgreement.description,
			...listDue.description,
			...renew.description,
			...end.description,
			...invoiceVisit.description,
			...getInvoice.description,
			...voidInvoice.description,
			...applyPaymentEvent.description,
			...billMonth.description,
			...chargesDue.description,
			...recordCharge.description,
			...cardPage.description,
			...requestDeposit.description,
			...refundDeposit.description,
			...giveCredit.description,
			...storeProperties,
		],
	};

	methods = {
		credentialTest: {
			bookingStorePostgresTest,
			bookingAgentsSigningSecretTest,
			bookingAgentsStripeWebhookTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
