/** What the Triage Agent reads from the case (Input Source "From the Case"). */
import { textAt, type CaseItem } from '../shared/case';

/** The customer's text (null when the case has none) and the channel. */
export function triageInputFromCase(item: CaseItem) {
	return { message: textAt(item, 'message'), channel: textAt(item, 'channel') };
}
