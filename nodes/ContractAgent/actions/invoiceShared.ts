/** What the invoice operations share: the PDF attached under a binary property, and the invoice named by id or number. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { textAt } from '../../shared/case';
import { caseOf, definedBelow, missingFromCase } from '../../shared/n8n/inputs';
import { optionalText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';

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

/** The visit a deposit operation is about, as a parameter shown when the inputs are defined below. */
export const depositVisitProperty = (description: string): INodeProperties => ({
	displayName: 'Visit (Booking ID)',
	name: 'bookingId',
	type: 'string',
	default: '',
	displayOptions: definedBelow,
	description: `${description} (from the case: booking.booking_id)`,
});

/** That visit's id: the case's booking.booking_id (a series: its first visit), or the parameter; missing, an error naming it. */
export function depositVisitOf(
	ctx: IExecuteFunctions,
	i: number,
	op: OperationContext,
	what: string,
): string {
	const item = caseOf(ctx, i);
	// A series (an agreement's visits): its first visit.
	const first = (item.booking as { occurrences?: Array<{ booking_id?: unknown }> } | undefined)
		?.occurrences?.[0]?.booking_id;
	const bookingId =
		op.source === 'case'
			? (textAt(item, 'booking', 'booking_id') ?? (typeof first === 'string' ? first : null))
			: optionalText(ctx, 'bookingId', i);
	if (!bookingId) throw missingFromCase(ctx, i, 'booking.booking_id', what, item.booking);
	return bookingId;
}
