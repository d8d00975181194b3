import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { textAt } from '../../../shared/case';
import { caseOf } from '../../../shared/n8n/inputs';
import { idempotencyKeyProperty, type OperationContext } from '../common';
import { onSeries, seriesIdProperty } from './manage';

export const description = updateDisplayOptions(
	{ show: { resource: ['series'], operation: ['holdSeries'] } },
	[
		seriesIdProperty,
		{
			displayName: 'Hold for (Hours)',
			name: 'holdHours',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 720 },
			default: 25,
			description:
				"How long from now the held visits stay held; a hold is never made shorter. Reading the case, a deposit asked on it (deposit.expires_at) sets it: an hour past the deposit's deadline.",
		},
		idempotencyKeyProperty,
	],
);

/** The agreement is signed but a deposit comes first: its held visits stay held until it is paid. */
export async function execute(this: IExecuteFunctions, i: number, op: OperationContext) {
	// From the case: an hour past the deposit's deadline, so the flow that waits for it releases them, not the hold's lapse.
	const deadline =
		op.source === 'case' ? Date.parse(textAt(caseOf(this, i), 'deposit', 'expires_at') ?? '') : NaN;
	const minutes = Number.isFinite(deadline)
		? Math.max(1, Math.ceil((deadline - Date.now()) / 60_000)) + 60
		: Math.round(Number(this.getNodeParameter('holdHours', i, 25)) * 60);
	return await onSeries(this, i, op, 'holdSeries', {
		hold_minutes: Number.isFinite(minutes) ? minutes : null,
	});
}
