import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { getInvoice, InvoiceInputError } from '../invoice';
import { optionalText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';
import { invoiceOut, invoiceRefProperty, pdfProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['getInvoice'] } }, [
	invoiceRefProperty,
	pdfProperty,
]);

/** One invoice by its ID or number, with its PDF. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	const ref = optionalText(this, 'invoice', i) ?? '';
	const invoice = await getInvoice(op.store, ref);
	if (!invoice) throw new InvoiceInputError('invoice', `No invoice ${ref}.`);
	return await invoiceOut(this, i, invoice);
}
