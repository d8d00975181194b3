/**
 * The people of a visit, in a real n8n. The crew: each booked crew gets its visit's page by
 * text (and e-mail); the crew opens it in Chromium exactly as delivered and taps On my way
 * (the customer is texted), Started, Done; the review request follows the visit marked done,
 * and not the one nobody marked, which goes to ops by the evening check. Could not do it
 * needs a note and hands the visit to ops. The customer: the confirmation's own link moves
 * the visit to a time they type, then cancels it; a series visit's reminder link skips that
 * visit only. The schedules fire every few seconds here.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import { SqliteBookingStore, type BookingRecord } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');
const FAST_TRIGGER = { rule: { interval: [{ field: 'seconds', secondsInterval: 4 }] } };
const CREW_A = { phone: '+12125550171', email: 'crew-a@brightclean.example' };
const CREW_B = { phone: '+12125550172' };
const OPS = 'ops@brightclean.example';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const crew = (id: string, name: string, contact: { phone?: string; email?: string }) => ({
	crew_id: id,
	name,
	phone: contact.phone ?? '',
	email: contact.email ?? '',
	skills: 'cleaning',
	on_call: false,
	working_days: '',
	service_area: '',
	time_off: '',
	active: true,
});

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	fs.mkdirSync(SHOTS, { recursive: true });
	env = await startBookingEnv({
		only: [
			'booking-simple.json',
			'support-crew-visits.json',
			'support-crew-steps.json',
			'support-customer-changes.json',
			'support-customer-links.json',
			'support-visit-reminders.json',
		],
		// No quiet hours, so the test's messages go out whenever it runs; changes online up to 2 hours before.
		settings: { quiet_hours_start: '00:00', quiet_hours_end: '00:00', cancel_notice_hours: '2' },
		tableRows: {
			// Crew W only cleans windows: no booking of these tests lands on it, so the weekly
			// series stored for it below never clash with a visit booked earlier in the file (on
			// crew A or B, at whatever hour the file runs).
			crews: [
				crew('crew-a', 'Crew A', CREW_A),
				crew('crew-b', 'Crew B', CREW_B),
				{ ...crew('crew-w', 'Crew W', {}), skills: 'window_cleaning' },
			],
		},
		customize(file, workflow) {
			if (file === 'support-crew-visits.json' || file === 'support-visit-reminders.json')
				for (const node of workflow.nodes)
					if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = FAST_TRIGGER;
			// The review request as soon as the visit ends (24 h after, as shipped).
			if (file === 'support-visit-reminders.json')
				workflow.nodes.find(
					(n: { name: string }) => n.name === 'Write the Follow-Up Due Now',
				).parameters.options.reviewHours = 0;
		},
	});
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
	// The crews as the agents sync them from the Booking Crews table (the visits below are stored before any agent ran).
	await store.syncCrews([
		{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], on_call: false },
		{ id: 'crew-b', name: 'Crew B', skills: ['cleaning'], on_call: false },
		{ id: 'crew-w', name: 'Crew W', skills: ['window_cleaning'], on_call: false },
	]);
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

const textsTo = (phone: string) =>
	env.twilio.messages
		.filter((m: { form: Record<string, string> }) => m.form.To === phone)
		.map((m: { form: Record<string, string> }) => m.form.Body as string);
const mailTo = (to: string) =>
	env.smtp.to(to).map((m: { subject?: string; text?: string }) => ({
		subject: m.subject ?? '',
		text: m.text ?? '',
	}));
const linkIn = (text: string, id: string) => {
	const line = text.split(/\n/).find((l) => l.includes(id)) ?? text;
	return /(http\S+\/webhook\/link\?t=[\w.-]+)/.exec(line)?.[1] ?? null;
};

/** Visits booked days ago, stored as Scheduling wrote them. */
async function storeVisits(
	visits: Array<Partial<BookingRecord> & { id: string; start_ms: number; end_ms: number }>,
) {
	const now = Date.now();
	await store.write(null, 'book', now, async (tx) => {
		for (const v of visits)
			expect(
				await tx.insertBooking({
					crew_id: 'crew-a',
					busy_until_ms: v.end_ms + 30 * MINUTE,
					time_zone: 'America/New_York',
					status: 'confirmed',
					hold_expires_ms: null,
					series_id: null,
					service: 'standard_cleaning',
					priority: 5,
					customer: null,
					details: null,
					cancel_reason: null,
					created_at_ms: now - 72 * HOUR,
					updated_at_ms: now - 72 * HOUR,
					...v,
				}),
			).toBe('ok');
	});
}

