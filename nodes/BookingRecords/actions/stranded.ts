/**
 * Find Stranded Bookings on the n8n side: one item per case whose confirmed visits its flow never
 * recorded, ready for the Human Queue. The rules are in shared/records/stranded.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Additions } from '../../shared/n8n/items';
import { strandedBookings, strandedCaseItem } from '../../shared/records/stranded';
import type { BookingStore } from '../../shared/store';

const show = { show: { operation: ['strandedBookings'] } };

export const strandedProperties: INodeProperties[] = [
	{
		displayName: 'Booked at Least (Minutes) Ago',
		name: 'olderThanMinutes',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0, maxValue: 1440, numberPrecision: 2 },
		displayOptions: show,
		description:
			'A visit booked more recently may still be on its way to its case (its flow is running): it is looked at on a later run',
	},
	{
		displayName: 'Look Back (Hours)',
		name: 'lookBackHours',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 0.02, maxValue: 744, numberPrecision: 2 },
		displayOptions: show,
		description: 'Visits booked or changed longer ago than this are not looked at again',
	},
];

export async function findStranded(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
): Promise<Additions[]> {
	const nowMs = Date.now();
	const found = await strandedBookings(store, {
		nowMs,
		olderThanMinutes: ctx.getNodeParameter('olderThanMinutes', i, 15) as number,
		lookBackHours: ctx.getNodeParameter('lookBackHours', i, 24) as number,
	});
	return found.map((stranded) => ({ json: strandedCaseItem(stranded, nowMs) as IDataObject }));
}
