/**
 * The office's view, in a real n8n with the templates as shipped: the booking flows record
 * their cases; the ops board (Basic Auth) shows a seeded month and today's live cases in
 * Chromium, on a desk and on a phone, and downloads CSV; the weekly numbers e-mail reaches
 * the owner with the seeded month's known figures and the cases as CSV.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { caseEvents, caseIdOf, getCase } from '../../nodes/shared/records/cases';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';
import { everyRowWithPersonalData } from '../support/stores';
import { CALENDAR, EXPECTED_MONTH, MONTH_START, seedMonth } from '../fixtures/seeded-month';

jest.setTimeout(240_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const MONTH_END = '2026-11-29';
/**
 * Ask for Details' first wait, shortened (the customer who answers does so well within it).
 * n8n looks for waits that have run out once a minute, so each ends up to 60 s late.
 */
const ASK_WAIT_S = 40;
const N8N_WAIT_POLL_MS = 60_000;
const FAST_TRIGGER = { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } };
/** The seed's two crews, and an on-call crew with no fixed days so an emergency is dispatched whatever day the test runs. */
const CREW_ROWS = [
	...CALENDAR.crews.map((crew) => ({
		crew_id: crew.id,
		name: crew.name,
		phone: '',
		email: '',
		skills: crew.skills.join(', '),
		on_call: false,
		working_days: (crew as { working_days?: string[] }).working_days?.join(', ') ?? '',
		service_area: '',
		time_off: ((crew as { time_off?: string[][] }).time_off ?? [])
			.map((r) => r.join(' .. '))
			.join(', '),
		active: true,
	})),
	{
		crew_id: 'on-call',
		name: 'On-call crew',
		phone: '+12125550177',
		email: '',
		skills: 'cleaning, restoration',
		on_call: true,
		working_days: '',
		service_area: '',
		time_off: '',
		active: true,
	},
];
const HOUR_ROWS = ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
	day,
	opens: '08:00',
	closes: '16:00',
}));

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	env = await startBookingEnv({
		only: [
			'booking-simple.json',
			'booking-emergency.json',
			'booking-commercial-sales.json',
			'support-customer-links.json',
			'support-agreement-signing.json',
			'ops-board.json',
			'ops-weekly-numbers.json',
			'ops-customers.json',
		],
		tableRows: {
			crews: CREW_ROWS,
			hours: HOUR_ROWS,
			holidays: [{ date: '2026-11-26', name: 'Thanksgiving' }],
		},
		customize(file, workflow) {
			if (file === 'support-ask-for-details.json') {
				// The shipped waits are a day, then two: here seconds, so the reminder and the expiry happen in the test.
				for (const node of workflow.nodes)
					if (node.type === 'n8n-nodes-base.wait')
						Object.assign(node.parameters, {
							resumeUnit: 'seconds',
							resumeAmount: node.name === 'Wait for the Details' ? ASK_WAIT_S : 5,
						});
				return;
			}
			if (file !== 'ops-weekly-numbers.json') return;
			// Fires every few seconds here, for the seeded month (the shipped one: Mondays at 07:00, last week).
			for (const node of workflow.nodes) {
				if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = FAST_TRIGGER;
				if (node.type === 'n8n-nodes-booking-agents.bookingRecords')
					Object.assign(node.parameters, {
						period: 'custom',
						periodFrom: MONTH_START,
						periodTo: MONTH_END,
					});
			}
		},
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	await seedMonth(store);
	for (const p of ['booking', 'emergency', 'commercial-inquiry'])
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

/** A page's form as a browser posts it (the tests that post without Chromium). */
async function postForm(url: string, fields: Record<string, string>) {
	return await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields),
	});
}

/** The visits booked for a customer, by name. */
const bookingsOf = async (name: string) =>
	(await store.listBookings({}, Date.now())).filter(
		(b) => (b.customer as { name?: string } | null)?.name === name,
	);

/** A link's page as a person sees it: opened in Chromium exactly as the message carried it. */
async function openLink(page: Page, url: string) {
	const response = await page.goto(url);
	return { status: response?.status() ?? 0, text: await page.locator('body').innerText() };
}

/** The customer answers the quote on its page: a choice, a message if any, Send; returns the page they see next. */
async function answerQuote(
	url: string,
	choice: string,
	message: string | null,
	screenshot?: string,
) {
	const page = await browser.newPage();
	try {
		const opened = await openLink(page, url);
		expect(opened.status).toBe(200);
		await page.getByLabel(choice).check();
		if (message) await page.getByLabel('Your message').fill(message);
		if (screenshot) await page.screenshot({ path: path.join(SHOTS, screenshot), fullPage: true });
		const [response] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		return { status: response?.status() ?? 0, text: await page.locator('body').innerText() };
	} finally {
		await page.close();
	}
}

const EMERGENCY = {
	request_id: 'ops-e2e-emergency',
	channel: 'sms',
	message: 'Water is pouring through the kitchen ceiling from the flat upstairs, it will not stop',
	customer: {
		name: 'Rosa Diaz',
		phone: '+12125550142',
		email: 'rosa@example.com',
		address: '12 Pine St, New York, NY 10001',
	},
};
const BOOKING = {
	request_id: 'ops-e2e-booking',
	channel: 'web',
	message: 'Standard cleaning of our 2 bedroom 1 bath apartment next week please',
	customer: {
		name: 'Sam Lee',
		email: 'sam@example.com',
		phone: '+12125550143',
		address: '4 Oak Ave, New York, NY 10001',
	},
};

describe('the flows record their cases', () => {
	it('a booking: received, qualified, quoted, answered and booked, on one case', async () => {
		const answer = await env.post('booking', BOOKING);
		expect(answer.status).toBe(200);
		expect(answer.body.status).toBe('booked');
		const record = await getCase(store, caseIdOf({ idempotency_key: BOOKING.request_id }));
		expect(record).toMatchObject({
			channel: 'web_form',
			status: 'booked',
			// How the lead was read is on the case (the answer does not say).
			qualified: expect.any(Boolean),
			lead_score: expect.any(Number),
			quote_cents: answer.body.quote.total_cents,
			booked_cents: answer.body.quote.total_cents,
			booking_ids: [answer.body.booking.booking_id],
			workflow: 'Booking Agents: Simple Booking',
		});
		expect(record!.first_answer_at_ms! - record!.received_at_ms).toBeGreaterThanOrEqual(0);
		expect(record!.first_answer_at_ms! - record!.received_at_ms).toBeLessThan(60_000);
		// The caller reads the case's reference, and nothing of the lead's score.
		expect(answer.body.reference).toBe(record!.case_id);
		expect(JSON.stringify(answer.body)).not.toMatch(/lead_score|pricing_inputs|crew_id/);
	});

	it('an emergency: dispatched, its response time measured from the request', async () => {
		const answer = await env.post('emergency', EMERGENCY);
		expect(answer.status).toBe(200);
		expect(answer.body.status).toBe('dispatched');
		const record = await getCase(store, caseIdOf({ idempotency_key: EMERGENCY.request_id }));
		expect(record).toMatchObject({
			channel: 'sms',
			status: 'booked',
			is_emergency: true,
			emergency_type: 'water_damage',
		});
		const seconds = (record!.dispatched_at_ms! - record!.received_at_ms) / 1000;
		expect(seconds).toBeGreaterThanOrEqual(0);
		expect(seconds).toBeLessThan(120);
		// The dispatch goes to the booked crew's own phone (its row in Booking Crews), else the business's crew line.
		const crew = (await store.getBooking(answer.body.booking.booking_id))!.crew_id;
		const crewPhone = crew === 'on-call' ? '+12125550177' : '+12125550199';
		const crewTexts = await eventually(
			async () =>
				env.twilio.messages.filter(
					(m: { form: Record<string, string> }) => m.form.To === crewPhone,
				),
			(list) => list.length > 0,
		);
		expect(crewTexts[0].form.Body).toMatch(/^EMERGENCY .* at 12 Pine St/);
	});
});