async function tap(page: Page, button: string) {
	const [answer] = await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: button, exact: true }).click(),
	]);
	return { status: answer?.status(), text: await page.locator('body').innerText() };
}

it('the crew marks its visit on the way, started and done from the text; the customer hears it, and is asked for a review only after done; a visit nobody marked goes to ops', async () => {
	const now = Date.now();
	const dana = {
		name: 'Dana Field',
		email: 'dana.field@example.com',
		phone: '+12125550161',
		address: '14 Orchard St, Apt 2, New York, NY 10002',
	};
	const omar = {
		name: 'Omar Vale',
		email: 'omar.vale@example.com',
		phone: '+12125550162',
		address: '3 Pier Rd, New York, NY 10004',
	};
	const [done, forgotten] = [`bk_done_${now}`, `bk_forgotten_${now}`];
	await storeVisits([
		// Started half an hour ago, ends in 75 seconds: the crew is there now.
		{ id: done, start_ms: now - 30 * MINUTE, end_ms: now + 75_000, customer: dana },
		// Ended an hour ago; its crew never marks it.
		{
			id: forgotten,
			crew_id: 'crew-b',
			start_ms: now - 4 * HOUR,
			end_ms: now - HOUR,
			customer: omar,
		},
	]);

	// Each crew gets its own visit's page: crew A by text and e-mail, crew B (no e-mail) by text.
	const [sheet] = await eventually(
		async () => textsTo(CREW_A.phone).filter((t: string) => t.includes('Dana Field')),
		(list) => list.length > 0,
	);
	expect(sheet).toMatch(
		/standard cleaning for Dana Field \+12125550161\. Steps: http\S+\/webhook\/link\?t=lk_/,
	);
	expect(sheet).not.toMatch(/STOP/);
	const crewMail = await eventually(
		async () => mailTo(CREW_A.email),
		(list) => list.some((m: { text: string }) => m.text.includes('Dana Field')),
	);
	expect(crewMail[0].subject).toMatch(/^Visit .*: standard cleaning for Dana Field$/);
	await eventually(
		async () => textsTo(CREW_B.phone),
		(list) => list.some((t: string) => t.includes('Omar Vale')),
	);
	const url = linkIn(sheet, 'Steps')!;
	expect(linkIn(crewMail[0].text, 'Tap each step')).toBe(url);

	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		const opened = await page.goto(url);
		expect(opened?.status()).toBe(200);
		const visitPage = await page.locator('body').innerText();
		expect(visitPage).toMatch(/Visit: standard cleaning for Dana Field/);
		expect(visitPage).toMatch(/14 Orchard St, Apt 2/);
		expect(visitPage).toMatch(/Dana Field · \+12125550161/);
		await page.screenshot({ path: path.join(SHOTS, 'crew-visit.png'), fullPage: true });

		// On my way: the page again with the step done; the customer gets a text and an e-mail.
		const onWay = await tap(page, 'On my way');
		expect(onWay.status).toBe(200);
		expect(onWay.text).toMatch(/On my way: \d+:\d+ (AM|PM) ✓/);
		expect(await page.getByRole('button', { name: 'On my way', exact: true }).count()).toBe(0);
		const [told] = await eventually(
			async () => textsTo(dana.phone),
			(list) => list.length > 0,
		);
		expect(told).toMatch(/Crew A is on the way for your standard cleaning/);
		expect((await env.smtp.waitFor(dana.email, 30_000)).subject).toBe('Your crew is on the way');

		await tap(page, 'Started');
		// Could not do it needs a note: the page says so and keeps the visit open.
		const noNote = await tap(page, 'Could not do it');
		expect(noNote.status).toBe(400);
		expect(noNote.text).toMatch(/Say in the note why the visit could not be done/);
		await page.getByLabel(/Note/).fill('All rooms done, key back in the lockbox.');
		await page.screenshot({ path: path.join(SHOTS, 'crew-visit-started.png'), fullPage: true });
		const finished = await tap(page, 'Done');
		expect(finished.status).toBe(200);
		expect(finished.text).toMatch(/recorded on the visit/);
		// Reopened: done already, nothing more to tap.
		const again = await page.goto(url);
		expect(again?.status()).toBe(410);
		expect(await page.locator('body').innerText()).toMatch(/already used/);
	} finally {
		await page.close();
	}
	const stored = await store.getBooking(done);
	expect(stored?.status).toBe('completed');
	expect(stored?.details).toMatchObject({
		progress: {
			on_my_way_ms: expect.any(Number),
			started_ms: expect.any(Number),
			done_ms: expect.any(Number),
			note: 'All rooms done, key back in the lockbox.',
		},
	});
	// Only the on-my-way text reached the customer so far: no review before the visit ends.
	expect(textsTo(dana.phone)).toHaveLength(1);

	// The visit ends: the review request follows the one marked done, never the forgotten one.
	const review = await env.smtp.waitFor(dana.email, 4 * MINUTE, (m: { subject?: string }) =>
		/How did we do/.test(m.subject ?? ''),
	);
	expect(review.text).toContain('https://brightclean.example/review');
	// The evening check: the forgotten visit goes to ops once.
	const opsMail = await eventually(
		async () => mailTo(OPS).filter((m: { text: string }) => m.text.includes(forgotten)),
		(list) => list.length > 0,
	);
	expect(opsMail[0].text).toMatch(/has ended and its crew did not mark it done/);
	expect(
		mailTo(omar.email).filter((m: { subject: string }) => /How did we do/.test(m.subject)),
	).toEqual([]);
	expect(textsTo(omar.phone)).toEqual([]);
	// Several evening runs later, still one e-mail for it, and none for the visit marked done.
	await new Promise((resolve) => setTimeout(resolve, 10_000));
	expect(mailTo(OPS).filter((m: { text: string }) => m.text.includes(forgotten))).toHaveLength(1);
	expect(mailTo(OPS).filter((m: { text: string }) => m.text.includes(done))).toEqual([]);
});

