import type { INodeProperties } from 'n8n-workflow';

import * as findSlots from './findSlots.operation';

export { findSlots };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'findSlots',
		displayOptions: { show: { resource: ['slot'] } },
		options: [
			{
				name: 'Find',
				value: 'findSlots',
				action: 'Find free slots',
				description:
					"The best free slots for the job and the customer's preference, without booking",
			},
		],
	},
	...findSlots.description,
];
