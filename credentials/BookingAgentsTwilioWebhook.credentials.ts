import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Twilio account's Auth Token, to check the X-Twilio-Signature of the texts Twilio posts to
 * Incoming Texts. (n8n's own Twilio credential sends texts; a community package may not read it.)
 */
export class BookingAgentsTwilioWebhook implements ICredentialType {
	name = 'bookingAgentsTwilioWebhook';

	displayName = 'Booking Agents Twilio Webhook';

	icon = {
		light: 'file:../nodes/BookingRecords/bookingRecords.svg',
		dark: 'file:../nodes/BookingRecords/bookingRecords.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-booking-agents#incoming-texts';

	properties: INodeProperties[] = [
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The primary Auth Token of the Twilio account that owns the number (Twilio Console > Account info). Twilio signs every request it posts with it; an API key cannot check them.',
		},
	];
}