it('"could not do it" with the crew\'s note goes to ops; the visit stays for them to rebook', async () => {
	const now = Date.now();
	const id = `bk_notdone_${now}`;
	await storeVisits([
		{
			id,
			start_ms: now + 2 * HOUR,
			end_ms: now + 4 * HOUR,
			customer: {
				name: 'Rita Gale',
				email: 'rita.gale@example.com',
				phone: '+12125550163',
				address: '77 Hill Rd, New York, NY 10005',
			},
		},
	]);
	const [sheet] = await eventually(
		async () => textsTo(CREW_A.phone).filter((t: string) => t.includes('Rita Gale')),
		(list) => list.length > 0,
	);
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(linkIn(sheet, 'Steps')!);
		await page.getByLabel(/Note/).fill('Gate locked and nobody answers the phone.');
		const answered = await tap(page, 'Could not do it');
		expect(answered.status).toBe(200);
	} finally {
		await page.close();
	}
	const opsMail = await eventually(
		async () => mailTo(OPS).filter((m: { text: string }) => m.text.includes(id)),
		(list) => list.length > 0,
	);
	expect(opsMail[0].text).toMatch(
		/could not do the visit .*Gate locked and nobody answers the phone/,
	);
	const stored = await store.getBooking(id);
	expect(stored?.status).toBe('confirmed');
	expect(stored?.details).toMatchObject({ progress: { not_done_ms: expect.any(Number) } });
	// The customer was told nothing by the crew's report (the visit's own reminder aside); ops call them.
	expect(textsTo('+12125550163').filter((t: string) => !/ reminder: /.test(t))).toEqual([]);
});

/** A weekday at least `days` ahead, as the customer would name it ("December 10"). */
function dayAhead(days: number) {
	let day = DateTime.now().setZone('America/New_York').plus({ days });
	while (day.weekday === 7) day = day.plus({ days: 1 }); // closed on Sundays
	return day;
}

