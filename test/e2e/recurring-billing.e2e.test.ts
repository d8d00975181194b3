/**
 * Recurring billing in a real n8n: the Recurring Billing and Payments workflows as shipped,
 * their schedules every few seconds. Two weekly agreements signed before last month, their
 * visits of last month done: each customer gets last month's invoice (its PDF checked by qpdf)
 * with a link to save a card. Opened in Chromium exactly as delivered, the link leads to
 * Stripe's page; the saved card is kept from Stripe's signed event and charged within the run
 * after. Ana's card pays (the first request's connection drops: n8n retries with the same
 * idempotency key, one charge). Ben's card is declined: he is told and it is tried again on the
 * dunning schedule, each try its own key; after the last, he is told and ops get the case; a new
 * card he saves from the last message pays what is owed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';
import {
	generateContract,
	recordSignature,
	schedule,
	price,
	recordCaseStep,
} from '../../nodes/api';
import { getInvoice, type Invoice } from '../../nodes/shared/records/invoices';
import { SqliteBookingStore } from '../../nodes/shared/store';
import { eventually } from '../support/eventually';

jest.setTimeout(600_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ZONE = 'America/New_York';
const DAY = 86_400_000;
const BY = { workflow: 'test', executionId: '1', executionUrl: null };
const FAST = { rule: { interval: [{ field: 'seconds', secondsInterval: 3 }] } };
const business = { name: 'Bright Clean Co.', email: 'hello@brightclean.example' };

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	env = await startBookingEnv({
		only: ['support-payments.json', 'support-recurring-billing.json'],
		settings: { monthly_billing: 'yes', quiet_hours_start: '00:00', quiet_hours_end: '00:00' },
		customize(file, workflow) {
			if (file === 'support-recurring-billing.json')
				for (const node of workflow.nodes)
					if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = FAST;
		},
	});
	await env.n8n.waitForWebhook('stripe', { probeBody: {} });
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

const lastMonth = DateTime.now().setZone(ZONE).startOf('month').minus({ months: 1 });

/** A weekly agreement signed before last month, its Monday visits from last month's first Monday; those of last month done. */
async function weeklyAgreement(
	caseId: string,
	customer: { name: string; email: string; phone: string; address: string },
) {
	const signedAt = lastMonth.minus({ days: 10 }).set({ hour: 10 }).toJSDate();
	const firstMonday = lastMonth.plus({ days: (8 - lastMonth.weekday) % 7 });
	const job = { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 };
	const quote = await price({ ...job, frequency: 'weekly' } as never, {
		now: signedAt,
		rateCard: { tax_rate_pct: 8.875 },
	});
	const series = await schedule(
		{
			operation: 'bookSeries',
			job,
			customer,
			case_id: caseId,
			series: {
				frequency: 'weekly',
				weekday: 'mon',
				time: '10:00',
				start_date: firstMonday.toISODate()!,
				count: 12,
			},
		},
		{ store, now: signedAt },
	);
	await recordCaseStep(
		store,
		{ case: { case_id: caseId }, customer, quote, booking: series },
		'answered',
		BY,
		signedAt.getTime(),
	);
	const { contract } = await generateContract(
		{
			customer,
			business,
			quote: quote as never,
			booking: { series_id: series.series_id, start: series.occurrences[0].start, time_zone: ZONE },
			terms: { term_months: 12, auto_renew: true },
		},
		{ store, signingSecret: env.signingSecret, now: signedAt },
	);
	await recordSignature(
		{ token: contract.signing_token!, name: customer.name },
		{ store, signingSecret: env.signingSecret, now: signedAt },
	);
	const monthEnd = lastMonth.plus({ months: 1 }).toMillis();
	const done = series.occurrences.filter((o) => Date.parse(o.start) < monthEnd);
	for (const visit of done)
		await schedule(
			{ operation: 'progress', booking_id: visit.booking_id, step: 'done' },
			{ store, now: new Date(Date.parse(visit.start) + 3 * 3_600_000) },
		);
	return {
		contract,
		series,
		visits: done.length,
		total: done.length * quote.recurring!.per_visit_cents,
	};
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Opens a card link as the message carried it, saves `card` on Stripe's page; returns the page it ends on. */
async function saveCard(url: string, card: string, beforeSave?: () => void) {
	const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
	try {
		const opened = await page.goto(url);
		expect(opened?.status()).toBe(200);
		expect(await page.locator('h1').innerText()).toBe('Save a card');
		await page.getByLabel('Card number').fill(card);
		beforeSave?.();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Save card' }).click(),
		]);
		return { url: page.url(), text: await page.locator('body').innerText() };
	} finally {
		await page.close();
	}
}

