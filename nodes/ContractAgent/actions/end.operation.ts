import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import type { OperationContext } from './common';
import { contractIdProperty } from './renew.operation';
import { changeContract } from './renewal';

export const description = updateDisplayOptions({ show: { operation: ['end'] } }, [
	contractIdProperty,
	{
		displayName: 'Last Day Asked For',
		name: 'lastDay',
		type: 'string',
		default: '',
		placeholder: '2027-03-31',
		description:
			"The day the customer wants the agreement to end (YYYY-MM-DD). Empty: at the end of the term. Never earlier than today plus the agreement's notice period, never later than the end of its term.",
	},
]);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await changeContract(this, i, op, 'end');
}