it("the customer moves the visit on the confirmation's own page, then cancels it on the new one; a used link stays used", async () => {
	const email = 'ines.park@example.com';
	const day = dayAhead(4);
	const answer = await env.post('booking', {
		request_id: `self-service-${Date.now()}`,
		message: 'Standard cleaning please, 2 bedroom 1 bath apartment.',
		preference: `${day.toFormat('LLLL d')} morning`,
		customer: {
			name: 'Ines Park',
			email,
			phone: '+12125550164',
			address: '5 Garden Pl, New York, NY 10003',
		},
	});
	expect(answer.status).toBe(200);
	expect(answer.body.status).toBe('booked');
	const bookingId = answer.body.booking.booking_id as string;
	const confirmation = await env.smtp.waitFor(email, 30_000);
	const first = linkIn(confirmation.text, 'To move or cancel it')!;
	expect(first).toMatch(/\/webhook\/link\?t=lk_/);
	// The text follows the e-mail (the Outbox sends one message at a time).
	const [firstText] = await eventually(
		async () => textsTo('+12125550164'),
		(list) => list.length > 0,
	);
	expect(firstText).toContain(`Change: ${first}`);

	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		expect((await page.goto(first))?.status()).toBe(200);
		expect(await page.locator('body').innerText()).toMatch(
			/Change your booking: standard cleaning/,
		);
		// Move it to 2 pm the next day (the field is in the business's time zone).
		const newTime = day.plus({ days: 1 }).set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
		await page.getByLabel(/The new time/).fill(newTime.toFormat("yyyy-LL-dd'T'HH:mm"));
		await page.getByLabel('Move it to the time below').check();
		await page.screenshot({ path: path.join(SHOTS, 'customer-change-page.png'), fullPage: true });
		const [moved] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(moved?.status()).toBe(200);
		expect(await page.locator('body').innerText()).toMatch(/we have your request/);
		const stored = await eventually(
			async () => await store.getBooking(bookingId),
			(b) => b?.start_ms === newTime.toMillis(),
		);
		expect(stored?.start_ms).toBe(newTime.toMillis());
		const movedMail = await env.smtp.waitFor(email, 30_000, (m: { text?: string }) =>
			String(m.text).includes(newTime.toFormat("cccc, LLLL d 'at' h:mm a")),
		);
		expect(movedMail.subject).toMatch(/is booked for/);
		// The invite is updated (same uid, a higher sequence).
		expect(String(movedMail.attachments?.[0]?.content ?? '')).toMatch(/SEQUENCE:1/);
		const second = linkIn(movedMail.text, 'To move or cancel it')!;
		expect(second).not.toBe(first);
		// The first link was used: its page says so and changes nothing.
		expect((await page.goto(first))?.status()).toBe(410);
		expect(await page.locator('body').innerText()).toMatch(/already used/);

		await page.goto(second);
		await page.getByLabel('Cancel the visit').check();
		const [cancelled] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(cancelled?.status()).toBe(200);
	} finally {
		await page.close();
	}
	const cancelMail = await env.smtp.waitFor(email, 30_000, (m: { subject?: string }) =>
		/^Cancelled: /.test(m.subject ?? ''),
	);
	expect(cancelMail.text).toContain('has been cancelled (at your request)');
	expect((await store.getBooking(bookingId))?.status).toBe('cancelled');
	expect((await store.getBooking(bookingId))?.cancel_reason).toBe('cancelled by customer');
});

it('the customer asks for the free times on their page, gets them by e-mail and text, and moves the visit to one with a tap', async () => {
	const email = 'jon.free@example.com';
	const day = dayAhead(5);
	const answer = await env.post('booking', {
		request_id: `free-times-${Date.now()}`,
		message: 'Standard cleaning please, 1 bedroom 1 bath apartment.',
		preference: `${day.toFormat('LLLL d')} morning`,
		customer: {
			name: 'Jon Free',
			email,
			phone: '+12125550168',
			address: '7 Open Rd, New York, NY 10003',
		},
	});
	expect(answer.body.status).toBe('booked');
	const bookingId = answer.body.booking.booking_id as string;
	const confirmation = await env.smtp.waitFor(email, 30_000);
	const first = linkIn(confirmation.text, 'To move or cancel it')!;
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		await page.goto(first);
		await page.getByLabel('Show me the next free times').check();
		const [asked] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(asked?.status()).toBe(200);
		// Nothing moves; the free times come by e-mail and text, with a link whose page offers them.
		const offer = await env.smtp.waitFor(email, 30_000, (m: { subject?: string }) =>
			/^Free times for your standard cleaning/.test(m.subject ?? ''),
		);
		expect(offer.text).toMatch(/The next free times: [A-Z][a-z]+day, /);
		// The text goes out after the e-mail (the Outbox sends one message at a time).
		expect(
			(
				await eventually(
					async () => textsTo('+12125550168'),
					(list) => list.some((t: string) => /Free: .*Choose: http/.test(t)),
				)
			).some((t: string) => /Free: .*Choose: http/.test(t)),
		).toBe(true);
		const offerUrl = linkIn(offer.text, 'Choose one, or another time, here:')!;
		expect((await store.getBooking(bookingId))?.status).toBe('confirmed');
		await page.goto(offerUrl);
		const choice = page
			.locator('label.choice')
			.filter({ hasText: /^\s*Move it to [A-Z][a-z]+day, / })
			.first();
		const picked = /Move it to (.+)$/.exec((await choice.innerText()).trim())![1];
		await choice.locator('input').check();
		await page.screenshot({ path: path.join(SHOTS, 'customer-free-times.png'), fullPage: true });
		const [moved] = await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(moved?.status()).toBe(200);
		const movedMail = await env.smtp.waitFor(
			email,
			30_000,
			(m: { subject?: string; text?: string }) =>
				/is booked for/.test(m.subject ?? '') && String(m.text).includes(picked),
		);
		expect(movedMail.text).toContain('To move or cancel it: http');
		const stored = await store.getBooking(bookingId);
		expect(
			DateTime.fromMillis(stored!.start_ms, { zone: 'America/New_York' }).toFormat(
				"cccc, LLLL d 'at' h:mm a",
			),
		).toBe(picked);
	} finally {
		await page.close();
	}
});

