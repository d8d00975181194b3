/**
 * A weekly customer over the life of their agreement, in a real n8n with the shipped templates.
 * Renewal: an agreement signed a year ago whose term ends within 30 days is renewed by the
 * Contract Renewals schedule (every few seconds here), which books the 52 visits of its new
 * term on the same day and time; the renewal notice says so, and later runs book nothing
 * twice. The customer: the welcome's own link, opened in Chromium exactly as delivered, moves
 * the visits to another day and time from the first on; the e-mail that confirms it carries a
 * new link, on which they end their regular visits: the agreement ends as soon as its notice
 * allows and the visits after that day are cancelled. Ops: the Regular Visits form, filled in
 * Chromium behind the ops login, pauses a customer's visits, skips one, moves them to a new day
 * and time, and ends them on the day asked; the customer hears each by e-mail.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';

import { generateContract, recordSignature, schedule } from '../../nodes/api';
import { SqliteBookingStore, type BookingRecord } from '../../nodes/shared/store';
import { startBookingEnv } from '../../dev/booking-env';
import { eventually } from '../support/eventually';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const ZONE = 'America/New_York';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const FAST_TRIGGER = { rule: { interval: [{ field: 'seconds', secondsInterval: 4 }] } };
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	env = await startBookingEnv({
		only: [
			'booking-recurring-service.json',
			'support-contract-renewals.json',
			'support-customer-links.json',
			'support-customer-changes.json',
			'support-agreement-signing.json',
			'ops-regular-visits.json',
		],
		// No quiet hours, so texts go out whenever the test runs.
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		customize(file, workflow) {
			if (file === 'support-contract-renewals.json')
				for (const node of workflow.nodes)
					if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = FAST_TRIGGER;
		},
	});
	await env.n8n.waitForWebhook('recurring', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
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

const local = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE });
const seriesVisits = async (seriesId: string, statuses: BookingRecord['status'][]) =>
	(await store.listBookings({ seriesId, statuses }, Date.now())).sort(
		(a, b) => a.start_ms - b.start_ms,
	);
/** What the newest run of a workflow did, node by node (its errors first): for a failure's message. */
async function lastRunOf(file: string): Promise<string> {
	// The newest run that got past its first nodes (a schedule's later runs may find nothing to do).
	const runs = await env.n8n.executions(env.workflows[file].id, { limit: 30 });
	const last =
		runs.find(
			(r: { data?: { resultData?: { runData?: object } } }) =>
				Object.keys(r.data?.resultData?.runData ?? {}).length > 4,
		) ?? runs[0];
	const runData = last?.data?.resultData?.runData ?? {};
	return JSON.stringify({
		status: last?.status,
		error: last?.data?.resultData?.error?.message,
		nodes: Object.fromEntries(
			Object.entries(runData).map(([name, runs]) => {
				const run = (
					runs as Array<{ error?: { message: string }; data?: { main?: unknown[][] } }>
				)[0];
				const outputs = (run.data?.main ?? []) as Array<Array<{
					json?: { error?: unknown };
				}> | null>;
				const failed = outputs.flatMap((out) => out ?? []).find((item) => item.json?.error);
				return [
					name,
					run.error?.message ?? failed?.json?.error ?? outputs.map((out) => out?.length ?? 0),
				];
			}),
		),
	});
}

const linkAfter = (text: string, words: string) =>
	new RegExp(`${words}[^\\n]*?(http\\S+/webhook/link\\?t=[\\w.-]+)`).exec(text)?.[1] ?? null;

