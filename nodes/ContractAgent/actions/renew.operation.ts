import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { definedBelow } from '../../shared/n8n/inputs';
import type { OperationContext } from './common';
import { changeContract } from './renewal';

export const contractIdProperty: INodeProperties = {
	displayName: 'Contract ID',
	name: 'contractId',
	type: 'string',
	default: '={{ $json.contract_id ?? $json.contract?.contract_id }}',
	displayOptions: definedBelow,
};

export const description = updateDisplayOptions({ show: { operation: ['renew'] } }, [
	contractIdProperty,
	{
		displayName: 'Price Change (%)',
		name: 'priceChangePct',
		type: 'number',
		default: 0,
		description: 'For example 3 for a 3% increase',
	},
]);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await changeContract(this, i, op, 'renew');
}
