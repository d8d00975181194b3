import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeries, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['confirmSeries'] } },
	[seriesIdProperty, idempotencyKeyProperty],
);

/** The agreement is signed: its held visits become confirmed (a lapsed one is listed under conflicts). */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onSeries(this, i, op, 'confirmSeries');
}