/** The invoice of the agreement for last month, once the monthly run made it. */
async function monthInvoice(contractId: string): Promise<Invoice> {
	const [row] = await eventually(
		async () =>
			await store.read('SELECT id FROM invoices WHERE contract_id = $1 AND period = $2', [
				contractId,
				lastMonth.toFormat('yyyy-MM'),
			]),
		(rows) => rows.length === 1,
		60_000,
	);
	return (await getInvoice(store, String(row.id)))!;
}

const charges = (invoiceId: string) =>
	env.stripe.requests.filter(
		(r: {
			path: string;
			params: { metadata?: { invoice_id?: string } } | null;
			idempotencyKey: string | null;
		}) =>
			r.path === '/v1/payment_intents' &&
			(r.params?.metadata?.invoice_id === invoiceId ||
				r.idempotencyKey?.startsWith(`charge-${invoiceId}-`)),
	);

it("last month's visits are billed on one invoice with a card link; the card saved on Stripe's page is charged once, though the first request's connection dropped", async () => {
	const ana = {
		name: 'Ana Ruiz',
		email: 'ana.ruiz@example.com',
		phone: '+12125550131',
		address: '12 Elm St, New York, NY 10001',
	};
	const { contract, visits, total } = await weeklyAgreement('cs_monthly_ana', ana);
	expect(visits).toBeGreaterThanOrEqual(4);
	const invoice = await monthInvoice(contract.contract_id);
	expect(invoice).toMatchObject({ total_cents: total, status: 'open', period: { visits } });
	// The invoice by e-mail: what it bills, the PDF, and the link to save a card.
	const mail = await env.smtp.waitFor(ana.email, 60_000, (m: { subject?: string }) =>
		/^Invoice /.test(m.subject ?? ''),
	);
	expect(mail.subject).toBe(
		`Invoice ${invoice.invoice_number} from Bright Clean Co.: ${money(total)}`,
	);
	expect(mail.text).toContain(
		`Your invoice ${invoice.invoice_number} for your ${visits} standard cleaning visits in ${lastMonth.toFormat('LLLL yyyy')} is attached: ${money(total)}`,
	);
	const pdf = mail.attachments.find(
		(a: { filename?: string }) => a.filename === `invoice-${invoice.invoice_number}.pdf`,
	);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-monthly-mail-'));
	try {
		fs.writeFileSync(path.join(dir, 'invoice.pdf'), pdf.content);
		expect(execFileSync('qpdf', ['--check', path.join(dir, 'invoice.pdf')]).toString()).toContain(
			'No syntax or stream encoding errors',
		);
		const text = execFileSync('pdftotext', [path.join(dir, 'invoice.pdf'), '-'])
			.toString()
			.replace(/\s+/g, ' ');
		expect(text).toContain(
			`For: ${visits} standard cleaning visits in ${lastMonth.toFormat('LLLL yyyy')}`,
		);
		expect(text).toContain(`Total: ${money(total)}`);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	const cardUrl = /each month's invoice is paid automatically: (\S+)/.exec(mail.text)![1];
	expect(cardUrl).toMatch(/\/webhook\/card\?token=/);
	// The text says the same, shorter.
	const text = await eventually(
		async () =>
			env.twilio.messages.filter((m: { form: Record<string, string> }) => m.form.To === ana.phone),
		(list) => list.length > 0,
	);
	expect(text[0].form.Body).toContain(`invoice ${invoice.invoice_number}, ${money(total)}`);
	// Nothing is charged before a card is saved.
	expect(charges(invoice.invoice_id)).toEqual([]);
	// The first charge's connection drops (the next request to Stripe once the card is saved): n8n's
	// retry sends the same key, Stripe charges once.
	const saved = await saveCard(cardUrl, '4242 4242 4242 4242', () => env.stripe.dropNext(1));
	expect(saved.url).toContain('/webhook/paid?card=saved');
	expect(saved.text).toContain('Your card is saved');
	const paid = await eventually(
		async () => await getInvoice(store, invoice.invoice_id),
		(i) => i?.status === 'paid',
		60_000,
	);
	expect(paid).toMatchObject({ paid_cents: total, charge_attempts: 1, next_charge_at: null });
	const made = charges(invoice.invoice_id).filter(
		(r: { status: number | string }) => r.status === 200,
	);
	expect(made).toHaveLength(1);
	// Two requests for the one charge, with one key: the dropped one and n8n's retry.
	expect(charges(invoice.invoice_id).map((r: { status: number | string }) => r.status)).toEqual([
		'dropped',
		200,
	]);
	expect(
		new Set(charges(invoice.invoice_id).map((r: { idempotencyKey: string }) => r.idempotencyKey)),
	).toEqual(new Set([`charge-${invoice.invoice_id}-1`]));
	expect(made[0]).toMatchObject({
		idempotencyKey: `charge-${invoice.invoice_id}-1`,
		params: {
			amount: String(total),
			currency: 'usd',
			off_session: 'true',
			confirm: 'true',
			metadata: { invoice_id: invoice.invoice_id, attempt: '1' },
		},
	});
	// Stripe's own event for the payment arrives too: taken, counted once.
	await eventually(
		async () =>
			await store.read(
				"SELECT outcome FROM payment_events WHERE type = 'payment_intent.succeeded'",
			),
		(rows) => rows.length >= 1,
	);
	expect(
		(await store.read('SELECT kind FROM payments WHERE invoice_id = $1', [invoice.invoice_id])).map(
			(r) => r.kind,
		),
	).toEqual(['payment']);
	expect((await getInvoice(store, invoice.invoice_id))!.paid_cents).toBe(total);
	// Later runs bill nothing twice and charge nothing again.
	await new Promise((r) => setTimeout(r, 8000));
	expect(
		await store.read('SELECT id FROM invoices WHERE contract_id = $1', [contract.contract_id]),
	).toHaveLength(1);
	expect(
		charges(invoice.invoice_id).filter((r: { status: number | string }) => r.status === 200),
	).toHaveLength(1);
});

it('a declined card: the customer is told at each try of the dunning schedule, each try with its own key; after the last, ops get the case; a new card pays', async () => {
	const ben = {
		name: 'Ben Okafor',
		email: 'ben.okafor@example.com',
		phone: '+12125550132',
		address: '40 Bank St, New York, NY 10014',
	};
	const { contract, total } = await weeklyAgreement('cs_monthly_ben', ben);
	const invoice = await monthInvoice(contract.contract_id);
	const mail = await env.smtp.waitFor(ben.email, 60_000, (m: { subject?: string }) =>
		/^Invoice /.test(m.subject ?? ''),
	);
	const cardUrl = /each month's invoice is paid automatically: (\S+)/.exec(mail.text)![1];
	// A card that saves fine and is declined at every charge.
	expect((await saveCard(cardUrl, '4000 0000 0000 0341')).text).toContain('Your card is saved');
	const declines = (): Array<{ subject: string; text: string }> =>
		env.smtp
			.to(ben.email)
			.filter((m: { subject?: string }) => /did not go through/.test(m.subject ?? ''));
	const expectedDays = [1, 3, 7];
	let firstDecline = 0;
	for (let attempt = 1; attempt <= 4; attempt++) {
		const told = await eventually(
			async () => declines(),
			(list) => list.length === attempt,
			60_000,
		);
		const message = told[attempt - 1];
		expect(message.subject).toBe(
			`Your payment for invoice ${invoice.invoice_number} did not go through`,
		);
		expect(message.text).toContain(
			`We could not take ${money(total)} for invoice ${invoice.invoice_number} from the card you saved (the bank said there were not enough funds).`,
		);
		const current = (await getInvoice(store, invoice.invoice_id))!;
		expect(current).toMatchObject({ status: 'open', charge_attempts: attempt });
		if (attempt === 1) firstDecline = Date.parse(current.next_charge_at!) - DAY;
		if (attempt <= 3) {
			const next = firstDecline + expectedDays[attempt - 1] * DAY;
			expect(Math.abs(Date.parse(current.next_charge_at!) - next)).toBeLessThan(1000);
			expect(message.text).toContain(
				`We will try it again on ${DateTime.fromMillis(Date.parse(current.next_charge_at!), { zone: ZONE }).toFormat('cccc, LLLL d')}.`,
			);
			// The day of the next try comes (the test does not wait days: the try is made due now).
			await store.lockedWrite('dunning-day', async (sql) => {
				await sql.query('UPDATE invoices SET next_charge_at_ms = $2 WHERE id = $1', [
					invoice.invoice_id,
					Date.now(),
				]);
			});
		} else {
			expect(current.next_charge_at).toBeNull();
			expect(message.text).toContain('We have stopped trying the card and will be in touch.');
		}
	}
	// Four tries, each its own key, all declined by Stripe.
	const tried = charges(invoice.invoice_id);
	expect(tried.map((r: { status: number | string }) => r.status)).toEqual([402, 402, 402, 402]);
	expect(tried.map((r: { idempotencyKey: string }) => r.idempotencyKey)).toEqual(
		[1, 2, 3, 4].map((n) => `charge-${invoice.invoice_id}-${n}`),
	);
	// Ops get the case: the invoice stays open.
	const ops = await env.smtp.waitFor('ops@brightclean.example', 60_000, (m: { text?: string }) =>
		String(m.text).includes(invoice.invoice_number),
	);
	expect(ops.text).toContain('declined 4 times');
	// Ben saves another card from the last message: what is owed is charged to it.
	const lastCardUrl = /To use another card: (\S+)/.exec(declines()[3].text)![1];
	expect((await saveCard(lastCardUrl, '4242 4242 4242 4242')).text).toContain('Your card is saved');
	const paid = await eventually(
		async () => await getInvoice(store, invoice.invoice_id),
		(i) => i?.status === 'paid',
		60_000,
	);
	expect(paid).toMatchObject({ paid_cents: total, charge_attempts: 5 });
	// The Stripe customer kept from the first card was used again for the second.
	expect(
		env.stripe.requests.filter(
			(r: { path: string; params: { metadata?: { series_id?: string } } | null }) =>
				r.path === '/v1/customers' && r.params?.metadata?.series_id === paid!.series_id,
		),
	).toHaveLength(1);
});

it('a changed or made-up card link opens no Stripe page', async () => {
	for (const token of ['nonsense', 'Y3Rfbm9wZQ.zzzzzzzz.AAAA']) {
		const answer = await fetch(`${env.n8n.baseUrl}/webhook/card?token=${token}`, {
			redirect: 'manual',
		});
		expect(answer.status).toBe(403);
		expect(await answer.text()).toContain('This link is not valid');
	}
	const none = await fetch(`${env.n8n.baseUrl}/webhook/card`, { redirect: 'manual' });
	expect(none.status).toBe(403);
});
