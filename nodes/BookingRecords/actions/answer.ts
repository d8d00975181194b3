/** Booking Records' "Answer the Customer": the public answer for the case, in place of the item. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from '../../shared/n8n/errors';
import { ANSWER_OUTCOMES, publicAnswer, type AnswerOutcome } from '../../shared/records/answer';
import { textAt } from '../../shared/case';
import { caseIdOf } from '../../shared/records/cases';
import { caseFromNode } from './case';

/** The case's reference: the recorded case's id, or none (never a made-up id for a case with no key). */
function referenceOf(item: Record<string, unknown>): string | null {
	if (!textAt(item, 'case', 'case_id') && !textAt(item, 'idempotency_key')) return null;
	try {
		return caseIdOf(item);
	} catch {
		// A malformed case id: the answer goes out without a reference (the record step names the field).
		return null;
	}
}

/**
 * One answer per item, and only the answer: what a Respond to Webhook node (or a workflow that
 * called this one) hands on is what the customer may read.
 */
export async function runAnswer(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const out: INodeExecutionData[] = [];
	const items = ctx.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const outcome = ctx.getNodeParameter('outcome', i) as AnswerOutcome;
			if (!(ANSWER_OUTCOMES as readonly string[]).includes(outcome))
				throw new NodeOperationError(ctx.getNode(), `"${outcome}" is not an outcome`, {
					itemIndex: i,
					description: `Set "Outcome" to one of: ${ANSWER_OUTCOMES.join(', ')}.`,
				});
			const item = caseFromNode(ctx, i);
			const words = String(ctx.getNodeParameter('answerMessage', i, '') ?? '').trim();
			const caseId = referenceOf(item);
			const answer = publicAnswer(item, outcome, caseId, words || null) as IDataObject;
			const withCase = ctx.getNodeParameter('answerOutput', i, 'answer') === 'caseAndAnswer';
			out.push({
				json: withCase ? { ...items[i].json, answer } : answer,
				pairedItem: { item: i },
			});
		} catch (error) {
			const nodeError = toNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push({ json: { error: { message: nodeError.message } }, pairedItem: { item: i } });
		}
	}
	return [out];
}
