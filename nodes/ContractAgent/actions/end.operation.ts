import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import type { OperationContext } from './common';
import { contractIdProperty } from './renew.operation';
import { changeContract } from './renewal';

export const description = updateDisplayOptions({ show: { operation: ['end'] } }, [
	contractIdProperty,
]);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await changeContract(this, i, op, 'end');
}
