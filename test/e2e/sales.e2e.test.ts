/**
 * The sales flows' loops with people, in a real n8n with the templates as shipped: an accepted
 * commercial offer whose visits find no room waits for ops to choose the first visit (on its
 * page, in Chromium) and goes on to the agreement; a commercial lead who asks for a person is
 * called back and booked from the page; a recurring agreement nobody signs releases its held
 * visits and tells ops, and another customer then books those times.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { caseEvents, caseIdOf, getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(240_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const OPS = 'ops@brightclean.example';
const ZONE = 'America/New_York';
/** Recurring Service's wait for the signature, shortened from a week (n8n looks for waits run out once a minute). */
const SIGNATURE_WAIT_S = 5;
const N8N_WAIT_POLL_MS = 60_000;
/** One crew, weekdays only, and weekday hours: a series asked for Sundays finds no room. */
const WEEKDAYS = 'mon, tue, wed, thu, fri';

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	env = await startBookingEnv({
		only: [
			'booking-commercial-sales.json',
			'booking-recurring-service.json',
			'support-customer-links.json',
			'support-agreement-signing.json',
		],
		tableRows: {
			crews: [
				{
					crew_id: 'crew-a',
					name: 'Crew A',
					phone: '',
					email: '',
					skills: 'cleaning',
					on_call: false,
					working_days: WEEKDAYS,
					service_area: '',
					time_off: '',
					active: true,
				},
			],
			hours: WEEKDAYS.split(', ').map((day) => ({ day, opens: '08:00', closes: '16:00' })),
		},
		customize(file, workflow) {
			if (file !== 'booking-recurring-service.json') return;
			for (const node of workflow.nodes)
				if (node.name === 'Wait for the Signature')
					Object.assign(node.parameters, { resumeUnit: 'seconds', resumeAmount: SIGNATURE_WAIT_S });
		},
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	for (const p of ['commercial-inquiry', 'recurring'])
		await env.n8n.waitForWebhook(p, { probeBody: {} });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu'],
	});
});

afterAll(async () => {
	await browser?.close();
	await store?.close();
	await env?.stop();
});

const linkIn = (text: unknown) => /(http\S+\/webhook\/link\?t=\S+)/.exec(String(text))![1];

/** The visits of a customer, by name, oldest first. */
const bookingsOf = async (name: string) =>
	(await store.listBookings({}, Date.now()))
		.filter((b) => (b.customer as { name?: string } | null)?.name === name)
		.sort((a, b) => a.start_ms - b.start_ms);

/** A page opened exactly as the message carried it: a choice (by its label), fields, Send; what the page says next. */
async function answerPage(
	url: string,
	choice: RegExp | string,
	fields: Record<string, string>,
	screenshot?: string,
): Promise<{ picked: string; text: string }> {
	const page: Page = await browser.newPage();
	try {
		const opened = await page.goto(url);
		expect(opened?.status()).toBe(200);
		const label = page.locator('label.choice').filter({ hasText: choice }).first();
		const picked = (await label.innerText()).trim();
		await label.locator('input').check();
		for (const [name, value] of Object.entries(fields)) await page.getByLabel(name).fill(value);
		if (screenshot) await page.screenshot({ path: path.join(SHOTS, screenshot), fullPage: true });
		const [sent] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(sent?.status()).toBe(200);
		return { picked, text: await page.locator('body').innerText() };
	} finally {
		await page.close();
	}
}

