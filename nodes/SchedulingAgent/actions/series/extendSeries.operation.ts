import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeriesVisits, readDay, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['extendSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '={{ $json.renewal?.start_date }}',
			placeholder: '2027-12-01',
			description:
				"The new term's first day (YYYY-MM-DD); after Renew, the renewed agreement's start",
		},
		{
			displayName: 'Until',
			name: 'until',
			type: 'string',
			default: '={{ $json.renewal?.end_date }}',
			placeholder: '2028-11-30',
			description: "The new term's last day (YYYY-MM-DD); after Renew, the renewed agreement's end",
		},
		idempotencyKeyProperty,
	],
);

/**
 * A renewed agreement's next term: the series' visits from one day through another, on its own
 * day and time (holidays skipped, a taken time moved within its day, what no crew can take
 * listed under conflicts). A day that already has a visit of the series is left as it is.
 */
// The new term's days are the renewal's (the parameters' defaults), never a day read from a request.
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeriesVisits(this, i, op, 'extendSeries', {
		from: readDay(this, 'from', i, null),
		until: readDay(this, 'until', i, op, 'last_day'),
	});
}
