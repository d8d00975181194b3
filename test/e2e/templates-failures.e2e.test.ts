/**
 * The templates when things go wrong, in a real n8n. What is broken, and how:
 * - the LLM: the simple booking's Qualifier runs "AI with rules fallback"
 *   against the OpenAI-compatible fake answering 503 to everything;
 * - the commercial flow: its Qualifier runs "AI only" against the same fake,
 *   so it fails, and its error branch must run the simple booking instead;
 * - the store: the emergency's Scheduling node points at a PostgreSQL port
 *   where nothing listens, so the error workflow must escalate to ops;
 * - Twilio: the fake answers 503 to the text's three quick tries, so the booking
 *   stands and the text waits in the outbox for its next try;
 * - the calendar: the recurring flow's Scheduling node has a blackout over the
 *   next two years, so no visit fits and a person must arrange it.
 */
import path from 'node:path';

import { SqliteBookingStore } from '../../nodes/shared/store';
import { startBookingEnv } from '../../dev/booking-env';
import { freePort } from '../../dev/n8n';
import { startOpenAiFake } from '../../dev/fakes/openai-fake';
import { eventually } from '../support/eventually';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let llm: Awaited<ReturnType<typeof startOpenAiFake>>;
let store: SqliteBookingStore;

const OPENAI = { bookingAgentsOpenAiApi: { id: 'set-by-env', name: 'LLM (down)' } };
const DEAD_STORE = {
	bookingStorePostgres: { id: 'set-by-env', name: 'Booking store (unreachable)' },
};
type Node = {
	name: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, unknown>;
};

