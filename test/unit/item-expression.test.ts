import type { IExecuteFunctions } from 'n8n-workflow';

import { canReadFromItem, readFromItem } from '../../nodes/shared/item-expression';
import { collectionValue, parameterValue } from '../../nodes/shared/n8n';

const item = {
	message: 'hi',
	n: 0,
	empty: '',
	nothing: null,
	customer: { name: 'Dana', tags: ['a'] },
	headers: { 'x-real-ip': '198.51.100.1' },
	quote: { recurring: null },
};

describe('reading simple mappings from the item in code', () => {
	it.each([
		['={{ $json.message }}', 'hi'],
		['={{$json.customer.name}}', 'Dana'],
		['={{ $json.customer?.name }}', 'Dana'],
		['={{ $json.missing?.name }}', undefined],
		['={{ $json.missing }}', undefined],
		['={{ $json.headers?.["x-real-ip"] }}', '198.51.100.1'],
		["={{ $json.headers['x-real-ip'] }}", '198.51.100.1'],
		['={{ $json.customer.tags.length }}', 1],
		['={{ $json.quote.recurring?.frequency ?? "weekly" }}', 'weekly'],
		["={{ $json.frequency ?? $json.qualification?.frequency ?? 'weekly' }}", 'weekly'],
		['={{ $json.n ?? 5 }}', 0], // ?? keeps 0, '' and false
		['={{ $json.empty ?? "x" }}', ''],
		['={{ $json.nothing ?? $json.message }}', 'hi'],
		['={{ $json.nothing ?? null }}', null],
		['={{ null }}', null],
		['={{ 52 }}', 52],
		['={{ -1.5e2 }}', -150],
		['={{ true }}', true],
		['={{ {} }}', {}],
		['={{ $json.customer ?? {} }}', item.customer],
		['={{ $json.missing ?? [] }}', []],
		['={{ "a ?? b" }}', 'a ?? b'],
		['={{ $json.missing ?? "x ?? y" }}', 'x ?? y'],
	])('%s gives %p', (expression, expected) => {
		expect(readFromItem(expression, item)).toEqual({ found: true, value: expected });
	});

	it.each([
		"={{ $('Business Settings').first().json.time_zone }}",
		'={{ $json.a + 1 }}',
		'={{ $json.message.toUpperCase() }}',
		'={{ $execution.id }}',
		'={{ $json.message ?? $json.x ? 1 : 2 }}', // (a ?? b) ? 1 : 2 in JavaScript
		"={{ $json.message ?? $json.x || 'y' }}",
		'={{ $json.message ?? ($json.x, 1) }}',
		'={{ $json.message ?? (() => 1)() }}',
		'={{ $json.message ?? `t` }}',
		'=Hello {{ $json.message }}',
		'={{ $json.a }} and {{ $json.b }}',
		'={{ "with \\"escape\\"" }}',
		'={{ $json[0] }}',
		'={{ $jsonx }}',
		'={{ $json..a }}',
		'={{ { a: $json.a } }}',
		'$json.message',
		'={{ }}',
	])('%s is left to n8n', (expression) => {
		expect(canReadFromItem(expression)).toBe(false);
		expect(readFromItem(expression, item)).toEqual({ found: false });
	});

	it('leaves to n8n what JavaScript would throw on or treat as text (no guessing)', () => {
		expect(readFromItem('={{ $json.missing.name }}', item)).toEqual({ found: false });
		expect(readFromItem('={{ $json.nothing.name ?? "x" }}', item)).toEqual({ found: false });
		expect(readFromItem('={{ $json.message.length }}', item)).toEqual({ found: false });
		// The same expression on an item where the path exists is read.
		expect(readFromItem('={{ $json.missing.name }}', { missing: { name: 'x' } })).toEqual({
			found: true,
			value: 'x',
		});
	});

	it('reads up to a last alternative it does not take, and leaves the whole to n8n when it gets there', () => {
		const expression =
			'={{ $json.idempotency_key ?? $json.headers?.["idempotency-key"] ?? $execution.id + ":" + $runIndex + ":" + $itemIndex }}';
		expect(canReadFromItem(expression)).toBe(true);
		expect(readFromItem(expression, { idempotency_key: 'k1' })).toEqual({
			found: true,
			value: 'k1',
		});
		expect(readFromItem(expression, { headers: { 'idempotency-key': 'k2' } })).toEqual({
			found: true,
			value: 'k2',
		});
		expect(readFromItem(expression, { headers: {} })).toEqual({ found: false });
		expect(readFromItem('={{ $json.message ?? $json.other === "x" }}', item)).toEqual({
			found: true,
			value: 'hi',
		});
		// Only the last alternative may be one it does not take.
		expect(canReadFromItem('={{ $execution.id ?? $json.message }}')).toBe(false);
	});

	it('gives a fresh object or list for {} and [] each time', () => {
		const a = readFromItem('={{ {} }}', {});
		const b = readFromItem('={{ {} }}', {});
		expect(a.found && b.found && a.value !== b.value).toBe(true);
	});
});

describe('agent parameters: simple mappings never reach n8n evaluation', () => {
	// A stand-in for n8n's execute context that records what it is asked to evaluate.
	const context = (parameters: Record<string, unknown>, json: Record<string, unknown>) => {
		const evaluated: string[] = [];
		const ctx = {
			getNode: () => ({ parameters }),
			getInputData: () => [{ json }],
			getNodeParameter: (name: string) => {
				evaluated.push(name);
				return `n8n:${name}`;
			},
		} as unknown as IExecuteFunctions;
		return { ctx, evaluated };
	};

	it('reads a simple mapping in code, leaves the others to n8n, and gives the fallback for nothing', () => {
		const { ctx, evaluated } = context(
			{
				frequency: "={{ $json.frequency ?? $json.qualification.frequency ?? 'weekly' }}",
				secret: "={{ $('Business Settings').first().json.signing_secret }}",
				promo: '={{ $json.promo_code }}',
			},
			{ frequency: null, qualification: { frequency: 'biweekly' } },
		);
		expect(parameterValue(ctx, 'frequency', 0, null)).toBe('biweekly');
		expect(parameterValue(ctx, 'promo', 0, 'none')).toBe('none');
		expect(evaluated).toEqual([]);
		expect(parameterValue(ctx, 'secret', 0, '')).toBe('n8n:secret');
		expect(evaluated).toEqual(['secret']);
	});

	it('reads a collection in code where its values are plain or simple mappings, and asks n8n for the other values only', () => {
		const json = { business: { name: 'Bright Clean', time_zone: 'Europe/London' } };
		const simple = context(
			{ calendar: { timeZone: '={{ $json.business.time_zone }}', bufferMinutes: 30 } },
			json,
		);
		expect(collectionValue(simple.ctx, 'calendar', 0)).toEqual({
			timeZone: 'Europe/London',
			bufferMinutes: 30,
		});
		expect(simple.evaluated).toEqual([]);
		const mixed = context(
			{
				business: {
					name: '={{ $json.business.name }}',
					email: "={{ $('Business Settings').first().json.business_email }}",
					nested: { a: 1 },
				},
			},
			json,
		);
		expect(collectionValue(mixed.ctx, 'business', 0)).toEqual({
			name: 'Bright Clean',
			email: 'n8n:business.email',
			nested: 'n8n:business.nested',
		});
		expect(mixed.evaluated).toEqual(['business.email', 'business.nested']);
	});
});
