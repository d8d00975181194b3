/** Confirm a hold, cancel, get, record the crew's progress: operations on one booking, named by its ID. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Additions } from '../../../shared/n8n/items';
import { schedule, type Operation } from '../../schedule';
import type { ScheduleRequest } from '../../request';
import {
	readBookingId,
	readIdempotencyKey,
	readScheduleOptions,
	type OperationContext,
} from '../common';

export async function onBooking(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	operation: Extract<Operation, 'confirmHold' | 'cancel' | 'get' | 'progress' | 'customerChange'>,
	extra: Pick<
		ScheduleRequest,
		| 'reason'
		| 'step'
		| 'note'
		| 'change'
		| 'start'
		| 'until'
		| 'notice_hours'
		| 'crew_id'
		| 'series'
	> = {},
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation,
			booking_id: readBookingId(ctx, i, op.source),
			idempotency_key: operation === 'get' ? null : readIdempotencyKey(ctx, i, op.source),
			...extra,
		},
		await readScheduleOptions(ctx, i, op, false),
	);
	return [{ json: { booking: result as unknown as IDataObject } }];
}
