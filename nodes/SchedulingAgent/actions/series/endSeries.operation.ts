import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeriesVisits, readAsked, readDay, reasonProperty, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['endSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'Last Day',
			name: 'until',
			type: 'string',
			default: '={{ $json.renewal?.end_date }}',
			placeholder: '2027-06-30',
			description:
				"The last day with a visit (YYYY-MM-DD): after the Contract Agent's Mark as Ending, the agreement's last day under its notice terms",
		},
		reasonProperty('endSeries', 'series ended'),
		idempotencyKeyProperty,
	],
);

/**
 * The series ends: its visits after the last day are cancelled and no later term is booked for
 * it. The last day is the agreement's (its notice applied), never a day read from a request.
 */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeriesVisits(this, i, op, 'endSeries', {
		until: readDay(this, 'until', i, null),
		reason: readAsked(this, 'reason', i, op),
	});
}
