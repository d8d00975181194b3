import type { Additions } from '../../../shared/n8n/items';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { schedule } from '../../schedule';
import { readScheduleOptions, type OperationContext } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['list'] } },
	[
		{
			displayName: 'Starting Within (Hours)',
			name: 'withinHours',
			type: 'number',
			default: 24,
			description: 'Confirmed bookings that start between now and this many hours from now',
		},
		{
			displayName: 'Look Back (Hours)',
			name: 'lookBackHours',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description:
				'Also list bookings that started up to this many hours ago (e.g. 120, so that review requests can follow the visits). 0 lists only bookings still to start.',
		},
		{
			displayName:
				'One item per booking: the booking under "booking" and its customer under "customer", so the next agent reads each visit as a case',
			name: 'listNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		},
	],
);

/**
 * Version 2: one item per booking (n8n's convention for listing), each the
 * input with the booking under `booking` and its customer under `customer`.
 * Version 1: one item with every booking in `booking.bookings`.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation: 'list',
			within_hours: this.getNodeParameter('withinHours', i) as number,
			look_back_hours: this.getNodeParameter('lookBackHours', i, 0) as number,
		},
		await readScheduleOptions(this, i, op, false),
	);
	if (this.getNode().typeVersion < 2)
		return [{ json: { booking: result as unknown as IDataObject } }];
	return result.bookings.map((booking) => ({
		json: {
			booking: booking as unknown as IDataObject,
			customer: (booking.customer ?? null) as IDataObject | null,
		},
	}));
}
