import type { INodeProperties } from 'n8n-workflow';

import * as bookSeries from './bookSeries.operation';

export { bookSeries };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'bookSeries',
		displayOptions: { show: { resource: ['series'] } },
		options: [
			{
				name: 'Book',
				value: 'bookSeries',
				action: 'Book a recurring series',
				description: 'Book every visit of a weekly, every-other-week or monthly series in one go',
			},
		],
	},
	...bookSeries.description,
];
