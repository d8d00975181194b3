import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { invoiceVisit, NotBilledError } from '../invoice';
import { at, textAt } from '../../shared/case';
import { caseOf, missingFromCase, definedBelow } from '../../shared/n8n/inputs';
import { optionalText } from '../../shared/n8n/parameters';
import type { OperationContext } from './common';
import { invoiceOut, pdfProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['invoiceVisit'] } }, [
	{
		displayName: 'Visit (Booking ID)',
		name: 'bookingId',
		type: 'string',
		default: '={{ $json.booking?.booking_id }}',
		displayOptions: definedBelow,
		description: 'The visit to bill: one the crew marked done',
	},
	{
		displayName: 'Number Series',
		name: 'series',
		type: 'string',
		default: 'INV',
		description:
			"The invoice numbers' prefix: each series is numbered without a gap, as INV-000001",
	},
	{
		displayName: 'Due (Days)',
		name: 'dueDays',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0, maxValue: 365 },
		description: 'Days from the invoice to its due date',
	},
	{
		displayName: 'Agreements Billed by the Month',
		name: 'agreementsMonthly',
		type: 'boolean',
		default: false,
		displayOptions: definedBelow,
		description:
			"Whether a visit of a signed agreement waits for its month's invoice (Bill a Month of Agreements) instead of being billed on its own (from the case: business.monthly_billing)",
	},
	pdfProperty,
]);

/**
 * Bills a visit the crew marked done, at the quote the customer agreed (a series visit in a
 * renewed term, at the renewed price). Billing the same visit again gives its invoice back. A
 * visit with no agreed quote on record gives no invoice (`invoice` null, `not_billed` says why).
 */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	let bookingId: string | null;
	let business: { name: string | null; email: string | null; address: string | null } | null = null;
	if (op.source === 'case') {
		const item = caseOf(this, i);
		bookingId = textAt(item, 'booking', 'booking_id');
		if (!bookingId)
			throw missingFromCase(this, i, 'booking.booking_id', 'the visit to bill', item.booking);
		business = {
			name: textAt(item, 'business', 'name'),
			email: textAt(item, 'business', 'email'),
			address: textAt(item, 'business', 'address'),
		};
	} else bookingId = optionalText(this, 'bookingId', i);
	try {
		const { invoice, created } = await invoiceVisit(
			op.store,
			{
				booking_id: bookingId ?? '',
				series: optionalText(this, 'series', i),
				due_days: this.getNodeParameter('dueDays', i, 15) as number,
				business,
				agreements_monthly:
					op.source === 'case'
						? at(caseOf(this, i), 'business', 'monthly_billing') === true
						: (this.getNodeParameter('agreementsMonthly', i, false) as boolean),
			},
			Date.now(),
		);
		return await invoiceOut(this, i, invoice, { invoice_created: created });
	} catch (error) {
		// Nothing to bill from (booked before invoices were kept, or by hand), or billed with its month: not a failure.
		if (error instanceof NotBilledError)
			return [{ json: { invoice: null, invoice_created: false, not_billed: error.message } }];
		throw error;
	}
}
