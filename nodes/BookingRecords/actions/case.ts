/** Where Booking Records finds the case it records or links. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { objectAt, textAt } from '../../shared/case';
import { caseOf, nodeOutputJson } from '../../shared/n8n/inputs';
import { caseFromAgentSteps } from '../../shared/records/agentSteps';
import { getCase } from '../../shared/records/cases';
import type { BookingStore } from '../../shared/store';

/** The case: the incoming item, or the paired item of the node named in "Case From Node". */
export function caseFromNode(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	return namedCase(ctx, i) ?? caseOf(ctx, i);
}

/**
 * Read an AI Agent's Work: the case after an AI Agent whose tools are our nodes. The incoming
 * item is the agent's output (with "Return Intermediate Steps" on); the case is the node named in
 * "Case From Node" (the agent's input) with what the tools returned. A case that was priced in an
 * earlier turn keeps that quote (read from the store), so a visit booked now is worth it.
 */
export async function caseFromAgent(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
): Promise<Record<string, unknown>> {
	const incoming = caseOf(ctx, i);
	if (!Array.isArray(incoming.intermediateSteps))
		throw new NodeOperationError(
			ctx.getNode(),
			'The item is not an AI Agent’s output with its steps',
			{
				itemIndex: i,
				description:
					'Put this node right after the AI Agent and turn on "Return Intermediate Steps" in the agent’s options: its steps say what our tools returned.',
			},
		);
	const { intermediateSteps, output, ...rest } = incoming;
	const item = caseFromAgentSteps(namedCase(ctx, i) ?? rest, intermediateSteps);
	const caseId = textAt(item, 'case', 'case_id');
	if (!objectAt(item.quote) && caseId) {
		const stored = await getCase(store, caseId);
		if (stored?.quote_id && stored.quote_cents !== null)
			item.quote = {
				quote_id: stored.quote_id,
				total_cents: stored.quote_cents,
				currency: stored.currency,
				valid_until: stored.quote_valid_until,
				service_type: stored.service_type,
			};
	}
	return { ...item, reply: typeof output === 'string' ? output : null };
}

function namedCase(ctx: IExecuteFunctions, i: number): Record<string, unknown> | null {
	const name = String(ctx.getNodeParameter('caseNode', i, '') ?? '').trim();
	if (!name) return null;
	const json = nodeOutputJson(ctx, i, name);
	if (json) return json;
	throw new NodeOperationError(ctx.getNode(), `No case on the output of "${name}"`, {
		itemIndex: i,
		description: `"Case From Node" names "${name}", but no node of that name ran before this one in this execution. Name the node whose output is the case (for example the Confirmation Agent's), or leave the field empty to use the incoming item.`,
	});
}
