import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { textAt } from '../../../shared/case';
import { caseOf, definedBelow, missingFromCase } from '../../../shared/n8n/inputs';
import { optionalText } from '../../../shared/n8n/parameters';
import { readSettingsSource, settingsRowsOf } from '../../../shared/n8n/settings';
import { readBusinessSettings } from '../../../shared/settings';
import { CUSTOMER_CHANGES, type CustomerChange } from '../../request';
import type { Weekday } from '../../../shared/vocabulary';
import { bookingIdProperty, type OperationContext } from '../common';
import { onBooking } from './manage';

const CHANGE_NAMES: Record<CustomerChange, string> = {
	move: 'Move It',
	cancel: 'Cancel It',
	skip: 'Skip This Visit of a Series',
	pause: 'Pause a Series Until a Date',
	offer: 'Offer the Next Free Times',
	change: "Change a Series' Day or Time From This Visit On",
	end: 'End a Series',
};

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['customerChange'] } },
	[
		bookingIdProperty,
		{
			displayName: 'Change',
			name: 'change',
			type: 'options',
			options: CUSTOMER_CHANGES.map((value) => ({ name: CHANGE_NAMES[value], value })),
			default: 'move',
			displayOptions: definedBelow,
			description: 'What the customer asked for',
		},
		{
			displayName: 'New Start',
			name: 'start',
			type: 'string',
			default: '',
			placeholder: '2026-12-10T14:00:00-05:00',
			displayOptions: { show: { inputSource: ['define'], change: ['move'] } },
			description: 'The time the customer chose (ISO 8601); a time a crew already has is refused',
		},
		{
			displayName: 'Pause Until',
			name: 'until',
			type: 'string',
			default: '',
			placeholder: '2027-01-15',
			displayOptions: { show: { inputSource: ['define'], change: ['pause'] } },
			description:
				"The last day with no visit (YYYY-MM-DD): the series' visits from this one through that day are cancelled, the later ones stay",
		},
		{
			displayName: 'New Day',
			name: 'weekday',
			type: 'string',
			default: '',
			placeholder: 'thu',
			displayOptions: { show: { inputSource: ['define'], change: ['change'] } },
			description:
				'The day of the week (mon..sun) the visits move to, from this visit on (empty: keep the day)',
		},
		{
			displayName: 'New Time',
			name: 'time',
			type: 'string',
			default: '',
			placeholder: '14:00',
			displayOptions: { show: { inputSource: ['define'], change: ['change'] } },
			description: 'The local start time, HH:MM (empty: keep the time)',
		},
		{
			displayName: 'Last Day',
			name: 'lastDay',
			type: 'string',
			default: '={{ $json.renewal?.end_date }}',
			placeholder: '2027-03-31',
			displayOptions: { show: { inputSource: ['define'], change: ['end'] } },
			description:
				"The series' last day with a visit (YYYY-MM-DD): the agreement's last day under its notice, from the Contract Agent's Mark as Ending",
		},
		{
			displayName: 'Notice (Hours)',
			name: 'noticeHours',
			type: 'number',
			default: 24,
			typeOptions: { minValue: 0 },
			displayOptions: { show: { settingsFrom: ['node'] } },
			description:
				'From this many hours before the visit nothing is changed online (ops call the customer). With the settings tables: cancel_notice_hours in Booking Business.',
		},
		{
			displayName:
				'From the case: the booking under "booking", and what the customer asked under "customer_change" ("change": move, cancel, skip, pause, offer, change or end; "start" and optionally "crew_id" for a move, "until" for a pause or (the last day) an end, "weekday" and "time" for a change), as the Customer Changes workflow passes a customer’s answer',
			name: 'changeNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { inputSource: ['case'] } },
		},
	],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	let change: string | null;
	let start: string | null;
	let until: string | null;
	let weekday: string | null;
	let time: string | null;
	// A free time the customer picked from those offered names its crew.
	let crewId: string | null = null;
	if (op.source === 'define') {
		change = this.getNodeParameter('change', i, 'move') as string;
		start = optionalText(this, 'start', i);
		until = optionalText(this, change === 'end' ? 'lastDay' : 'until', i);
		weekday = optionalText(this, 'weekday', i);
		time = optionalText(this, 'time', i);
	} else {
		const item = caseOf(this, i);
		change = textAt(item, 'customer_change', 'change');
		if (!change)
			throw missingFromCase(
				this,
				i,
				'customer_change.change',
				'what the customer asked for',
				item.customer_change,
			);
		start = textAt(item, 'customer_change', 'start');
		until = textAt(item, 'customer_change', 'until');
		crewId = textAt(item, 'customer_change', 'crew_id');
		weekday = textAt(item, 'customer_change', 'weekday');
		time = textAt(item, 'customer_change', 'time');
	}
	const notice =
		readSettingsSource(this, i) === 'tables'
			? (readBusinessSettings(settingsRowsOf(this, i)).cancel_notice_hours ?? 24)
			: (this.getNodeParameter('noticeHours', i, 24) as number);
	return await onBooking(this, i, op, 'customerChange', {
		change: change as CustomerChange,
		start,
		until,
		...(change === 'change' ? { series: { weekday: weekday as Weekday | null, time } } : {}),
		notice_hours: notice,
		...(crewId ? { crew_id: crewId } : {}),
	});
}
