import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../nodes/shared/store';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-sched-'));
afterAll(async () => {
	await closeAllStores();
	fs.rmSync(dir, { recursive: true, force: true });
});

function workflow(nodes: Array<{ name: string; parameters: Record<string, unknown> }>) {
	const all = [
		{ name: 'Inquiry', type: 'n8n-nodes-base.noOp', parameters: {} },
		...nodes.map((n) => ({ ...n, type: 'n8n-nodes-booking-agents.schedulingAgent' })),
	];
	return {
		name: 'scheduling',
		nodes: all.map((n, i) => ({ ...n, id: `s${i}`, typeVersion: 1, position: [i * 200, 0] })),
		connections: Object.fromEntries(
			all
				.slice(0, -1)
				.map((n, i) => [n.name, { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] }]),
		),
		settings: { executionOrder: 'v1' },
	};
}

describe('Scheduling Agent inside n8n-core', () => {
	const sqlitePath = path.join(dir, 'store.sqlite');

	it('books from the qualification on the item, then reads the booking back in the next node', async () => {
		const run = await runWorkflow(
			workflow([
				{
					name: 'Book Crew',
					parameters: { operation: 'book', sqlitePath, start: '2030-06-03T09:00:00-04:00' },
				},
				{ name: 'Read Booking', parameters: { operation: 'get', sqlitePath } },
			]),
			{
				input: {
					qualification: { service_type: 'deep_cleaning', bedrooms: 2, bathrooms: 1 },
					customer: { name: 'Ana' },
				},
			},
		);
		expect(run.status).toBe('success');
		const booked = run.output('Book Crew')[0].json.booking as Record<string, unknown>;
		expect(booked).toMatchObject({
			status: 'confirmed',
			start: '2030-06-03T09:00:00-04:00',
			end: '2030-06-03T12:00:00-04:00',
			store: 'sqlite',
		});
		const read = run.output('Read Booking')[0].json.booking as {
			status: string;
			bookings: Array<{ customer: unknown }>;
		};
		expect(read.status).toBe('found');
		expect(read.bookings[0].customer).toEqual({ name: 'Ana' });
	});

	it('a re-run of the same execution item (same idempotency key) does not book twice', async () => {
		const wf = workflow([
			{
				name: 'Book Crew',
				parameters: {
					operation: 'book',
					sqlitePath,
					start: '2030-06-04T09:00:00-04:00',
					idempotencyKey: 'form-123',
				},
			},
		]);
		const a = (
			await runWorkflow(wf, { input: { qualification: { service_type: 'standard_cleaning' } } })
		).output('Book Crew')[0].json.booking as Record<string, unknown>;
		const b = (
			await runWorkflow(wf, { input: { qualification: { service_type: 'standard_cleaning' } } })
		).output('Book Crew')[0].json.booking as Record<string, unknown>;
		expect(b.booking_id).toBe(a.booking_id);
		expect(b.replayed).toBe(true);
	});

	it('names the field to fix for an unknown time zone', async () => {
		const run = await runWorkflow(
			workflow([
				{
					name: 'Find',
					parameters: {
						resource: 'slot',
						operation: 'findSlots',
						sqlitePath,
						calendar: { timeZone: 'Europe/Atlantis' },
					},
				},
			]),
			{ input: {} },
		);
		const error = run.nodeError('Find') as unknown as { message: string; description: string };
		expect(error.message).toMatch(/Unknown time zone "Europe\/Atlantis"/);
		expect(error.description).toContain('"timeZone"');
	});
});

describe('Scheduling Agent parameters', () => {
	it('names the Crews parameter when its JSON is broken', async () => {
		const run = await runWorkflow(
			{
				name: 'bad crews',
				nodes: [
					{
						parameters: {},
						id: 'a',
						name: 'Inquiry',
						type: 'n8n-nodes-base.noOp',
						typeVersion: 1,
						position: [0, 0],
					},
					{
						parameters: {
							resource: 'slot',
							operation: 'findSlots',
							sqlitePath: path.join(dir, 'x.sqlite'),
							crews: '[{"id": "a",',
						},
						id: 'b',
						name: 'Find',
						type: 'n8n-nodes-booking-agents.schedulingAgent',
						typeVersion: 1,
						position: [200, 0],
					},
				],
				connections: { Inquiry: { main: [[{ node: 'Find', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			},
			{ input: {} },
		);
		const error = run.nodeError('Find') as unknown as { message: string; description: string };
		expect(error.message).toBe("'Crews' is not valid JSON");
		expect(error.description).toContain('"crews"');
	});
});
