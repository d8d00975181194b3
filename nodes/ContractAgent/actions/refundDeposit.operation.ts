import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { at } from '../../shared/case';
import { caseOf, definedBelow } from '../../shared/n8n/inputs';
import type { Additions } from '../../shared/n8n/items';
import { depositRefund } from '../../shared/records/deposits';
import type { OperationContext } from './common';
import { depositVisitOf, depositVisitProperty } from './invoiceShared';

export const description = updateDisplayOptions({ show: { operation: ['refundDeposit'] } }, [
	{
		displayName:
			"Says what the business's policy gives back of a visit's deposit: to the card, with the Stripe PaymentIntent and idempotency key to refund it with (an HTTP Request to POST /v1/refunds; Stripe's charge.refunded event then records it, through Payments), or as a credit the customer's next invoice uses first.",
		name: 'refundDepositNotice',
		type: 'notice',
		default: '',
	},
	depositVisitProperty('The visit whose deposit may be refunded'),
	{
		displayName: 'Notice (Hours)',
		name: 'noticeHours',
		type: 'number',
		default: 24,
		displayOptions: definedBelow,
		description:
			'A customer who cancels at least this long before the visit gets the deposit back; later, it is kept (from the case: business.cancel_notice_hours)',
	},
	{
		displayName: 'Give Back As',
		name: 'giveBackAs',
		type: 'options',
		default: 'card',
		displayOptions: definedBelow,
		options: [
			{
				name: 'Refund to the Card',
				value: 'card',
				description: 'Stripe refunds the payment (an HTTP Request to POST /v1/refunds)',
			},
			{
				name: 'Credit Toward the Next Invoice',
				value: 'credit',
				description:
					"The customer's next invoice uses it first (a deposit paid for a visit released for want of it still goes back to the card)",
			},
		],
		description:
			'How what the policy gives back reaches the customer (from the case: business.refund_as_credit, yes for credit)',
	},
]);

/**
 * A visit's deposit under the refund policy: a visit called off by the business, or a fee paid
 * after the crew was released, is refunded in full; a customer's cancellation with the notice
 * too; within it, the deposit is kept; a visit still to come keeps it. `refund.amount_cents` 0
 * says why nothing is refunded.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const item = caseOf(this, i);
	const fromCase = op.source === 'case';
	const bookingId = depositVisitOf(this, i, op, 'the visit whose deposit may be refunded');
	const notice = fromCase
		? at(item, 'business', 'cancel_notice_hours')
		: this.getNodeParameter('noticeHours', i, 24);
	const giveBackAs = fromCase
		? at(item, 'business', 'refund_as_credit') === true
			? 'credit'
			: 'card'
		: this.getNodeParameter('giveBackAs', i, 'card');
	const { invoice, ...refund } = await depositRefund(
		op.store,
		{
			booking_id: bookingId,
			notice_hours: typeof notice === 'number' ? notice : null,
			as_credit: giveBackAs === 'credit',
		},
		Date.now(),
	);
	return [
		{
			json: {
				refund: refund as unknown as IDataObject,
				invoice: invoice as unknown as IDataObject,
			},
		},
	];
}
