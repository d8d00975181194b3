/** What the Triage Agent reads from the case (Input Source "From the Case"). */
import { textAt, type CaseItem } from '../shared/case';

/** The customer's text (null when the case has none), the channel and when it came in. */
export function triageInputFromCase(item: CaseItem) {
	return {
		message: textAt(item, 'message'),
		channel: textAt(item, 'channel'),
		received_at: textAt(item, 'received_at'),
	};
}