describe('the ops board', () => {
	const boardUrl = () => `${env.n8n.baseUrl}/webhook/ops-board`;

	it('asks for the login', async () => {
		const refused = await fetch(boardUrl());
		expect(refused.status).toBe(401);
		const wrong = await fetch(boardUrl(), {
			headers: { authorization: `Basic ${Buffer.from('ops:nope').toString('base64')}` },
		});
		expect(wrong.status).toBe(401);
	});

	it('shows the dispatch, who waits on a decision, quotes, emergencies and the numbers, on a desk and a phone; the CSV downloads', async () => {
		const context = await browser.newContext({
			httpCredentials: { username: env.board.user, password: env.board.password },
			viewport: { width: 1280, height: 900 },
			acceptDownloads: true,
		});
		try {
			const page = await context.newPage();
			const response = await page.goto(boardUrl());
			expect(response?.status()).toBe(200);
			expect(response?.headers()['content-type']).toMatch(/text\/html/);
			await page.waitForSelector('[data-section="dispatch"]');
			const emergencyCase = caseIdOf({ idempotency_key: EMERGENCY.request_id });
			const emergencyBooking = (await getCase(store, emergencyCase))!.booking_ids[0];
			// Today's dispatch: the emergency's crew, with the visit.
			expect(
				await page
					.locator(`[data-section="dispatch"] [data-booking="${emergencyBooking}"]`)
					.count(),
			).toBe(1);
			// Waiting on a person: each seeded week's no-room emergency and customer who asked for a person.
			const waiting = page.locator('[data-section="waiting"] li');
			expect(await waiting.count()).toBe(8);
			expect(await page.locator('[data-section="waiting"] [data-decision="no_room"]').count()).toBe(
				4,
			);
			expect(
				await page.locator('[data-section="waiting"] [data-decision="wants_human"]').count(),
			).toBe(4);
			expect(
				await page.locator('[data-section="waiting"] a.button').first().getAttribute('href'),
			).toMatch(/\/executions\//);
			// Quotes out, unanswered: two a week.
			expect(await page.locator('[data-section="quotes"] li').count()).toBe(8);
			// The live emergency, answered within the goal.
			const live = page.locator(`[data-section="emergencies"] [data-case="${emergencyCase}"]`);
			expect(await live.count()).toBe(1);
			expect(await live.locator('[data-response]').getAttribute('class')).toBe('good');
			expect(await live.textContent()).toMatch(/Rosa Diaz.*water damage/);
			// This week's numbers: the two live cases.
			expect(await page.locator('[data-figure="leads"] .value').textContent()).toBe('2');
			expect(await page.locator('[data-figure="won"] .value').textContent()).toBe('2');
			await page.screenshot({ path: path.join(SHOTS, 'ops-board.png'), fullPage: true });

			// The CSV link downloads the last 30 days' cases.
			const [download] = await Promise.all([
				page.waitForEvent('download'),
				page.click('a[href$="?export=cases"]'),
			]);
			const csv = fs.readFileSync((await download.path())!, 'utf8');
			expect(download.suggestedFilename()).toMatch(
				/^cases-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
			);
			expect(csv.split('\r\n')[0]).toMatch(/^case_id,received_at,channel,status,/);
			expect(csv).toContain(`${emergencyCase},`);

			// A phone: one column, nothing wider than the screen.
			const phone = await browser.newContext({
				httpCredentials: { username: env.board.user, password: env.board.password },
				viewport: { width: 390, height: 844 },
				isMobile: true,
				deviceScaleFactor: 2,
			});
			try {
				const small = await phone.newPage();
				await small.goto(boardUrl());
				await small.waitForSelector('[data-section="dispatch"]');
				expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
					390,
				);
				const columns = await small.evaluate(
					"getComputedStyle(document.querySelector('main')).gridTemplateColumns.split(' ').length",
				);
				expect(columns).toBe(1);
				await small.screenshot({ path: path.join(SHOTS, 'ops-board-phone.png'), fullPage: false });
			} finally {
				await phone.close();
			}
		} finally {
			await context.close();
		}
	});
});

describe('the weekly numbers', () => {
	it("e-mails the owner the seeded month's known figures, with its cases as CSV", async () => {
		const mail = await env.smtp.waitFor(
			'owner@brightclean.example',
			60_000,
			(m: { subject?: string }) => /40 leads, 20 won, \$9,200\.00 booked/.test(m.subject ?? ''),
		);
		expect(mail.subject).toBe(
			'Bright Clean Co., Monday, November 2 to Sunday, November 29, 2026: 40 leads, 20 won, $9,200.00 booked',
		);
		const text = String(mail.text);
		expect(text).toMatch(/Quote to booking\s+63% \(20 of 32\)/);
		expect(text).toMatch(/Time to first answer\s+median 1 min 20 s, p95 5 min \(32 answered\)/);
		expect(text).toMatch(
			/Emergency response\s+median 1 min 50 s, p95 2 min 30 s; 4 of 12 within 2 min, 4 not dispatched automatically/,
		);
		for (const crew of EXPECTED_MONTH.crews)
			expect(text).toMatch(
				new RegExp(
					`${crew.crew_id === 'crew-a' ? 'Crew A' : 'Crew B'}\\s+${crew.booked_hours} h of ${crew.available_hours} h`,
				),
			);
		// The on-call crew of this n8n's table: 19 working days of 8 hours, nothing booked in November.
		expect(text).toMatch(/On-call crew\s+0 h of 152 h \(0%\)/);
		expect(text).toMatch(/Crew time booked\s+12%/); // 48 h of 392 h
		expect(text).toMatch(/Cancellations\s+4/);
		expect(text).toMatch(/Messages not delivered\s+4/);
		// The e-mail as the owner sees it (saved for the docs).
		const page = await browser.newPage({ viewport: { width: 760, height: 700 } });
		await page.setContent(String(mail.html));
		expect(await page.locator('h2').textContent()).toMatch(/the numbers for Monday, November 2/);
		await page.screenshot({ path: path.join(SHOTS, 'weekly-numbers-mail.png'), fullPage: true });
		await page.close();
		const attachment = (mail.attachments ?? []).find((a: { filename?: string }) =>
			a.filename?.endsWith('.csv'),
		);
		expect(attachment?.filename).toBe('cases-2026-11-02-to-2026-11-29.csv');
		const rows = attachment!.content.toString('utf8').trim().split('\r\n');
		expect(rows).toHaveLength(41);
	});
});

