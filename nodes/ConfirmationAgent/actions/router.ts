/** Runs the chosen operation over every item, with the booking store opened once. */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { readInputSource } from '../../shared/n8n/inputs';
import { runPerItem, type Additions } from '../../shared/n8n/items';
import { readStoreConfig } from '../../shared/n8n/store';
import { openStore } from '../../shared/store';
import type { OperationContext } from './common';
import * as compose from './compose.operation';
import * as followUp from './followUp.operation';
import * as recordSmsReply from './recordSmsReply.operation';

type Execute = (this: IExecuteFunctions, i: number, op: OperationContext) => Promise<Additions[]>;

const OPERATIONS: Record<string, Execute> = {
	compose: compose.execute,
	followUp: followUp.execute,
	recordSmsReply: recordSmsReply.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS[operation];
	if (!execute)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`, {
			description: `Choose one of: ${Object.keys(OPERATIONS).join(', ')}.`,
		});
	const context: OperationContext = {
		source: readInputSource(this),
		store: await openStore(await readStoreConfig(this)),
	};
	return await runPerItem(this, async (i) => await execute.call(this, i, context));
}
