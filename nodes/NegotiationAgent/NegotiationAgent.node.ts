import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	readSettingsSource,
	settingsNodeProperty,
	settingsRowsOf,
	settingsSourceProperty,
} from '../shared/n8n/settings';
import { readPolicySettings } from '../shared/settings';
import { dollarsToCents } from '../shared/money';
import type { AgentMode } from '../shared/modes';
import {
	aiOptionsProperty,
	modeProperty,
	modeSubtitle,
	openAiCredential,
	readAiSettings,
} from '../shared/n8n/ai';
import {
	caseOf,
	definedBelow,
	inputSourceProperties,
	missingFromCase,
	readInputSource,
} from '../shared/n8n/inputs';
import { runAgentPerItem } from '../shared/n8n/items';
import { optionalText, optionalValue, requireText } from '../shared/n8n/parameters';
import { textAt } from '../shared/case';
import { negotiationInputFromCase } from './case';
import { applyOpsDecision } from './decision';
import {
	DEFAULT_TEMPLATES,
	negotiate,
	type MessageTemplates,
	type NegotiateInput,
	type NegotiationPolicy,
} from './negotiate';
import type { Quote } from '../PricingAgent/price';

/** JSON text (typed, or mapped as a string) as its value; text that is not JSON is left for the agent to refuse. */
function parseJson(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value; // the agent names the field and the fix
	}
}

/** A quote arrives as an object, or as JSON text when typed or mapped as a string. */
const parseQuote = (value: unknown) => parseJson(value) as Quote;

/** The round arrives as a number or as text from an expression; anything else is left for the agent to refuse. */
function readRound(value: unknown): number {
	if (value === null) return 1;
	if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return parseInt(value, 10);
	return value as number;
}

function readPolicy(policy: IDataObject): Partial<NegotiationPolicy> {
	const out: Partial<NegotiationPolicy> = {};
	if (typeof policy.maxAutoDiscountPct === 'number')
		out.maxAutoDiscountPct = policy.maxAutoDiscountPct;
	if (typeof policy.approvalBandMaxPct === 'number')
		out.approvalBandMaxPct = policy.approvalBandMaxPct;
	if (typeof policy.floorPrice === 'number')
		out.floorPriceCents = dollarsToCents(policy.floorPrice);
	if (typeof policy.maxRounds === 'number') out.maxRounds = policy.maxRounds;
	if (typeof policy.concessionSteps === 'string' && policy.concessionSteps.trim()) {
		out.concessionStepsPct = policy.concessionSteps
			.split(',')
			.map((s) => parseFloat(s))
			.filter((n) => Number.isFinite(n) && n >= 0);
	}
	if (typeof policy.offerRecurring === 'boolean') out.offerRecurring = policy.offerRecurring;
	if (typeof policy.recurringUpsellFrequency === 'string')
		out.recurringUpsellFrequency =
			policy.recurringUpsellFrequency as NegotiationPolicy['recurringUpsellFrequency'];
	if (typeof policy.upsellAddOns === 'string')
		out.upsellAddOns = policy.upsellAddOns
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	return out;
}

/** A property of the reply-answering operation only (hidden when applying a person's decision). */
function whenAnsweringReplies(property: INodeProperties): INodeProperties {
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, operation: ['negotiate'] },
		},
	};
}

const whenApplyingDecision = { show: { operation: ['applyDecision'] } };

