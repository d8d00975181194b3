/**
 * Where an agent's business settings come from: this node's own fields, or the
 * settings tables ops staff keep in n8n's Data Tables, which the templates'
 * Business Settings workflow puts on the item under `settings` on every
 * execution (so a change applies to the next execution, nothing republished).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { settingsOnItem, type SettingsRows } from '../settings';
import { caseOf } from './inputs';

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

export function readSettingsSource(ctx: IExecuteFunctions, i: number): SettingsSource {
	return ctx.getNodeParameter('settingsFrom', i, 'node') === 'tables' ? 'tables' : 'node';
}

/** The settings rows on item i; an error that says what to do when the item carries none. */
export function settingsRowsOf(ctx: IExecuteFunctions, i: number): SettingsRows {
	const rows = settingsOnItem(caseOf(ctx, i) as Record<string, unknown>);
	if (!rows)
		throw new NodeOperationError(ctx.getNode(), 'The item carries no settings tables', {
			itemIndex: i,
			description:
				'"Settings From" is "Settings Tables", but the item has no "settings" field. Call the "Booking Agents: Business Settings" workflow at the start of this workflow (the templates do), or set "Settings From" to "This Node".',
		});
	return rows;
}
