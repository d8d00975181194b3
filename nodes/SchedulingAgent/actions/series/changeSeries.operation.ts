import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { WEEKDAYS, type Weekday } from '../../../shared/vocabulary';
import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeriesVisits, readAsked, readDay, seriesIdProperty } from './manage';

const DAY_NAMES: Record<Weekday, string> = {
	mon: 'Monday',
	tue: 'Tuesday',
	wed: 'Wednesday',
	thu: 'Thursday',
	fri: 'Friday',
	sat: 'Saturday',
	sun: 'Sunday',
};

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['changeSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '',
			placeholder: '2027-02-01',
			description: 'The first day of the new day or time (YYYY-MM-DD); the visits before it stay',
		},
		{
			displayName: 'New Day',
			name: 'weekday',
			type: 'options',
			default: '',
			options: [
				{ name: 'Keep the Day', value: '' },
				...WEEKDAYS.map((d) => ({ name: DAY_NAMES[d], value: d })),
			],
			description: 'The day of the week the visits move to (a series of one visit a week)',
		},
		{
			displayName: 'New Days',
			name: 'weekdays',
			type: 'string',
			default: '',
			placeholder: 'mon,thu',
			description: 'For several visits a week: their days, e.g. mon,thu (wins over New Day)',
		},
		{
			displayName: 'New Time',
			name: 'time',
			type: 'string',
			default: '',
			placeholder: '14:00',
			description: 'The local start time, HH:MM (empty: keep the time)',
		},
		idempotencyKeyProperty,
	],
);

/**
 * The series' day or time changes from a day on: its visits from then are cancelled and the
 * new pattern is booked through the term's last visit, in one write; later terms follow it.
 */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	const weekdays = readAsked(this, 'weekdays', i, op);
	return await onSeriesVisits(this, i, op, 'changeSeries', {
		from: readDay(this, 'from', i, op),
		series: {
			weekday: (readAsked(this, 'weekday', i, op) as Weekday | null) ?? null,
			weekdays: weekdays ?? null,
			time: readAsked(this, 'time', i, op),
		},
	});
}
