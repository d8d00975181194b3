/** What the Qualifier reads from the case (Input Source "From the Case"). */
import { at, textAt, type CaseItem } from '../shared/case';
import { readKnownDetails } from './qualify';

/** The customer's text (null when the case has none), the channel, and how to reach the customer. */
export function qualifyInputFromCase(item: CaseItem) {
	return {
		message: textAt(item, 'message'),
		channel: textAt(item, 'channel'),
		customer: {
			email: textAt(item, 'customer', 'email'),
			phone: textAt(item, 'customer', 'phone'),
			address: textAt(item, 'customer', 'address'),
			returning: at(item, 'customer', 'returning') === true,
		},
		details: readKnownDetails(item.details),
		received_at: textAt(item, 'received_at'),
	};
}
