import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { AgentMode } from '../shared/modes';
import {
	aiOptionsProperty,
	emergencyDecisionProperty,
	modeProperty,
	modeSubtitle,
	openAiCredential,
	readAiSettings,
	readEmergencyDecision,
	readingLeftOnItem,
	withReading,
} from '../shared/n8n/ai';
import {
	caseOf,
	definedBelow,
	inputSourceProperties,
	missingFromCase,
	readInputSource,
} from '../shared/n8n/inputs';
import { runPerItem } from '../shared/n8n/items';
import { optionalText, requireText } from '../shared/n8n/parameters';
import { qualifyInputFromCase } from './case';
import { qualifyAndShareReading, QUALIFY_DEFAULTS, type QualifyInput } from './qualify';

export class QualifierAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qualifier Agent',
		name: 'qualifierAgent',
		icon: { light: 'file:qualifierAgent.svg', dark: 'file:qualifierAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: modeSubtitle,
		description:
			'Scores a service inquiry 0-100 and reads the service, property, urgency, frequency, budget and what to ask next',
		defaults: { name: 'Qualifier Agent' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [openAiCredential],
		properties: [
			modeProperty,
			...inputSourceProperties,
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '={{ $json.message }}',
				required: true,
				displayOptions: definedBelow,
				description: "The customer's inquiry text (web form, SMS, e-mail body or chat)",
				hint: "Drag the field holding the customer's text here, e.g. {{ $json.body.message }} after a Webhook",
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: '={{ $json.channel }}',
				displayOptions: definedBelow,
				description:
					'Where the inquiry came from (web, sms, email, chat). An SMS counts as a phone contact.',
			},
			{
				displayName: 'Customer Email',
				name: 'customerEmail',
				type: 'string',
				default: '={{ $json.customer?.email }}',
				displayOptions: definedBelow,
				description: "The customer's e-mail, if known; a lead that can be contacted scores higher",
			},
			{
				displayName: 'Customer Phone',
				name: 'customerPhone',
				type: 'string',
				default: '={{ $json.customer?.phone }}',
				displayOptions: definedBelow,
				description: "The customer's phone number, if known",
			},
			{
				displayName: 'Service Address',
				name: 'customerAddress',
				type: 'string',
				default: '={{ $json.customer?.address }}',
				displayOptions: definedBelow,
				description: 'Where the work would be done, if known',
			},
			{
				displayName: 'Qualified From Score',
				name: 'qualifiedThreshold',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 60,
				description: 'A lead scoring at or above this is marked qualified (is_qualified = true)',
			},
			emergencyDecisionProperty,
			aiOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as AgentMode;
		const source = readInputSource(this);
		const inputFor = (i: number): QualifyInput => {
			if (source === 'define') {
				return {
					message: requireText(this, 'message', 'Message', i),
					channel: optionalText(this, 'channel', i),
					customer: {
						email: optionalText(this, 'customerEmail', i),
						phone: optionalText(this, 'customerPhone', i),
						address: optionalText(this, 'customerAddress', i),
					},
					received_at: new Date().toISOString(),
				};
			}
			const item = caseOf(this, i);
			const input = qualifyInputFromCase(item);
			if (!input.message)
				throw missingFromCase(this, i, 'message', "the customer's text", item.message);
			// A case without its arrival time came in now, as far as this run knows.
			return {
				...input,
				message: input.message,
				received_at: input.received_at ?? new Date().toISOString(),
			};
		};
		return await runPerItem(this, async (i, item) => {
			const input = inputFor(i);
			const ai = await readAiSettings(this, i, mode);
			const { qualification, reading } = await qualifyAndShareReading(input, {
				mode,
				ai,
				emergencyDecision: readEmergencyDecision(this, i),
				earlierReading: readingLeftOnItem(item, input.message, ai),
				qualifiedThreshold: this.getNodeParameter(
					'qualifiedThreshold',
					i,
					QUALIFY_DEFAULTS.qualifiedThreshold,
				) as number,
			});
			return withReading('qualification', qualification, input.message, ai, reading);
		});
	}
}
