import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { Additions } from '../../shared/n8n/items';
import { caseOf, definedBelow } from '../../shared/n8n/inputs';
import { optionalText, optionalValue } from '../../shared/n8n/parameters';
import { at, textAt } from '../../shared/case';
import { cardLinkUrl, recordCharge } from '../../shared/records/monthly';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['recordCharge'] } }, [
	{
		displayName:
			"Put this after the HTTP Request that charged the card (its options Include Response Headers and Status and Never Error on, as a declined card is Stripe's 402; On Error: Continue), and a Set node that puts the charge from List Charges Due back with Stripe's answer under stripe_response: { status_code, body }. A request that never got an answer is recorded as not reached and tried again with the same idempotency key.",
		name: 'recordChargeNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description: 'The invoice charged, from List Charges Due (from the case: invoice.invoice_id)',
	},
	{
		displayName: 'Attempt',
		name: 'attempt',
		type: 'number',
		default: 0,
		displayOptions: definedBelow,
		description: "The charge's try, from List Charges Due (from the case: charge.attempt)",
	},
	{
		displayName: 'Status Code',
		name: 'statusCode',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			"Stripe's HTTP status (200 charged, 402 declined); empty when no answer came (from the case: stripe_response.status_code)",
	},
	{
		displayName: "Stripe's Answer",
		name: 'stripeAnswer',
		type: 'json',
		default: '{}',
		displayOptions: definedBelow,
		description:
			'The PaymentIntent, or the error object, Stripe answered (from the case: stripe_response.body)',
	},
	{
		displayName: 'Card Page URL',
		name: 'cardPageUrl',
		type: 'string',
		default: '',
		displayOptions: definedBelow,
		description:
			'Where the customer saves another card: a signed link to it goes with a declined charge. Empty: no link. From the case: business.card_page_url.',
	},
]);

/**
 * Records Stripe's answer to a charge: paid; declined (`charge_result.next_try_at`, on the
 * dunning schedule of 1, 3 and 7 days after the first decline); gave up after the last (ops
 * decide); or not reached (the same attempt again after its hold). The customer and a link to
 * save another card come with it, for the message.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const item = caseOf(this, i);
	const fromCase = op.source === 'case';
	const code = Number(
		String(
			(fromCase
				? at(item, 'stripe_response', 'status_code')
				: optionalValue(this, 'statusCode', i)) ?? '',
		).trim() || NaN,
	);
	let answer = fromCase
		? at(item, 'stripe_response', 'body')
		: optionalValue(this, 'stripeAnswer', i);
	if (typeof answer === 'string') {
		try {
			answer = JSON.parse(answer);
		} catch {
			answer = {};
		}
	}
	const result = await recordCharge(
		op.store,
		{
			invoice_id:
				(fromCase ? textAt(item, 'invoice', 'invoice_id') : optionalText(this, 'invoiceId', i)) ??
				'',
			attempt: Number(
				fromCase ? at(item, 'charge', 'attempt') : this.getNodeParameter('attempt', i, 0),
			),
			status_code: Number.isInteger(code) ? code : null,
			response: answer,
		},
		Date.now(),
	);
	const contract = result.invoice.contract_id
		? await op.store.getContract(result.invoice.contract_id)
		: null;
	const cardPage = fromCase
		? textAt(item, 'business', 'card_page_url')
		: optionalText(this, 'cardPageUrl', i);
	const cardUrl =
		cardPage && contract && ['declined', 'gave_up'].includes(result.outcome)
			? cardLinkUrl(cardPage, contract.id, Date.now(), op.secret(i))
			: null;
	const { invoice, ...chargeResult } = result;
	return [
		{
			json: {
				charge_result: chargeResult as unknown as IDataObject,
				invoice: invoice as unknown as IDataObject,
				customer: (contract?.customer ?? invoice.customer) as IDataObject,
				links: cardUrl ? { card_url: cardUrl } : {},
			},
		},
	];
}