/** What a weekly customer asks from their reminder's page, and what stays of their three visits. */
const WEEKLY_CHANGES = [
	{
		change: 'skip',
		who: { name: 'Theo Marsh', email: 'theo.marsh@example.com', phone: '+12125550165' },
		choose: 'Skip this visit (the others stay booked)',
		reason: 'skipped at your request; your other visits stay booked',
		after: ['cancelled:skipped by customer', 'confirmed', 'confirmed'],
	},
	{
		change: 'pause',
		who: { name: 'Uma Reyes', email: 'uma.reyes@example.com', phone: '+12125550167' },
		choose: 'Pause my visits until the date below',
		reason: 'paused at your request',
		after: ['cancelled:paused by customer', 'cancelled:paused by customer', 'confirmed'],
	},
];

it.each(WEEKLY_CHANGES)(
	"a weekly customer can $change from a reminder's link; the visits after stay booked",
	async ({ change, who: person, choose, reason, after }) => {
		const now = Date.now();
		const seriesId = `sr_${change}_${now}`;
		const who = { ...person, address: '21 Bank St, New York, NY 10014' };
		// A weekly series whose next visit starts in 20 hours: its 24 h reminder is due now.
		// (The two series three hours apart on crew W.)
		const starts = [0, 7, 14].map(
			(d) => now + (change === 'skip' ? 20 : 23) * HOUR + d * 24 * HOUR,
		);
		await store.write(null, 'book', now, async (tx) => {
			await tx.insertSeries({
				id: seriesId,
				rrule: 'FREQ=WEEKLY;COUNT=3',
				time_zone: 'America/New_York',
				status: 'active',
				customer: who,
				service: 'standard_cleaning',
				details: null,
				created_at_ms: now - 72 * HOUR,
			});
		});
		await storeVisits(
			starts.map((start, i) => ({
				id: `bk_${change}${i}_${now}`,
				crew_id: 'crew-w',
				start_ms: start,
				end_ms: start + 2 * HOUR,
				series_id: seriesId,
				customer: who,
			})),
		);
		const reminder = await env.smtp.waitFor(who.email, 60_000, (m: { subject?: string }) =>
			/^Reminder: /.test(m.subject ?? ''),
		);
		const url = linkIn(reminder.text, 'To move or skip this visit')!;
		expect(url).toMatch(/\/webhook\/link\?t=lk_/);
		const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
		try {
			await page.goto(url);
			expect(await page.locator('body').innerText()).toMatch(/Change this visit/);
			// A pause runs through the day of the second visit (in the business's zone).
			if (change === 'pause')
				await page
					.getByLabel(/^Pause until/)
					.fill(DateTime.fromMillis(starts[1], { zone: 'America/New_York' }).toISODate()!);
			await page.getByLabel(choose).check();
			const [answered] = await Promise.all([
				page.waitForNavigation(),
				page.getByRole('button', { name: 'Send' }).click(),
			]);
			expect(answered?.status()).toBe(200);
		} finally {
			await page.close();
		}
		const notice = await env.smtp.waitFor(who.email, 30_000, (m: { subject?: string }) =>
			/^Cancelled: /.test(m.subject ?? ''),
		);
		expect(notice.text).toContain(reason);
		// No calendar cancellation for the series (it would remove every visit from their calendar).
		expect(notice.attachments ?? []).toEqual([]);
		const visits = await store.listBookings(
			{ seriesId, statuses: ['confirmed', 'cancelled'] },
			Date.now(),
		);
		expect(visits.map((v) => `${v.status}${v.cancel_reason ? `:${v.cancel_reason}` : ''}`)).toEqual(
			after,
		);
	},
);