/**
 * A commercial lead as the customer makes it: the inquiry, then a discount asked through the
 * reply link in the quote e-mail; returns the first answer and the link ops decide at (from
 * the ops e-mail), once n8n serves its form.
 */
async function askForDiscount(
	requestId: string,
	customer: Record<string, string>,
	message: string,
	reply: string,
) {
	const first = await env.post('commercial-inquiry', { request_id: requestId, message, customer });
	expect(first.body.status).toBe('quote_sent');
	const quoteMail = await env.smtp.waitFor(customer.email);
	const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(quoteMail.text))![1];
	const answered = await answerQuote(replyUrl, 'Ask a question or for a change', reply);
	expect(answered.text).toMatch(/we have your answer/);
	const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { subject?: string }) =>
		(m.subject ?? '').includes(customer.name),
	);
	const decideUrl = /Decide here: (\S+)/.exec(String(ops.text))![1];
	return { first, decideUrl, replyUrl };
}

/** Dollars as the agreements and e-mails write them. */
const money = (cents: number) =>
	(cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

/** The agreement a customer was sent and has not signed, as stored. */
async function agreementAwaitingSignature(email: string) {
	const [agreement] = (
		await store.read("SELECT record FROM contracts WHERE status = 'awaiting_signature'")
	)
		.map(
			(row) =>
				JSON.parse(String(row.record)) as {
					customer: { email?: string };
					document_html: string;
				},
		)
		.filter((c) => c.customer.email === email);
	return agreement;
}

/** Ops on the decision page: the choice, their name, Send; then what the page tells them. */
async function submitDecision(
	page: Page,
	choice: string,
	screenshot?: string,
	fill: Record<string, string> = {},
): Promise<void> {
	await page.getByLabel(choice).check();
	for (const [label, value] of Object.entries(fill)) await page.getByLabel(label).fill(value);
	await page.getByLabel('Your name').fill('Morgan (ops)');
	if (screenshot) await page.screenshot({ path: path.join(SHOTS, screenshot), fullPage: true });
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send' }).click()]);
	expect(await page.locator('body').innerText()).toMatch(/Decision taken/);
}

describe('a decision taken from the board', () => {
	it('approves a discount in the approval band: the flow goes on, books at the approved price and sends the agreement', async () => {
		const customer = {
			name: 'Jo Banks',
			email: 'jo@warehouse.example',
			phone: '+12125550150',
			address: '9 Dock Rd, New York, NY 10001',
		};
		// 15% is above the automatic 10% and inside the 15% approval band: a person decides.
		const { first, decideUrl } = await askForDiscount(
			'ops-e2e-commercial',
			customer,
			'Weekly cleaning for our 8,000 sq ft warehouse office, I am the owner and can sign.',
			'Looks good, can you do 15% off?',
		);
		expect(decideUrl).toMatch(/\/webhook\/link\?t=lk_/);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-commercial' });
		// The human queue records the case right after it e-mails ops.
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'waiting_ops',
			),
		).toMatchObject({
			status: 'waiting_ops',
			decision: { kind: 'discount_approval', link: decideUrl },
		});

		const context = await browser.newContext({
			httpCredentials: { username: env.board.user, password: env.board.password },
			viewport: { width: 1280, height: 900 },
		});
		try {
			const page = await context.newPage();
			await page.goto(`${env.n8n.baseUrl}/webhook/ops-board`);
			const row = page.locator(`[data-section="waiting"] [data-case="${caseId}"]`);
			expect(await row.getAttribute('data-decision')).toBe('discount_approval');
			expect(await row.textContent()).toMatch(/Approve a discount: Jo Banks/);
			// The click: the board's Decide opens the decision page, exactly as ops would.
			await Promise.all([page.waitForURL(/webhook\/link\?t=/), row.locator('a.button').click()]);
			expect(await page.locator('body').innerText()).toMatch(/asks for 15% off/);
			await submitDecision(page, 'Approve 15% off', 'ops-decision-form.png');
			// The link was used: opened again, it says so and changes nothing.
			const again = await openLink(page, decideUrl);
			expect(again.status).toBe(410);
			expect(again.text).toMatch(/already used/);
			expect(again.text).toMatch(/Approve 15% off.*by Morgan \(ops\)/s);

			// The flow went on: visits booked at the approved price, the agreement e-mailed to the customer.
			const agreement = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
				/sign/i.test(m.subject ?? ''),
			);
			expect(
				agreement.attachments?.some((a: { filename?: string }) => /\.pdf$/.test(a.filename ?? '')),
			).toBe(true);
			// The decision is on the case record (its visits join it when the agreement is signed: Record the Win).
			const record = (await eventually(
				() => getCase(store, caseId),
				(c) => c?.status !== 'waiting_ops',
			))!;
			expect(record).toMatchObject({ status: 'open', decision: null });
			const decided = (await caseEvents(store, caseId)).find((e) => e.kind === 'decided');
			expect(decided?.data).toMatchObject({
				kind: 'discount_approval',
				outcome: 'approved',
				decided_by: 'Morgan (ops)',
			});
			const quoted = first.body.quote.total_cents;
			expect(decided?.data?.amount_cents).toBe(Math.round(quoted * 0.85));
			// The agreement the customer got carries the approved price, not the quoted one.
			const agreementRow = await agreementAwaitingSignature(customer.email);
			expect(agreementRow.document_html).toContain(`${money(Math.round(quoted * 0.85))} per visit`);
			expect(agreementRow.document_html).not.toContain(`${money(quoted)} per visit`);

			// Back on the board: no longer waiting; the agreement waits for the signature.
			await page.goto(`${env.n8n.baseUrl}/webhook/ops-board`);
			expect(await page.locator(`[data-section="waiting"] [data-case="${caseId}"]`).count()).toBe(
				0,
			);
			expect(
				await page.locator('[data-section="signatures"] li', { hasText: 'Jo Banks' }).count(),
			).toBe(1);
		} finally {
			await context.close();
		}
	});

	it('declines from the link in the ops e-mail: the customer hears the offer stands, and the quote waits for their reply again', async () => {
		const customer = {
			name: 'Kit Moreno',
			email: 'kit@depot.example',
			phone: '+12125550151',
			address: '3 Yard St, New York, NY 10001',
		};
		const { first, decideUrl, replyUrl } = await askForDiscount(
			'ops-e2e-decline',
			customer,
			'Weekly cleaning for our 6,000 sq ft depot office, I am the owner and can sign.',
			'Could you do 14% off?',
		);
		const page = await browser.newPage();
		try {
			await page.goto(decideUrl);
			await submitDecision(page, 'Decline: our offer stands');
		} finally {
			await page.close();
		}
		const stands = await env.smtp.waitFor(customer.email, 60_000, (m: { text?: string }) =>
			/our offer stands at .* per visit/.test(m.text ?? ''),
		);
		const price = money(first.body.quote.total_cents);
		expect(stands.text).toContain(`our offer stands at ${price} per visit`);
		// A new reply link: the execution waits for the customer again; the case waits for them too.
		const nextUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(stands.text))![1];
		expect(nextUrl).not.toBe(replyUrl);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-decline' });
		const record = await eventually(
			() => getCase(store, caseId),
			(c) => c?.status === 'waiting_customer',
		);
		expect(record).toMatchObject({ status: 'waiting_customer', decision: null });
		const decided = (await caseEvents(store, caseId)).find((e) => e.kind === 'decided');
		expect(decided?.data).toMatchObject({ outcome: 'declined', decided_by: 'Morgan (ops)' });
	});
	it('counters at a price ops type: the customer gets that price with a new link, accepts it on its page, and the agreement carries it', async () => {
		const customer = {
			name: 'Ari Lund',
			email: 'ari@printshop.example',
			phone: '+12125550152',
			address: '12 Press Ln, New York, NY 10001',
		};
		const { first, decideUrl, replyUrl } = await askForDiscount(
			'ops-e2e-counter',
			customer,
			'Weekly cleaning for our 7,000 sq ft print shop office, I am the owner and can sign.',
			'We would sign today at 15% off.',
		);
		const quoted: number = first.body.quote.total_cents;
		// 12% off, in whole dollars and cents as a person types it: between the automatic 10% and the 15% asked.
		const counterCents = Math.round(quoted * 0.88);
		const typed = (counterCents / 100).toFixed(2);
		const page = await browser.newPage();
		try {
			await page.goto(decideUrl);
			// Counter without an amount: the page asks for it and nothing is decided.
			await page.getByLabel('Counter at another price').check();
			await page.getByLabel('Your name').fill('Morgan (ops)');
			await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send' }).click(),
			]);
			expect(await page.locator('body').innerText()).toMatch(/Fill in "Counter at \(per visit\)"/);
			await submitDecision(page, 'Counter at another price', 'ops-decision-counter.png', {
				'Counter at (per visit)': typed,
			});
		} finally {
			await page.close();
		}
		const counter = await env.smtp.waitFor(customer.email, 60_000, (m: { text?: string }) =>
			/best we can offer/.test(m.text ?? ''),
		);
		expect(counter.text).toContain(`The best we can offer is ${money(counterCents)} per visit`);
		const nextUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(counter.text))![1];
		expect(nextUrl).not.toBe(replyUrl);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-counter' });
		const decided = (await caseEvents(store, caseId)).find((e) => e.kind === 'decided');
		expect(decided?.data).toMatchObject({
			kind: 'discount_approval',
			outcome: 'countered',
			decided_by: 'Morgan (ops)',
			amount_cents: counterCents,
		});
		// The customer opens the new link as it arrived: the page shows the countered price; they accept.
		const check = await browser.newPage();
		try {
			expect((await openLink(check, nextUrl)).text).toContain(money(counterCents));
		} finally {
			await check.close();
		}
		const accepted = await answerQuote(nextUrl, 'Accept the quote', null);
		expect(accepted.text).toMatch(/we have your answer/);
		await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/sign/i.test(m.subject ?? ''),
		);
		const agreement = await agreementAwaitingSignature(customer.email);
		expect(agreement.document_html).toContain(`${money(counterCents)} per visit`);
		expect(agreement.document_html).not.toContain(`${money(quoted)} per visit`);
	});
});

