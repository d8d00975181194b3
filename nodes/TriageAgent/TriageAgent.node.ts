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
import { triageInputFromCase } from './case';
import { triageAndShareReading, TRIAGE_DEFAULTS, type TriageInput } from './triage';

export class TriageAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Triage Agent',
		name: 'triageAgent',
		icon: { light: 'file:triageAgent.svg', dark: 'file:triageAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: modeSubtitle,
		description:
			'Decides whether an inquiry is an emergency (water, fire, sewage, mold, biohazard, storm), how severe, how fast to respond, and what the customer should do now',
		defaults: { name: 'Triage Agent' },
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
				description: "The customer's text describing the problem",
				hint: "Drag the field holding the customer's text here, e.g. {{ $json.body.message }} after a Webhook",
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: '={{ $json.channel }}',
				displayOptions: definedBelow,
				description: 'Where the message came from (web, sms, email, chat)',
			},
			{
				displayName: 'Respond Within (Minutes)',
				name: 'responseDeadlineMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 120,
				description: 'How soon a crew or a person must respond to an emergency',
			},
			{
				displayName: 'Critical Cases Within (Minutes)',
				name: 'criticalDeadlineMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description:
					'A tighter deadline when people are at risk (electricity near water, gas, collapse, anyone hurt)',
			},
			emergencyDecisionProperty,
			aiOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as AgentMode;
		const source = readInputSource(this);
		const inputFor = (i: number): TriageInput => {
			if (source === 'define')
				return {
					message: requireText(this, 'message', 'Message', i),
					channel: optionalText(this, 'channel', i),
					received_at: new Date().toISOString(),
				};
			const item = caseOf(this, i);
			const input = triageInputFromCase(item);
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
			const result = await triageAndShareReading(input, {
				mode,
				ai,
				emergencyDecision: readEmergencyDecision(this, i),
				earlierReading: readingLeftOnItem(item, input.message, ai),
				responseDeadlineMinutes: this.getNodeParameter(
					'responseDeadlineMinutes',
					i,
					TRIAGE_DEFAULTS.responseDeadlineMinutes,
				) as number,
				criticalDeadlineMinutes: this.getNodeParameter(
					'criticalDeadlineMinutes',
					i,
					TRIAGE_DEFAULTS.criticalDeadlineMinutes,
				) as number,
			});
			return withReading('triage', result.triage, input.message, ai, result.reading);
		});
	}
}
