import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { contractsDue } from '../contract';
import type { Additions } from '../../shared/n8n/items';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['listDue'] } }, [
	{
		displayName: 'Within (Days)',
		name: 'withinDays',
		type: 'number',
		default: 30,
		description: 'Active contracts whose term ends within this many days',
	},
]);

/** Version 1 listed once, one item per contract with only `contract` (kept for saved workflows). */
export async function listDueVersion1(
	ctx: IExecuteFunctions,
	op: Pick<OperationContext, 'store'>,
): Promise<INodeExecutionData[][]> {
	const due = await contractsDue(ctx.getNodeParameter('withinDays', 0) as number, op);
	return [due.map((contract) => ({ json: { contract }, pairedItem: { item: 0 } }))];
}

/** One item per contract due: the input with the contract under `contract` and its customer under `customer`. */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const due = await contractsDue(this.getNodeParameter('withinDays', i) as number, op);
	return due.map((contract) => ({
		json: {
			contract: contract as unknown as IDataObject,
			customer: (contract.customer ?? null) as IDataObject | null,
		},
	}));
}
