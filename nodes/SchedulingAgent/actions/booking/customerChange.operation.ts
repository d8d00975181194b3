import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { textAt } from '../../../shared/case';
import { caseOf, definedBelow, missingFromCase } from '../../../shared/n8n/inputs';
import { optionalText } from '../../../shared/n8n/parameters';
import { readSettingsSource, settingsRowsOf } from '../../../shared/n8n/settings';
import { readBusinessSettings } from '../../../shared/settings';
import { CUSTOMER_CHANGES, type CustomerChange } from '../../request';
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
				'From the case: the booking under "booking", and what the customer asked under "customer_change" ("change": move, cancel, skip, pause or offer; "start" and optionally "crew_id" for a move, "until" for a pause), as the Customer Changes workflow passes a customer’s answer',
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
	// A free time the customer picked from those offered names its crew.
	let crewId: string | null = null;
	if (op.source === 'define') {
		change = this.getNodeParameter('change', i, 'move') as string;
		start = optionalText(this, 'start', i);
		until = optionalText(this, 'until', i);
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
	}
	const notice =
		readSettingsSource(this, i) === 'tables'
			? (readBusinessSettings(settingsRowsOf(this, i)).cancel_notice_hours ?? 24)
			: (this.getNodeParameter('noticeHours', i, 24) as number);
	return await onBooking(this, i, op, 'customerChange', {
		change: change as CustomerChange,
		start,
		until,
		notice_hours: notice,
		...(crewId ? { crew_id: crewId } : {}),
	});
}
