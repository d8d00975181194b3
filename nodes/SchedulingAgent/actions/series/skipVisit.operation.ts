import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeriesVisits, readAsked, readDay, reasonProperty, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['skipVisit'] } },
	[
		seriesIdProperty,
		{
			displayName: 'Date',
			name: 'date',
			type: 'string',
			default: '',
			placeholder: '2027-03-16',
			description: 'The day of the visit to skip (YYYY-MM-DD)',
		},
		reasonProperty('skipVisit', 'visit skipped'),
		idempotencyKeyProperty,
	],
);

/** One visit of the series, on the day named, is cancelled; the others stay. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeriesVisits(this, i, op, 'skipVisit', {
		date: readDay(this, 'date', i, op),
		reason: readAsked(this, 'reason', i, op),
	});
}