describe("the customer's links, opened as they arrived", () => {
	it('accepts the quote on its page, signs the agreement on its page, and the flow onboards; used and altered links say so', async () => {
		const customer = {
			name: 'Rae Holt',
			email: 'rae@studio.example',
			phone: '+12125550152',
			address: '40 Loft Ave, New York, NY 10001',
		};
		const first = await env.post('commercial-inquiry', {
			request_id: 'ops-e2e-accept',
			message: 'Weekly cleaning for our 7,000 sq ft warehouse office, I am the owner and can sign.',
			customer,
		});
		expect(first.body.status).toBe('quote_sent');
		const quoteMail = await env.smtp.waitFor(customer.email);
		const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(quoteMail.text))![1];

		// The quote's page shows the offer; the customer accepts it.
		const page = await browser.newPage({ viewport: { width: 420, height: 860 } });
		try {
			const quotePage = await openLink(page, replyUrl);
			expect(quotePage.status).toBe(200);
			const price = money(first.body.quote.total_cents);
			expect(quotePage.text).toContain(price);
			expect(quotePage.text).toMatch(/Valid until/);
			// Send with nothing chosen: the browser holds the form (required); posted anyway, the page names the field.
			const unchosen = await fetch(replyUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'message=',
			});
			expect(unchosen.status).toBe(400);
			expect(await unchosen.text()).toMatch(/Choose one: Accept the quote/);
		} finally {
			await page.close();
		}
		const accepted = await answerQuote(
			replyUrl,
			'Accept the quote',
			null,
			'customer-quote-page.png',
		);
		expect(accepted.status).toBe(200);
		expect(accepted.text).toMatch(/we have your answer/);

		// The agreement comes by e-mail with a link to its page: read it, type the name, tick, Sign.
		const agreementMail = await env.smtp
			.waitFor(customer.email, 60_000, (m: { subject?: string }) => /sign/i.test(m.subject ?? ''))
			.catch((error: Error) => {
				const got = env.smtp
					.to(customer.email)
					.map(
						(m: { subject?: string; text?: string }) => `${m.subject}: ${m.text?.slice(0, 300)}`,
					);
				throw new Error(`${error.message}; the customer got: ${JSON.stringify(got)}`);
			});
		const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(
			String(agreementMail.text),
		)![1];
		const signing = await browser.newPage({ viewport: { width: 420, height: 860 } });
		try {
			const opened = await openLink(signing, signingUrl);
			expect(opened.status).toBe(200);
			expect(opened.text).toMatch(/SERVICE AGREEMENT|Service agreement/i);
			expect(opened.text).toContain(customer.name);
			// The PDF to download from the page: the agreement as the e-mail carried it.
			const [download] = await Promise.all([
				signing.waitForEvent('download'),
				signing.getByRole('link', { name: 'Download the PDF' }).click(),
			]);
			const pdfFile = await download.path();
			expect(fs.readFileSync(pdfFile!).subarray(0, 5).toString()).toBe('%PDF-');
			expect(download.suggestedFilename()).toMatch(/^agreement-ct_[\w-]+\.pdf$/);
			const attached = agreementMail.attachments.find(
				(a: { filename?: string }) => a.filename === download.suggestedFilename(),
			);
			expect(fs.readFileSync(pdfFile!).length).toBe(attached.content.length);
			await signing.getByLabel('Your full name').fill('Rae Holt');
			await signing.getByLabel('I have read the agreement and accept it.').check();
			await signing.screenshot({
				path: path.join(SHOTS, 'customer-signing-page.png'),
				fullPage: true,
			});
			const [signed] = await Promise.all([
				signing.waitForNavigation(),
				signing.getByRole('button', { name: 'Sign' }).click(),
			]);
			expect(signed?.status()).toBe(200);
			const signedText = await signing.locator('body').innerText();
			expect(signedText).toMatch(/Your agreement is signed/);
			expect(signedText).toMatch(/Signed by Rae Holt on/);
			expect(signedText).toMatch(/SHA-256\) [0-9a-f]{64}/);
			// Opened again later: the signed agreement, nothing to sign.
			const again = await openLink(signing, signingUrl);
			expect(again.text).toMatch(/Your agreement is signed/);
			expect(await signing.locator('form').count()).toBe(0);
			// A changed token: refused on a page, nothing signed.
			const forged = await openLink(
				signing,
				signingUrl.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
			);
			expect(forged.status).toBe(404);
			expect(forged.text).toMatch(/This signing link is not valid/);
		} finally {
			await signing.close();
		}

		// The flow went on from the signature: onboarding with the calendar series.
		const welcome = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/is booked/.test(m.subject ?? ''),
		);
		expect(welcome.text).not.toMatch(/Please sign your service agreement/);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-accept' });
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'booked',
			),
		).toMatchObject({ status: 'booked' });

		// The quote link again: used, so its page says so; a made-up token is refused.
		const after = await browser.newPage();
		try {
			const used = await openLink(after, replyUrl);
			expect(used.status).toBe(410);
			expect(used.text).toMatch(/This link was already used/);
			expect(used.text).toMatch(/Accept the quote/);
			const madeUp = await openLink(after, replyUrl.replace(/t=lk_[\w-]{4}/, 't=lk_AAAA'));
			expect(madeUp.status).toBe(404);
			expect(madeUp.text).toMatch(/This link is not valid/);
		} finally {
			await after.close();
		}
		// Posting to a used link changes nothing and resumes nothing.
		const repost = await fetch(replyUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'choice=question&message=one+more+thing',
		});
		expect(repost.status).toBe(410);
		expect(await repost.text()).toMatch(/already used/);
	});
});

