/**
 * The website chat, in a real n8n with the Chat template as shipped: the customer opens the Chat
 * Trigger's hosted page in Chromium and types, as a person would (n8n's own chat widget, whose files
 * the page loads from a CDN this machine cannot reach: they are served from the npm package). The
 * model is the OpenAI-compatible fake speaking the tool-calling wire format (tools offered,
 * tool_calls answered, tool messages read back), scripted turn by turn like a model that follows
 * the system message; the tools are our nodes. Over four turns the chat quotes (the price is the
 * Pricing Agent's), offers times (the Scheduling Agent's), asks for the customer's details and
 * books: a time the model makes up is refused by code, the offered one is booked and confirmed
 * from the stored booking. The turns are one case, which a text from the customer's phone then
 * joins. An emergency in the chat never reaches the model.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { lastToolOutput, startOpenAiFake, type OpenAiFake } from '../../dev/fakes/openai-fake';
import { ensureChatWidget } from '../../dev/n8n/runtime';
import { caseEvents, getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;
let fake: OpenAiFake;
let chatUrl: string;
let widget: string;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const OPS = 'ops@brightclean.example';
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	widget = ensureChatWidget();
	fake = await startOpenAiFake();
	env = await startBookingEnv({
		openAi: { baseUrl: fake.baseUrl, apiKey: 'sk-chat-test' },
		only: ['intake-chat.json', 'intake-texts.json'],
		// Every day open, so the visit can be booked whenever the test runs.
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		tableRows: { hours: EVERY_DAY.map((day) => ({ day, opens: '06:00', closes: '22:00' })) },
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	const trigger = env.workflows['intake-chat.json'].workflow.nodes.find(
		(n: { type: string }) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	);
	chatUrl = `${env.n8n.baseUrl}/webhook/${trigger.webhookId}/chat`;
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu'],
	});
});

afterAll(async () => {
	await browser?.close();
	await store?.close();
	await env?.stop();
	await fake?.stop();
});

/** The hosted chat page, its CDN files served from the npm package (nothing else leaves the machine). */
async function openChat(): Promise<Page> {
	const page = await browser.newPage();
	await page.route('https://cdn.jsdelivr.net/**', async (route) => {
		const url = new URL(route.request().url());
		const file = /^\/npm\/@n8n\/chat(?:@[^/]+)?\/dist\/([\w.-]+)$/.exec(url.pathname)?.[1];
		if (file && fs.existsSync(path.join(widget, file)))
			return await route.fulfill({
				path: path.join(widget, file),
				contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript',
			});
		// normalize.css only evens out browser defaults: an empty sheet.
		if (url.pathname.startsWith('/npm/normalize.css'))
			return await route.fulfill({ body: '', contentType: 'text/css' });
		return await route.abort();
	});
	// Published is not yet listening: n8n registers the chat's webhook a moment later.
	await eventually(
		async () => (await page.goto(chatUrl))?.status(),
		(status) => status === 200,
		60_000,
		500,
	);
	await page.locator(BOT).first().waitFor();
	return page;
}

/** The chat's own messages, without the "typing" bubble it shows while it waits. */
const BOT = '.chat-message-from-bot:not(.chat-message-typing)';

