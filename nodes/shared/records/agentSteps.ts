/**
 * A chat's case from what n8n's AI Agent did. The agent's tools are our nodes; with "Return
 * Intermediate Steps" on, its output lists each tool call and the tool's output (`observation`,
 * the JSON of the items our node returned). The case keeps what code decided there, the
 * Qualifier's reading, the Pricing quote and the booking the Scheduling Agent made, and never
 * anything the model wrote itself: a step whose output is not our nodes' JSON is skipped.
 */
import { objectAt, type CaseItem } from '../case';

export interface AgentStep {
	action?: { tool?: unknown; toolInput?: unknown };
	observation?: unknown;
}

/** The items a tool returned, or [] when its output is not JSON items (an error, plain text). */
function toolItems(observation: unknown): Record<string, unknown>[] {
	let parsed: unknown = observation;
	if (typeof observation === 'string') {
		try {
			parsed = JSON.parse(observation);
		} catch {
			return [];
		}
	}
	const list = Array.isArray(parsed) ? parsed : [parsed];
	return list.map(objectAt).filter((item): item is Record<string, unknown> => item !== null);
}

/** A booking that holds a visit (not Find Slots' list of free times). */
const isVisit = (booking: Record<string, unknown> | null) =>
	!!booking &&
	typeof booking.booking_id === 'string' &&
	(booking.status === 'confirmed' || booking.status === 'held');

/**
 * The case item: `base` (the conversation: case id, thread, customer known, message) with the
 * last qualification, quote, booking and confirmation the agent's tools returned in `steps`.
 * The booked visit's customer (the details the customer gave in the chat) fills what `base`
 * lacks. Steps are read in order: a later quote replaces an earlier one.
 */
export function caseFromAgentSteps(base: CaseItem, steps: unknown): CaseItem {
	const item: CaseItem = { ...base };
	if (!Array.isArray(steps)) return item;
	for (const step of steps as AgentStep[]) {
		for (const output of toolItems(step?.observation)) {
			const qualification = objectAt(output.qualification);
			if (qualification && typeof qualification.lead_score === 'number')
				item.qualification = qualification;
			const quote = objectAt(output.quote);
			if (quote && typeof quote.quote_id === 'string' && typeof quote.total_cents === 'number')
				item.quote = quote;
			const booking = objectAt(output.booking);
			if (isVisit(booking)) item.booking = booking!;
			const confirmation = objectAt(output.confirmation);
			if (confirmation) item.confirmation = confirmation;
		}
	}
	// A booking result names its customer on the visit it holds (bookings[0]).
	const visit = objectAt(item.booking);
	const visits = Array.isArray(visit?.bookings) ? visit.bookings : [];
	const booked = objectAt(visit?.customer) ?? objectAt(objectAt(visits[0])?.customer);
	if (booked) {
		const known = objectAt(item.customer) ?? {};
		const merged: Record<string, unknown> = { ...known };
		for (const key of ['name', 'email', 'phone', 'address'])
			if (!merged[key] && typeof booked[key] === 'string' && booked[key]) merged[key] = booked[key];
		item.customer = merged;
	}
	return item;
}
