/**
 * What the Pricing Agent reads from the case (Input Source "From the Case"):
 * the Qualifier's and Triage's results, and the facts a request may state
 * outright (a frequency chosen on a form wins over the one read from the text).
 * The pricing engine checks every value and names the field it refuses.
 */
import { at, firstOf, type CaseItem } from '../shared/case';

export function pricingFactsFromCase(item: CaseItem, frequencyWhenUnstated: string | null = null) {
	const q = (key: string) => at(item, 'qualification', key);
	const t = (key: string) => at(item, 'triage', key);
	const known = at(item, 'customer', 'returning');
	const returning = typeof known === 'boolean' ? known : null;
	return {
		service_type: firstOf(q('service_type')),
		property_type: firstOf(q('property_type')),
		bedrooms: firstOf(q('bedrooms')),
		bathrooms: firstOf(q('bathrooms')),
		square_feet: firstOf(q('square_feet')),
		frequency: firstOf(item.frequency, q('frequency'), frequencyWhenUnstated),
		visits_per_week: firstOf(q('visits_per_week')),
		add_ons: firstOf(item.add_ons),
		is_emergency: firstOf(t('is_emergency'), q('is_emergency'), false),
		emergency_type: firstOf(t('emergency_type'), q('emergency_type')),
		estimated_hours: firstOf(item.estimated_hours),
		after_hours: firstOf(item.after_hours, false),
		holiday: firstOf(item.holiday, false),
		promo_code: firstOf(item.promo_code),
		// Look Up the Customer knows: a customer who never booked is a first-time one.
		first_time: firstOf(item.first_time, returning === null ? null : !returning, false),
		returning_customer: firstOf(item.returning_customer, returning, false),
	};
}
