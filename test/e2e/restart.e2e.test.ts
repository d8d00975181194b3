/**
 * What n8n recovers when it restarts: a commercial quote waits days for the customer's reply
 * (n8n keeps that waiting execution in memory while it runs, and in its database). n8n is stopped
 * as a supervisor stops it (SIGTERM) and started again on the same folder and port; the
 * customer then opens the link in the quote e-mail exactly as it was delivered, accepts, signs
 * the agreement, and the flow goes on to the booking as if nothing had happened.
 */
import fs from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

import { startBookingEnv } from '../../dev/booking-env';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
	env = await startBookingEnv({
		only: [
			'booking-commercial-sales.json',
			'support-customer-links.json',
			'support-agreement-signing.json',
		],
	});
	await env.n8n.waitForWebhook('commercial-inquiry', { probeBody: {} });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu'],
	});
});

afterAll(async () => {
	await browser?.close();
	await env?.stop();
});

it('a quote waiting for its reply survives a restart of n8n: the customer accepts and signs afterwards, and the visits are booked', async () => {
	const customer = {
		name: 'Rosa Restart',
		email: 'rosa@restart.example',
		address: '55 Water St, New York, NY 10041',
	};
	const first = await env.post('commercial-inquiry', {
		message:
			'Weekly cleaning of our 4,000 sq ft office, ongoing contract. I am the office manager and decide.',
		customer,
	});
	expect(first.status).toBe(200);
	expect(first.body).toMatchObject({ status: 'quote_sent' });
	const quoteMail = await env.smtp.waitFor(customer.email, 60_000);
	const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(String(quoteMail.text))![1];
	const workflowId = env.workflows['booking-commercial-sales.json'].id;
	const [waiting] = await env.n8n.waitForExecutions(workflowId, 'waiting', { timeoutMs: 30_000 });

	const before = env.n8n.child.pid;
	await env.n8n.restart();
	// A new n8n process: the first one is gone, with whatever it held in memory.
	expect(env.n8n.child.pid).not.toBe(before);
	expect(() => process.kill(before!, 0)).toThrow();

	// After the restart n8n still has the wait, from its database.
	const [stillWaiting] = await env.n8n.waitForExecutions(workflowId, 'waiting', {
		timeoutMs: 30_000,
	});
	expect(stillWaiting.id).toBe(waiting.id);
	const page = await browser.newPage({ viewport: { width: 420, height: 860 } });
	try {
		expect((await page.goto(replyUrl))?.status()).toBe(200);
		await page
			.locator('label.choice')
			.filter({ hasText: 'Accept the quote' })
			.locator('input')
			.check();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Send' }).click(),
		]);
		expect(await page.locator('body').innerText()).toMatch(/we have your answer/);
		const agreementMail = await env.smtp.waitFor(
			customer.email,
			60_000,
			(m: { subject?: string }) => /sign/i.test(m.subject ?? ''),
		);
		const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(
			String(agreementMail.text),
		)![1];
		expect((await page.goto(signingUrl))?.status()).toBe(200);
		await page.getByLabel('Your full name').fill('Rosa Restart');
		await page.getByLabel('I have read the agreement and accept it.').check();
		await Promise.all([
			page.waitForNavigation(),
			page.getByRole('button', { name: 'Sign' }).click(),
		]);
		expect(await page.locator('body').innerText()).toMatch(/Your agreement is signed/);
	} finally {
		await page.close();
	}
	await env.smtp.waitFor(customer.email, 60_000, (m: { subject?: string }) =>
		/is booked/.test(m.subject ?? ''),
	);
	// The same execution, resumed twice after the restart, ended well.
	const [done] = await env.n8n.waitForExecutions(workflowId, 'success', { timeoutMs: 60_000 });
	expect(done.id).toBe(waiting.id);
});
