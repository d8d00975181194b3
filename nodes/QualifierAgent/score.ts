import type { LeadFacts } from './extract';

export interface ContactFacts {
	hasEmail: boolean;
	hasPhone: boolean;
	hasAddress: boolean;
	hasName: boolean;
	/** Booked with us before. */
	returning?: boolean;
}

export interface ScoreResult {
	lead_score: number;
	reasons: string[];
	missing_info: string[];
	ask_before_booking: Array<'address' | 'bedrooms' | 'bathrooms' | 'square_feet'>;
}

const SERVICE_LABEL: Record<string, string> = {
	standard_cleaning: 'standard cleaning',
	deep_cleaning: 'deep cleaning',
	move_in_out: 'move-in/out cleaning',
	post_construction: 'post-construction cleaning',
	commercial_cleaning: 'commercial cleaning',
	carpet_cleaning: 'carpet cleaning',
	window_cleaning: 'window cleaning',
	water_damage: 'water damage restoration',
	fire_damage: 'fire damage restoration',
	mold_remediation: 'mold remediation',
	other: 'other',
};

const RESTORATION = new Set(['water_damage', 'fire_damage', 'mold_remediation']);

/**
 * The lead score: points for each fact that makes a lead worth a crew's time,
 * each written as a reason a manager can read ("+20 clear service: deep
 * cleaning"). Deterministic: the same facts give the same score.
 */
export function scoreLead(facts: LeadFacts, contact: ContactFacts): ScoreResult {
	const reasons: string[] = [];
	let score = 10;
	reasons.push('+10 base: a new inquiry');
	const add = (points: number, why: string) => {
		score += points;
		reasons.push(`${points >= 0 ? '+' : ''}${points} ${why}`);
	};

	if (facts.service_type !== 'other')
		add(20, `clear service: ${SERVICE_LABEL[facts.service_type]}`);
	else if (facts.off_topic) add(-10, 'nothing in the message matches our services');
	else reasons.push('+0 service unclear');

	if (facts.is_emergency)
		add(
			25,
			`active emergency (${facts.emergency_type?.replace('_', ' ')}): high-value same-day job`,
		);
	else if (RESTORATION.has(facts.service_type)) add(10, 'restoration work: high-value job');

	const sizeKnown = facts.square_feet !== null || facts.bedrooms !== null;
	if (sizeKnown) add(10, `property size given (${describeSize(facts)})`);
	if (facts.property_type === 'commercial')
		add(10, 'commercial property: larger, repeat contracts');

	if (facts.frequency && facts.frequency !== 'one_time')
		add(15, `recurring service wanted (${facts.frequency})`);
	else if (facts.frequency === 'one_time') add(3, 'one-time visit stated');

	if (facts.urgency === 'high') add(10, 'wants service soon');
	else if (facts.urgency === 'low') add(-5, 'no timeline or far off');

	if (contact.hasPhone || contact.hasEmail) add(10, 'can be contacted (phone or e-mail given)');
	if (contact.hasAddress) add(5, 'service address given');
	if (contact.returning) add(10, 'returning customer: booked with us before');

	if (facts.budget) {
		const top = facts.budget.max ?? facts.budget.min ?? 0;
		if (top > 0 && top < 8000) add(-10, 'budget under $80: below our minimum charge');
		else add(5, 'budget stated');
	}
	if (facts.decision_maker === true) add(5, 'writer decides');
	else if (facts.decision_maker === false) add(-5, 'someone else must approve');
	if (facts.price_shopping) add(-10, 'price shopping');
	if (facts.discount_request_pct !== null && facts.discount_request_pct > 25)
		add(-5, `asks for ${facts.discount_request_pct}% off`);

	const lead_score = Math.max(0, Math.min(100, Math.round(score)));
	return {
		lead_score,
		reasons,
		missing_info: missingInfo(facts, contact),
		ask_before_booking: askBeforeBooking(facts, contact),
	};
}

function describeSize(facts: LeadFacts): string {
	if (facts.square_feet !== null) return `${facts.square_feet} sq ft`;
	const beds =
		facts.bedrooms === 0 ? 'studio' : `${facts.bedrooms} bedroom${facts.bedrooms === 1 ? '' : 's'}`;
	return facts.bathrooms !== null ? `${beds}, ${facts.bathrooms} bath` : beds;
}

/** Services priced by bedrooms and bathrooms when no area is given (the rate card's residential basis). */
const ROOM_PRICED = new Set([
	'standard_cleaning',
	'deep_cleaning',
	'move_in_out',
	'post_construction',
]);

/**
 * What must be known before a job is priced and booked without a person: where (no visit is
 * booked without an address) and the size its price rests on (the rooms of a home, the area of
 * a business). Emergencies, unknown services and customers who asked for a person go to people.
 */
function askBeforeBooking(
	facts: LeadFacts,
	contact: ContactFacts,
): ScoreResult['ask_before_booking'] {
	if (facts.is_emergency || facts.service_type === 'other' || facts.wants_human) return [];
	const ask: ScoreResult['ask_before_booking'] = [];
	if (!contact.hasAddress) ask.push('address');
	const commercial =
		facts.property_type === 'commercial' || facts.service_type === 'commercial_cleaning';
	if (commercial) {
		if (
			facts.square_feet === null &&
			!RESTORATION.has(facts.service_type) &&
			!['carpet_cleaning', 'window_cleaning'].includes(facts.service_type)
		)
			ask.push('square_feet');
	} else if (
		ROOM_PRICED.has(facts.service_type) &&
		facts.square_feet === null &&
		facts.bedrooms === null
	) {
		ask.push('bedrooms');
		if (facts.bathrooms === null) ask.push('bathrooms');
	}
	return ask;
}

/** What to ask next, most useful first; keys name the field that is missing. */
function missingInfo(facts: LeadFacts, contact: ContactFacts): string[] {
	const missing: string[] = [];
	if (facts.service_type === 'other') missing.push('service_type');
	if (!contact.hasAddress) missing.push('address');
	if (!contact.hasPhone && !contact.hasEmail) missing.push('phone_or_email');
	if (facts.is_emergency) return missing;
	if (facts.property_type === null) missing.push('property_type');
	const needsRooms =
		facts.property_type !== 'commercial' &&
		!['window_cleaning', 'carpet_cleaning'].includes(facts.service_type);
	if (needsRooms && facts.square_feet === null) {
		if (facts.bedrooms === null) missing.push('bedrooms');
		if (facts.bathrooms === null) missing.push('bathrooms');
	}
	if (facts.property_type === 'commercial' && facts.square_feet === null)
		missing.push('square_feet');
	if (
		facts.frequency === null &&
		['standard_cleaning', 'commercial_cleaning', 'deep_cleaning', 'window_cleaning'].includes(
			facts.service_type,
		)
	) {
		missing.push('frequency');
	}
	if (facts.urgency === 'normal' || facts.urgency === 'low') missing.push('preferred_date');
	return missing;
}
