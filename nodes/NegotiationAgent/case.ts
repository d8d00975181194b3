/** What the Negotiation Agent reads from the case (Input Source "From the Case"). */
import { at, currentOffer, firstOf, textAt, type CaseItem } from '../shared/case';

/**
 * The offer on the table (the last round's, else the quote), the customer's
 * reply (null when there is none), the round it answers and the customer's name.
 */
export function negotiationInputFromCase(item: CaseItem) {
	return {
		quote: currentOffer(item),
		reply: textAt(item, 'reply'),
		round: firstOf(at(item, 'negotiation', 'next_round'), 1),
		customerName: textAt(item, 'customer', 'name'),
	};
}
