import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { MIN_SECRET_LENGTH } from '../signing';

/** Saving a Booking Agents Signing Secret credential: too short a secret is refused there, not at the first link. */
export async function bookingAgentsSigningSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.secret ?? '');
	return secret.length >= MIN_SECRET_LENGTH
		? { status: 'OK', message: 'The secret is long enough to sign links' }
		: {
				status: 'Error',
				message: `The secret has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} (a long random text)`,
			};
}

/** A Twilio Auth Token is 32 hexadecimal characters: anything else cannot check Twilio's signatures. */
export async function bookingAgentsTwilioWebhookTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const token = String(credential.data?.authToken ?? '').trim();
	return /^[0-9a-f]{32}$/i.test(token)
		? { status: 'OK', message: 'This looks like a Twilio Auth Token' }
		: {
				status: 'Error',
				message: `A Twilio Auth Token is 32 letters a-f and digits; this has ${token.length} characters. Copy the primary Auth Token from the Twilio Console (Account info).`,
			};
}

/** A Stripe webhook signing secret starts with whsec_: an API key (sk_...) cannot check Stripe's signatures. */
export async function bookingAgentsStripeWebhookTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.signingSecret ?? '').trim();
	return /^whsec_[A-Za-z0-9]{16,}$/.test(secret)
		? { status: 'OK', message: 'This looks like a Stripe webhook signing secret' }
		: {
				status: 'Error',
				message:
					secret.startsWith('sk_') || secret.startsWith('rk_')
						? 'This is an API key; the webhook needs its signing secret (whsec_...): Stripe Dashboard > Developers > Webhooks > the endpoint > Signing secret.'
						: 'A Stripe webhook signing secret starts with whsec_: copy it from Stripe Dashboard > Developers > Webhooks > the endpoint > Signing secret.',
			};
}