it("renewal books the next term's 52 visits on the same day and time, the notice says so, and a later run books nothing twice", async () => {
	// A weekly agreement signed a year ago: its first visit 354 days ago, its term ends in 10 days.
	const yearAgo = Date.now() - 358 * DAY;
	const firstDay = local(yearAgo).plus({ days: 4 }).startOf('day');
	const weekday = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[
		firstDay.weekday - 1
	];
	const customer = {
		name: 'Rosa Vance',
		email: 'rosa.vance@example.com',
		phone: '+12125550141',
		address: '40 Grove St, New York, NY 10014',
	};
	const job = { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 };
	const firstTerm = await schedule(
		{
			operation: 'bookSeries',
			job,
			customer,
			series: { frequency: 'weekly', weekday, time: '10:00', start_date: firstDay.toISODate() },
		},
		{ store, now: new Date(yearAgo) },
	);
	expect(firstTerm.occurrences).toHaveLength(52);
	const seriesId = firstTerm.series_id!;
	const { contract } = await generateContract(
		{
			customer,
			business: { name: 'Bright Clean Co.' },
			quote: {
				quote_id: 'Q-WEEKLY',
				total_cents: 13515,
				currency: 'USD',
				service_type: 'standard_cleaning',
				recurring: { frequency: 'weekly', per_visit_cents: 13515, per_month_cents: 58565 },
			},
			booking: {
				series_id: seriesId,
				start: firstTerm.occurrences[0].start,
				time_zone: ZONE,
			},
			terms: { auto_renew: true, term_months: 12, notice_days: 30 },
			signingBaseUrl: 'http://localhost/sign',
		},
		{ store, signingSecret: env.signingSecret, now: new Date(yearAgo) },
	);
	await recordSignature(
		{ token: new URL(contract.signing_url!).searchParams.get('token')!, name: 'Rosa Vance' },
		{ store, signingSecret: env.signingSecret, now: new Date(yearAgo + 1000) },
	);
	const termEnd = (await store.getContract(contract.contract_id))!.end_date;
	expect(termEnd).toBe(firstDay.plus({ years: 1, days: -1 }).toISODate());

	const notice = await env.smtp
		.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
			/^Your service agreement renews on /.test(m.subject ?? ''),
		)
		.catch(async (error: Error) => {
			throw new Error(
				`${error.message}: ${JSON.stringify(env.smtp.to(customer.email).map((m: { subject?: string }) => m.subject))}; Contract Renewals ran: ${await lastRunOf('support-contract-renewals.json')}`,
			);
		});
	const renewed = (await store.contractsEndingBy('2100-01-01')).find(
		(c) => c.renewal_of === contract.contract_id,
	)!;
	expect(renewed).toMatchObject({ status: 'active', auto_renew: true });
	expect(renewed.start_date).toBe(DateTime.fromISO(termEnd).plus({ days: 1 }).toISODate());
	// The new term's visits: every one of its weeks, on the same weekday at 10:00 local.
	const next = (await seriesVisits(seriesId, ['confirmed'])).filter(
		(v) => local(v.start_ms).toISODate()! >= renewed.start_date,
	);
	expect(next).toHaveLength(52);
	expect(
		next.every(
			(v) => local(v.start_ms).toFormat('ccc HH:mm') === firstDay.toFormat('ccc') + ' 10:00',
		),
	).toBe(true);
	expect(local(next[51].start_ms).toISODate()! <= renewed.end_date).toBe(true);
	// The crew that had the series keeps it.
	expect(new Set(next.map((v) => v.crew_id))).toEqual(new Set([firstTerm.occurrences[51].crew_id]));
	expect(notice.text).toContain(
		`renews on ${DateTime.fromISO(renewed.start_date).toFormat('LLLL d, yyyy')}`,
	);
	expect(notice.text).toContain(
		`Your visits for the new term are booked: 52, the first on ${local(next[0].start_ms).toFormat("cccc, LLLL d 'at' h:mm a")}.`,
	);
	// Three more runs of the schedule: no second notice, no visit booked twice.
	await sleep(12_000);
	expect(
		env.smtp
			.to(customer.email)
			.filter((m: { subject?: string }) => /renews on/.test(m.subject ?? '')),
	).toHaveLength(1);
	expect(await seriesVisits(seriesId, ['confirmed'])).toHaveLength(
		(await seriesVisits(seriesId, ['held', 'confirmed', 'cancelled', 'completed'])).length,
	);
	const days = (await seriesVisits(seriesId, ['confirmed'])).map((v) =>
		local(v.start_ms).toISODate(),
	);
	expect(new Set(days).size).toBe(days.length);
});

