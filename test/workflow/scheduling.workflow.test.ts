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

describe('a time a person chose (decision.slot), from the case', () => {
	const sqlitePath = path.join(dir, 'decided.sqlite');
	const booking = (start: string) => ({
		name: 'scheduling',
		nodes: [
			{
				name: 'Case',
				type: 'n8n-nodes-base.noOp',
				parameters: {},
				id: 'd0',
				typeVersion: 1,
				position: [0, 0],
			},
			{
				name: 'Book the Chosen Time',
				type: 'n8n-nodes-booking-agents.schedulingAgent',
				parameters: { operation: 'book', sqlitePath },
				id: 'd1',
				typeVersion: 2,
				position: [200, 0],
			},
		],
		connections: { Case: { main: [[{ node: 'Book the Chosen Time', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		start,
	});
	const caseWith = (start: string) => ({
		idempotency_key: 'req-decided-1',
		qualification: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
		customer: { name: 'Noor' },
		// Sunday: outside the hours, which a person may choose; the store still refuses a clash.
		preference: 'Sunday',
		decision: { kind: 'no_room', outcome: 'slot', slot: { start, crew_id: null } },
	});

	it('is booked exactly, outside the hours if need be; another time for the same request is another booking; a clash is refused', async () => {
		const run = async (start: string) => {
			const result = await runWorkflow(booking(start), { input: caseWith(start) });
			expect(result.status).toBe('success');
			return result.output('Book the Chosen Time')[0].json.booking as Record<string, unknown>;
		};
		const first = await run('2030-06-02T10:00:00-04:00');
		expect(first).toMatchObject({ status: 'confirmed', start: '2030-06-02T10:00:00-04:00' });
		// The same decision again (a retry): the same booking, not a second one.
		expect(await run('2030-06-02T10:00:00-04:00')).toMatchObject({
			booking_id: first.booking_id,
			replayed: true,
		});
		const second = await run('2030-06-02T15:00:00-04:00');
		expect(second).toMatchObject({ status: 'confirmed', start: '2030-06-02T15:00:00-04:00' });
		expect(second.booking_id).not.toBe(first.booking_id);
		// Another request for that crew at that time: the store refuses it.
		const clash = await runWorkflow(booking(''), {
			input: {
				...caseWith(''),
				idempotency_key: 'req-decided-2',
				decision: {
					kind: 'no_room',
					outcome: 'slot',
					slot: { start: '2030-06-02T10:00:00-04:00', crew_id: first.crew_id },
				},
			},
		});
		const refused = clash.output('Book the Chosen Time')[0].json.booking as Record<string, unknown>;
		expect(refused).toMatchObject({ status: 'taken', booking_id: null });
		expect(refused.reason).toMatch(/That time was just taken/);
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

describe('Scheduling Agent version 3: crews and hours in fields', () => {
	const sqlitePath = path.join(dir, 'v3.sqlite');
	const v3 = (parameters: Record<string, unknown>) => ({
		name: 'v3',
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
					inputSource: 'define',
					sqlitePath,
					serviceType: 'standard_cleaning',
					...parameters,
				},
				id: 'b',
				name: 'Find',
				type: 'n8n-nodes-booking-agents.schedulingAgent',
				typeVersion: 3,
				position: [200, 0],
			},
		],
		connections: { Inquiry: { main: [[{ node: 'Find', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});

	it('offers slots from the default crews and hours when nothing is changed (no JSON anywhere)', async () => {
		const run = await runWorkflow(v3({}), { input: {} });
		expect(run.status).toBe('success');
		const slots = (run.output('Find')[0].json.booking as { slots: Array<{ crew_id: string }> })
			.slots;
		expect(slots.length).toBeGreaterThan(0);
		expect(['crew-a', 'crew-b']).toContain(slots[0].crew_id);
	});

	it('keeps a crew to its working days and the business to the opening windows set in fields', async () => {
		const run = await runWorkflow(
			v3({
				crewList: {
					crew: [
						{ id: 'wed-crew', name: 'Wednesday crew', skills: ['cleaning'], workingDays: ['wed'] },
					],
				},
				hourList: { window: [{ day: 'wed', opens: '10:00', closes: '16:00' }] },
				calendar: { timeZone: 'America/New_York' },
			}),
			{ input: {} },
		);
		expect(run.status).toBe('success');
		const slots = (
			run.output('Find')[0].json.booking as { slots: Array<{ crew_id: string; start: string }> }
		).slots;
		expect(slots.length).toBeGreaterThan(0);
		for (const slot of slots) {
			expect(slot.crew_id).toBe('wed-crew');
			const local = new Date(slot.start);
			expect(local.getUTCDay()).toBe(3); // Wednesday (10:00-16:00 New York is the same UTC day)
			expect(slot.start).toMatch(/T1[0-5]:\d\d:00-0[45]:00$/);
		}
	});

	it('names the crew and the field when an entry is wrong', async () => {
		const run = await runWorkflow(
			v3({
				crewList: {
					crew: [
						{ id: 'crew-a', skills: ['cleaning'] },
						{ id: 'crew-b', skills: ['cleaning'], timeOff: 'next week' },
					],
				},
			}),
			{ input: {} },
		);
		const error = run.nodeError('Find') as unknown as { message: string; description: string };
		expect(error.message).toBe(
			'Crews, crew 2, Time Off: "next week" is not a date. Write dates as YYYY-MM-DD, for example 2026-12-25.',
		);
		expect(error.description).toContain('Crews, crew 2 > Time Off');
	});

	it('names the window when it closes before it opens', async () => {
		const run = await runWorkflow(
			v3({ hourList: { window: [{ day: 'mon', opens: '17:00', closes: '09:00' }] } }),
			{ input: {} },
		);
		const error = run.nodeError('Find') as unknown as { message: string };
		expect(error.message).toMatch(
			/^Opening Hours, window 1, Closes: mon closes \(09:00\) before it opens \(17:00\)/,
		);
	});

	it('books nothing in a blackout from the panel list, and names a blackout that is not a date', async () => {
		const day = (offset: number) =>
			new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		const run = await runWorkflow(
			v3({ blackoutList: { blackout: [{ start: day(-1), end: day(10), reason: 'Refit' }] } }),
			{ input: {} },
		);
		expect(run.status).toBe('success');
		const slots = (run.output('Find')[0].json.booking as { slots: Array<{ start: string }> }).slots;
		expect(slots.length).toBeGreaterThan(0);
		for (const slot of slots) expect(slot.start.slice(0, 10) > day(10)).toBe(true);

		const bad = await runWorkflow(
			v3({ blackoutList: { blackout: [{ start: 'next tuesday', end: day(3) }] } }),
			{ input: {} },
		);
		const error = bad.nodeError('Find') as unknown as { message: string };
		expect(error.message).toBe(
			'Blackouts, blackout 1, Start: "next tuesday" is not a date or date-time. Write a date such as 2026-12-24, or a date and time such as 2026-12-24T12:00.',
		);
	});

	it('still takes the JSON when "Crews and Hours As" is JSON (Advanced)', async () => {
		const run = await runWorkflow(
			v3({
				calendarEntry: 'json',
				crews: '[{"id": "json-crew", "name": "JSON crew", "skills": ["cleaning"]}]',
			}),
			{ input: {} },
		);
		expect(run.status).toBe('success');
		const slots = (run.output('Find')[0].json.booking as { slots: Array<{ crew_id: string }> })
			.slots;
		expect(slots[0].crew_id).toBe('json-crew');
	});
});

describe("Scheduling Agent's series over its life, inside n8n-core", () => {
	const sqlitePath = path.join(dir, 'series-life.sqlite');

	it('books a series, then the next term, a pause, a skipped visit, a new day and time, and the end, each node reading the series from the item', async () => {
		const run = await runWorkflow(
			workflow([
				{
					name: 'Book the Series',
					parameters: {
						resource: 'series',
						operation: 'bookSeries',
						sqlitePath,
						series: {
							frequency: 'weekly',
							weekday: 'mon',
							time: '09:00',
							start_date: '2030-06-03',
							count: 8,
						},
					},
				},
				{
					name: 'Book the Next Term',
					parameters: {
						resource: 'series',
						operation: 'extendSeries',
						sqlitePath,
						from: '2030-07-29',
						until: '2030-08-31',
					},
				},
				{
					name: 'Pause',
					parameters: {
						resource: 'series',
						operation: 'pauseSeries',
						sqlitePath,
						from: '2030-06-10',
						until: '2030-06-17',
						reason: 'away',
					},
				},
				{
					name: 'Skip a Visit',
					parameters: {
						resource: 'series',
						operation: 'skipVisit',
						sqlitePath,
						date: '2030-06-24',
					},
				},
				{
					name: 'Change Day or Time',
					parameters: {
						resource: 'series',
						operation: 'changeSeries',
						sqlitePath,
						from: '2030-07-01',
						weekday: 'wed',
						time: '13:30',
					},
				},
				{
					name: 'End',
					parameters: {
						resource: 'series',
						operation: 'endSeries',
						sqlitePath,
						until: '2030-08-09',
					},
				},
			]),
			{
				input: {
					qualification: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
					customer: { name: 'Ana' },
				},
			},
		);
		expect(run.status).toBe('success');
		const out = (node: string) => run.output(node)[0];
		expect(
			(out('Book the Series').json.booking as { occurrences: unknown[] }).occurrences,
		).toHaveLength(8);
		const next = out('Book the Next Term').json.series_visits as {
			status: string;
			occurrences: Array<{ start: string }>;
		};
		expect(next.status).toBe('series_booked');
		expect(next.occurrences.map((o) => o.start.slice(0, 10))).toEqual([
			'2030-07-29',
			'2030-08-05',
			'2030-08-12',
			'2030-08-19',
			'2030-08-26',
		]);
		const starts = (node: string) =>
			((out(node).json.series_visits as { bookings: Array<{ start: string }> }).bookings ?? []).map(
				(b) => b.start.slice(0, 10),
			);
		expect(starts('Pause')).toEqual(['2030-06-10', '2030-06-17']);
		expect(starts('Skip a Visit')).toEqual(['2030-06-24']);
		expect(starts('Change Day or Time')).toEqual([
			'2030-07-01',
			'2030-07-08',
			'2030-07-15',
			'2030-07-22',
			'2030-07-29',
			'2030-08-05',
			'2030-08-12',
			'2030-08-19',
			'2030-08-26',
		]);
		const changed = out('Change Day or Time').json.series_visits as {
			occurrences: Array<{ start: string }>;
		};
		expect(changed.occurrences[0].start).toBe('2030-07-03T13:30:00-04:00');
		const ended = out('End').json.series_visits as {
			series_ends_on: string;
			last_visit: { start: string };
		};
		expect(ended).toMatchObject({
			series_ends_on: '2030-08-09',
			last_visit: { start: '2030-08-07T13:30:00-04:00' },
		});
		// Every output item names the input item it came from.
		for (const node of ['Book the Next Term', 'Pause', 'Skip a Visit', 'Change Day or Time', 'End'])
			expect(out(node).pairedItem).toEqual({ item: 0 });
	});

	it('a day that is not a date names the field and the fix', async () => {
		const run = await runWorkflow(
			workflow([
				{
					name: 'Pause',
					parameters: {
						resource: 'series',
						operation: 'pauseSeries',
						sqlitePath,
						seriesId: 'sr_missing-1',
						from: 'next week',
						until: '2030-06-17',
					},
				},
			]),
			{ input: {} },
		);
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/"from" is the first day with no visit, as YYYY-MM-DD/);
	});
});
