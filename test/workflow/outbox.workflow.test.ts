/**
 * Booking Records' outbox and stranded-booking operations inside n8n-core: a message written from
 * the node's fields (a handoff e-mail to ops) is kept with its case; a recipient that is not one
 * mailbox or one E.164 number is refused naming "To"; a message to ops whose tries are used up is
 * only recorded on its case (no second handoff); Find Stranded Bookings gives one item per case
 * whose visit its flow never recorded, paired with the item that asked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { caseEvents, recordCaseStep } from '../../nodes/shared/records/cases';
import { getMessage } from '../../nodes/shared/records/outbox';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import { closeAllStores, SqliteBookingStore } from '../../nodes/shared/store';
import { runWorkflow } from '../harness/in-process';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-wf-outbox-'));
const sqlitePath = path.join(dir, 'store.sqlite');
let store: SqliteBookingStore;
beforeAll(async () => {
	store = new SqliteBookingStore(sqlitePath);
	await store.init();
});
afterAll(async () => {
	await store?.close();
	await closeAllStores();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** Booking Records after a No Operation node that gives it the input items. */
function records(parameters: Record<string, unknown>) {
	return {
		name: 'outbox',
		nodes: [
			{ name: 'Item', type: 'n8n-nodes-base.noOp', parameters: {} },
			{
				name: 'Records',
				type: 'n8n-nodes-booking-agents.bookingRecords',
				parameters: { sqlitePath, ...parameters },
			},
		].map((n, i) => ({ ...n, id: `o${i}`, typeVersion: 1, position: [i * 200, 0] })),
		connections: { Item: { main: [[{ node: 'Records', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const handoff = (more: Record<string, unknown> = {}) =>
	records({
		operation: 'queueMessages',
		messageLabel: 'Handoff',
		messageFrom: 'fields',
		fieldChannel: 'email',
		messageTo: 'ops@brightclean.example',
		messageSubject: '[Human queue] Lena Ortiz: asked for a person',
		messageText: 'Reason: asked for a person',
		whenUndeliverable: 'record',
		emailFrom: 'Bright Clean <hello@brightclean.example>',
		settingsFrom: 'node',
		...more,
	});

it('keeps a handoff written from its fields with its case, and records it on the case when it can never go', async () => {
	const caseId = 'cs_wfhandoff01';
	await recordCaseStep(
		store,
		{ case: { case_id: caseId }, customer: { name: 'Lena Ortiz' }, handoff_reason: 'asked' },
		'handedOver',
		{ workflow: 'test', executionId: 'x1', executionUrl: null },
		Date.now(),
	);
	const put = await runWorkflow(handoff(), { input: { case: { case_id: caseId } } });
	expect(put.status).toBe('success');
	const [item] = put.output('Records');
	expect(item.pairedItem).toEqual({ item: 0 });
	const [listed] = item.json.outbox as Array<{ id: string; channel: string; status: string }>;
	expect(listed).toMatchObject({ channel: 'email', status: 'queued' });
	expect(await getMessage(store, listed.id)).toMatchObject({
		case_id: caseId,
		label: 'Handoff',
		recipient: 'ops@brightclean.example',
		content: {
			from: 'Bright Clean <hello@brightclean.example>',
			subject: '[Human queue] Lena Ortiz: asked for a person',
			text: 'Reason: asked for a person',
			on_failure: 'record',
		},
	});

	// Two tries (one wait of a second), both failed: recorded on the case, not handed over.
	const tryOnce = async () => {
		const taken = await runWorkflow(records({ operation: 'takeMessages', whichMessages: 'item' }), {
			input: { outbox: [listed] },
		});
		expect(taken.output('Records')).toHaveLength(1);
		const recorded = await runWorkflow(
			records({
				operation: 'recordSend',
				sendOutcome: 'failed',
				outboxId: listed.id,
				sendError: 'connect ECONNREFUSED 127.0.0.1:25',
				retrySchedule: '1s',
			}),
			{ input: {} },
		);
		return recorded.output('Records')[0].json;
	};
	expect(await tryOnce()).toMatchObject({ gave_up: false });
	await new Promise((resolve) => setTimeout(resolve, 1_100));
	expect(await tryOnce()).toEqual({
		outbox: expect.objectContaining({ status: 'failed', attempts: 2 }),
		gave_up: true,
		hand_over: false,
		delivery_failure: {
			channel: 'email',
			label: 'Handoff',
			error: 'connect ECONNREFUSED 127.0.0.1:25',
		},
	});
	const failed = (await caseEvents(store, caseId)).filter((e) => e.kind === 'delivery_failed');
	expect(failed).toHaveLength(1);
	expect(failed[0].data).toMatchObject({ label: 'Handoff', channel: 'email' });
});

it('refuses a recipient that is not one mailbox or one E.164 number, naming "To"', async () => {
	for (const [more, message] of [
		[{ messageTo: 'ops@brightclean.example, boss@elsewhere.example' }, /is not one e-mail address/],
		[{ messageTo: 'ops@brightclean.example\r\nBcc: x@evil.example' }, /is not one e-mail address/],
		[{ messageTo: '' }, /no recipient: set "To"/],
		[
			{ fieldChannel: 'sms', messageTo: '212 555 0100', smsFrom: '+12125550100' },
			/is not a phone number in E\.164/,
		],
		[{ messageText: '  ' }, /no text: set "Text"/],
	] as const) {
		const run = await runWorkflow(handoff(more), { input: {} });
		const error = run.nodeError('Records') as unknown as { message: string; description: string };
		expect(`${error.message} ${error.description ?? ''}`).toMatch(message);
	}
	expect(await store.read("SELECT id FROM outbox WHERE recipient LIKE '%boss%'")).toEqual([]);
});

it('keeps a text written from its fields, to the number in E.164', async () => {
	const run = await runWorkflow(
		handoff({
			fieldChannel: 'sms',
			messageTo: '+1 212 555 0147',
			messageText: 'Crew B: the 3 pm visit moved to 4 pm.',
			smsFrom: '+12125550100',
		}),
		{ input: {} },
	);
	expect(run.status).toBe('success');
	const [listed] = run.output('Records')[0].json.outbox as Array<{ id: string }>;
	const message = await getMessage(store, listed.id);
	expect(message).toMatchObject({
		channel: 'sms',
		recipient: '+12125550147',
		content: { from: '+12125550100', text: 'Crew B: the 3 pm visit moved to 4 pm.' },
	});
	expect(message!.content.subject).toBeUndefined();
});

it('Find Stranded Bookings gives one item per case whose visit its flow never recorded', async () => {
	const crews = [{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], on_call: false }];
	const booked = await schedule(
		{
			operation: 'book',
			job: { service_type: 'standard_cleaning', duration_minutes: 60 },
			case_id: 'cs_wfstranded1',
			customer: { name: 'Rui Tan', email: 'rui@example.com' },
		},
		{ store, now: new Date(Date.now() - 20 * 60_000), calendar: { crews } },
	);
	expect(booked.status).toBe('confirmed');
	const run = await runWorkflow(
		records({ operation: 'strandedBookings', olderThanMinutes: 15, lookBackHours: 24 }),
		{ input: { asked: true } },
	);
	expect(run.status).toBe('success');
	const out = run.output('Records');
	expect(out).toHaveLength(1);
	expect(out[0].pairedItem).toEqual({ item: 0 });
	expect(out[0].json).toMatchObject({
		asked: true,
		case: { case_id: 'cs_wfstranded1' },
		customer: { name: 'Rui Tan', email: 'rui@example.com' },
		booking: { booking_id: booked.booking_id, status: 'confirmed', crew_name: 'Crew A' },
		stranded: { case_recorded: false, visits: 1 },
		handoff_reason: expect.stringContaining(
			`The visit ${booked.booking_id} (standard cleaning, Crew A,`,
		),
	});
	const bad = await runWorkflow(
		records({ operation: 'strandedBookings', olderThanMinutes: -5, lookBackHours: 24 }),
		{ input: {} },
	);
	const error = bad.nodeError('Records') as unknown as { message: string; description: string };
	expect(`${error.message} ${error.description ?? ''}`).toMatch(
		/-5 is not a number from 0 to 1440: set "Booked at Least \(Minutes\) Ago"/,
	);
});
