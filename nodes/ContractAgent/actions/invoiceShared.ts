/** What the invoice operations share: the PDF attached under a binary property, and the invoice named by id or number. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invoicePdf, type Invoice } from '../invoice';
import type { Additions } from '../../shared/n8n/items';

export const pdfProperty: INodeProperties = {
	displayName: 'PDF Binary Property',
	name: 'binaryProperty',
	type: 'string',
	default: 'invoice',
	description:
		"Where the invoice's PDF goes on the item (to attach it to an e-mail); empty: no PDF",
};

export const invoiceRefProperty: INodeProperties = {
	displayName: 'Invoice',
	name: 'invoice',
	type: 'string',
	default: '={{ $json.invoice?.invoice_id }}',
	placeholder: 'in_... or INV-000042',
	description: "The invoice's ID or its number",
};

/** The invoice under `invoice`, with its PDF when a binary property is set. */
export async function invoiceOut(
	ctx: IExecuteFunctions,
	i: number,
	invoice: Invoice,
	extra: IDataObject = {},
): Promise<Additions[]> {
	const property = String(ctx.getNodeParameter('binaryProperty', i, 'invoice') ?? '').trim();
	const binary: IBinaryKeyData | null = property
		? {
				[property]: await ctx.helpers.prepareBinaryData(
					Buffer.from(await invoicePdf(invoice)),
					`invoice-${invoice.invoice_number}.pdf`,
					'application/pdf',
				),
			}
		: null;
	return [{ json: { invoice: invoice as unknown as IDataObject, ...extra }, binary }];
}
