/** Renew and Mark as Ending: a change to one contract, named by its ID. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { contractIdFromCase } from '../case';
import { contractForSeries, renewContract } from '../contract';
import { caseOf, missingFromCase } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { optionalText, requireText } from '../../shared/n8n/parameters';
import { textAt } from '../../shared/case';
import type { OperationContext } from './common';

export async function changeContract(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	action: 'renew' | 'end',
): Promise<Additions[]> {
	let id: string;
	if (op.source === 'case') {
		const item = caseOf(ctx, i);
		// A customer ending their series from a visit's page: the agreement written for that series.
		const seriesId = textAt(item, 'booking', 'series_id');
		const fromCase =
			contractIdFromCase(item) ??
			(seriesId ? ((await contractForSeries(seriesId, op.store))?.id ?? null) : null);
		if (!fromCase)
			throw missingFromCase(
				ctx,
				i,
				'contract.contract_id',
				'the contract to change',
				item.contract,
			);
		id = fromCase;
	} else id = requireText(ctx, 'contractId', 'Contract ID', i, '{{ $json.contract.contract_id }}');
	const result = await renewContract(
		id,
		{
			action,
			price_change_pct:
				action === 'renew' ? (ctx.getNodeParameter('priceChangePct', i, 0) as number) : null,
			...(action === 'end' ? readEnds(ctx, i, op) : {}),
		},
		{ store: op.store },
	);
	return [{ json: { renewal: result as unknown as IDataObject } }];
}

/** When an ended agreement's last day falls: the day asked on the case (ops' form, a customer's change), else the node's choice. */
function readEnds(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
): { ends: 'termEnd' | 'soonest' | 'date'; last_day: string | null } {
	const item = op.source === 'case' ? caseOf(ctx, i) : null;
	const asked = item
		? (textAt(item, 'series_change', 'last_day') ?? textAt(item, 'customer_change', 'last_day'))
		: null;
	if (asked) return { ends: 'date', last_day: asked };
	const ends = ctx.getNodeParameter('ends', i, 'termEnd') as 'termEnd' | 'soonest' | 'date';
	return { ends, last_day: ends === 'date' ? optionalText(ctx, 'lastDay', i) : null };
}
