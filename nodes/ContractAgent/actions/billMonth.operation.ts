import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { textAt } from '../../shared/case';
import { caseOf, definedBelow, missingFromCase } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { optionalText } from '../../shared/n8n/parameters';
import { billMonth, cardLinkUrl } from '../../shared/records/monthly';
import type { OperationContext } from './common';
import { invoiceOut, pdfProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['billMonth'] } }, [
	{
		displayName: 'Month',
		name: 'month',
		type: 'string',
		default: '',
		placeholder: '2026-11',
		description:
			"The month to bill (YYYY-MM, once it is over); empty: last month in the business's time zone",
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'America/New_York',
		displayOptions: definedBelow,
		description: "The business's time zone (an IANA name): where a month begins and ends",
	},
	{
		displayName: 'Number Series',
		name: 'series',
		type: 'string',
		default: 'INV',
		description: "The invoice numbers' prefix (the same sequence as the visits' invoices)",
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
		displayName: 'Card Page URL',
		name: 'cardPageUrl',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			"Where a customer saves a card (the Payments workflow's /webhook/card); a signed link to it goes with each invoice no saved card pays. Empty: no link. From the case: business.card_page_url.",
	},
	pdfProperty,
]);

/**
 * Bills last month's visits of every signed agreement of a regular service: one invoice per
 * agreement and month, numbered without gaps, one item per invoice made (a second run makes
 * none). `autopay` says whether a saved card pays it (then List Charges Due hands it out);
 * otherwise `links.card_url` is the customer's page to save one.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const item = caseOf(this, i);
	const fromCase = op.source === 'case';
	const zone = fromCase ? textAt(item, 'business', 'time_zone') : optionalText(this, 'timeZone', i);
	if (!zone)
		throw missingFromCase(this, i, 'business.time_zone', "the business's time zone", item.business);
	const run = await billMonth(
		op.store,
		{
			time_zone: zone,
			month: optionalText(this, 'month', i),
			series: optionalText(this, 'series', i),
			due_days: this.getNodeParameter('dueDays', i, 15) as number,
			business: {
				name: textAt(item, 'business', 'name'),
				email: textAt(item, 'business', 'email'),
				address: textAt(item, 'business', 'address'),
			},
		},
		Date.now(),
	);
	const cardPage = fromCase
		? textAt(item, 'business', 'card_page_url')
		: optionalText(this, 'cardPageUrl', i);
	const out: Additions[] = [];
	for (const billed of run.invoices.filter((b) => b.created)) {
		const cardUrl =
			cardPage && !billed.autopay && billed.invoice.contract_id
				? cardLinkUrl(cardPage, billed.invoice.contract_id, Date.now(), op.secret(i))
				: null;
		out.push(
			...(await invoiceOut(this, i, billed.invoice, {
				invoice_created: true,
				autopay: billed.autopay,
				customer: billed.customer as IDataObject,
				billing_month: { month: run.month, label: run.label },
				links: cardUrl ? { card_url: cardUrl } : {},
			})),
		);
	}
	return out;
}
