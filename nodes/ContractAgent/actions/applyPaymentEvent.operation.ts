import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { applyStripeEvent, verifyStripeSignature } from '../../shared/records/payments';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['applyPaymentEvent'] } }, [
	{
		displayName:
			"Put this after a Webhook node with the option Raw Body on (Stripe's signature covers the body exactly as sent): the event is read from its binary property and the Stripe-Signature header from its headers. A body that fails the check is not applied: the item says why, for a 400 answer.",
		name: 'paymentEventNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Raw Body Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		description: "Where the Webhook node put the raw body (its Raw Body option uses 'data')",
	},
]);

/**
 * A Stripe webhook event, checked against its Stripe-Signature with the endpoint's signing
 * secret, then applied to our invoice once (by event id): paid, part paid, refunded, a failed
 * attempt kept. A forged, altered or stale event changes nothing (`verified` false).
 */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	const property = String(this.getNodeParameter('rawBodyProperty', i, 'data') || 'data');
	const item = this.getInputData()[i];
	if (!item.binary?.[property])
		throw new NodeOperationError(
			this.getNode(),
			`No raw body in the binary property "${property}"`,
			{
				itemIndex: i,
				description:
					"Turn on the Webhook node's option Raw Body (Add Option > Raw Body): Stripe's signature covers the body exactly as it was sent, which the parsed JSON is not.",
			},
		);
	const raw = await this.helpers.getBinaryDataBuffer(i, property);
	const headers = (item.json.headers ?? {}) as Record<string, unknown>;
	const header = headers['stripe-signature'];
	const credential = await this.getCredentials<{ signingSecret?: string }>(
		'bookingAgentsStripeWebhook',
	);
	const now = Date.now();
	const check = verifyStripeSignature(
		raw,
		typeof header === 'string' ? header : null,
		String(credential.signingSecret ?? ''),
		now,
	);
	if (!check.ok)
		return [{ json: { payment_event: { verified: false, reason: check.reason } as IDataObject } }];
	let event: unknown;
	try {
		event = JSON.parse(raw.toString('utf8'));
	} catch {
		return [
			{
				json: { payment_event: { verified: false, reason: 'the body is not JSON' } as IDataObject },
			},
		];
	}
	const applied = await applyStripeEvent(op.store, event, now);
	return [{ json: { payment_event: { verified: true, ...applied } as unknown as IDataObject } }];
}
