/**
 * Runs the chosen operation over every item. Operation names are unique across
 * the three resources, so the operation alone picks the code (as version 1 did).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { readInputSource } from '../../shared/n8n/inputs';
import { runPerItem, type Additions } from '../../shared/n8n/items';
import { readStoreConfig } from '../../shared/n8n/store';
import * as booking from './booking/Booking.resource';
import type { OperationContext } from './common';
import * as series from './series/Series.resource';
import * as slot from './slot/Slot.resource';

type Execute = (this: IExecuteFunctions, i: number, op: OperationContext) => Promise<Additions[]>;

const OPERATIONS: Record<string, Execute> = {
	book: booking.book.execute,
	hold: booking.hold.execute,
	confirmHold: booking.confirmHold.execute,
	cancel: booking.cancel.execute,
	get: booking.get.execute,
	list: booking.list.execute,
	reschedule: booking.reschedule.execute,
	progress: booking.progress.execute,
	customerChange: booking.customerChange.execute,
	bookSeries: series.bookSeries.execute,
	confirmSeries: series.confirmSeries.execute,
	releaseSeries: series.releaseSeries.execute,
	holdSeries: series.holdSeries.execute,
	extendSeries: series.extendSeries.execute,
	changeSeries: series.changeSeries.execute,
	pauseSeries: series.pauseSeries.execute,
	skipVisit: series.skipVisit.execute,
	endSeries: series.endSeries.execute,
	findSlots: slot.findSlots.execute,
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
		store: await readStoreConfig(this),
	};
	return await runPerItem(this, async (i) => await execute.call(this, i, context));
}
