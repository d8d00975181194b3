import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { inputSourceProperties } from '../shared/n8n/inputs';
import { bookingStorePostgresTest, storeProperties } from '../shared/n8n/store';
import * as booking from './actions/booking/Booking.resource';
import { calendarProperties } from './actions/common';
import * as series from './actions/series/Series.resource';
import * as slot from './actions/slot/Slot.resource';
import { router } from './actions/router';

export class SchedulingAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scheduling Agent',
		name: 'schedulingAgent',
		icon: { light: 'file:schedulingAgent.svg', dark: 'file:schedulingAgent.dark.svg' },
		group: ['transform'],
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Finds slots and books, holds, confirms, cancels, reschedules and lists crew bookings in the booking store, with no double booking; priority (emergency) and recurring series too',
		defaults: { name: 'Scheduling Agent' },
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
				displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'booking',
				options: [
					{ name: 'Booking', value: 'booking' },
					{ name: 'Recurring Booking', value: 'series' },
					{ name: 'Slot', value: 'slot' },
				],
			},
			...booking.description,
			...series.description,
			...slot.description,
			...inputSourceProperties,
			...storeProperties,
			...calendarProperties,
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
