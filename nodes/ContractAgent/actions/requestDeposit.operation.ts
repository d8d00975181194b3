import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { at, textAt } from '../../shared/case';
import { caseOf, definedBelow } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { optionalText } from '../../shared/n8n/parameters';
import { requestDeposit } from '../../shared/records/deposits';
import type { OperationContext } from './common';
import { depositVisitOf, depositVisitProperty, invoiceOut, pdfProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['requestDeposit'] } }, [
	depositVisitProperty('The visit the deposit is paid toward'),
	{
		displayName: 'Amount (Cents)',
		name: 'amountCents',
		type: 'number',
		default: 0,
		displayOptions: definedBelow,
		description: 'The deposit, in cents (from the case: deposit.amount_cents)',
	},
	{
		displayName: 'Label',
		name: 'label',
		type: 'string',
		default: 'Call-out fee',
		displayOptions: definedBelow,
		description:
			'What the customer reads on the invoice and the payment page (from the case: deposit.label)',
	},
	{
		displayName: 'Resume URL',
		name: 'resumeUrl',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			"The Wait node's resume address, so the flow goes on when it is paid (from the case: resume_url)",
	},
	{
		displayName: 'Number Series',
		name: 'series',
		type: 'string',
		default: 'INV',
		description: "The invoice numbers' prefix (the same sequence as the visits' invoices)",
	},
	{ ...pdfProperty, default: '' },
]);

/**
 * The deposit for a visit (an emergency's call-out fee): its own invoice, once per visit, paid
 * through Stripe; when Stripe says it is paid, the Payments workflow resumes the execution
 * waiting at `resume_url`. The visit's invoice later counts it as paid.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const item = caseOf(this, i);
	const fromCase = op.source === 'case';
	const bookingId = depositVisitOf(this, i, op, 'the visit the deposit is for');
	const { invoice, created, resume_url } = await requestDeposit(
		op.store,
		{
			booking_id: bookingId,
			amount_cents: Number(
				fromCase ? at(item, 'deposit', 'amount_cents') : this.getNodeParameter('amountCents', i, 0),
			),
			label: fromCase ? textAt(item, 'deposit', 'label') : optionalText(this, 'label', i),
			currency: textAt(item, 'quote', 'currency') ?? textAt(item, 'business', 'currency'),
			resume_url: fromCase ? textAt(item, 'resume_url') : optionalText(this, 'resumeUrl', i),
			series: optionalText(this, 'series', i),
			business: {
				name: textAt(item, 'business', 'name'),
				email: textAt(item, 'business', 'email'),
				address: textAt(item, 'business', 'address'),
			},
		},
		Date.now(),
	);
	return await invoiceOut(this, i, invoice, { invoice_created: created, deposit: { resume_url } });
}
