import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { Additions } from '../../shared/n8n/items';
import { chargesDue } from '../../shared/records/monthly';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['chargesDue'] } }, [
	{
		displayName:
			"One item per invoice whose saved card is to be charged now: a month just billed, a declined charge whose next try has come, an invoice left open when a card was saved. Charge each with an HTTP Request to Stripe (POST /v1/payment_intents with confirm and off_session, the item's charge.idempotency_key as Idempotency-Key), then Record a Charge. Each is held for 15 minutes, so an overlapping run does not charge it too.",
		name: 'chargesDueNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Charges per Run',
		name: 'chargesPerRun',
		type: 'number',
		default: 200,
		typeOptions: { minValue: 1 },
		description:
			'How many charges one run hands out at most, up to 5,000 (the rest wait for the next run)',
	},
]);

/** The charges due now: `invoice`, `customer` and `charge` (attempt, idempotency key, amount, Stripe customer and card). */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const due = await chargesDue(
		op.store,
		Date.now(),
		this.getNodeParameter('chargesPerRun', i, 200) as number,
	);
	return due.map((d) => ({
		json: {
			invoice: d.invoice as unknown as IDataObject,
			customer: d.customer as IDataObject,
			charge: d.charge as unknown as IDataObject,
		},
	}));
}
