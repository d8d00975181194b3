import type { EmergencyType, Hazard } from '../shared/vocabulary';

/**
 * Safety instructions are fixed, reviewed text. The model never writes them:
 * a wrong instruction here can hurt someone.
 */
export const SAFETY_INSTRUCTIONS: Record<EmergencyType, string[]> = {
	water_damage: [
		'If you can do so safely, shut off the main water valve to stop the flow.',
		'Stay out of standing water if any outlets, cords or appliances are under water; do not touch electrical equipment while wet.',
		'Move valuables, documents and electronics to a dry, higher place.',
		'Take photos of the damage for your insurance before anything is moved or thrown away.',
	],
	fire_damage: [
		'If there is any flame, smoke still building, or smell of gas, leave the building and call 911 first.',
		'Do not re-enter until the fire department says the building is safe.',
		'Do not wipe soot from walls, furniture or electronics: it smears and sets stains. Leave it for our crew.',
		'Do not turn on the heating or air conditioning; it spreads soot and odour.',
	],
	sewage: [
		'Keep children and pets away from the affected area; sewage water carries disease.',
		'Do not flush toilets or run water in the building until the line is cleared.',
		'Do not try to clean up sewage yourself or use a household vacuum on it.',
		'Wash your hands thoroughly if you touched anything that was in contact with the water.',
	],
	mold: [
		'Keep the door to the affected room closed and stay out of it as much as possible.',
		'Do not scrub, scrape or disturb the mold: it releases spores.',
		'Do not run fans or the HVAC system in the affected area.',
		'People with breathing problems, infants and the elderly should stay away from the area.',
	],
	biohazard: [
		'Do not touch or clean anything in the affected area.',
		'Keep everyone, including pets, out of the area and close it off if you can.',
		'If a death or crime is involved and the authorities have not been called, call 911 first.',
		'Never pick up needles or sharps by hand.',
	],
	storm: [
		'Stay away from downed power lines and report them to the utility company.',
		'If the roof or a ceiling is open or sagging, stay out of the rooms under it.',
		'If you can do so safely, cover openings with a tarp and move valuables away from the water.',
		'Take photos of the damage for your insurance.',
	],
};

export const HAZARD_INSTRUCTIONS: Record<Hazard, string> = {
	electrical:
		'Water near electricity: do not step into the water. Switch off the power at the breaker only if you can reach it from a dry spot; otherwise wait for the utility or an electrician.',
	gas: 'You mentioned a smell of gas: leave the building now, do not use light switches or phones inside, and call the gas company or 911 from outside.',
	structural:
		'A sagging or damaged ceiling, roof or floor can collapse: keep everyone out of the rooms under or around it.',
	health:
		'Anyone feeling unwell, with breathing problems, infants, pregnant or elderly people should leave the affected area now.',
	fire_active:
		'If anything is still burning, leave the building and call 911 now. Do not try to fight the fire.',
	people_at_risk: 'If anyone is hurt or trapped, call 911 now.',
};

/** The instruction list for a case: the hazard warnings first (most urgent), then the type's own. */
export function safetyInstructionsFor(type: EmergencyType | null, hazards: Hazard[]): string[] {
	const list = hazards.map((h) => HAZARD_INSTRUCTIONS[h]);
	if (type) list.push(...SAFETY_INSTRUCTIONS[type]);
	return list;
}