describe('an answer whose flow has ended', () => {
	it('tells the person on the page and e-mails ops the answer (error workflow), nothing is resumed', async () => {
		const customer = {
			name: 'Vic Late',
			email: 'vic@late.example',
			phone: '+12125550153',
			address: '8 Slow Ln, New York, NY 10001',
		};
		const first = await env.post('commercial-inquiry', {
			request_id: 'ops-e2e-late',
			message: 'Weekly cleaning for our 6,500 sq ft warehouse office, I am the owner and can sign.',
			customer,
		});
		expect(first.body.status).toBe('quote_sent');
		const quoteMail = await env.smtp.waitFor(customer.email);
		const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(quoteMail.text))![1];
		const linkId = /t=(lk_[\w-]+)\./.exec(replyUrl)![1];
		const [row] = await store.read('SELECT resume_url FROM case_links WHERE id = $1', [linkId]);
		const executionId = /webhook-waiting\/(\d+)/.exec(String(row.resume_url))![1];
		// The flow ends before the customer answers (as when its 14-day wait runs out).
		await eventually(
			async () => (await env.n8n.execution(executionId)).status,
			(status) => status === 'waiting',
		);
		await env.n8n.rest('POST', `/executions/${executionId}/stop`);

		const answered = await answerQuote(
			replyUrl,
			'Ask a question or for a change',
			'Is Saturday possible?',
		);
		expect(answered.status).toBe(410);
		expect(answered.text).toMatch(/This has moved on/);
		const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { text?: string }) =>
			(m.text ?? '').includes(linkId),
		);
		expect(ops.text).toMatch(/could not reach its flow/);
		expect(ops.text).toContain('Ask a question or for a change: Is Saturday possible?');
		expect((await env.n8n.execution(executionId)).status).not.toBe('success');
	});
});

