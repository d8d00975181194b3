import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import type { OperationContext } from './common';
import { contractIdProperty } from './renew.operation';
import { changeContract } from './renewal';

export const description = updateDisplayOptions({ show: { operation: ['end'] } }, [
	contractIdProperty,
	{
		displayName: 'Ends',
		name: 'ends',
		type: 'options',
		default: 'termEnd',
		options: [
			{
				name: 'At the End of the Term',
				value: 'termEnd',
				description: 'It runs its term and does not renew',
			},
			{
				name: 'As Soon as the Notice Allows',
				value: 'soonest',
				description:
					"Today plus the agreement's notice period (30 days unless its terms say otherwise)",
			},
			{
				name: 'On a Day Asked For',
				value: 'date',
				description: 'The day below, but not before the notice allows',
			},
		],
		description:
			'From the case, a day the customer asked for ("customer_change.last_day") wins over this',
	},
	{
		displayName: 'Last Day Asked For',
		name: 'lastDay',
		displayOptions: { show: { ends: ['date'] } },
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
