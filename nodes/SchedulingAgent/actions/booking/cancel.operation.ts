import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { bookingIdProperty, idempotencyKeyProperty, type OperationContext } from '../common';
import { optionalText } from '../../../shared/n8n/parameters';
import { onBooking } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['cancel'] } },
	[
		bookingIdProperty,
		{
			displayName: 'Cancel Reason',
			name: 'reason',
			type: 'string',
			default: 'cancelled by customer',
		},
		idempotencyKeyProperty,
	],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await onBooking(this, i, op, 'cancel', { reason: optionalText(this, 'reason', i) });
}