describe('asking the customer for what the job lacks', () => {
	const detailsMail = (subject: RegExp) => (m: { subject?: string }) =>
		subject.test(m.subject ?? '');
	const textsTo = (phone: string) =>
		env.twilio.messages.filter((m: { form: Record<string, string> }) => m.form.To === phone);

	it('a booking with no address and no size asks for them; the form, filled in Chromium, books it', async () => {
		const customer = { name: 'Ana Ruiz', email: 'ana@example.com', phone: '+12125550161' };
		const request = {
			request_id: 'ops-e2e-askback',
			channel: 'web',
			message: 'Deep clean of our house next week please',
			customer,
		};
		const caseId = caseIdOf({ idempotency_key: request.request_id });
		const first = await env.post('booking', request);
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({
			status: 'needs_details',
			asked_for: ['address', 'bedrooms', 'bathrooms'],
		});
		expect(first.body.message).toMatch(/we have sent you a short form at ana@example.com/);
		const mail = await env.smtp.waitFor(customer.email, 30_000, detailsMail(/^A few details/));
		expect(mail.text).toMatch(
			/we need the address of the visit and the number of bedrooms and bathrooms/,
		);
		const url = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(mail.text))![1];
		// The text carries the same link.
		const texts = await eventually(
			async () => textsTo(customer.phone),
			(list) => list.length > 0,
		);
		expect(texts[0].form.Body).toContain(url);
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'waiting_customer',
			),
		).toMatchObject({ status: 'waiting_customer' });
		// The website retries the same request while the customer has the form: the same link, no second message.
		const retry = await env.post('booking', request);
		expect(retry.body.status).toBe('needs_details');
		expect(await bookingsOf(customer.name)).toHaveLength(0);

		const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
		try {
			const opened = await openLink(page, url);
			expect(opened.status).toBe(200);
			expect(opened.text).toMatch(/A few details to book your deep cleaning/);
			expect(opened.text).toMatch(/Deep clean of our house next week please/);
			// A word where a number goes: the page comes back naming the field, with what was typed kept.
			await page.getByLabel('Address of the visit').fill('22 Elm St, Apt 3, New York, NY 10001');
			await page.getByLabel('Bedrooms').fill('three');
			await page.getByLabel('Bathrooms').fill('2');
			const [wrong] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send the details' }).click(),
			]);
			expect(wrong?.status()).toBe(400);
			expect(await page.locator('body').innerText()).toMatch(
				/"Bedrooms" is a whole number; got "three"/,
			);
			expect(await page.getByLabel('Address of the visit').inputValue()).toBe(
				'22 Elm St, Apt 3, New York, NY 10001',
			);
			await page.getByLabel('Bedrooms').fill('3');
			await page.getByLabel('When would suit you? (optional)').fill('Thursday morning');
			await page.getByLabel(/Anything else we should know/).fill('Gate code 4421, a friendly dog');
			await page.screenshot({ path: path.join(SHOTS, 'ask-back-form.png'), fullPage: true });
			const [sent] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send the details' }).click(),
			]);
			expect(sent?.status()).toBe(200);
			expect(await page.locator('body').innerText()).toMatch(/we have your details/);
			await page.screenshot({ path: path.join(SHOTS, 'ask-back-thanks.png'), fullPage: true });

			// The flow went on: booked at the address given, priced on the rooms given, confirmed by e-mail.
			const confirmation = await env.smtp.waitFor(customer.email, 60_000, detailsMail(/is booked/));
			expect(confirmation.text).toMatch(/at 22 Elm St, Apt 3, New York, NY 10001/);
			expect(confirmation.text).toMatch(/Thursday/);
			const [booking] = await bookingsOf(customer.name);
			expect(booking.customer).toMatchObject({ address: '22 Elm St, Apt 3, New York, NY 10001' });
			const record = await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'booked',
			);
			expect(record).toMatchObject({
				status: 'booked',
				customer: { address: expect.stringMatching(/22 Elm St/) },
			});
			const events = await caseEvents(store, caseId);
			expect(events.map((e) => e.kind)).toEqual(
				expect.arrayContaining(['received', 'asked', 'decided', 'booked']),
			);
			expect(events.find((e) => e.kind === 'decided')?.data).toMatchObject({
				kind: 'missing_info',
				answers: { bedrooms: 3, bathrooms: 2, preference: 'Thursday morning' },
				note: 'Gate code 4421, a friendly dog',
			});
			// One request, one form: the retry reused the link.
			expect(env.smtp.to(customer.email).filter(detailsMail(/A few details/))).toHaveLength(1);
			// The link was used: opened again, it says so.
			const again = await openLink(page, url);
			expect(again.status).toBe(410);
			expect(again.text).toMatch(/already used/);
		} finally {
			await page.close();
		}
	});

	it('no answer: one reminder with the same link, then the request expires and a late answer is not lost', async () => {
		const customer = { name: 'Ben Quiet', email: 'ben@example.com', phone: '+12125550162' };
		const request = {
			request_id: 'ops-e2e-askback-silent',
			message: 'Standard cleaning please, whenever suits',
			customer,
		};
		const caseId = caseIdOf({ idempotency_key: request.request_id });
		const first = await env.post('booking', request);
		expect(first.body.status).toBe('needs_details');
		const asked = await env.smtp.waitFor(customer.email, 30_000, detailsMail(/^A few details/));
		const url = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(asked.text))![1];
		const reminder = await env.smtp.waitFor(
			customer.email,
			ASK_WAIT_S * 1000 + N8N_WAIT_POLL_MS + 20_000,
			detailsMail(/^Reminder: a few details/),
		);
		expect(reminder.text).toContain(url);
		expect(reminder.text).toMatch(/we close your request/);
		expect(
			await eventually(
				async () => textsTo(customer.phone).length,
				(n) => n === 2,
			),
		).toBe(2);
		const expired = await eventually(
			() => getCase(store, caseId),
			(c) => c?.status === 'expired',
			N8N_WAIT_POLL_MS + 30_000,
		);
		expect(expired?.status).toBe('expired');
		const events = await caseEvents(store, caseId);
		expect(events.find((e) => e.kind === 'expired')?.data).toMatchObject({
			reason: 'No answer to the details asked for within 72 hours',
		});
		// The customer answers after all: the page says the request moved on; ops get the answer.
		const page = await browser.newPage();
		try {
			await openLink(page, url);
			await page.getByLabel('Address of the visit').fill('5 Late Rd, New York, NY 10001');
			await page.getByLabel('Bedrooms').fill('1');
			await page.getByLabel('Bathrooms').fill('1');
			const [late] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send the details' }).click(),
			]);
			expect(late?.status()).toBe(410);
			expect(await page.locator('body').innerText()).toMatch(/This has moved on/);
		} finally {
			await page.close();
		}
		const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { text?: string }) =>
			(m.text ?? '').includes(caseId),
		);
		expect(ops.text).toMatch(/could not reach its flow/);
	});
});

