import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { voidInvoice } from '../invoice';
import { optionalText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';
import { invoiceOut, invoiceRefProperty, pdfProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['voidInvoice'] } }, [
	invoiceRefProperty,
	pdfProperty,
]);

/** An open invoice billed by mistake is voided: it keeps its number (no gap) and nothing is owed. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	return await invoiceOut(
		this,
		i,
		await voidInvoice(op.store, optionalText(this, 'invoice', i) ?? '', Date.now()),
	);
}
