import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	aiOptionsProperty,
	modeProperty,
	modeSubtitle,
	openAiCredential,
	optionalText,
	readAiSettings,
	requireText,
	runAgentPerItem,
} from '../shared/n8n';
import type { AgentMode } from '../shared/modes';
import { triage, TRIAGE_DEFAULTS } from './triage';

export class TriageAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Triage Agent',
		name: 'triageAgent',
		icon: { light: 'file:triageAgent.svg', dark: 'file:triageAgent.dark.svg' },
		group: ['transform'],
		version: 1,
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
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '={{ $json.message }}',
				required: true,
				description: "The customer's text describing the problem",
				hint: "Drag the field holding the customer's text here, e.g. {{ $json.body.message }} after a Webhook",
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: '={{ $json.channel }}',
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
			aiOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as AgentMode;
		return await runAgentPerItem(this, 'triage', async (i) => {
			return await triage(
				{
					message: requireText(this, 'message', 'Message', i),
					channel: optionalText(this, 'channel', i),
				},
				{
					mode,
					ai: await readAiSettings(this, i, mode),
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
				},
			);
		});
	}
}