export class NegotiationAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Negotiation Agent',
		name: 'negotiationAgent',
		icon: { light: 'file:negotiationAgent.svg', dark: 'file:negotiationAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: modeSubtitle,
		description:
			"Reads a customer's reply to a quote and accepts, counters, rejects or escalates, always inside your discount policy; every new price comes from the pricing engine",
		defaults: { name: 'Negotiation Agent' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [openAiCredential],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'negotiate',
				options: [
					{
						name: 'Answer a Customer Reply',
						value: 'negotiate',
						action: 'Answer a customer reply to a quote',
						description:
							'Read the reply and accept, counter, stand firm or ask a person, inside the discount policy',
					},
					{
						name: 'Apply an Ops Decision',
						value: 'applyDecision',
						action: 'Apply an ops decision to a negotiation',
						description:
							'A person approved, declined or countered at an amount: the offer and the message to the customer that follow',
					},
				],
			},
			...[modeProperty, ...inputSourceProperties].map(whenAnsweringReplies),
			{
				displayName: 'Quote',
				name: 'quote',
				displayOptions: { show: { ...definedBelow.show, operation: ['negotiate'] } },
				type: 'json',
				default: '={{ $json.negotiation?.quote ?? $json.quote }}',
				required: true,
				description:
					'The Pricing Agent quote being negotiated (the latest offer after earlier rounds)',
			},
			{
				displayName: 'Customer Reply',
				name: 'reply',
				displayOptions: { show: { ...definedBelow.show, operation: ['negotiate'] } },
				type: 'string',
				typeOptions: { rows: 3 },
				default: '={{ $json.reply }}',
				required: true,
				description: "The customer's answer to the quote, as they wrote it",
				hint: 'After a Wait node resumed by a webhook this is often {{ $json.body.reply }}',
			},
			{
				displayName: 'Round',
				name: 'round',
				displayOptions: { show: { ...definedBelow.show, operation: ['negotiate'] } },
				type: 'string',
				default: '={{ $json.negotiation?.next_round ?? 1 }}',
				description: 'Which reply this is: 1 for the first answer to a quote',
			},
			{
				displayName: 'Customer Name',
				name: 'customerName',
				displayOptions: { show: { ...definedBelow.show, operation: ['negotiate'] } },
				type: 'string',
				default: '={{ $json.customer?.name }}',
				description: 'Used in the reply message',
			},
			whenAnsweringReplies({
				...settingsSourceProperty(
					'Discount limits (automatic, approval band, floor, rounds, steps)',
				),
				description:
					"Where the discount limits come from. With the settings tables, the Booking Business table's discount rows win over the same fields below; the upsell options stay on this node.",
			}),
			whenAnsweringReplies(settingsNodeProperty),
			{
				displayName: 'Negotiation',
				name: 'negotiation',
				type: 'json',
				displayOptions: whenApplyingDecision,
				default: '={{ $json.negotiation }}',
				required: true,
				description:
					'The Negotiation Agent result that asked a person to decide (its pending approval, the offer on the table)',
			},
			{
				displayName: 'Decision',
				name: 'decision',
				type: 'string',
				displayOptions: whenApplyingDecision,
				default: "={{ $json.ops_answer?.choice ?? '' }}",
				description:
					'Approve, decline or counter, as the decision page answered; empty when nobody answered in time (the offer stands)',
				hint: 'The answer of a decision link arrives in the Wait node as {{ $json.body.choice }}',
			},
			{
				displayName: 'Counter Amount Per Visit ($)',
				name: 'counterAmount',
				type: 'string',
				displayOptions: whenApplyingDecision,
				default: "={{ $json.ops_answer?.answers?.counter_amount ?? '' }}",
				description:
					'For a counter: the price per visit to offer, in dollars, below the offer on the table. The Pricing Agent re-prices the job at the discount that gives it.',
			},
			{
				displayName: 'Discount Policy',
				displayOptions: { show: { operation: ['negotiate'] } },
				name: 'policy',
				type: 'collection',
				placeholder: 'Change the policy',
				default: {},
				options: [
					{
						displayName: 'Approval Band Up To (%)',
						name: 'approvalBandMaxPct',
						type: 'number',
						default: 15,
						description:
							'Asks above the automatic limit and up to this go to a person for approval',
					},
					{
						displayName: 'Concession Steps (%)',
						name: 'concessionSteps',
						type: 'string',
						default: '5,10',
						description:
							'What to offer round by round when the customer asks for more, comma-separated',
					},
					{
						displayName: 'Floor Price Per Visit ($)',
						name: 'floorPrice',
						type: 'number',
						default: 0,
						description: 'No offer goes below this; 0 means no floor',
					},
					{
						displayName: 'Max Automatic Discount (%)',
						name: 'maxAutoDiscountPct',
						type: 'number',
						default: 10,
						description: 'Discounts up to this are granted without a person',
					},
					{
						displayName: 'Max Rounds',
						name: 'maxRounds',
						type: 'number',
						default: 3,
						description: 'The offer in this round is final; a later round goes to a person',
					},
					{
						displayName: 'Offer Recurring Service',
						name: 'offerRecurring',
						type: 'boolean',
						default: true,
						description:
							'Whether to suggest switching a one-time home clean to recurring service (with its discount)',
					},
					{
						displayName: 'Recurring Offer',
						name: 'recurringUpsellFrequency',
						type: 'options',
						default: 'biweekly',
						options: [
							{ name: 'Weekly', value: 'weekly' },
							{ name: 'Every Other Week', value: 'biweekly' },
							{ name: 'Monthly', value: 'monthly' },
						],
					},
					{
						displayName: 'Suggest Add-Ons',
						name: 'upsellAddOns',
						type: 'string',
						default: 'inside_oven,inside_fridge',
						description: 'Add-on codes to suggest when a customer accepts, comma-separated',
					},
				],
			},
			{
				displayName: 'Reply Templates',
				name: 'templates',
				type: 'collection',
				placeholder: 'Edit a reply',
				default: {},
				description:
					'Placeholders: {name} {price} {cadence} {per_month} {discount_pct} {discount_text} {service} {upsell} {quote_id} {valid_until}',
				options: [
					{
						displayName: 'Accept',
						name: 'accept',
						type: 'string',
						typeOptions: { rows: 3 },
						default:
							'Thank you{name}! We are happy to confirm {price}{cadence} for your {service}. {upsell}We will be in touch shortly to schedule it.',
					},
					{
						displayName: 'After a Person Declines',
						name: 'declined',
						type: 'string',
						typeOptions: { rows: 3 },
						default:
							'Thank you for waiting{name}. We looked at your request and cannot go further on the price: our offer stands at {price}{cadence}. Reply to accept it, or ask us anything.',
						description:
							'Sent when a person declined the discount asked, or nobody decided in time: the offer stands',
					},
					{
						displayName: 'Counter',
						name: 'counter',
						type: 'string',
						typeOptions: { rows: 3 },
						default:
							'Thanks for getting back to us{name}. The best we can offer is {price}{cadence} for your {service}{discount_text}. {upsell}Reply YES to go ahead.',
					},
					{
						displayName: 'Escalate',
						name: 'escalate',
						type: 'string',
						typeOptions: { rows: 3 },
						default:
							'Thanks{name}. A member of our team will review your request and get back to you shortly.',
					},
					{
						displayName: 'Reject',
						name: 'reject',
						type: 'string',
						typeOptions: { rows: 3 },
						default:
							'Thank you for considering us{name}. Our offer of {price}{cadence} stands until {valid_until} if you change your mind.',
					},
				],
			},
			{
				displayName: 'Let the Model Draft the Reply',
				name: 'aiDraftsMessage',
				type: 'boolean',
				default: true,
				displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'], operation: ['negotiate'] } },
				description:
					"Whether to use the model's wording when every amount in it is one the policy approved (otherwise the template is used)",
			},
			whenAnsweringReplies(aiOptionsProperty),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0, 'negotiate') === 'applyDecision')
			return await runAgentPerItem(this, 'negotiation', async (i) => {
				const result = applyOpsDecision(
					{
						negotiation: parseJson(this.getNodeParameter('negotiation', i, null)),
						choice: optionalText(this, 'decision', i),
						counterAmount: this.getNodeParameter('counterAmount', i, ''),
						customerName: textAt(caseOf(this, i), 'customer', 'name'),
					},
					{
						...DEFAULT_TEMPLATES,
						...(this.getNodeParameter('templates', i, {}) as Partial<MessageTemplates>),
					},
				);
				return result as unknown as IDataObject;
			});
		const mode = this.getNodeParameter('mode', 0) as AgentMode;
		const source = readInputSource(this);
		const inputFor = (i: number): NegotiateInput => {
			if (source === 'define')
				return {
					quote: parseQuote(optionalValue(this, 'quote', i)),
					reply: requireText(this, 'reply', 'Customer Reply', i, '{{ $json.body.reply }}'),
					round: readRound(optionalValue(this, 'round', i)),
					customerName: optionalText(this, 'customerName', i),
				};
			const item = caseOf(this, i);
			const input = negotiationInputFromCase(item);
			if (!input.quote)
				throw missingFromCase(this, i, 'quote', 'the quote being negotiated', item.quote);
			if (!input.reply) throw missingFromCase(this, i, 'reply', "the customer's reply", item.reply);
			return {
				quote: input.quote as unknown as Quote,
				reply: input.reply,
				round: readRound(input.round),
				customerName: input.customerName,
			};
		};
		return await runAgentPerItem(this, 'negotiation', async (i) => {
			const result = await negotiate(inputFor(i), {
				mode,
				ai: await readAiSettings(this, i, mode),
				policy: {
					...readPolicy(this.getNodeParameter('policy', i, {}) as IDataObject),
					...(readSettingsSource(this, i) === 'tables'
						? readPolicySettings(settingsRowsOf(this, i))
						: {}),
				},
				templates: this.getNodeParameter('templates', i, {}) as Partial<MessageTemplates>,
				aiDraftsMessage:
					mode === 'rules' ? false : (this.getNodeParameter('aiDraftsMessage', i, true) as boolean),
			});
			return result as unknown as IDataObject;
		});
	}
}
