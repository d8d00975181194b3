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
