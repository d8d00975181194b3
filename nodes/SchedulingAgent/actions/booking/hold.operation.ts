import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import type { OperationContext } from '../common';
import { bookingInputProperties, bookOrHold } from './book.operation';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['hold'] } },
	[
		...bookingInputProperties,
		{
			displayName: 'Hold For (Minutes)',
			name: 'holdMinutes',
			type: 'number',
			default: 30,
			description: 'How long the slot stays reserved before it is free again',
		},
	],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await bookOrHold(this, i, op, true);
}
