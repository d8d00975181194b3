import type { INodeProperties } from 'n8n-workflow';

import * as bookSeries from './bookSeries.operation';
import * as changeSeries from './changeSeries.operation';
import * as confirmSeries from './confirmSeries.operation';
import * as endSeries from './endSeries.operation';
import * as extendSeries from './extendSeries.operation';
import * as holdSeries from './holdSeries.operation';
import * as pauseSeries from './pauseSeries.operation';
import * as releaseSeries from './releaseSeries.operation';
import * as skipVisit from './skipVisit.operation';

export {
	bookSeries,
	changeSeries,
	confirmSeries,
	endSeries,
	extendSeries,
	holdSeries,
	pauseSeries,
	releaseSeries,
	skipVisit,
};

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
				name: 'Book the Next Term',
				value: 'extendSeries',
				action: 'Book the next term of a series',
				description:
					'A renewed agreement: the same day and time for its new term (holidays skipped, clashes moved within the day or listed)',
			},
			{
				name: 'Change Day or Time',
				value: 'changeSeries',
				action: 'Change the day or time of a series from a date on',
				description:
					'From a date on, the visits move to a new day or time (the earlier ones stay); later terms follow it',
			},
			{
				name: 'Confirm Held Visits',
				value: 'confirmSeries',
				action: 'Confirm the held visits of a series',
				description: 'The agreement is signed: its held visits become confirmed',
			},
			{
				name: 'End',
				value: 'endSeries',
				action: 'End a series after its last day',
				description:
					"The visits after the last day (the agreement's, under its notice) are cancelled; no new term is booked",
			},
			{
				name: 'Hold Longer',
				value: 'holdSeries',
				action: 'Keep the held visits of a series held longer',
				description:
					'The agreement is signed and a deposit comes first: its held visits stay held (for the hours given) until it is paid',
			},
			{
				name: 'Pause',
				value: 'pauseSeries',
				action: 'Pause a series between two dates',
				description: 'The visits from one day through another are cancelled; the others stay',
			},
			{
				name: 'Release Held Visits',
				value: 'releaseSeries',
				action: 'Release the held visits of a series',
				description:
					'The agreement was not signed: its held visits are let go and the crews are free',
			},
			{
				name: 'Skip a Visit',
				value: 'skipVisit',
				action: 'Skip one visit of a series',
				description: 'The visit on the day named is cancelled; the others stay',
			},
		],
	},
	...bookSeries.description,
	...confirmSeries.description,
	...releaseSeries.description,
	...holdSeries.description,
	...extendSeries.description,
	...changeSeries.description,
	...pauseSeries.description,
	...skipVisit.description,
	...endSeries.description,
];
