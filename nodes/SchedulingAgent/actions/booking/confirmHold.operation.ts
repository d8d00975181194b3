import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { bookingIdProperty, idempotencyKeyProperty, type OperationContext } from '../common';
import { onBooking } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['confirmHold'] } },
	[bookingIdProperty, idempotencyKeyProperty],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onBooking(this, i, op, 'confirmHold');
}
