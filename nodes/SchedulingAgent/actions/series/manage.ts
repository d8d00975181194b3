/** Confirm, release or keep holding the held visits of a series: operations on the series an agreement was written for. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { bookingInputsFromCase } from '../../case';
import { schedule, type ScheduleRequest } from '../../schedule';
import { caseOf, definedBelow, missingFromCase } from '../../../shared/n8n/inputs';
import type { Additions } from '../../../shared/n8n/items';
import { optionalText } from '../../../shared/n8n/parameters';
import { textAt } from '../../../shared/case';
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

/**
 * What a change to the series asks (a day, a reason, a new day or time): from the case, what
 * ops' form or a flow put under `series_change` wins; otherwise the parameter (whose default may
 * read the case, as Book the Next Term's reads the renewal).
 */
export function readAsked(
	ctx: IExecuteFunctions,
	name: string,
	i: number,
	/** null: the parameter only. */
	op: OperationContext | null,
	caseField = name,
): string | null {
	const fromCase =
		op?.source === 'case' ? textAt(caseOf(ctx, i), 'series_change', caseField) : null;
	return fromCase ?? optionalText(ctx, name, i);
}

/** A day (YYYY-MM-DD) asked for; a date given as a full time is cut to its day. */
export function readDay(
	ctx: IExecuteFunctions,
	name: string,
	i: number,
	op: OperationContext | null,
	caseField = name,
): string | null {
	const value = readAsked(ctx, name, i, op, caseField);
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
	operation: 'confirmSeries' | 'releaseSeries' | 'holdSeries',
	extra: { reason?: string | null; hold_minutes?: number | null } = {},
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