it('an accepted offer with no room for its visits: ops choose the first visit on its page, the visits are held from it and the agreement goes out', async () => {
	const customer = {
		name: 'Noor Sunday',
		email: 'noor@sundayoffice.example',
		phone: '+12125550181',
		address: '20 Rest St, New York, NY 10001',
	};
	const first = await env.post('commercial-inquiry', {
		request_id: 'sales-e2e-noroom',
		message:
			'Weekly cleaning of our 5,000 sq ft office, every Sunday at 7am. I am the owner and can sign.',
		customer,
	});
	expect(first.body.status).toBe('quote_sent');
	const quoteMail = await env.smtp.waitFor(customer.email, 60_000);
	const accepted = await answerPage(linkIn(quoteMail.text), 'Accept the quote', {});
	expect(accepted.text).toMatch(/we have your answer/);

	// Nobody works Sundays: the customer hears we will set a time; ops get the page.
	const told = await env.smtp.waitFor(customer.email, 60_000, (m: { text?: string }) =>
		/regular time that suits you/.test(m.text ?? ''),
	);
	expect(told.subject).toMatch(/^Re: your quote from /);
	const ops = await env.smtp.waitFor(OPS, 60_000, (m: { subject?: string }) =>
		(m.subject ?? '').includes(customer.name),
	);
	expect(ops.text).toMatch(/no crew had room for the visits as asked \(Sundays at 7:00 AM/);
	const decideUrl = /Decide here: (\S+)/.exec(String(ops.text))![1];
	const caseId = caseIdOf({ idempotency_key: 'sales-e2e-noroom' });
	expect(
		await eventually(
			() => getCase(store, caseId),
			(c) => c?.status === 'waiting_ops',
		),
	).toMatchObject({ decision: { kind: 'no_room', link: decideUrl } });

	const chosen = await answerPage(
		decideUrl,
		/^\s*[A-Z][a-z]+day, /,
		{ 'Your name': 'Morgan (ops)' },
		'ops-series-first-visit.png',
	);
	expect(chosen.text).toMatch(/Decision taken/);
	// "Monday, December 7 at 8:00 AM (Crew A)": the day and time the visits keep.
	const [, day, time] = /^([A-Z][a-z]+day), .* at (\d+:\d+ [AP]M)/.exec(chosen.picked)!;

	// The execution that waited goes on: the agreement to sign, for visits held from that time.
	await env.smtp.waitFor(customer.email, 90_000, (m: { subject?: string }) =>
		/sign/i.test(m.subject ?? ''),
	);
	const visits = await bookingsOf(customer.name);
	expect(visits.length).toBeGreaterThanOrEqual(50);
	for (const visit of visits) {
		expect(visit).toMatchObject({ status: 'held', crew_id: 'crew-a' });
		const local = DateTime.fromMillis(visit.start_ms, { zone: ZONE });
		// A clash moves a visit within its day: the day stays.
		expect(local.toFormat('cccc')).toBe(day);
	}
	expect(DateTime.fromMillis(visits[0].start_ms, { zone: ZONE }).toFormat('h:mm a')).toBe(time);
	const decided = (await caseEvents(store, caseId)).find((e) => e.kind === 'decided');
	expect(decided?.data).toMatchObject({
		kind: 'no_room',
		outcome: 'slot',
		decided_by: 'Morgan (ops)',
	});
	expect(
		await eventually(
			() => getCase(store, caseId),
			(c) => c?.status !== 'waiting_ops',
		),
	).toMatchObject({ decision: null });
});

it('a commercial lead who asks for a person: ops call, book a time on the page, and the customer gets the confirmation', async () => {
	const customer = {
		name: 'Cal Person',
		email: 'cal@agency.example',
		phone: '+12125550182',
		address: '5 Talk Ave, New York, NY 10001',
	};
	const first = await env.post('commercial-inquiry', {
		request_id: 'sales-e2e-person',
		message:
			'Please have someone call me about cleaning our 3,000 sq ft office. I would rather talk to a person.',
		customer,
	});
	expect(first.body).toEqual({
		status: 'handed_to_person',
		message: 'Thank you. A member of our sales team will contact you shortly.',
	});
	const ops = await env.smtp.waitFor(OPS, 60_000, (m: { subject?: string }) =>
		(m.subject ?? '').includes(customer.name),
	);
	const url = /Decide here: (\S+)/.exec(String(ops.text))![1];
	const booked = await answerPage(url, /^\s*Booked for /, {
		'Your name': 'Morgan (ops)',
		'What was said (kept on the case)': 'Wants a first clean, then we talk contract',
	});
	expect(booked.text).toMatch(/Outcome recorded/);
	const confirmation = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/is booked/.test(m.subject ?? ''),
	);
	expect(confirmation.text).toContain(/Booked for (.+ at \d+:\d+ [AP]M)/.exec(booked.picked)![1]);
	const caseId = caseIdOf({ idempotency_key: 'sales-e2e-person' });
	expect(
		await eventually(
			() => getCase(store, caseId),
			(c) => c?.status === 'booked',
		),
	).toBeTruthy();
});

it('a recurring agreement nobody signs: its held visits are released, ops are told, and another customer books those times', async () => {
	const customer = {
		name: 'Una Signed',
		email: 'una@example.com',
		phone: '+12125550183',
		address: '8 Wait St, New York, NY 10001',
	};
	const request = {
		message: 'Weekly clean of our 2 bed 1 bath apartment',
		frequency: 'weekly',
		weekday: 'wed',
		time: '10:00',
	};
	const answer = await env.post('recurring', {
		...request,
		request_id: 'sales-e2e-unsigned',
		customer,
	});
	expect(answer.body.status).toBe('series_booked');
	const held = await bookingsOf(customer.name);
	expect(held.length).toBeGreaterThanOrEqual(50);
	expect(held.every((b) => b.status === 'held')).toBe(true);
	// The welcome links the first visit's own page: opened as delivered, in Chromium.
	const welcome = await env.smtp.waitFor(customer.email, 30_000);
	const manage = /To move or skip your first visit, or pause your visits: (\S+)/.exec(
		String(welcome.text),
	)![1];
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		expect((await page.goto(manage))?.status()).toBe(200);
		const text = await page.locator('body').innerText();
		expect(text).toMatch(/Change this visit/);
		expect(text).toContain(held[0].id);
		for (const choice of [
			'Move it to the time below',
			'Show me the next free times',
			'Skip this visit (the others stay booked)',
			'Pause my visits until the date below',
		])
			expect(await page.getByLabel(choice).count()).toBe(1);
	} finally {
		await page.close();
	}

	// The wait runs out unsigned: ops are told, the visits are released.
	const ops = await env.smtp.waitFor(
		OPS,
		SIGNATURE_WAIT_S * 1000 + N8N_WAIT_POLL_MS + 30_000,
		(m: { subject?: string }) => (m.subject ?? '').includes(customer.name),
	);
	expect(ops.text).toMatch(
		new RegExp(
			`The agreement was not signed in time: its ${held.length} held visits are released\\. Call the customer`,
		),
	);
	const released = await bookingsOf(customer.name);
	expect(
		released.every((b) => b.status === 'cancelled' && b.cancel_reason === 'agreement_not_signed'),
	).toBe(true);

	// The crew is free again: another customer's series takes the same times.
	const next = await env.post('recurring', {
		...request,
		request_id: 'sales-e2e-next',
		customer: { ...customer, name: 'Vic Next', email: 'vic@example.com', phone: '+12125550184' },
	});
	expect(next.body.status).toBe('series_booked');
	const taken = await bookingsOf('Vic Next');
	expect(taken[0]).toMatchObject({ start_ms: held[0].start_ms, crew_id: held[0].crew_id });
}, 300_000);
