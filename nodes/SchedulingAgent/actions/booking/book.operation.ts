import type { Additions } from '../../../shared/n8n/items';
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { schedule } from '../../schedule';
import {
	crewIdProperty,
	customerProperty,
	idempotencyKeyProperty,
	jobProperties,
	preferenceProperties,
	priorityProperties,
	readCustomer,
	readCaseId,
	readIdempotencyKey,
	readJob,
	readPreference,
	readPriority,
	readScheduleOptions,
	offeredTimesOnlyProperty,
	startProperty,
	type OperationContext,
} from '../common';
import { caseOf } from '../../../shared/n8n/inputs';
import { optionalText } from '../../../shared/n8n/parameters';
import { decidedSlotFromCase } from '../../case';

export const bookingInputProperties: INodeProperties[] = [
	...jobProperties,
	...priorityProperties,
	...preferenceProperties,
	startProperty,
	offeredTimesOnlyProperty,
	crewIdProperty,
	customerProperty,
	idempotencyKeyProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['book'] } },
	bookingInputProperties,
);

/** Book (or, with `held`, hold) the earliest slot that fits, an exact start, or the earliest crew within an emergency's deadline. */
export async function bookOrHold(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	held: boolean,
): Promise<Additions[]> {
	// From the case, a time a person chose (decision.slot) is booked exactly, unless the node names one.
	const decided = op.source === 'case' ? decidedSlotFromCase(caseOf(ctx, i)) : null;
	const result = await schedule(
		{
			operation: held ? 'hold' : 'book',
			job: readJob(ctx, i, op.source),
			...readPriority(ctx, i, op.source),
			preference: readPreference(ctx, i, op.source),
			start: optionalText(ctx, 'start', i) ?? decided?.start ?? null,
			offered_times_only: ctx.getNodeParameter('offeredTimesOnly', i, false) as boolean,
			crew_id: optionalText(ctx, 'crewId', i) ?? decided?.crew_id ?? null,
			hold_minutes: held ? (ctx.getNodeParameter('holdMinutes', i) as number) : null,
			customer: readCustomer(ctx, i, op.source),
			idempotency_key: readIdempotencyKey(ctx, i, op.source),
			case_id: readCaseId(ctx, i, op.source),
		},
		await readScheduleOptions(ctx, i, op, true),
	);
	return [{ json: { booking: result as unknown as IDataObject } }];
}

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await bookOrHold(this, i, op, false);
}
