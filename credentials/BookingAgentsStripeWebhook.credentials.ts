import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signing secret of the Stripe webhook endpoint that posts payment events to the Payments
 * workflow: every event is checked against its Stripe-Signature with it. (n8n's own Stripe
 * credential holds the API key, for calls to Stripe; this secret is the endpoint's.)
 */
export class BookingAgentsStripeWebhook implements ICredentialType {
	name = 'bookingAgentsStripeWebhook';

	displayName = 'Booking Agents Stripe Webhook';

	icon = {
		light: 'file:../nodes/ContractAgent/contractAgent.svg',
		dark: 'file:../nodes/ContractAgent/contractAgent.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-booking-agents#the-templates';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'whsec_...',
			description:
				"The endpoint's signing secret (Stripe Dashboard > Developers > Webhooks > the endpoint for /webhook/stripe > Signing secret). Stripe signs every event it posts with it.",
		},
	];
}
