/** Wording several agents put in front of customers, so a quote, an offer and an agreement say it alike. */

/** "weekly", "3 times a week", "every other week", "monthly": how quotes, agreements and offers say the cadence. */
export function cadenceText(recurring: {
	frequency: string;
	visits_per_week?: number | null;
}): string {
	if (recurring.frequency === 'biweekly') return 'every other week';
	if (recurring.frequency === 'weekly' && (recurring.visits_per_week ?? 1) > 1)
		return recurring.visits_per_week === 7
			? 'every day'
			: recurring.visits_per_week === 2
				? 'twice a week'
				: `${recurring.visits_per_week} times a week`;
	return recurring.frequency;
}
