import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { optionalText } from '../../../shared/n8n/parameters';
import { onSeries, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['releaseSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'Release Reason',
			name: 'reason',
			type: 'string',
			default: 'agreement_not_signed',
			description: 'Kept on each released visit (cancel reason)',
		},
		idempotencyKeyProperty,
	],
);

/** The agreement was not signed (or was declined): its held visits are let go and the crews are free again. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeries(this, i, op, 'releaseSeries', { reason: optionalText(this, 'reason', i) });
}
