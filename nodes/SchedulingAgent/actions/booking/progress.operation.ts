import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { textAt } from '../../../shared/case';
import { caseOf, definedBelow, missingFromCase } from '../../../shared/n8n/inputs';
import { optionalText } from '../../../shared/n8n/parameters';
import { VISIT_STEPS, type VisitStep } from '../../request';
import { bookingIdProperty, type OperationContext } from '../common';
import { onBooking } from './manage';

const STEP_NAMES: Record<VisitStep, string> = {
	on_my_way: 'On My Way',
	started: 'Started',
	done: 'Done',
	not_done: 'Could Not Do It',
};

export const description = updateDisplayOptions(
	{ show: { resource: ['booking'], operation: ['progress'] } },
	[
		bookingIdProperty,
		{
			displayName: 'Step',
			name: 'step',
			type: 'options',
			options: VISIT_STEPS.map((value) => ({ name: STEP_NAMES[value], value })),
			default: 'done',
			displayOptions: definedBelow,
			description:
				'What the crew reports. Done completes the visit (the review request may follow); Could Not Do It leaves it for ops. Each step is kept once.',
		},
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			default: '',
			displayOptions: definedBelow,
			description: "The crew's note: what was done, or why the visit could not be done",
		},
		{
			displayName:
				'From the case: the booking under "booking", and the step the crew tapped under "crew_answer" (its "choice" and "message"), as the Customer Links workflow passes a crew’s answer',
			name: 'progressNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { inputSource: ['case'] } },
		},
	],
);

export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	let step: string | null;
	let note: string | null;
	if (op.source === 'define') {
		step = this.getNodeParameter('step', i, 'done') as VisitStep;
		note = optionalText(this, 'note', i);
	} else {
		const item = caseOf(this, i);
		step = textAt(item, 'crew_answer', 'choice');
		if (!step)
			throw missingFromCase(
				this,
				i,
				'crew_answer.choice',
				'the step the crew tapped',
				item.crew_answer,
			);
		note = textAt(item, 'crew_answer', 'message');
	}
	return await onBooking(this, i, op, 'progress', { step: step as VisitStep, note });
}
