/** Confirm or release the held visits of a series: operations on the series an agreement was written for. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { bookingInputsFromCase } from '../../case';
import { schedule, type ScheduleRequest } from '../../schedule';
import { caseOf, definedBelow, missingFromCase } from '../../../shared/n8n/inputs';
import type { Additions } from '../../../shared/n8n/items';
import { optionalText } from '../../../shared/n8n/parameters';
import { readIdempotencyKey, readScheduleOptions, type OperationContext } from '../common';

export const seriesIdProperty = {
	displayName: 'Series ID',
	name: 'seriesId',
	type: 'string' as const,
	default: '={{ $json.booking?.series_id }}',
	displayOptions: definedBelow,
};

function readSeriesId(ctx: IExecuteFunctions, i: number, op: OperationContext) {
	if (op.source === 'define') return optionalText(ctx, 'seriesId', i);
	const item = caseOf(ctx, i);
	const id = bookingInputsFromCase(item).series_id;
	if (!id)
		throw missingFromCase(
			ctx,
			i,
			'booking.series_id',
			'the series booked with the agreement (signature.series_id after a signature)',
			item.booking,
		);
	return id;
}

/**
 * A change to a series over its life (extendSeries, changeSeries, pauseSeries, skipVisit,
 * endSeries): the visits it booked or cancelled go under `series_visits`, beside the case.
 */
export async function onSeriesVisits(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	operation: 'extendSeries' | 'changeSeries' | 'pauseSeries' | 'skipVisit' | 'endSeries',
	extra: Partial<ScheduleRequest>,
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation,
			series_id: readSeriesId(ctx, i, op),
			idempotency_key: readIdempotencyKey(ctx, i, op.source),
			...extra,
		},
		await readScheduleOptions(ctx, i, op, false),
	);
	return [{ json: { series_visits: result as unknown as IDataObject } }];
}

/** A day parameter (YYYY-MM-DD); a date the expression gave as a full time is cut to its day. */
export function readDay(ctx: IExecuteFunctions, name: string, i: number): string | null {
	const value = optionalText(ctx, name, i);
	return value && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
}

export const reasonProperty = (operation: string, fallback: string) => ({
	displayName: 'Reason',
	name: 'reason',
	type: 'string' as const,
	default: '',
	placeholder: fallback,
	description: `Kept on each cancelled visit (empty: "${fallback}")`,
	displayOptions: { show: { operation: [operation] } },
});

export async function onSeries(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	operation: 'confirmSeries' | 'releaseSeries',
	extra: { reason?: string | null } = {},
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation,
			series_id: readSeriesId(ctx, i, op),
			idempotency_key: readIdempotencyKey(ctx, i, op.source),
			...extra,
		},
		await readScheduleOptions(ctx, i, op, false),
	);
	// Under its own key: the case's `booking` (the series as booked, for the invite) stays as it is.
	return [{ json: { held_visits: result as unknown as IDataObject } }];
}
