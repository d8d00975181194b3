import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { at, textAt } from '../../shared/case';
import { caseOf, definedBelow } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { optionalText } from '../../shared/n8n/parameters';
import { giveCredit } from '../../shared/records/credits';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['giveCredit'] } }, [
	{
		displayName:
			"The customer's next invoices use the credit before anything is charged (a visit's bill or a month's), oldest credit first; each use shows on the invoice's payments.",
		name: 'giveCreditNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		default: '',
		placeholder: 'cu_...',
		displayOptions: definedBelow,
		description: 'The customer the credit is for (from the case: customer_id)',
	},
	{
		displayName: 'Amount (Cents)',
		name: 'amountCents',
		type: 'number',
		default: 0,
		displayOptions: definedBelow,
		description: 'The credit, in cents (from the case: credit.amount_cents)',
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			'Why it is given, kept with it and shown to ops, e.g. "Crew arrived two hours late" (from the case: credit.reason)',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: 'USD',
		displayOptions: definedBelow,
		description: 'Three letters; a credit is used only by invoices in its currency',
	},
	{
		displayName: 'Key',
		name: 'source',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			'The same key gives the same credit back (a form sent twice); empty: a new credit each time (from the case: credit.key)',
	},
]);

/** A credit for a customer (goodwill, a billing mistake), used by their next invoices before any card. */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const item = caseOf(this, i);
	const fromCase = op.source === 'case';
	const given = await giveCredit(
		op.store,
		fromCase
			? {
					customer_id: String(item.customer_id ?? ''),
					amount_cents: at(item, 'credit', 'amount_cents') as number,
					currency: textAt(item, 'credit', 'currency') ?? textAt(item, 'business', 'currency'),
					reason: textAt(item, 'credit', 'reason') ?? '',
					source: textAt(item, 'credit', 'key'),
				}
			: {
					customer_id: optionalText(this, 'customerId', i) ?? '',
					amount_cents: this.getNodeParameter('amountCents', i, 0) as number,
					currency: optionalText(this, 'currency', i),
					reason: optionalText(this, 'reason', i) ?? '',
					source: optionalText(this, 'source', i),
				},
		Date.now(),
	);
	return [
		{
			json: {
				credit: { ...given.credit, created: given.created } as unknown as IDataObject,
				credit_balance_cents: given.balance_cents,
			},
		},
	];
}
