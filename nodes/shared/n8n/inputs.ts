/**
 * Where an agent's inputs come from. Version 2 of every agent reads them from
 * the case by default ("From the Case (Automatic)": the item contract, read in
 * code, as n8n's Respond to Webhook and AI nodes read their input), or from
 * parameters mapped by the user ("Define Below"). Version 1 nodes keep their
 * mapped parameters (their defaults are expressions on the case), so saved
 * workflows behave as before.
 */
import {
	NodeOperationError,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import type { CaseItem } from '../case';

export type InputSource = 'case' | 'define';

export const inputSourceProperties: INodeProperties[] = [
	{
		displayName: 'Input Source',
		name: 'inputSource',
		type: 'hidden',
		default: 'define',
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Input Source',
		name: 'inputSource',
		type: 'options',
		noDataExpression: true,
		default: 'case',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		options: [
			{
				name: 'From the Case (Automatic)',
				value: 'case',
				description:
					"Reads the customer's message and details and the other agents' results from the item, as the templates write them",
			},
			{
				name: 'Define Below',
				value: 'define',
				description: 'Map each input yourself, for example by dragging fields from the input panel',
			},
		],
		description: 'Where this agent finds what it works on',
	},
];

/** Shown only when the inputs are mapped by hand. */
export const definedBelow: IDisplayOptions = { show: { inputSource: ['define'] } };

/** The node's input source (version 1 nodes always map their inputs). */
export function readInputSource(ctx: IExecuteFunctions): InputSource {
	return ctx.getNodeParameter('inputSource', 0, 'define') === 'case' ? 'case' : 'define';
}

/** The case on item i. */
export function caseOf(ctx: IExecuteFunctions, i: number): CaseItem {
	return (ctx.getInputData()[i]?.json ?? {}) as CaseItem;
}

/**
 * The JSON another node of this execution output for item i: its item paired with this
 * one, else its first item (`paired: false` asks for the first one). Null when no node of
 * that name ran before this one.
 */
export function nodeOutputJson(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	{ paired = true }: { paired?: boolean } = {},
): Record<string, unknown> | null {
	let output: { item?: { json?: unknown }; first: () => { json?: unknown } };
	try {
		output = ctx.getWorkflowDataProxy(i).$(name) as typeof output;
	} catch {
		return null;
	}
	let json: unknown;
	if (paired)
		try {
			json = output.item?.json;
		} catch {
			// No paired item (the item came another way): the node's first item.
		}
	try {
		json ??= output.first()?.json;
	} catch {
		return null;
	}
	return json && typeof json === 'object' ? (json as Record<string, unknown>) : null;
}

/**
 * The error for a case without an input the agent needs: it names the field,
 * what it should hold, and both ways to fix it.
 */
export function missingFromCase(
	ctx: IExecuteFunctions,
	i: number,
	field: string,
	what: string,
	found: unknown,
): NodeOperationError {
	const seen =
		found === undefined || found === null
			? 'nothing'
			: typeof found === 'string'
				? 'empty text'
				: `a ${Array.isArray(found) ? 'list' : typeof found}`;
	return new NodeOperationError(
		ctx.getNode(),
		`Nothing usable in "${field}": the case needs ${what} there`,
		{
			itemIndex: i,
			description: `"From the Case" reads ${what} from "${field}" on the item, and this item has ${seen} there. Put it there in an earlier step (an Edit Fields node), or set Input Source to "Define Below" and map it.`,
		},
	);
}

/**
 * This execution's resume URL (the link a Wait node after this node answers),
 * read from n8n's data proxy in the main thread: an expression would cost an
 * isolate evaluation.
 */
export function resumeUrl(ctx: IExecuteFunctions, i: number): string {
	return String(ctx.getWorkflowDataProxy(i).$execution.resumeUrl);
}

/** How many times this node has run before in this execution (n8n's $runIndex). */
export function runIndex(ctx: IExecuteFunctions, i: number): number {
	return Number(ctx.getWorkflowDataProxy(i).$runIndex);
}
