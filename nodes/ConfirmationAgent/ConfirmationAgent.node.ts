import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { inputSourceProperties } from '../shared/n8n/inputs';
import { bookingStorePostgresTest, storeProperties } from '../shared/n8n/store';
import * as compose from './actions/compose.operation';
import * as followUp from './actions/followUp.operation';
import * as recordSmsReply from './actions/recordSmsReply.operation';
import { router } from './actions/router';

export class ConfirmationAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Confirmation Agent',
		name: 'confirmationAgent',
		icon: { light: 'file:confirmationAgent.svg', dark: 'file:confirmationAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ {"recordSmsReply": "Record SMS reply", "followUp": "Follow-up when due"}[$parameter["operation"]] ?? $parameter["messageKind"] }}',
		description:
			'Writes what Send Email and Twilio deliver: e-mail (text and HTML), SMS (E.164, segments, opt-out), a calendar invite (.ics) and the reminder plan; the reminders and review requests due now; records STOP replies',
		defaults: { name: 'Confirmation Agent' },
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
				name: 'bookingAgentsOpenAiApi',
				required: true,
				displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'], operation: ['compose'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'compose',
				displayOptions: { show: { '@version': [1] } },
				options: [
					{
						name: 'Compose Message',
						value: 'compose',
						action: 'Compose a customer message',
						description: 'E-mail, SMS and calendar invite for one message kind',
					},
					{
						name: 'Record SMS Reply',
						value: 'recordSmsReply',
						action: 'Record an SMS reply',
						description: 'Record STOP (and START) replies so opted-out numbers get no SMS',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'compose',
				displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
				options: [
					{
						name: 'Compose Message',
						value: 'compose',
						action: 'Compose a customer message',
						description: 'E-mail, SMS and calendar invite for one message kind',
					},
					{
						name: 'Compose Follow-Up When Due',
						value: 'followUp',
						action: 'Compose the reminder or review request due now',
						description:
							'For each listed visit, the reminder or review request its plan says is due now; the others are left out',
					},
					{
						name: 'Record SMS Reply',
						value: 'recordSmsReply',
						action: 'Record an SMS reply',
						description: 'Record STOP (and START) replies so opted-out numbers get no SMS',
					},
				],
			},
			...inputSourceProperties,
			...compose.description,
			...followUp.description,
			...recordSmsReply.description,
			...storeProperties,
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
