import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { bookingIdProperty, type OperationContext } from '../common';
import { onBooking } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['get'] } },
	[bookingIdProperty],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onBooking(this, i, op, 'get');
}
