/** Where Booking Records finds the case it records or links. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { caseOf, nodeOutputJson } from '../../shared/n8n/inputs';

/** The case: the incoming item, or the paired item of the node named in "Case From Node". */
export function caseFromNode(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	const name = String(ctx.getNodeParameter('caseNode', i, '') ?? '').trim();
	if (!name) return caseOf(ctx, i);
	const json = nodeOutputJson(ctx, i, name);
	if (json) return json;
	throw new NodeOperationError(ctx.getNode(), `No case on the output of "${name}"`, {
		itemIndex: i,
		description: `"Case From Node" names "${name}", but no node of that name ran before this one in this execution. Name the node whose output is the case (for example the Confirmation Agent's), or leave the field empty to use the incoming item.`,
	});
}