describe('no room: ops find a time and the flow books it', () => {
	const noRoom = async (requestId: string, customer: Record<string, string>) => {
		// Closed on Sundays: no crew has room for what the customer asked.
		const first = await env.post('booking', {
			request_id: requestId,
			message: 'Standard cleaning of our 2 bedroom 1 bath apartment',
			preference: 'Sunday',
			customer,
		});
		expect(first.body).toMatchObject({ status: 'handed_to_person' });
		expect(first.body.reason).toMatch(/No crew is free for the time asked/);
		const ops = await env.smtp.waitFor(
			'ops@brightclean.example',
			60_000,
			(m: { subject?: string }) => (m.subject ?? '').includes(customer.name),
		);
		expect(ops.text).toMatch(/No crew had room for the time asked \(Sunday\)/);
		return /Decide here: (\S+)/.exec(String(ops.text))![1];
	};

	it('ops type another time on the page in Chromium: it is booked at that time and confirmed to the customer', async () => {
		const customer = {
			name: 'Noor Khan',
			email: 'noor@example.com',
			phone: '+12125550163',
			address: '3 Full St, New York, NY 10001',
		};
		const decideUrl = await noRoom('ops-e2e-noroom', customer);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-noroom' });
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'waiting_ops',
			),
		).toMatchObject({ decision: { kind: 'no_room', link: decideUrl } });
		// A Tuesday afternoon a week or more away, in the business's zone.
		const zone = 'America/New_York';
		let day = DateTime.now().setZone(zone).plus({ days: 7 });
		while (day.weekday !== 2) day = day.plus({ days: 1 });
		const chosen = day.set({ hour: 14, minute: 30, second: 0, millisecond: 0 });
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		try {
			const opened = await openLink(page, decideUrl);
			expect(opened.status).toBe(200);
			expect(opened.text).toMatch(/Find a time: Noor Khan/);
			expect(opened.text).toMatch(/They asked for\s+Sunday/);
			// The next free times are offered, then another time and a call.
			const offered = await page.locator('input[name="choice"][value^="slot:"]').count();
			expect(offered).toBeGreaterThan(0);
			await page.getByLabel('Another time (type it below)').check();
			await page.getByLabel('Your name').fill('Morgan (ops)');
			// Chosen without the time: the page comes back naming it.
			const [missing] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send' }).click(),
			]);
			expect(missing?.status()).toBe(400);
			expect(await page.locator('body').innerText()).toMatch(/Fill in "Another time"/);
			await page
				.getByLabel(/^Another time \(optional\)/)
				.fill(chosen.toFormat("yyyy-LL-dd'T'HH:mm"));
			await page.getByLabel('Note (kept on the case)').fill('Customer OK with a weekday');
			await page.screenshot({ path: path.join(SHOTS, 'ops-find-a-time.png'), fullPage: true });
			const [sent] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send' }).click(),
			]);
			expect(sent?.status()).toBe(200);
			expect(await page.locator('body').innerText()).toMatch(/Decision taken/);
		} finally {
			await page.close();
		}
		const confirmation = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/is booked/.test(m.subject ?? ''),
		);
		expect(confirmation.text).toContain(chosen.toFormat("cccc, LLLL d 'at' h:mm a"));
		const [booking] = await bookingsOf(customer.name);
		expect(DateTime.fromMillis(booking.start_ms, { zone }).toISO()).toBe(chosen.toISO());
		const record = await eventually(
			() => getCase(store, caseId),
			(c) => c?.status === 'booked',
		);
		expect(record?.status).toBe('booked');
		expect((await caseEvents(store, caseId)).find((e) => e.kind === 'decided')?.data).toMatchObject(
			{
				kind: 'no_room',
				outcome: 'slot',
				decided_by: 'Morgan (ops)',
				note: 'Customer OK with a weekday',
			},
		);
	});

	it('ops pick one of the offered times (a form post): booked with that crew at that time', async () => {
		const customer = {
			name: 'Omar Full',
			email: 'omar@example.com',
			phone: '+12125550164',
			address: '4 Full St, New York, NY 10001',
		};
		const decideUrl = await noRoom('ops-e2e-noroom-2', customer);
		const html = await (await fetch(decideUrl)).text();
		const value = /name="choice" value="(slot:[^"]+)"/.exec(html)![1];
		const [, start, crewId] = /^slot:([^|]+)\|(.*)$/.exec(value)!;
		const answered = await postForm(decideUrl, { choice: value, name: 'Morgan (ops)' });
		expect(answered.status).toBe(200);
		await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/is booked/.test(m.subject ?? ''),
		);
		const [booking] = await bookingsOf(customer.name);
		expect(booking).toMatchObject({ crew_id: crewId, start_ms: Date.parse(start) });
	});
});

describe('a customer who asked for a person: ops record what came of the call', () => {
	const askForPerson = async (requestId: string, customer: Record<string, string>) => {
		const first = await env.post('booking', {
			request_id: requestId,
			message:
				'Can someone call me about a deep clean of our 3 bed 2 bath house? I would rather talk to a person.',
			customer,
		});
		expect(first.body).toMatchObject({
			status: 'handed_to_person',
			reason: 'The customer asked to speak to a person.',
		});
		const ops = await env.smtp.waitFor(
			'ops@brightclean.example',
			60_000,
			(m: { subject?: string }) => (m.subject ?? '').includes(customer.name),
		);
		return /Decide here: (\S+)/.exec(String(ops.text))![1];
	};

	it('booked during the call: ops pick a free time on the page in Chromium; it is priced, booked and confirmed', async () => {
		const customer = {
			name: 'Pia Call',
			email: 'pia@example.com',
			phone: '+12125550165',
			address: '6 Talk St, New York, NY 10001',
		};
		const url = await askForPerson('ops-e2e-person', customer);
		const caseId = caseIdOf({ idempotency_key: 'ops-e2e-person' });
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'waiting_ops',
			),
		).toMatchObject({ decision: { kind: 'wants_human', link: url } });
		const page = await browser.newPage();
		let picked = '';
		try {
			const opened = await openLink(page, url);
			expect(opened.status).toBe(200);
			expect(opened.text).toMatch(/Call back: Pia Call asked for a person/);
			expect(opened.text).toMatch(/Their words\s+Can someone call me/);
			const first = page
				.locator('label.choice')
				.filter({ hasText: /^\s*Booked for / })
				.first();
			picked = (await first.innerText()).trim();
			await first.locator('input').check();
			await page.getByLabel('Your name').fill('Morgan (ops)');
			await page.getByLabel('What was said (kept on the case)').fill('Wants mornings');
			const [sent] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send' }).click(),
			]);
			expect(sent?.status()).toBe(200);
			expect(await page.locator('body').innerText()).toMatch(/Outcome recorded/);
		} finally {
			await page.close();
		}
		const confirmation = await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/is booked/.test(m.subject ?? ''),
		);
		// The time ops picked ("Booked for Monday, December 7 at 8:00 AM (Crew A)"), priced like any booking.
		expect(confirmation.text).toContain(/Booked for (.+ at \d+:\d+ [AP]M)/.exec(picked)![1]);
		expect(confirmation.text).toMatch(/Price: \$\d/);
		expect(
			await eventually(
				() => getCase(store, caseId),
				(c) => c?.status === 'booked',
			),
		).toMatchObject({ status: 'booked' });
	});

	it('not a fit: the customer gets the polite reply and the case is lost; called back: the case is closed', async () => {
		const lost = { name: 'Quin Nofit', email: 'quin@example.com', address: '7 Talk St' };
		const lostUrl = await askForPerson('ops-e2e-person-2', lost);
		expect((await postForm(lostUrl, { choice: 'not_a_fit', name: 'Morgan (ops)' })).status).toBe(
			200,
		);
		const reply = await env.smtp.waitFor(lost.email, 60_000);
		expect(reply.text).toMatch(/we are not the right fit for this job/);
		expect(
			await eventually(
				() => getCase(store, caseIdOf({ idempotency_key: 'ops-e2e-person-2' })),
				(c) => c?.status === 'lost',
			),
		).toMatchObject({ status: 'lost' });

		const called = { name: 'Ray Called', email: 'ray@example.com', address: '8 Talk St' };
		const calledUrl = await askForPerson('ops-e2e-person-3', called);
		expect(
			(
				await postForm(calledUrl, {
					choice: 'called',
					name: 'Morgan (ops)',
					message: 'Will call us in spring',
				})
			).status,
		).toBe(200);
		const closedCase = caseIdOf({ idempotency_key: 'ops-e2e-person-3' });
		expect(
			await eventually(
				() => getCase(store, closedCase),
				(c) => c?.status === 'closed',
			),
		).toMatchObject({ status: 'closed' });
		expect((await caseEvents(store, closedCase)).find((e) => e.kind === 'closed')?.data).toEqual({
			reason: 'Called back by Morgan (ops): nothing to book',
		});
		expect(env.smtp.to(called.email)).toHaveLength(0);
	});
});

