/**
 * The names every agent agrees on: the values of the item contract's fields
 * (services, properties, cadences, weekdays, urgencies, emergencies) and the
 * dispatcher's rule that an emergency takes the service of its damage. Other
 * tools rely on these exact values; the README and docs/architecture.md list them.
 */

export const SERVICE_TYPES = [
	'standard_cleaning',
	'deep_cleaning',
	'move_in_out',
	'post_construction',
	'commercial_cleaning',
	'carpet_cleaning',
	'window_cleaning',
	'water_damage',
	'fire_damage',
	'mold_remediation',
	'other',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const PROPERTY_TYPES = ['residential', 'commercial'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const FREQUENCIES = ['one_time', 'weekly', 'biweekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Monday first, as ISO weeks and the business's opening hours count them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const URGENCIES = ['emergency', 'high', 'normal', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const EMERGENCY_TYPES = [
	'water_damage',
	'fire_damage',
	'sewage',
	'mold',
	'biohazard',
	'storm',
] as const;
export type EmergencyType = (typeof EMERGENCY_TYPES)[number];

export const SEVERITIES = ['none', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const HAZARDS = [
	'electrical',
	'gas',
	'structural',
	'health',
	'fire_active',
	'people_at_risk',
] as const;
export type Hazard = (typeof HAZARDS)[number];

/**
 * An emergency takes the service of its damage: water, sewage and storm water
 * are water damage; fire and smoke fire damage; mold remediation; biohazard other.
 */
export const SERVICE_OF_DAMAGE: Record<EmergencyType, ServiceType> = {
	water_damage: 'water_damage',
	sewage: 'water_damage',
	storm: 'water_damage',
	fire_damage: 'fire_damage',
	mold: 'mold_remediation',
	biohazard: 'other',
};