it('a weekly customer moves their visits to another day and time on their own page, then ends them under the notice in their agreement', async () => {
	const email = 'owen.pike@example.com';
	const start = local(Date.now()).plus({ days: 3 }).startOf('day');
	const weekday = start.toFormat('ccc').toLowerCase();
	const answer = await env.post('recurring', {
		message: 'Weekly cleaning please, 2 bed 1 bath apartment',
		customer: {
			name: 'Owen Pike',
			email,
			phone: '+12125550142',
			address: '9 Perry St, New York, NY 10014',
		},
		weekday,
		time: '09:00',
		start_date: start.toISODate(),
	});
	expect(answer.status).toBe(200);
	const seriesId = answer.body.booking.series_id as string;
	expect(answer.body.booking.occurrences).toHaveLength(52);
	const signed = await fetch(answer.body.contract.signing_url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Owen Pike' }),
	});
	expect(signed.status).toBe(200);
	const welcome = await env.smtp.waitFor(email, 30_000);
	const firstLink = linkAfter(
		welcome.text,
		'To move or skip your first visit, or pause your visits:',
	)!;
	expect(firstLink).toBeTruthy();
	// The new day: the first weekday (Monday to Friday: Saturdays end at 2 PM) at least two days after the first visit's, at 2 PM.
	let newDay = start.plus({ days: 2 });
	while (newDay.weekday > 5) newDay = newDay.plus({ days: 1 });
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(firstLink);
		await page.getByLabel(/^New day/).selectOption(newDay.toFormat('ccc').toLowerCase());
		await page.getByLabel(/^New time/).selectOption('14:00');
		await page
			.getByLabel('Move this visit and the ones after it to the new day and time below')
			.check();
		await page.screenshot({ path: path.join(SHOTS, 'customer-series-change.png'), fullPage: true });
		const [sent] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(sent?.status()).toBe(200);
	} finally {
		await page.close();
	}
	const schedule = `on ${newDay.toFormat('cccc')}s at 2:00 PM`;
	const changed = await env.smtp.waitFor(email, 30_000, (m: { subject?: string }) =>
		(m.subject ?? '').endsWith(`visits are now ${schedule}`),
	);
	expect(changed.text).toContain(
		`As you asked, from ${newDay.toFormat('cccc, LLLL d')} your standard cleaning visits are ${schedule} at 9 Perry St`,
	);
	expect(changed.text).toContain(
		`52 visits are booked, the first on ${newDay.toFormat('cccc, LLLL d')} at 2:00 PM.`,
	);
	const moved = await seriesVisits(seriesId, ['confirmed']);
	expect(moved).toHaveLength(52);
	expect(new Set(moved.map((v) => local(v.start_ms).toFormat('cccc HH:mm')))).toEqual(
		new Set([`${newDay.toFormat('cccc')} 14:00`]),
	);
	const old = await seriesVisits(seriesId, ['cancelled']);
	expect(old).toHaveLength(52);
	expect(new Set(old.map((v) => v.cancel_reason))).toEqual(new Set(['series changed']));

	// The confirmation's own link: they end their regular visits.
	const nextLink = linkAfter(
		changed.text,
		'To move or skip your first visit, or pause your visits:',
	)!;
	expect(nextLink).toBeTruthy();
	const endPage = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await endPage.goto(nextLink);
		await endPage.getByLabel('End my regular visits (the notice in my agreement applies)').check();
		const [sent] = await Promise.all([
			endPage.waitForNavigation(),
			endPage.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(sent?.status()).toBe(200);
	} finally {
		await endPage.close();
	}
	// 30 days' notice from today: the agreement's last day, and the series'.
	const lastDay = local(Date.now()).plus({ days: 30 });
	const ending = await env.smtp.waitFor(email, 30_000, (m: { subject?: string }) =>
		/visits end on /.test(m.subject ?? ''),
	);
	expect(ending.subject).toBe(
		`Your standard cleaning visits end on ${lastDay.toFormat('cccc, LLLL d, yyyy')}`,
	);
	const left = await seriesVisits(seriesId, ['confirmed']);
	expect(left.length).toBeGreaterThanOrEqual(4);
	expect(left.every((v) => local(v.start_ms).toISODate()! <= lastDay.toISODate()!)).toBe(true);
	expect(ending.text).toContain(
		`Your last visit is ${local(left[left.length - 1].start_ms).toFormat("cccc, LLLL d 'at' h:mm a")}.`,
	);
	const ended = await seriesVisits(seriesId, ['cancelled']);
	expect(ended.filter((v) => v.cancel_reason === 'series ended')).toHaveLength(52 - left.length);
	expect(await store.getContract(answer.body.contract.contract_id)).toMatchObject({
		status: 'ending',
		auto_renew: false,
		end_date: lastDay.toISODate(),
	});
	// The customer's text says so too (it follows the e-mail: the Outbox sends one message at a time).
	const texts = await eventually(
		async () =>
			env.twilio.messages
				.filter((m: { form: Record<string, string> }) => m.form.To === '+12125550142')
				.map((m: { form: Record<string, string> }) => m.form.Body as string),
		(list) => list.some((t) => /visits end on/.test(t)),
	);
	expect(texts.some((t) => /visits end on/.test(t))).toBe(true);
});

/** Ops fill the Regular Visits form in Chromium, as a person would; the page they see next. */
async function askOps(fields: Record<string, string>): Promise<string> {
	const context = await browser.newContext({
		httpCredentials: { username: env.board.user, password: env.board.password },
	});
	const page = await context.newPage();
	try {
		expect((await page.goto(`${env.n8n.baseUrl}/form/visits`))?.status()).toBe(200);
		for (const [label, value] of Object.entries(fields)) {
			const field = page.getByLabel(label, { exact: true });
			if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
			else await field.fill(value);
		}
		await page.getByRole('button', { name: 'Go' }).click();
		await page.getByRole('button', { name: 'Go' }).waitFor({ state: 'detached', timeout: 60_000 });
		await page.waitForLoadState('networkidle');
		return await page.locator('body').innerText();
	} finally {
		await context.close();
	}
}

