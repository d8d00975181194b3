/**
 * Reading node parameters for one item, with errors that name the parameter
 * and the fix. n8n evaluates any expression in them; values that must be JSON
 * may arrive as text or already parsed.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

/** Whether the node has this parameter at all (n8n drops parameters hidden for the chosen operation). */
export function hasParameter(ctx: IExecuteFunctions, name: string): boolean {
	return Object.prototype.hasOwnProperty.call(ctx.getNode().parameters, name);
}

/** Reads a text parameter that must hold the customer's message. */
export function requireText(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
	example = '{{ $json.body.message }}',
): string {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string' || value.trim() === '') {
		throw new NodeOperationError(
			ctx.getNode(),
			`The '${displayName}' parameter is empty for this item`,
			{
				itemIndex: i,
				description: `Map the customer's text into '${displayName}', for example ${example} after a webhook. The current mapping found ${value === undefined || value === null ? 'nothing' : 'no text'} in this item.`,
			},
		);
	}
	return value;
}

/** Reads an optional text parameter; expressions that resolve to nothing give null. */
export function optionalText(ctx: IExecuteFunctions, name: string, i: number): string | null {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	if (value === undefined || value === null) return null;
	const text = String(value).trim();
	return text === '' ? null : text;
}

/** Reads a parameter that may be empty; expressions resolving to nothing give null. */
export function optionalValue(ctx: IExecuteFunctions, name: string, i: number): unknown {
	const value = ctx.getNodeParameter(name, i, null) as unknown;
	return value === undefined || value === '' ? null : value;
}

/** Reads a JSON parameter that may arrive as text or as an object; names the parameter when it is not JSON. */
export function jsonParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
): Record<string, unknown> {
	const value = ctx.getNodeParameter(name, i, {}) as unknown;
	if (value === null || value === undefined || value === '') return {};
	if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	if (typeof value === 'string') {
		try {
			const parsed = JSON.parse(value) as unknown;
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
				return parsed as Record<string, unknown>;
		} catch {
			// reported below
		}
	}
	throw new NodeOperationError(ctx.getNode(), `'${displayName}' is not a JSON object`, {
		itemIndex: i,
		description: `Give '${displayName}' a JSON object such as {"tax_rate_pct": 8.25}, or leave it as {}.`,
	});
}

/** Reads a JSON list parameter (text or already parsed); anything else names the parameter. */
export function jsonListParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	i: number,
): unknown[] {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	if (value === null || value === undefined || value === '') return [];
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			parsed = undefined;
		}
	}
	if (!Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), `'${displayName}' is not valid JSON`, {
			itemIndex: i,
			description: `Give '${displayName}' a JSON list, for example [{"id": "crew-a", "name": "Crew A", "skills": ["cleaning"], "on_call": false}]; fix "${name}".`,
		});
	}
	return parsed;
}

/** A collection parameter (Business, Calendar, Series...) for item i, its empty values left out. */
export function collectionParameter(ctx: IExecuteFunctions, name: string, i: number): IDataObject {
	const value = ctx.getNodeParameter(name, i, {}) as IDataObject;
	return Object.fromEntries(
		Object.entries(value ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''),
	);
}
