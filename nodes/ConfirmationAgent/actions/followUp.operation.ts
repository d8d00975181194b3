import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { settingsNodeProperty, settingsSourceProperty } from '../../shared/n8n/settings';
import { confirmDueFollowUp } from '../confirm';
import type { Additions } from '../../shared/n8n/items';
import {
	businessProperty,
	followUpOptionsProperty,
	messageInputProperties,
	readComposeInput,
	readConfirmOptions,
	type OperationContext,
} from './common';

const properties: INodeProperties[] = [
	{
		displayName:
			'For each visit (one item each, as Scheduling > List gives them): the reminder or review request its plan says is due now. Visits with nothing due are left out. Run it every 15 minutes or more often.',
		name: 'followUpNotice',
		type: 'notice',
		default: '',
	},
	...messageInputProperties,
	businessProperty,
	settingsSourceProperty('Quiet hours'),
	settingsNodeProperty,
	followUpOptionsProperty,
];

export const description = updateDisplayOptions({ show: { operation: ['followUp'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const input = readComposeInput(this, i, op.source, 'follow_up_due');
	const result = await confirmDueFollowUp(
		input,
		await readConfirmOptions(this, i, op.store, 'follow_up_due'),
	);
	return result === null ? [] : [{ json: { confirmation: result as unknown as IDataObject } }];
}