describe('customers', () => {
	const DANA = {
		name: 'Dana Return',
		email: 'dana.return@example.com',
		phone: '+12125550190',
		address: '9 Elm St, New York, NY 10001',
	};
	const MESSAGE = 'Standard cleaning of our 2 bedroom 1 bath apartment next week please';
	const customerFormUrl = () => `${env.n8n.baseUrl}/form/customer`;

	/** Ops fill the Customers form in Chromium, as a person would; returns the page they see next. */
	async function askAboutCustomer(fields: {
		customer: string;
		action: string;
		note?: string;
		confirm?: string;
	}) {
		const context = await browser.newContext({
			httpCredentials: { username: env.board.user, password: env.board.password },
			acceptDownloads: true,
		});
		const page = await context.newPage();
		try {
			expect((await page.goto(customerFormUrl()))?.status()).toBe(200);
			await page.getByLabel('Customer').fill(fields.customer);
			await page.getByLabel('What to do').selectOption(fields.action);
			if (fields.note) await page.getByLabel('Note').fill(fields.note);
			if (fields.confirm) await page.getByLabel('To erase, type ERASE').fill(fields.confirm);
			const download = fields.action === 'Export their data' ? page.waitForEvent('download') : null;
			await page.getByRole('button', { name: 'Go' }).click();
			// The form gives way to the page the workflow's last node makes.
			await page
				.getByRole('button', { name: 'Go' })
				.waitFor({ state: 'detached', timeout: 60_000 });
			const file = download ? await download : null;
			await page.waitForLoadState('networkidle');
			const text = await page.locator('body').innerText();
			return {
				text,
				file: file
					? {
							name: file.suggestedFilename(),
							json: JSON.parse(fs.readFileSync((await file.path())!, 'utf8')),
						}
					: null,
			};
		} finally {
			await context.close();
		}
	}

	it('knows a returning customer across two cases: the same customer, scored and priced as returning', async () => {
		// The business gives returning customers 5% (a row of the Booking Rate Card table).
		await env.n8n.updateDataTableRows(
			env.tables.rate_card.id,
			{ rate: 'returning_customer_discount_pct' },
			{ amount: 5 },
		);
		const first = await env.post('booking', {
			request_id: 'ops-e2e-dana-1',
			channel: 'web',
			message: MESSAGE,
			customer: DANA,
		});
		expect(first.status).toBe(200);
		const firstCase = await eventually(
			() => getCase(store, caseIdOf({ idempotency_key: 'ops-e2e-dana-1' })),
			(c) => c?.status === 'booked',
		);
		expect(firstCase!.customer_id).toMatch(/^cu_/);
		// A month on she texts from the same phone, written another way, with no e-mail.
		const second = await env.post('booking', {
			request_id: 'ops-e2e-dana-2',
			channel: 'sms',
			message: MESSAGE,
			customer: { name: 'Dana', phone: '(212) 555-0190', address: DANA.address },
		});
		expect(second.status).toBe(200);
		const secondCase = await eventually(
			() => getCase(store, caseIdOf({ idempotency_key: 'ops-e2e-dana-2' })),
			(c) => c?.status === 'booked',
		);
		expect(secondCase!.customer_id).toBe(firstCase!.customer_id);
		expect(secondCase!.lead_score! - firstCase!.lead_score!).toBe(10);
		// The same job, 5% off the second time (before tax; the card has none).
		expect(secondCase!.quote_cents).toBe(Math.round(firstCase!.quote_cents! * 0.95));
	});

	it('ops look her up, note the gate code, export her data, and erase it: refused while a visit is to come, then what remains names no one', async () => {
		const shown = await askAboutCustomer({ customer: '212-555-0190', action: 'Show their record' });
		expect(shown.text).toContain('Dana Return');
		expect(shown.text).toContain('dana.return@example.com');
		expect(shown.text).toMatch(/2 case\(s\), 2 booked; 2 visit\(s\)/);

		const noted = await askAboutCustomer({
			customer: DANA.email,
			action: 'Add a note',
			note: 'Gate code 4411; the dog stays in the yard',
		});
		expect(noted.text).toContain(
			'Gate code 4411; the dog stays in the yard (Booking Agents: Customers',
		);

		const exported = await askAboutCustomer({ customer: DANA.email, action: 'Export their data' });
		expect(exported.file!.name).toMatch(/^customer-cu_[a-f0-9]{24}\.json$/);
		expect(exported.file!.json).toMatchObject({
			customer: { name: 'Dana Return', emails: [DANA.email], phones: [DANA.phone] },
			cases: [
				expect.objectContaining({ channel: 'web_form' }),
				expect.objectContaining({ channel: 'sms' }),
			],
		});
		expect(exported.file!.json.bookings).toHaveLength(2);
		expect(exported.file!.json.messages.length).toBeGreaterThan(0);

		expect(
			(await askAboutCustomer({ customer: DANA.email, action: 'Erase their data' })).text,
		).toContain('type ERASE');
		const refused = await askAboutCustomer({
			customer: DANA.email,
			action: 'Erase their data',
			confirm: 'ERASE',
		});
		expect(refused.text).toMatch(/2 visits still to come .*cancel them first/);

		// Her visits are cancelled (as she asked); then the erasure goes through.
		const visits = (
			await Promise.all(
				['ops-e2e-dana-1', 'ops-e2e-dana-2'].map(
					async (key) => (await getCase(store, caseIdOf({ idempotency_key: key })))!.booking_ids,
				),
			)
		).flat();
		expect(visits).toHaveLength(2);
		for (const id of visits)
			await store.write(null, 'cancel', Date.now(), async (tx) => {
				await tx.updateBooking(
					id,
					{ status: 'cancelled', cancel_reason: 'customer asked' },
					Date.now(),
				);
			});
		const erased = await askAboutCustomer({
			customer: DANA.email,
			action: 'Erase their data',
			confirm: 'ERASE',
		});
		expect(erased.text).toMatch(/Removed: .*2 cases/);
		expect(erased.text).toMatch(/Kept:\s*2 cases .*books/);
		const customerId = exported.file!.json.customer.customer_id as string;
		expect(erased.text).toContain(customerId);

		// What remains: the cases' facts and amounts under the same customer id, nothing that names her.
		const dump = await everyRowWithPersonalData(store);
		// (another customer of this file has a gate code of their own: 4421)
		for (const trace of ['Dana Return', DANA.email, '2125550190', '9 Elm St', 'Gate code 4411'])
			expect(dump).not.toContain(trace);
		const kept = await getCase(store, caseIdOf({ idempotency_key: 'ops-e2e-dana-1' }));
		expect(kept).toMatchObject({
			customer_id: customerId,
			status: 'booked',
			service_type: 'standard_cleaning',
		});
		expect(kept!.quote_cents).toBeGreaterThan(0);
		// Looked up again, she is no longer known by her e-mail.
		expect(
			(await askAboutCustomer({ customer: DANA.email, action: 'Show their record' })).text,
		).toContain('No customer is known by dana.return@example.com');
	});
});
