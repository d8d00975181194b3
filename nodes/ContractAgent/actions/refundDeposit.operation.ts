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
			"Says what the business's policy refunds of a visit's deposit, and the Stripe PaymentIntent and idempotency key to refund it with (an HTTP Request to POST /v1/refunds); Stripe's charge.refunded event then records the refund (Payments).",
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
	const { invoice, ...refund } = await depositRefund(
		op.store,
		{ booking_id: bookingId, notice_hours: typeof notice === 'number' ? notice : null },
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
