import type { INodeProperties } from 'n8n-workflow';

import * as book from './book.operation';
import * as cancel from './cancel.operation';
import * as confirmHold from './confirmHold.operation';
import * as customerChange from './customerChange.operation';
import * as get from './get.operation';
import * as hold from './hold.operation';
import * as list from './list.operation';
import * as progress from './progress.operation';
import * as reschedule from './reschedule.operation';

export { book, cancel, confirmHold, customerChange, get, hold, list, progress, reschedule };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'book',
		displayOptions: { show: { resource: ['booking'] } },
		options: [
			{
				name: 'Apply a Customer’s Change',
				value: 'customerChange',
				action: 'Apply a customer change to a visit',
				description:
					'What the customer asked on their link: move the visit, cancel it, or skip one visit of a series, under the notice the business requires',
			},
			{
				name: 'Book',
				value: 'book',
				action: 'Book a crew',
				description:
					'Book the earliest slot that fits (or an exact start); priority 10 books the earliest crew within the deadline',
			},
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a booking',
				description: 'Cancel a booking',
			},
			{
				name: 'Confirm Hold',
				value: 'confirmHold',
				action: 'Confirm a held booking',
				description: 'Turn a hold into a confirmed booking (if it has not expired)',
			},
			{ name: 'Get', value: 'get', action: 'Get a booking', description: 'Read one booking' },
			{
				name: 'Hold',
				value: 'hold',
				action: 'Hold a slot',
				description: 'Reserve a slot for a while (for example until the customer signs)',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List bookings',
				description:
					'Confirmed bookings starting within the next hours, and optionally those that started lately (for reminders and review requests)',
			},
			{
				name: 'Record Visit Progress',
				value: 'progress',
				action: 'Record the crew progress on a visit',
				description:
					'On its way, started, done (completes the visit) or could not do it, as the crew reports it',
			},
			{
				name: 'Reschedule',
				value: 'reschedule',
				action: 'Reschedule a booking',
				description: 'Move a booking to a new start or a new preference',
			},
		],
	},
	...book.description,
	...hold.description,
	...confirmHold.description,
	...cancel.description,
	...get.description,
	...list.description,
	...reschedule.description,
	...progress.description,
	...customerChange.description,
];
