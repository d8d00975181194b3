import type { Additions } from '../../../shared/n8n/items';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { decidedSlotFromCase, seriesFromCase } from '../../case';
import { schedule } from '../../schedule';
import type { SeriesSpec } from '../../series';
import {
	crewIdProperty,
	customerProperty,
	idempotencyKeyProperty,
	jobProperties,
	readCustomer,
	readCaseId,
	readIdempotencyKey,
	readJob,
	readScheduleOptions,
	type OperationContext,
} from '../common';
import { caseOf } from '../../../shared/n8n/inputs';
import { collectionParameter, optionalText } from '../../../shared/n8n/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['bookSeries'] } },
	[
		...jobProperties,
		crewIdProperty,
		{
			displayName: 'Series',
			name: 'series',
			type: 'collection',
			placeholder: 'Set the series',
			default: {},
			description:
				'From the case, the agreed cadence and any day, time or first date the request names win over these',
			options: [
				{
					displayName: 'Clash Window (Minutes)',
					name: 'clash_window_minutes',
					type: 'number',
					default: 120,
					description: 'How far a visit may move on its day when its time is taken',
				},
				{
					displayName: 'First Date',
					name: 'start_date',
					type: 'string',
					default: '',
					placeholder: '2026-12-07',
					description: 'Empty: the first matching day after the lead time',
				},
				{
					displayName: 'Frequency',
					name: 'frequency',
					type: 'options',
					default: 'weekly',
					options: [
						{ name: 'Weekly', value: 'weekly' },
						{ name: 'Every Other Week', value: 'biweekly' },
						{ name: 'Monthly', value: 'monthly' },
					],
				},
				{
					displayName: 'Hold Until Signed (Hours)',
					name: 'hold_hours',
					type: 'number',
					default: 72,
					typeOptions: { minValue: 1, maxValue: 2160 },
					description:
						'Hold the visits instead of confirming them, for this long: until the agreement is signed (Confirm Held Visits) or not (Release Held Visits). A hold that runs out frees the crews by itself. Match it to the signing link.',
				},
				{
					displayName: 'RRULE',
					name: 'rrule',
					type: 'string',
					default: '',
					placeholder: 'FREQ=WEEKLY;BYDAY=MO;COUNT=52',
					description: 'An RFC 5545 rule; overrides frequency, weekday and visits',
				},
				{
					displayName: 'Time',
					name: 'time',
					type: 'string',
					default: '09:00',
					description: 'Local start time; stays the same across daylight-saving changes',
				},
				{
					displayName: 'Visits',
					name: 'count',
					type: 'number',
					default: 52,
					description:
						'Not set: a year of visits (52 weekly, times the visits a week; 26 every other week; 12 monthly)',
				},
				{
					displayName: 'Visits a Week',
					name: 'visits_per_week',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 7 },
					default: 1,
					description:
						'Weekly series only: 2 is the weekday and 3 days on, 3 is every other day (Mon, Wed, Fri from Monday), 5 is five days in a row; without a weekday the week starts on Monday',
				},
				{
					displayName: 'Weekday',
					name: 'weekday',
					type: 'options',
					default: 'mon',
					options: [
						{ name: 'Friday', value: 'fri' },
						{ name: 'Monday', value: 'mon' },
						{ name: 'Saturday', value: 'sat' },
						{ name: 'Sunday', value: 'sun' },
						{ name: 'Thursday', value: 'thu' },
						{ name: 'Tuesday', value: 'tue' },
						{ name: 'Wednesday', value: 'wed' },
					],
				},
				{
					displayName: 'Weekdays',
					name: 'weekdays',
					type: 'string',
					default: '',
					placeholder: 'mon,thu',
					description:
						"Weekly series: the days of each week's visits (a list or comma-separated mon..sun). Used instead of Weekday when as many as Visits a Week (or Visits a Week is not set).",
				},
			],
		},
		customerProperty,
		idempotencyKeyProperty,
	],
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const configured = collectionParameter(this, 'series', i) as SeriesSpec;
	const result = await schedule(
		{
			operation: 'bookSeries',
			job: readJob(this, i, op.source),
			// The crew of a first visit a person chose, unless the node names one.
			crew_id:
				optionalText(this, 'crewId', i) ??
				(op.source === 'case' ? (decidedSlotFromCase(caseOf(this, i))?.crew_id ?? null) : null),
			series: op.source === 'case' ? seriesFromCase(caseOf(this, i), configured) : configured,
			customer: readCustomer(this, i, op.source),
			idempotency_key: readIdempotencyKey(this, i, op.source),
			case_id: readCaseId(this, i, op.source),
		},
		await readScheduleOptions(this, i, op, false),
	);
	return [{ json: { booking: result as unknown as IDataObject } }];
}