/** Types a line as the customer and returns the chat's answer to it (the newest bot message). */
async function say(page: Page, text: string): Promise<string> {
	const before = await page.locator(BOT).count();
	await page.locator('textarea').fill(text);
	await page.locator('textarea').press('Enter');
	const answer = page.locator(BOT).nth(before);
	for (const deadline = Date.now() + 120_000; ;) {
		const typing = await page.locator('.chat-message-typing').count();
		if (!typing && (await answer.count()) && (await answer.innerText()).trim()) break;
		if (Date.now() > deadline) throw new Error(`No answer in the chat to "${text}"`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return (await answer.innerText()).trim();
}

type Message = { role: string; content: string | null; tool_calls?: unknown[] };
const messagesOf = (body: { messages: Message[] }) => body.messages;
const lastUserLine = (body: { messages: Message[] }) =>
	String([...messagesOf(body)].reverse().find((m) => m.role === 'user')?.content ?? '');
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

it('quotes and books over four turns in the hosted chat: every price and time from our nodes', async () => {
	const page = await openChat();
	const sessionId = await page.evaluate(() => localStorage.getItem('n8n-chat/sessionId'));
	expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
	const state: {
		qualification?: Record<string, any>;
		quote?: Record<string, any>;
		slots?: Array<{ start: string; crew_name: string }>;
		refusal?: Record<string, any>;
		booking?: Record<string, any>;
		confirmation?: Record<string, any>;
	} = {};

	// Turn 1: the request, read and priced.
	fake.reset([
		{
			toolCalls: [
				{ name: 'Read_the_Inquiry', arguments: (b: any) => ({ message: lastUserLine(b) }) },
			],
		},
		{
			toolCalls: [
				{
					name: 'Price_the_Job',
					arguments: (b: any) => {
						state.qualification = lastToolOutput(b).qualification;
						return {
							service_type: state.qualification!.service_type,
							property_type: 'residential',
							bedrooms: String(state.qualification!.bedrooms),
							bathrooms: String(state.qualification!.bathrooms),
							square_feet: '',
							frequency: 'one_time',
						};
					},
				},
			],
		},
		{
			content: (b: any) => {
				state.quote = lastToolOutput(b).quote;
				return `A deep clean of your home is ${dollars(state.quote!.total_cents)} in total. Shall I find you a time?`;
			},
		},
	]);
	const first = await say(
		page,
		'Hi! I need a deep clean of my 3 bedroom, 2 bathroom house in Brooklyn.',
	);
	// The tools the model was offered: our nodes, their fields from $fromAI with their descriptions.
	const offered = fake.requests[0].body.tools.map((t: any) => t.function);
	expect(offered.map((t: any) => t.name).sort()).toEqual([
		'Book_a_Time',
		'Confirm_the_Booking',
		'Find_Open_Times',
		'Price_the_Job',
		'Read_the_Inquiry',
	]);
	const book = offered.find((t: any) => t.name === 'Book_a_Time');
	expect(Object.keys(book.parameters.properties).sort()).toEqual(
		[
			'address',
			'bathrooms',
			'bedrooms',
			'customer_email',
			'customer_name',
			'customer_phone',
			'service_type',
			'square_feet',
			'start',
		].sort(),
	);
	expect(book.parameters.properties.start.description).toMatch(
		/copied exactly from Find_Open_Times/,
	);
	// Nothing lets the model set a price.
	expect(JSON.stringify(offered)).not.toMatch(/"(price|total|discount)\w*"\s*:/);
	expect(fake.requests[0].body.messages[0].content).toMatch(/decide every price and time/);
	expect(state.qualification).toMatchObject({
		service_type: 'deep_cleaning',
		bedrooms: 3,
		bathrooms: 2,
	});
	expect(state.quote).toMatchObject({ currency: 'USD', service_type: 'deep_cleaning' });
	expect(first).toBe(
		`A deep clean of your home is ${dollars(state.quote!.total_cents)} in total. Shall I find you a time?`,
	);
	const caseRows = await eventually(
		() =>
			store.read('SELECT case_id FROM case_threads WHERE thread_key = $1', [
				`chat_session:${sessionId}`,
			]),
		(rows) => rows.length > 0,
	);
	expect(caseRows).toHaveLength(1);
	const caseId = String(caseRows[0].case_id);
	expect(await getCase(store, caseId)).toMatchObject({
		channel: 'chat',
		status: 'waiting_customer',
		quote_id: state.quote!.quote_id,
		quote_cents: state.quote!.total_cents,
		service_type: 'deep_cleaning',
	});

	// Turn 2: open times, from the calendar.
	fake.reset([
		{
			toolCalls: [
				{
					name: 'Find_Open_Times',
					arguments: {
						service_type: 'deep_cleaning',
						bedrooms: '3',
						bathrooms: '2',
						square_feet: '',
						preference: 'next week',
					},
				},
			],
		},
		{
			content: (b: any) => {
				state.slots = lastToolOutput(b).booking.slots;
				return `I can come ${state.slots!.map((s) => s.start).join(', or ')}. Which suits you?`;
			},
		},
	]);
	const second = await say(page, 'What times do you have next week?');
	expect(state.slots).toHaveLength(3);
	expect(second).toContain(state.slots![0].start);
	// The conversation so far reached the model (the chat's memory): turn 1's question and answer.
	const remembered = fake.requests[0].body.messages.map((m: Message) => m.content).join('\n');
	expect(remembered).toContain('3 bedroom, 2 bathroom house');
	expect(remembered).toContain(first);

	// Turn 3: the customer picks; the model asks for what booking needs.
	fake.reset([
		{ content: 'Lovely. To book it I need your full name, phone, e-mail and the address.' },
	]);
	expect(await say(page, 'The first one, please.')).toMatch(/full name, phone, e-mail/);
	expect(await store.listBookings({}, Date.now())).toEqual([]);

	// Turn 4: the details. The model first tries a time nobody offered (3 a.m.): code refuses it.
	const chosen = state.slots![0].start;
	const madeUp = chosen.replace(/T\d\d:\d\d/, 'T03:00');
	const customer = {
		customer_name: 'Ana Ruiz',
		customer_phone: '+1 212 555 0147',
		customer_email: 'ana.ruiz@example.com',
		address: '12 Elm St, Brooklyn, NY 11201',
	};
	const job = { service_type: 'deep_cleaning', bedrooms: '3', bathrooms: '2', square_feet: '' };
	fake.reset([
		{ toolCalls: [{ name: 'Book_a_Time', arguments: { ...job, ...customer, start: madeUp } }] },
		{
			toolCalls: [
				{
					name: 'Book_a_Time',
					arguments: (b: any) => {
						state.refusal = lastToolOutput(b).booking;
						return { ...job, ...customer, start: chosen };
					},
				},
			],
		},
		{
			toolCalls: [
				{
					name: 'Confirm_the_Booking',
					arguments: (b: any) => {
						state.booking = lastToolOutput(b).booking;
						return { booking_id: state.booking!.booking_id };
					},
				},
			],
		},
		{
			content: (b: any) => {
				state.confirmation = lastToolOutput(b).confirmation;
				return `You're booked! ${state.confirmation!.sms.text}`;
			},
		},
	]);
	const fourth = await say(
		page,
		'Ana Ruiz, +1 212 555 0147, ana.ruiz@example.com, 12 Elm St, Brooklyn, NY 11201',
	);
	expect(state.refusal).toMatchObject({ status: 'taken', booking_id: null });
	expect(state.refusal!.reason).toMatch(/not a time the calendar offers/);
	expect(state.booking).toMatchObject({ status: 'confirmed', start: chosen });
	const bookings = await store.listBookings({}, Date.now());
	expect(bookings).toHaveLength(1);
	expect(bookings[0]).toMatchObject({ id: state.booking!.booking_id, service: 'deep_cleaning' });
	expect(new Date(bookings[0].start_ms).toISOString()).toBe(new Date(chosen).toISOString());
	expect(bookings[0].customer).toMatchObject({ name: 'Ana Ruiz', email: 'ana.ruiz@example.com' });
	// The confirmation is written from the stored booking: its reference and the customer's name.
	expect(state.confirmation!.kind).toBe('booking_confirmation');
	expect(state.confirmation!.email.text).toContain(state.booking!.booking_id);
	expect(state.confirmation!.email.text).toMatch(/^Hi Ana Ruiz/);
	expect(fourth).toContain(state.booking!.booking_id);
	await page.screenshot({ path: path.join(SHOTS, 'chat-booked.png'), fullPage: true });

	// One case for the four turns: booked, with the quote, the visit and the customer's details.
	const record = await getCase(store, caseId);
	expect(record).toMatchObject({
		channel: 'chat',
		status: 'booked',
		quote_cents: state.quote!.total_cents,
		booking_ids: [state.booking!.booking_id],
		booked_cents: state.quote!.total_cents,
		customer: { name: 'Ana Ruiz', email: 'ana.ruiz@example.com', phone: '+1 212 555 0147' },
		thread: {
			chat_session: sessionId,
			email: 'ana.ruiz@example.com',
			phone: '+12125550147',
		},
	});
	const kinds = (await caseEvents(store, caseId)).map((e) => e.kind);
	expect(kinds).toEqual(expect.arrayContaining(['received', 'qualified', 'quoted', 'booked']));
	expect(kinds.filter((k) => k === 'answered')).toHaveLength(4);

	// The visit is confirmed by e-mail too, as every booking flow does: the calendar invite and the
	// link to move or cancel it, written from the stored booking.
	const mail = await env.smtp.waitFor('ana.ruiz@example.com', 60_000);
	expect(mail.text).toContain(state.booking!.booking_id);
	expect(mail.text).toContain(dollars(state.quote!.total_cents));
	expect(mail.text).toMatch(/\/webhook\/link\?/);
	const invite = (mail.attachments ?? []).find((a: { filename?: string }) =>
		/\.ics$/.test(a.filename ?? ''),
	);
	expect(String(invite?.content ?? '')).toMatch(/BEGIN:VEVENT/);

	// The customer then texts from the phone they gave: the same case (their visit's change page).
	const text = await env.textIn('+12125550147', 'Can we move the cleaning to another day?');
	expect(text.status).toBe(200);
	expect(text.body).toMatch(/\/webhook\/link\?/);
	const byPhone = await store.read('SELECT case_id FROM case_threads WHERE thread_key = $1', [
		'phone:+12125550147',
	]);
	expect(byPhone.map((r) => r.case_id)).toEqual([caseId]);
	await page.close();
});

it('an emergency in the chat goes to ops at once, never to the model', async () => {
	const page = await openChat();
	fake.reset([], () => ({
		status: 500,
		message: 'The model must not be called for an emergency.',
	}));
	const answer = await say(
		page,
		'Help, a pipe burst and water is pouring through the kitchen ceiling!',
	);
	expect(answer).toMatch(/^This sounds like an emergency\. Please call us now at \+1 212 555 0100/);
	expect(fake.calls).toBe(0);
	const alert = await env.smtp.waitFor(OPS, 60_000, (m: { text?: string }) =>
		/EMERGENCY in the chat/.test(m.text ?? ''),
	);
	expect(alert.text).toContain('water is pouring through the kitchen ceiling');
	await page.close();
});

it('a customer who asks for a person goes to ops; their next line reaches the person, not the model', async () => {
	const page = await openChat();
	fake.reset([
		{
			toolCalls: [
				{ name: 'Read_the_Inquiry', arguments: (b: any) => ({ message: lastUserLine(b) }) },
			],
		},
		{ content: 'Of course: a person from our team will follow up with you.' },
	]);
	const line = 'I have questions about a move-out clean, can I talk to a real person please?';
	expect(await say(page, line)).toBe('Of course: a person from our team will follow up with you.');
	const alert = await env.smtp.waitFor(OPS, 60_000, (m: { text?: string }) =>
		/asked in the chat for a person/.test(m.text ?? ''),
	);
	expect(alert.text).toContain(line);
	fake.reset([], () => ({ status: 500, message: 'A person holds the case: not the model.' }));
	expect(await say(page, 'Is anyone there? My number is +1 212 555 0190.')).toBe(
		'Bright Clean Co.: thank you, a member of our team is on your request and has your message.',
	);
	expect(fake.calls).toBe(0);
	await env.smtp.waitFor(OPS, 60_000, (m: { text?: string }) =>
		/wrote in the chat while a person holds their case: Is anyone there\?/.test(m.text ?? ''),
	);
	await page.close();
});

it('a line the chat cannot route is answered in words, not a stack trace', async () => {
	fake.reset([], () => ({ status: 500, message: 'The model must not be called.' }));
	// The chat widget always sends a session; a post without one (a hand-made request) is refused.
	const res = await fetch(chatUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId: '', chatInput: 'hello' }),
	});
	expect(res.status).toBe(200);
	const body = (await res.json()) as { output: string };
	expect(body.output).toBe(
		"Sorry, I could not read that: A chat line needs its chat session ID (the Chat Trigger's sessionId).",
	);
	expect(fake.calls).toBe(0);
});
