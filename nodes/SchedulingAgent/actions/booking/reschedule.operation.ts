import type { Additions } from '../../../shared/n8n/items';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { schedule } from '../../schedule';
import {
	bookingIdProperty,
	crewIdProperty,
	idempotencyKeyProperty,
	preferenceProperties,
	readBookingId,
	readIdempotencyKey,
	readPreference,
	readScheduleOptions,
	startProperty,
	type OperationContext,
} from '../common';
import { optionalText } from '../../../shared/n8n/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['reschedule'] } },
	[
		bookingIdProperty,
		...preferenceProperties,
		startProperty,
		crewIdProperty,
		idempotencyKeyProperty,
	],
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation: 'reschedule',
			booking_id: readBookingId(this, i, op.source),
			preference: readPreference(this, i, op.source),
			start: optionalText(this, 'start', i),
			crew_id: optionalText(this, 'crewId', i),
			idempotency_key: readIdempotencyKey(this, i, op.source),
		},
		await readScheduleOptions(this, i, op, true),
	);
	return [{ json: { booking: result as unknown as IDataObject } }];
}
