import type { INodeProperties } from 'n8n-workflow';

import * as bookSeries from './bookSeries.operation';
import * as confirmSeries from './confirmSeries.operation';
import * as releaseSeries from './releaseSeries.operation';

export { bookSeries, confirmSeries, releaseSeries };

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
				description:
					'Book every visit of a weekly, every-other-week or monthly series in one go (or hold them until an agreement is signed)',
			},
			{
				name: 'Confirm Held Visits',
				value: 'confirmSeries',
				action: 'Confirm the held visits of a series',
				description: 'The agreement is signed: its held visits become confirmed',
			},
			{
				name: 'Release Held Visits',
				value: 'releaseSeries',
				action: 'Release the held visits of a series',
				description:
					'The agreement was not signed: its held visits are let go and the crews are free',
			},
		],
	},
	...bookSeries.description,
	...confirmSeries.description,
	...releaseSeries.description,
];
