/** The per-item loop every agent runs: the case passes through, the result goes under the agent's key. */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeOperationError,
} from 'n8n-workflow';

import { toNodeError } from './errors';

/** What an agent adds to an item: fields (its result under its key) and files (an invite, a PDF). */
export interface Additions {
	json: IDataObject;
	binary?: IBinaryKeyData | null;
}

/**
 * Runs an agent over every input item; each item gives zero, one or several
 * output items, each its input with the additions merged in, paired with it.
 * Failures follow the node's On Error setting.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	run: (i: number, item: INodeExecutionData) => Promise<Additions[]>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const item = items[i];
		try {
			for (const additions of await run(i, item)) {
				const binary = additions.binary
					? { ...(item.binary ?? {}), ...additions.binary }
					: item.binary;
				out.push({
					json: { ...item.json, ...additions.json },
					...(binary ? { binary } : {}),
					pairedItem: { item: i },
				});
			}
		} catch (error) {
			const nodeError = toNodeError(ctx, error, i);
			if (ctx.continueOnFail()) {
				const errorJson = {
					message: nodeError.message,
					description: (nodeError as NodeOperationError).description ?? null,
				};
				// "Continue (using error output)": n8n routes an item whose json is only `error` to the
				// error output and puts the input's fields back on it. "Continue": the case stays on the item.
				const json =
					ctx.getNode().onError === 'continueErrorOutput'
						? { error: errorJson }
						: { ...item.json, error: errorJson };
				out.push({
					json,
					...(item.binary ? { binary: item.binary } : {}),
					pairedItem: { item: i },
				});
				continue;
			}
			throw nodeError;
		}
	}
	return [out];
}

/**
 * Runs an agent over every input item: the result goes under `key`, the rest of
 * the item passes through unchanged, every output item is paired with its input.
 */
export async function runAgentPerItem(
	ctx: IExecuteFunctions,
	key: string,
	/** The item's result; null leaves the item out (an agent that filters, such as follow-ups not yet due). */
	run: (i: number, item: INodeExecutionData) => Promise<IDataObject | null>,
	/** Files the result brings (an .ics invite, a PDF), added to the item's binary data. */
	attach?: (i: number, result: IDataObject) => Promise<IBinaryKeyData | null>,
): Promise<INodeExecutionData[][]> {
	return await runPerItem(ctx, async (i, item) => {
		const result = await run(i, item);
		if (result === null) return [];
		return [{ json: { [key]: result }, binary: attach ? await attach(i, result) : null }];
	});
}
