import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeriesVisits, readAsked, readDay, reasonProperty, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['pauseSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '',
			placeholder: '2027-07-01',
			description: 'The first day with no visit (YYYY-MM-DD)',
		},
		{
			displayName: 'Until',
			name: 'until',
			type: 'string',
			default: '',
			placeholder: '2027-07-31',
			description: 'The last day with no visit (YYYY-MM-DD); the visits after it stay booked',
		},
		reasonProperty('pauseSeries', 'series paused'),
		idempotencyKeyProperty,
	],
);

/** The series' visits from one day through another are cancelled (a holiday away, a renovation); the others stay. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeriesVisits(this, i, op, 'pauseSeries', {
		from: readDay(this, 'from', i, op),
		until: readDay(this, 'until', i, op),
		reason: readAsked(this, 'reason', i, op),
	});
}