it("ops pause, skip, move and end a customer's regular visits on the Regular Visits form; the customer hears each", async () => {
	const email = 'ines.hart@example.com';
	const start = local(Date.now()).plus({ days: 2 }).startOf('day');
	const answer = await env.post('recurring', {
		message: 'Weekly cleaning please, 2 bed 1 bath',
		customer: {
			name: 'Ines Hart',
			email,
			phone: '+12125550143',
			address: '3 Bank St, New York, NY 10014',
		},
		weekday: start.toFormat('ccc').toLowerCase(),
		time: '11:00',
		start_date: start.toISODate(),
	});
	expect(answer.status).toBe(200);
	const seriesId = answer.body.booking.series_id as string;
	const signed = await fetch(answer.body.contract.signing_url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'Ines Hart' }),
	});
	expect(signed.status).toBe(200);
	const week = (n: number) => start.plus({ weeks: n });
	const day = (n: number) => week(n).toISODate()!;
	const mailsAbout = (pattern: RegExp) =>
		env.smtp.waitFor(email, 30_000, (m: { subject?: string }) => pattern.test(m.subject ?? ''));

	// Away for two weeks: the visits of weeks 2 and 3.
	const paused = await askOps({
		Customer: email,
		'What to do': 'Pause their visits',
		'From (pause, move)': day(2),
		'Until (pause)': day(3),
	});
	expect(paused).toContain('Paused: 2 visits from');
	expect(paused).toContain(`Cancelled: ${day(2)} 11:00, ${day(3)} 11:00`);
	const pauseMail = await mailsAbout(/^Cancelled: /);
	expect(pauseMail.text).toContain('paused at your request');
	// Week 5's visit skipped.
	const skipped = await askOps({
		Customer: '+1 212 555 0143',
		'What to do': 'Skip one visit',
		'Day of the visit to skip': day(5),
		'Reason (optional)': 'family visiting',
	});
	expect(skipped).toContain(`Skipped: the visit on ${day(5)}`);
	const visits = await seriesVisits(seriesId, ['cancelled']);
	expect(visits.map((v) => [local(v.start_ms).toISODate(), v.cancel_reason])).toEqual([
		[day(2), 'series paused'],
		[day(3), 'series paused'],
		[day(5), 'family visiting'],
	]);
	// From week 6, a day after the usual one (Monday to Friday: Saturdays end at 2 PM), at 15:30.
	let newDay = week(6).plus({ days: 1 });
	while (newDay.weekday > 5) newDay = newDay.plus({ days: 1 });
	const moved = await askOps({
		Customer: email,
		'What to do': 'Move their visits to a new day or time',
		'From (pause, move)': day(6),
		'New day (move)': newDay.toFormat('cccc'),
		'New time (move)': '15:30',
	});
	expect(moved).toContain(`Booked: ${newDay.toISODate()} 15:30`);
	const moveMail = await mailsAbout(/visits are now on /);
	expect(moveMail.subject).toBe(
		`Your standard cleaning visits are now on ${newDay.toFormat('cccc')}s at 3:30 PM`,
	);
	const after = (await seriesVisits(seriesId, ['confirmed'])).filter(
		(v) => local(v.start_ms).toISODate()! >= day(6),
	);
	expect(new Set(after.map((v) => local(v.start_ms).toFormat('cccc HH:mm')))).toEqual(
		new Set([`${newDay.toFormat('cccc')} 15:30`]),
	);
	// The end, on a day 60 days away (the 30 days' notice allows it).
	const lastDay = local(Date.now()).plus({ days: 60 }).toISODate()!;
	const ended = await askOps({
		Customer: email,
		'What to do': 'End their regular visits',
		'Last day they asked for (end; empty: as soon as the notice allows)': lastDay,
	});
	expect(ended).toContain(`Last day: ${lastDay}`);
	expect(await store.getContract(answer.body.contract.contract_id)).toMatchObject({
		status: 'ending',
		end_date: lastDay,
	});
	const left = await seriesVisits(seriesId, ['confirmed']);
	expect(left.every((v) => local(v.start_ms).toISODate()! <= lastDay)).toBe(true);
	const endMail = await mailsAbout(/visits end on /);
	expect(endMail.text).toContain(
		`Your last visit is ${local(left[left.length - 1].start_ms).toFormat("cccc, LLLL d 'at' h:mm a")}.`,
	);
	// Someone with no regular visits: the page says so, nothing changes.
	const none = await askOps({
		Customer: 'nobody@example.com',
		'What to do': 'Skip one visit',
		'Day of the visit to skip': day(1),
	});
	expect(none).toMatch(/Please check|No regular visits/);
});
