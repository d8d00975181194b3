import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The key that signs agreement links (HMAC-SHA256) and checks them when the
 * customer signs. A credential keeps it encrypted in n8n's database and out of
 * workflow JSON and execution data.
 */
export class BookingAgentsSigningSecret implements ICredentialType {
	name = 'bookingAgentsSigningSecret';

	displayName = 'Booking Agents Signing Secret';

	icon = {
		light: 'file:../nodes/ContractAgent/contractAgent.svg',
		dark: 'file:../nodes/ContractAgent/contractAgent.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-booking-agents#contract-agent';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A long random text (at least 16 characters, e.g. from a password generator). Use this same credential in every workflow that writes or checks agreements: links signed with one secret fail with another.',
		},
	];
}
