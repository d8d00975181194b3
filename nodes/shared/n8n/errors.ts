/**
 * The agents' core errors as n8n errors: input errors name the field and the
 * fix, model failures say what to switch on, every error carries its item index.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { LlmError } from '../llm/client';
import { SettingsError } from '../settings';

export function toNodeError(ctx: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	if (error instanceof LlmError) {
		if (error.kind === 'http') {
			return new NodeApiError(
				ctx.getNode(),
				{ message: error.message, httpCode: String(error.status ?? '') } as JsonObject,
				{
					itemIndex: i,
					message: error.message,
					description:
						error.status === 401
							? 'Check the API key in the Booking Agents OpenAI credential.'
							: 'The AI endpoint failed after all retries. Use "AI with Rules Fallback" to keep working when it is down.',
					httpCode: error.status ? String(error.status) : undefined,
				},
			);
		}
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex: i,
			description:
				'The model could not give a usable answer. Use "AI with Rules Fallback" so the rules take over in that case.',
		});
	}
	if (error instanceof SettingsError)
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex: i,
			description: error.fix,
		});
	const message = error instanceof Error ? error.message : String(error);
	const field = (error as { field?: unknown })?.field;
	if (typeof field === 'string') {
		// Input errors of the agents' cores name the field they reject and say how to fix it.
		return new NodeOperationError(ctx.getNode(), message, {
			itemIndex: i,
			description: `Fix "${field}" (the parameter or the field mapped into it) and run again.`,
		});
	}
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}
