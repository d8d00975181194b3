import type { Additions } from '../../../shared/n8n/items';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { schedule } from '../../schedule';
import {
	crewIdProperty,
	jobProperties,
	preferenceProperties,
	priorityProperties,
	readJob,
	readPreference,
	readPriority,
	readScheduleOptions,
	type OperationContext,
} from '../common';
import { optionalText } from '../../../shared/n8n/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['slot'], operation: ['findSlots'] } },
	[
		...jobProperties,
		...priorityProperties,
		...preferenceProperties,
		crewIdProperty,
		{
			displayName: 'Number of Slots',
			name: 'count',
			type: 'number',
			default: 5,
			typeOptions: { minValue: 1, maxValue: 50 },
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const result = await schedule(
		{
			operation: 'findSlots',
			job: readJob(this, i, op.source),
			...readPriority(this, i, op.source),
			preference: readPreference(this, i, op.source),
			crew_id: optionalText(this, 'crewId', i),
			count: this.getNodeParameter('count', i) as number,
		},
		await readScheduleOptions(this, i, op, true),
	);
	return [{ json: { booking: result as unknown as IDataObject } }];
}