beforeAll(async () => {
	llm = await startOpenAiFake();
	llm.fallback = () => ({ status: 503 });
	const deadPort = await freePort();
	env = await startBookingEnv({
		only: [
			'support-error-escalation.json',
			'support-human-queue.json',
			'booking-simple.json',
			'booking-emergency.json',
			'booking-commercial-sales.json',
			'booking-recurring-service.json',
		],
		credentials: [
			{
				name: 'LLM (down)',
				type: 'bookingAgentsOpenAiApi',
				data: { apiKey: 'test-key', baseUrl: llm.baseUrl },
			},
			{
				name: 'Booking store (unreachable)',
				type: 'bookingStorePostgres',
				data: {
					host: '127.0.0.1',
					port: deadPort,
					database: 'booking_agents',
					user: 'postgres',
					password: '',
					ssl: false,
				},
			},
		],
		customize(file, workflow) {
			const node = (name: string): Node => workflow.nodes.find((n: Node) => n.name === name);
			const ai = { maxAttempts: 2, baseDelayMs: 50, timeoutSeconds: 5 };
			if (file === 'booking-simple.json')
				Object.assign(node('Qualify the Lead'), {
					parameters: {
						...node('Qualify the Lead').parameters,
						mode: 'aiWithFallback',
						aiOptions: ai,
					},
					credentials: OPENAI,
				});
			if (file === 'booking-commercial-sales.json')
				Object.assign(node('Qualify the Lead'), {
					parameters: { ...node('Qualify the Lead').parameters, mode: 'aiOnly', aiOptions: ai },
					credentials: OPENAI,
				});
			if (file === 'booking-recurring-service.json')
				node('Book a Year of Visits').parameters.blackouts = JSON.stringify([
					{
						start: new Date().toISOString(),
						end: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString(),
					},
				]);
			if (file === 'booking-emergency.json')
				Object.assign(node('Dispatch the Nearest Crew'), {
					parameters: { ...node('Dispatch the Nearest Crew').parameters, store: 'postgres' },
					credentials: DEAD_STORE,
				});
		},
	});
	for (const p of ['booking', 'emergency', 'commercial-inquiry', 'recurring'])
		await env.n8n.waitForWebhook(p, { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
});

afterAll(async () => {
	await store?.close();
	await env?.stop();
	await llm?.stop();
});

it('books with the rules when the LLM is down (AI with rules fallback)', async () => {
	const callsBefore = llm.calls;
	const response = await env.post('booking', {
		message: 'Deep clean of a 2 bedroom, 1 bath apartment please',
		customer: { name: 'Ari Stone', email: 'ari@example.com', address: '7 Stone Rd' },
	});
	expect(response.status).toBe(200);
	expect(response.body.status).toBe('booked');
	expect(llm.calls - callsBefore).toBe(2);
	expect(await store.getBooking(response.body.booking.booking_id)).toMatchObject({
		status: 'confirmed',
	});
	await env.smtp.waitFor('ari@example.com');
	// Which reading ran, and why the model's was not used, is on the execution (the answer tells neither).
	expect(JSON.stringify(response.body)).not.toMatch(/fallback_reason|llm_usage/);
	const qualified = (execution: {
		data: {
			resultData: {
				runData: Record<string, Array<{ data: { main: Array<Array<{ json: any }>> } }>>;
			};
		};
	}) => execution.data.resultData.runData['Qualify the Lead']?.[0]?.data.main[0]?.[0]?.json;
	const executions = await env.n8n.waitForExecutions(
		env.workflows['booking-simple.json'].id,
		'success',
	);
	const read = qualified(executions.find((e) => qualified(e)?.customer?.name === 'Ari Stone')!);
	expect(read.qualification).toMatchObject({
		service_type: 'deep_cleaning',
		bedrooms: 2,
		source: 'rules',
	});
	expect(read.qualification.fallback_reason).toMatch(/503/);
});

it('runs the simple booking when the commercial flow fails before anything is booked', async () => {
	const response = await env.post('commercial-inquiry', {
		message: 'Office cleaning for 3,000 sq ft, weekly',
		customer: { name: 'Bo Grant', email: 'bo@example.com', address: '4 Market St' },
		request_id: 'crm-77',
	});
	expect(response.status).toBe(200);
	expect(response.body).toMatchObject({
		status: 'booked',
		fallback: true,
		booking: { status: 'confirmed' },
	});
	expect(await store.getBooking(response.body.booking.booking_id)).toMatchObject({
		status: 'confirmed',
		service: 'commercial_cleaning',
	});
	const mail = await env.smtp.waitFor('bo@example.com');
	expect(mail.subject).toMatch(/is booked for/);
	// The answer goes out before n8n saves the finished execution: wait for it to be listed.
	const [execution] = await env.n8n.waitForExecutions(
		env.workflows['booking-commercial-sales.json'].id,
		'success',
	);
	const failed = execution.data.resultData.runData['Qualify the Lead'][0].data.main[1][0].json;
	expect(failed.error.message).toMatch(/503|AI/);
	expect(failed.customer.name).toBe('Bo Grant');
});

it('escalates to ops through the error workflow when the store is unreachable, and books nothing', async () => {
	const before = (await store.listBookings({}, Date.now())).length;
	const smsBefore = env.twilio.messages.length;
	const response = await env.post('emergency', {
		message: 'Burst pipe, the kitchen is flooding!',
		customer: { name: 'Val Reyes', phone: '+1 212 736 5040', address: '22 River Rd' },
	});
	expect(response.status).toBe(202);
	expect(response.body).toMatchObject({ status: 'escalated' });
	const ops = await env.smtp.waitFor('ops@brightclean.example', 30_000, (m) =>
		/\[Escalation\] Booking Agents: Emergency Dispatch/.test(m.subject ?? ''),
	);
	expect(ops.subject).toBe(
		'[Escalation] Booking Agents: Emergency Dispatch failed at Escalate to Ops (Dispatch)',
	);
	expect(ops.text).toContain('Dispatch failed for Val Reyes');
	expect(ops.text).toContain('Customer: Val Reyes <no e-mail> +1 212 736 5040');
	expect(ops.text).toMatch(
		/Open the execution: http:\/\/127\.0\.0\.1:\d+\/workflow\/\w+\/executions\/\d+/,
	);
	expect((await store.listBookings({}, Date.now())).length).toBe(before);
	expect(env.twilio.messages.length).toBe(smsBefore);
	const [failed] = await env.n8n.waitForExecutions(
		env.workflows['booking-emergency.json'].id,
		'error',
	);
	expect(failed.data.resultData.error).toBeDefined();
});

it('keeps the booking when the text cannot be sent, and keeps the text in the outbox to try again', async () => {
	env.twilio.failNext(3);
	const response = await env.post('booking', {
		message: 'Standard clean for a studio apartment',
		customer: {
			name: 'Nia Hart',
			email: 'nia@example.com',
			phone: '+1 212 736 5050',
			address: '8 Hart St',
		},
		preference: 'Friday',
	});
	expect(response.status).toBe(200);
	expect(response.body.status).toBe('booked');
	expect(await store.getBooking(response.body.booking.booking_id)).toMatchObject({
		status: 'confirmed',
	});
	await env.smtp.waitFor('nia@example.com');
	// Its three quick tries answered 503: the text waits for its next try (the outbox e2e follows it to the end).
	const text = await eventually(
		async () =>
			await store.read(
				"SELECT status, attempts, last_error, next_attempt_at_ms FROM outbox WHERE case_id = $1 AND channel = 'sms'",
				[response.body.reference],
			),
		(rows) => rows.length === 1 && rows[0].status === 'queued' && Number(rows[0].attempts) === 1,
	);
	expect(text).toEqual([
		expect.objectContaining({
			status: 'queued',
			last_error: expect.stringMatching(/unavailable/i),
		}),
	]);
	expect(Number(text[0].next_attempt_at_ms)).toBeGreaterThan(Date.now() + 30_000);
	expect(
		env.twilio.messages.filter(
			(m: { form: Record<string, string> }) => m.form.To === '+12127365050',
		),
	).toHaveLength(0);
});

it('hands a recurring request to a person when no visit fits the calendar, and writes no agreement', async () => {
	const response = await env.post('recurring', {
		message: 'Weekly cleaning for our 2 bed 1 bath flat',
		customer: { name: 'Quinn Vale', email: 'quinn@example.com', address: '5 Full St' },
	});
	expect(response.status).toBe(200);
	expect(response.body).toMatchObject({ status: 'handed_to_person' });
	expect(response.body.reason).toMatch(/No visit of the series could be booked/);
	const ops = await env.smtp.waitFor('ops@brightclean.example', 30_000, (m) =>
		/Quinn Vale/.test(m.subject ?? ''),
	);
	expect(ops.text).toContain('Customer: Quinn Vale <quinn@example.com>');
	expect(env.smtp.to('quinn@example.com')).toHaveLength(0);
	const [execution] = await env.n8n.waitForExecutions(
		env.workflows['booking-recurring-service.json'].id,
		'success',
	);
	expect(execution.data.resultData.runData['Book a Year of Visits']).toBeDefined();
	expect(execution.data.resultData.runData['Write the Agreement']).toBeUndefined();
});
