/**
 * What the nodes do as an AI Agent's tools, inside n8n-core: a start the model chose is booked
 * only if Find Slots would offer it, a confirmation named by a booking id is written from the
 * stored booking, and Booking Records reads the agent's steps into the case (or says how to
 * turn them on).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { closeAllStores, SqliteBookingStore } from '../../nodes/shared/store';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-tools-'));
const sqlitePath = path.join(dir, 'store.sqlite');
afterAll(async () => {
	await closeAllStores();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** One of our nodes after a No Operation node that gives it the item. */
function single(type: string, parameters: Record<string, unknown>) {
	return {
		name: 'tools',
		nodes: [
			{ name: 'Item', type: 'n8n-nodes-base.noOp', parameters: {} },
			{ name: 'Tool', type: `n8n-nodes-booking-agents.${type}`, parameters },
		].map((n, i) => ({ ...n, id: `t${i}`, typeVersion: 1, position: [i * 200, 0] })),
		connections: { Item: { main: [[{ node: 'Tool', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const job = { service_type: 'deep_cleaning', bedrooms: 2, bathrooms: 1 };
const customer = { name: 'Ana Ruiz', email: 'ana@example.com', address: '12 Elm St' };

async function book(start: string) {
	const run = await runWorkflow(
		single('schedulingAgent', {
			operation: 'book',
			sqlitePath,
			start,
			offeredTimesOnly: true,
			idempotencyKey: `tool:${start}`,
		}),
		{ input: { qualification: job, customer } },
	);
	expect(run.status).toBe('success');
	return run.output('Tool')[0].json.booking as Record<string, any>;
}

it('Book with "Only a Time Find Slots Offers": 3 a.m. refused with its reason, 9 a.m. booked', async () => {
	// Monday 3 June 2030 in New York.
	const refused = await book('2030-06-03T03:00:00-04:00');
	expect(refused).toMatchObject({ status: 'taken', booking_id: null });
	expect(refused.reason).toBe(
		'2030-06-03T03:00:00-04:00 is not a time the calendar offers (outside working hours, a holiday, too soon, or taken): book one of the times Find Slots returns.',
	);
	const booked = await book('2030-06-03T09:00:00-04:00');
	expect(booked).toMatchObject({ status: 'confirmed', start: '2030-06-03T09:00:00-04:00' });
});

it('Compose Message with a booking named only by its id writes from the stored booking', async () => {
	const booked = await book('2030-06-04T10:00:00-04:00');
	const run = await runWorkflow(
		single('confirmationAgent', {
			operation: 'compose',
			messageKind: 'booking_confirmation',
			sqlitePath,
			// What a model passes: the booking's id, nothing else.
			booking: JSON.stringify({ booking_id: booked.booking_id }),
			customerName: '',
			customerEmail: '',
			service: '',
		}),
		{ input: {} },
	);
	expect(run.status).toBe('success');
	const confirmation = run.output('Tool')[0].json.confirmation as Record<string, any>;
	expect(confirmation.email.to).toBe('ana@example.com');
	expect(confirmation.email.text).toMatch(/^Hi Ana Ruiz/);
	expect(confirmation.email.text).toContain('Tuesday, June 4 at 10:00 AM EDT at 12 Elm St');
	expect(confirmation.email.text).toContain(booked.booking_id);
	expect(confirmation.email.subject).toBe('Your deep cleaning is booked for Tuesday, June 4');

	const unknown = await runWorkflow(
		single('confirmationAgent', {
			operation: 'compose',
			messageKind: 'booking_confirmation',
			sqlitePath,
			booking: JSON.stringify({ booking_id: 'bk_made_up' }),
		}),
		{ input: {} },
	);
	const error = unknown.nodeError('Tool') as unknown as { message: string; description: string };
	expect(error.message).toBe('No booking "bk_made_up"');
	expect(error.description).toMatch(/pass the booking_id the Scheduling Agent returned/);
});

describe("Booking Records, Read an AI Agent's Work", () => {
	const steps = [
		{
			action: { tool: 'Price_the_Job', toolInput: { bedrooms: '2' } },
			observation: JSON.stringify([
				{ quote: { quote_id: 'q_tools_1', total_cents: 16660, currency: 'USD' } },
			]),
		},
		{ action: { tool: 'Book_a_Time' }, observation: '{"error":"not a time the calendar offers"}' },
	];

	it('gives the case with what the tools returned (an error is not a booking) and the model’s answer apart', async () => {
		const run = await runWorkflow(
			single('bookingRecords', { operation: 'caseFromAgent', sqlitePath }),
			{
				input: {
					output: 'A deep clean is $166.60.',
					intermediateSteps: steps,
				},
			},
		);
		expect(run.status).toBe('success');
		const [item] = run.output('Tool');
		// The agent's output passes through, as every node passes the item on.
		expect(item.json).toMatchObject({
			quote: { quote_id: 'q_tools_1', total_cents: 16660, currency: 'USD' },
			reply: 'A deep clean is $166.60.',
		});
		expect(item.json.booking).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('says how to turn the steps on when the item has none', async () => {
		const run = await runWorkflow(
			single('bookingRecords', { operation: 'caseFromAgent', sqlitePath }),
			{ input: { output: 'Hello' } },
		);
		const error = run.nodeError('Tool') as unknown as { message: string; description: string };
		expect(error.message).toBe('The item is not an AI Agent’s output with its steps');
		expect(error.description).toContain('"Return Intermediate Steps"');
	});
});

describe('Booking Records, Back Up the Store', () => {
	it('gives a SQLite copy of the store as a file: a store of its own, with the bookings', async () => {
		await book('2030-06-05T09:00:00-04:00');
		const run = await runWorkflow(single('bookingRecords', { operation: 'backup', sqlitePath }), {
			input: {},
		});
		expect(run.status).toBe('success');
		const [item] = run.output('Tool');
		expect(item.json.backup).toMatchObject({
			store: 'sqlite',
			file_name: expect.stringMatching(/^booking-agents-\d{4}-\d\d-\d\dT[\d-]+Z\.sqlite$/),
			schema_version: expect.any(Number),
		});
		expect(item.binary?.data).toMatchObject({ mimeType: 'application/vnd.sqlite3' });
		const copy = path.join(dir, 'restored.sqlite');
		fs.writeFileSync(copy, Buffer.from(item.binary!.data.data, 'base64'));
		const restored = new SqliteBookingStore(copy);
		await restored.init();
		const starts = (await restored.listBookings({}, 0)).map((b) =>
			new Date(b.start_ms).toISOString(),
		);
		await restored.close();
		expect(starts).toContain('2030-06-05T13:00:00.000Z');
	});
});
