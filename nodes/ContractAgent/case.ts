/** What the Contract Agent reads from the case (Input Source "From the Case"). */
import { at, currentOffer, firstOf, objectAt, textAt, type CaseItem } from '../shared/case';

/** The agreement's parties and what was agreed: the customer, the offer accepted, the visits booked. */
export function agreementInputFromCase(item: CaseItem) {
	return {
		customer: objectAt(item.customer) ?? {},
		quote: currentOffer(item) ?? {},
		booking: objectAt(item.booking) ?? {},
		business_name: textAt(item, 'business', 'name'),
		business: {
			address: textAt(item, 'business', 'address'),
			email: textAt(item, 'business', 'email'),
			phone: textAt(item, 'business', 'phone'),
		},
		signing_workflow_url: textAt(item, 'business', 'agreement_signing_url'),
	};
}

/**
 * A signature, as the request that resumed a Wait node (or reached a webhook)
 * carries it: the token from the link's query (or the body), the typed name,
 * the signer's address and browser.
 */
export function signatureInputFromCase(item: CaseItem) {
	return {
		token: textAt(item, 'query', 'token') ?? textAt(item, 'body', 'token'),
		name: String(firstOf(at(item, 'body', 'name'), '')),
		ip: textAt(item, 'headers', 'x-forwarded-for') ?? textAt(item, 'headers', 'x-real-ip'),
		user_agent: textAt(item, 'headers', 'user-agent'),
	};
}

/** The contract to renew or end. */
export function contractIdFromCase(item: CaseItem): string | null {
	return textAt(item, 'contract_id') ?? textAt(item, 'contract', 'contract_id');
}
