/**
 * Where an agent's business settings come from: this node's own fields, or the
 * settings tables ops staff keep in n8n's Data Tables, which the templates'
 * Business Settings workflow reads at the start of every execution (so a change
 * applies to the next execution, nothing republished). The rows stay on that
 * node's output, read from here in code: carried on every item, they would be
 * copied into every node's output and the saved execution.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { settingsOnItem, type SettingsRows } from '../settings';
import { caseOf, nodeOutputJson } from './inputs';

export type SettingsSource = 'node' | 'tables';

/** The parameter; `what` names the settings this agent reads, for its hint. */
export function settingsSourceProperty(what: string): INodeProperties {
	return {
		displayName: 'Settings From',
		name: 'settingsFrom',
		type: 'options',
		noDataExpression: true,
		default: 'node',
		options: [
			{
				name: 'This Node',
				value: 'node',
				description: `${what} are set on this node`,
			},
			{
				name: 'Settings Tables (on the Item)',
				value: 'tables',
				description: `${what} come from the Booking settings Data Tables, read by the Business Settings workflow at the start of the execution`,
			},
		],
		description: `Where ${what.toLowerCase()} come from. The templates use the settings tables, so ops change them in one place (Overview > Data tables).`,
	};
}

/** Shown only when the settings are set on the node. */
export const settingsOnNode = { show: { settingsFrom: ['node'] } };

/** The node whose output holds the settings tables' rows (the templates' Business Settings). */
export const settingsNodeProperty: INodeProperties = {
	displayName: 'Settings Node',
	name: 'settingsNode',
	type: 'string',
	default: 'Business Settings',
	description:
		'The node that read the settings tables earlier in this workflow (the templates call it Business Settings); its output holds them under "settings"',
	displayOptions: { show: { settingsFrom: ['tables'] } },
};

export function readSettingsSource(ctx: IExecuteFunctions, i: number): SettingsSource {
	return ctx.getNodeParameter('settingsFrom', i, 'node') === 'tables' ? 'tables' : 'node';
}

/**
 * The settings rows for item i: on the item itself (a workflow that put them there), else
 * on the output of the Settings Node in this execution; an error that says what to do
 * when neither has them.
 */
export function settingsRowsOf(ctx: IExecuteFunctions, i: number): SettingsRows {
	const onItem = settingsOnItem(caseOf(ctx, i) as Record<string, unknown>);
	if (onItem) return onItem;
	const nodeName = (ctx.getNodeParameter('settingsNode', i, 'Business Settings') as string) || '';
	const output = nodeOutputJson(ctx, i, nodeName, { paired: false });
	const rows = output ? settingsOnItem(output) : null;
	if (!rows)
		throw new NodeOperationError(ctx.getNode(), 'No settings tables to read', {
			itemIndex: i,
			description: `"Settings From" is "Settings Tables", but no node named "${nodeName}" ran before this one with the tables' rows under "settings". Call the "Booking Agents: Business Settings" workflow with an Execute Workflow node of that name at the start of this workflow (the templates do), set "Settings Node" to the name you gave it, or set "Settings From" to "This Node".`,
		});
	return rows;
}
