'use strict';
/**
 * npm run demo: fires the business's scenarios at the n8n that `npm start`
 * runs and prints a timeline of each: who, what, price, slot, messages sent,
 * time taken. Everything goes through the published templates' webhooks and,
 * for the commercial contracts and a booking that lacks its details, through the
 * pages behind the links the customer and ops receive by e-mail (read back from
 * the mail catcher), submitted as a browser submits them; the website's form as a
 * browser sends it, a text as Twilio posts it, and a chat as n8n's chat widget posts it.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('./n8n/runtime');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const money = (cents, currency = 'USD') =>
	new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);

function readState() {
	const folder =
		process.env.BOOKING_AGENTS_USER_FOLDER ??
		path.join(path.dirname(runtime.paths().dir), 'start-user-folder');
	const file = path.join(folder, 'demo.json');
	if (!fs.existsSync(file))
		throw new Error(
			`${file} not found: start n8n first with "npm start" (in another terminal), then run "npm run demo".`,
		);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

class Timeline {
	constructor(title) {
		this.title = title;
		this.started = Date.now();
		this.lines = [];
	}

	at(text) {
		this.lines.push(`  +${((Date.now() - this.started) / 1000).toFixed(2).padStart(6)}s  ${text}`);
	}

	print(summary) {
		console.log(`\n${this.title}`);
		console.log('-'.repeat(this.title.length));
		for (const [label, value] of summary)
			if (value)
				console.log(
					`  ${`${label}:`.padEnd(10)}${String(value).replace(/\n/g, `\n${' '.repeat(12)}`)}`,
				);
		console.log('  timeline:');
		for (const line of this.lines) console.log(`  ${line}`);
		console.log(`  took:     ${((Date.now() - this.started) / 1000).toFixed(2)} s end to end`);
	}
}

async function main() {
	const state = readState();
	const post = async (pathName, body) => {
		const response = await fetch(`${state.baseUrl}/webhook/${pathName}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [state.webhookHeader]: state.webhookKey },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		try {
			return { status: response.status, body: JSON.parse(text) };
		} catch {
			return { status: response.status, body: text };
		}
	};
	/** What a link's page posts when a person submits it (as a browser does). */
	const form = async (url, fields) =>
		await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'user-agent': 'Demo Browser',
			},
			body: new URLSearchParams(fields),
		});
	const messages = async () => await (await fetch(`${state.catcherUrl}/messages`)).json();
	try {
		await messages();
	} catch {
		throw new Error(
			`the mail catcher at ${state.catcherUrl} does not answer: is "npm start" still running?`,
		);
	}
	/** Waits until `count` new e-mails/texts to these addresses arrive, then returns them. */
	const delivered = async (
		since,
		{ emails = [], texts = [] },
		{ wantEmails = 0, wantTexts = 0, match = () => true, timeoutMs = 20_000 } = {},
	) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const all = await messages();
			const newEmails = all.emails
				.slice(since.emails)
				.filter((e) => e.to.some((t) => emails.includes(t)) && match(e));
			const newTexts = all.texts.slice(since.texts).filter((t) => texts.includes(t.to));
			if ((newEmails.length >= wantEmails && newTexts.length >= wantTexts) || Date.now() > deadline)
				return { emails: newEmails, texts: newTexts };
			await sleep(200);
		}
	};
	const mark = async () => {
		const all = await messages();
		return { emails: all.emails.length, texts: all.texts.length };
	};
	const describeMessages = (got) =>
		[
			...got.emails.map(
				(e) =>
					`e-mail to ${e.to.join(', ')}: "${e.subject}"${e.attachments.length ? ` (+ ${e.attachments.map((a) => a.filename).join(', ')})` : ''}`,
			),
			...got.texts.map(
				(t) =>
					`text to ${t.to}: "${t.body.replace(/\s+/g, ' ').slice(0, 90)}${t.body.length > 90 ? '...' : ''}"`,
			),
		].join('\n') || 'none';
	const slot = (b) =>
		b?.start
			? `${new Date(b.start).toLocaleString('en-US', { timeZone: b.time_zone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })}, ${b.crew_name}`
			: 'none';
	const stamp = Date.now().toString(36);

	console.log(`Booking agents demo against ${state.baseUrl} (mail catcher ${state.catcherUrl})`);

	// 1. A standard residential booking.
	{
		const t = new Timeline('1. Standard residential booking (simple booking template)');
		const since = await mark();
		const customer = {
			name: 'Dana Lee',
			email: `dana.${stamp}@example.com`,
			phone: '+1 212 736 5000',
			address: '12 Oak St, Springfield',
		};
		const message =
			'Hi! Could you clean our 3 bedroom, 2 bath house? Tuesday morning would be ideal.';
		t.at('POST /webhook/booking');
		const r = await post('booking', {
			message,
			customer,
			preference: 'Tuesday morning',
			request_id: `demo-${stamp}-1`,
		});
		t.at(`answered ${r.status}: ${r.body.status}`);
		const booked = r.body.status === 'booked';
		const got = await delivered(
			since,
			{ emails: [customer.email, 'ops@brightclean.example'], texts: ['+12127365000'] },
			{ wantEmails: 1, wantTexts: booked ? 1 : 0 },
		);
		t.at(`${got.emails.length} e-mail and ${got.texts.length} text delivered`);
		t.print([
			['who', `${customer.name} <${customer.email}>, ${customer.phone}`],
			['asked', `"${message}"`],
			['answer', r.body.message],
			['price', r.body.quote && money(r.body.quote.total_cents, r.body.quote.currency)],
			[
				'slot',
				booked
					? slot(r.body.booking)
					: `not booked: ${r.body.reason ?? r.body.status} (handed to the human queue)`,
			],
			['messages', describeMessages(got)],
		]);
	}

	// 2. Emergency water damage at night.
	{
		const t = new Timeline('2. Emergency water damage at night (emergency template)');
		const since = await mark();
		const customer = {
			name: 'Sam Ortiz',
			phone: '+1 212 736 5001',
			address: '5 Elm St, Springfield',
		};
		const message = "It's 2am and a pipe burst in the basement, water is everywhere and rising!";
		t.at('POST /webhook/emergency');
		const r = await post('emergency', {
			message,
			channel: 'sms',
			customer,
			request_id: `demo-${stamp}-2`,
		});
		t.at(`answered ${r.status}: ${r.body.status}`);
		const got = await delivered(
			since,
			{ texts: ['+12127365001', '+12125550199'] },
			{ wantTexts: r.body.status === 'dispatched' ? 2 : 1 },
		);
		t.print([
			['who', `${customer.name}, ${customer.phone}, ${customer.address}`],
			['asked', `"${message}"`],
			[
				'what',
				r.body.emergency &&
					`EMERGENCY ${r.body.emergency.type} (respond within ${r.body.emergency.respond_within_minutes} min)`,
			],
			[
				'price',
				r.body.quote &&
					`${money(r.body.quote.total_cents, r.body.quote.currency)} estimate, emergency rates`,
			],
			[
				'slot',
				r.body.status === 'dispatched'
					? slot(r.body.booking)
					: `no crew free before the deadline: a dispatcher calls (${r.body.booking?.reason ?? ''})`,
			],
			['messages', describeMessages(got)],
		]);
	}

	// 3. A large commercial contract: quote, a 10% discount request, agreement, signature.
	await (async () => {
		const t = new Timeline(
			'3. Commercial contract with a 10% discount request and a signature (commercial sales template)',
		);
		const since = await mark();
		const customer = {
			name: 'Alex Rivera',
			email: `alex.${stamp}@acme.example`,
			phone: '+1 212 736 5005',
			address: '100 Main St, Suite 400',
		};
		const message =
			'We need our 12,000 sq ft office cleaned every week on an ongoing contract. I am the facilities manager and sign off on this.';
		t.at('POST /webhook/commercial-inquiry');
		const r = await post('commercial-inquiry', {
			message,
			customer,
			request_id: `demo-${stamp}-3`,
		});
		t.at(
			`answered ${r.status}: ${r.body.status} (${r.body.quote ? money(r.body.quote.total_cents) + ' per visit' : ''})`,
		);
		const quoteMail = (
			await delivered(
				since,
				{ emails: [customer.email] },
				{ wantEmails: 1, match: (e) => /quote/i.test(e.subject) },
			)
		).emails[0];
		if (!quoteMail) throw new Error('the quote e-mail did not arrive');
		t.at(`quote e-mailed: "${quoteMail.subject}"`);
		const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(quoteMail.text)[1];
		const reply = 'Looks good. Can you do 10% off?';
		// What the quote's page posts when the customer asks a question there.
		let answer = await form(replyUrl, { choice: 'question', message: reply });
		t.at(`customer answers on the quote's page: "${reply}" (${answer.status})`);
		const next = (
			await delivered(
				since,
				{ emails: [customer.email] },
				{
					wantEmails: 1,
					match: (e) =>
						/agreement/i.test(e.subject) || /call you shortly to set it up/.test(e.text),
					timeoutMs: 30_000,
				},
			)
		).emails[0];
		if (!next) throw new Error('neither the agreement nor a "we will call" e-mail arrived');
		if (!/agreement/i.test(next.subject)) {
			t.at(
				'offer accepted, but no room in the calendar for the weekly visits: handed to a person, customer told',
			);
			t.print([
				['who', `${customer.name} <${customer.email}>, ${customer.address}`],
				['price', r.body.quote && `quoted ${money(r.body.quote.total_cents)} per visit`],
				[
					'slot',
					'none free for a weekly series (BOOKING_AGENTS_KEEP_STORE keeps old bookings; restart npm start for an empty calendar)',
				],
				['messages', describeMessages(await delivered(since, { emails: [customer.email] }))],
			]);
			return false;
		}
		const agreementMail = next;
		t.at(
			`offer accepted; visits held; agreement e-mailed (${agreementMail.attachments.map((a) => a.filename).join(', ')})`,
		);
		const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(agreementMail.text)[1];
		// What the agreement's page posts when the customer types their name and presses Sign.
		answer = await form(signingUrl, { name: customer.name, agree: 'yes' });
		t.at(
			`customer signs on the agreement's page as "${customer.name}" (${answer.status}); the visits are confirmed`,
		);
		const onboarding = await delivered(
			since,
			{ emails: [customer.email], texts: ['+12127365005'] },
			{ wantEmails: 3, wantTexts: 1, timeoutMs: 30_000 },
		);
		t.at('onboarding e-mail (calendar series) and text delivered');
		const welcome = onboarding.emails.find((e) => /is booked/.test(e.subject));
		const line = (label) =>
			welcome
				? (new RegExp(`${label}:? (.+)`).exec(welcome.text)?.[1] ?? '').replace(/\.$/, '')
				: '?';
		t.print([
			['who', `${customer.name} <${customer.email}>, ${customer.address}`],
			['asked', `"${message}"`],
			[
				'what',
				`commercial cleaning, weekly, 12-month agreement that renews automatically (series ${line('Booking reference')})`,
			],
			[
				'price',
				r.body.quote &&
					`quoted ${money(r.body.quote.total_cents)} per visit (${money(r.body.quote.recurring.per_month_cents)} a month); agreed ${line('Price')}`,
			],
			[
				'slot',
				welcome
					? `${/confirmed for (.+?) at \d/.exec(welcome.text)?.[1] ?? ''} ${/at (\d{1,2}:\d\d [AP]M \w+)/.exec(welcome.text)?.[1] ?? ''}, then weekly; ${line('Crew')}`
					: 'not confirmed',
			],
			['messages', describeMessages(onboarding)],
		]);
	})();

	// 4. Weekly recurring service set up for 52 weeks.
	{
		const t = new Timeline('4. Weekly recurring service for 52 weeks (recurring service template)');
		const since = await mark();
		const customer = {
			name: 'Lee Park',
			email: `lee.${stamp}@example.com`,
			phone: '+1 212 736 5004',
			address: '7 Birch Rd, Springfield',
		};
		const message = 'Weekly cleaning for our 3 bed 2 bath house please, Tuesdays at 9.';
		t.at('POST /webhook/recurring');
		const r = await post('recurring', {
			message,
			customer,
			frequency: 'weekly',
			weekday: 'tue',
			time: '09:00',
			request_id: `demo-${stamp}-4`,
		});
		t.at(`answered ${r.status}: ${r.body.status}`);
		const seriesBooked = r.body.status === 'series_booked';
		const got = await delivered(
			since,
			{ emails: [customer.email, 'ops@brightclean.example'], texts: ['+12127365004'] },
			{ wantEmails: 1, wantTexts: seriesBooked ? 1 : 0 },
		);
		const b = r.body.booking ?? {};
		t.print([
			['who', `${customer.name} <${customer.email}>, ${customer.phone}`],
			['asked', `"${message}"`],
			[
				'what',
				`${(r.body.quote?.service_type ?? '').replace(/_/g, ' ')}, ${b.occurrences?.length ?? 0} visits (${b.conflicts?.length ?? 0} clashes, ${b.skipped?.length ?? 0} holidays skipped); agreement ${r.body.contract?.contract_id ?? ''} renews automatically`,
			],
			[
				'price',
				r.body.quote &&
					`${money(r.body.quote.total_cents)} per visit after the weekly discount (${money(r.body.quote.recurring.per_month_cents)} a month)`,
			],
			[
				'slot',
				b.occurrences?.length
					? `${slot({ ...b, start: b.occurrences[0].start })} ... last ${slot({ ...b, start: b.occurrences.at(-1).start })}`
					: `not booked: ${r.body.reason ?? r.body.status}`,
			],
			[
				'messages',
				`${describeMessages(got)}\nfirst reminder due ${r.body.first_reminder_at ?? '?'} (sent by Visit Reminders)`,
			],
		]);
	}
	// 5. A discount only a person may give: ops approve it on the decision page, the flow goes on.
	await (async () => {
		const t = new Timeline(
			'5. Commercial contract with a 15% discount that ops approve (commercial sales template, decision link)',
		);
		const since = await mark();
		const customer = {
			name: 'Jo Banks',
			email: `jo.${stamp}@warehouse.example`,
			phone: '+1 212 736 5006',
			address: '9 Dock Rd',
		};
		t.at('POST /webhook/commercial-inquiry');
		const r = await post('commercial-inquiry', {
			message: 'Weekly cleaning for our 8,000 sq ft warehouse office. I am the owner and can sign.',
			customer,
			request_id: `demo-${stamp}-5`,
		});
		t.at(`answered ${r.status}: ${r.body.status}`);
		const quoteMail = (
			await delivered(
				since,
				{ emails: [customer.email] },
				{ wantEmails: 1, match: (e) => /quote/i.test(e.subject) },
			)
		).emails[0];
		if (!quoteMail) throw new Error('the quote e-mail did not arrive');
		const replyUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(quoteMail.text)[1];
		const ask = 'Looks good, can you do 15% off?';
		let answer = await form(replyUrl, { choice: 'question', message: ask });
		t.at(`customer asks on the quote's page: "${ask}" (${answer.status})`);
		const opsMail = (
			await delivered(
				since,
				{ emails: ['ops@brightclean.example'] },
				{ wantEmails: 1, match: (e) => e.subject.includes(customer.name), timeoutMs: 30_000 },
			)
		).emails[0];
		if (!opsMail) throw new Error('the decision e-mail to ops did not arrive');
		const decideUrl = /Decide here: (\S+)/.exec(opsMail.text)[1];
		t.at(`ops e-mailed: "${opsMail.subject}" with a link to decide (also on the ops board)`);
		answer = await form(decideUrl, {
			choice: 'approve',
			name: 'Morgan (ops)',
			message: 'Two-year client next door',
		});
		t.at(`ops approve 15% on the decision page as "Morgan (ops)" (${answer.status})`);
		const next = (
			await delivered(
				since,
				{ emails: [customer.email] },
				{
					wantEmails: 1,
					match: (e) =>
						/agreement/i.test(e.subject) || /call you shortly to set it up/.test(e.text),
					timeoutMs: 30_000,
				},
			)
		).emails[0];
		if (!next || !/agreement/i.test(next.subject)) {
			t.at('approved, but no room in the calendar for the weekly visits: a person schedules them');
			t.print([['who', `${customer.name} <${customer.email}>`]]);
			return;
		}
		t.at('visits held at the approved price; agreement e-mailed');
		const signingUrl = /(http\S+\/webhook\/sign-agreement\?token=\S+)/.exec(next.text)[1];
		answer = await form(signingUrl, { name: customer.name, agree: 'yes' });
		t.at(`customer signs on the agreement's page (${answer.status}); the visits are confirmed`);
		const onboarding = await delivered(
			since,
			{ emails: [customer.email, 'ops@brightclean.example'] },
			{ wantEmails: 5, timeoutMs: 30_000 },
		);
		t.print([
			['who', `${customer.name} <${customer.email}>, ${customer.address}`],
			[
				'price',
				r.body.quote &&
					`quoted ${money(r.body.quote.total_cents)} per visit; approved 15% off (${money(Math.round(r.body.quote.total_cents * 0.85))} per visit)`,
			],
			['decided', 'by Morgan (ops) on the decision page; kept on the case and the ops board'],
			['messages', describeMessages(onboarding)],
		]);
	})();

	// 6. A booking that lacks its address and size: the customer is asked, answers on the form, and it is booked.
	await (async () => {
		const t = new Timeline(
			'6. A booking with no address and no size: asked by e-mail and text, answered on the form (simple booking, Ask for Details)',
		);
		const since = await mark();
		const customer = {
			name: 'Ana Ruiz',
			email: `ana.${stamp}@example.com`,
			phone: '+1 212 736 5007',
		};
		const message = 'Deep clean of our house next week please';
		t.at('POST /webhook/booking');
		const r = await post('booking', { message, customer, request_id: `demo-${stamp}-6` });
		t.at(`answered ${r.status}: ${r.body.status} (${(r.body.asked_for ?? []).join(', ')})`);
		const asked = (
			await delivered(
				since,
				{ emails: [customer.email] },
				{ wantEmails: 1, match: (e) => /A few details/.test(e.subject) },
			)
		).emails[0];
		if (!asked) throw new Error('the e-mail asking for the details did not arrive');
		t.at(`customer e-mailed and texted: "${asked.subject}"`);
		const detailsUrl = /(http\S+\/webhook\/link\?t=\S+)/.exec(asked.text)[1];
		const address = '22 Elm St, Apt 3, Springfield';
		const answer = await form(detailsUrl, {
			choice: 'send',
			address,
			bedrooms: '3',
			bathrooms: '2',
			preference: 'Thursday morning',
			message: 'Gate code 4421',
		});
		t.at(
			`customer fills in the form: ${address}, 3 bed / 2 bath, Thursday morning (${answer.status})`,
		);
		const confirmed = (
			await delivered(
				since,
				{ emails: [customer.email, 'ops@brightclean.example'] },
				{
					wantEmails: 1,
					match: (e) => /is booked|\[Human queue\]/.test(e.subject),
					timeoutMs: 30_000,
				},
			)
		).emails[0];
		t.at(confirmed ? `"${confirmed.subject}"` : 'no confirmation yet (see the executions)');
		t.print([
			['who', `${customer.name} <${customer.email}>, ${customer.phone}`],
			['asked', `"${message}"`],
			['answered', `${address}; 3 bed / 2 bath; Thursday morning; "Gate code 4421"`],
			['booked', confirmed ? confirmed.subject : 'not yet'],
		]);
	})();

	// 7. The website's form, sent as a browser sends it: the page, a few seconds, the fields.
	await (async () => {
		const t = new Timeline('7. The booking form on the website (web form template)');
		const since = await mark();
		const url = `${state.baseUrl}/form/request`;
		t.at(`GET ${url}`);
		const page = await (await fetch(url)).text();
		// The hidden field holds the time the page was served; a form sent within 3 seconds is a bot's.
		const started = /name="field-7" value="(\d+)"/.exec(page)?.[1] ?? '';
		await sleep(3500);
		const fields = {
			'field-0': 'Lina Web',
			'field-1': '+1 212 736 5008',
			'field-2': `lina.${stamp}@example.com`,
			'field-3': '8 Web Way, Springfield',
			'field-4': 'Standard clean of a 2 bedroom 1 bathroom apartment',
			'field-5': 'Friday morning',
			'field-6': '',
			'field-7': started,
		};
		const body = new FormData();
		for (const [name, value] of Object.entries(fields)) body.append(name, value);
		const sent = await fetch(url, { method: 'POST', body, redirect: 'follow' });
		// n8n answers with where the form goes on (its last page, once the workflow has run); the browser opens it.
		let ending = await sent.text();
		const next = /"formWaitingUrl":"([^"]+)"/.exec(ending)?.[1];
		if (next) {
			// As the form's page does: ask how the execution is doing, then open its last page.
			const status = new URL(next);
			status.pathname += '/n8n-execution-status';
			for (let tries = 0; tries < 120; tries++) {
				const now = (await (await fetch(status)).text()).trim();
				if (now === 'form-waiting' || now === 'success') break;
				await sleep(500);
			}
			ending = await (await fetch(next)).text();
		}
		const shown = ending
			.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim();
		t.at(`sent after 3.5 s: ${sent.status}`);
		const got = await delivered(
			since,
			{ emails: [fields['field-2']], texts: ['+12127365008'] },
			{ wantEmails: 1, timeoutMs: 30_000 },
		);
		t.print([
			['who', `${fields['field-0']} <${fields['field-2']}>, ${fields['field-1']}`],
			['asked', `"${fields['field-4']}", ${fields['field-5']}`],
			['page', shown.slice(0, 300)],
			['messages', describeMessages(got)],
		]);
	})();

	// 8. A customer texts the business's number: Twilio's webhook, signed as Twilio signs it.
	await (async () => {
		const t = new Timeline('8. A customer texts the business (incoming texts template)');
		const since = await mark();
		const { textIn } = require('./fakes/twilio-fake');
		const from = '+12127365009';
		const text = 'STOP';
		t.at(`text "${text}" from ${from} to POST /webhook/sms`);
		const answer = await textIn({
			url: `${state.baseUrl}/webhook/sms`,
			authToken: 'demo-auth-token',
			accountSid: 'AC00000000000000000000000000demo',
			from,
			to: '+12125550100',
			body: text,
		});
		const reply = /<Message>([\s\S]*)<\/Message>/.exec(answer.body)?.[1] ?? '(no reply)';
		t.at(`answered ${answer.status} in TwiML: "${reply}"`);
		const forged = await textIn({
			url: `${state.baseUrl}/webhook/sms`,
			authToken: 'not-the-token',
			accountSid: 'AC00000000000000000000000000demo',
			from,
			to: '+12125550100',
			body: 'START',
		});
		t.at(`the same text signed with another token: ${forged.status} (nothing done)`);
		const got = await delivered(since, { texts: [from] }, { timeoutMs: 1000 });
		t.print([
			['who', from],
			['texted', `"${text}"`],
			['reply', reply],
			['forged', `${forged.status}`],
			['messages', describeMessages(got)],
		]);
	})();

	// 9. The website chat: the AI Agent talks, our nodes (its tools) price and book.
	await (async () => {
		const t = new Timeline('9. A customer chats on the website (chat template)');
		if (!state.scriptedModel) {
			t.at(`the chat talks to your model: open ${state.chatUrl} and write to it`);
			t.print([['chat', state.chatUrl]]);
			return;
		}
		const since = await mark();
		const sessionId = crypto.randomUUID();
		/** The stand-in model's next answers: what a model following the chat's instructions says. */
		const script = async (steps) => {
			const response = await fetch(`${state.catcherUrl}/model-script`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(steps),
			});
			if (!response.ok) throw new Error(`scripting the model: ${await response.text()}`);
		};
		/** A line typed in the chat, posted as n8n's chat widget posts it; the chat's answer. */
		const say = async (line) => {
			t.at(`customer: "${line}"`);
			const response = await fetch(state.chatUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'sendMessage', sessionId, chatInput: line }),
			});
			const { output } = await response.json();
			t.at(`chat:     "${output}"`);
			return output;
		};
		const job = { service_type: 'deep_cleaning', bedrooms: '2', bathrooms: '1', square_feet: '' };
		await script([
			{
				toolCalls: [
					{
						name: 'Read_the_Inquiry',
						arguments: { message: 'Deep clean of my 2 bedroom, 1 bathroom apartment' },
					},
				],
			},
			{
				toolCalls: [
					{
						name: 'Price_the_Job',
						arguments: { ...job, property_type: 'residential', frequency: 'one_time' },
					},
				],
			},
			{
				content:
					'A deep clean of your apartment is {{quote.total_cents|dollars}} in total. Shall I find you a time?',
			},
		]);
		await say('Hi, I need a deep clean of my 2 bedroom, 1 bathroom apartment.');
		await script([
			{ toolCalls: [{ name: 'Find_Open_Times', arguments: { ...job, preference: '' } }] },
			{
				content:
					'The earliest times: {{booking.slots.0.start}}, {{booking.slots.1.start}} or {{booking.slots.2.start}}. Which suits you?',
			},
		]);
		const times = await say('When can you come?');
		const first = /\d{4}-\d\d-\d\dT[\d:.]+[-+]\d\d:\d\d/.exec(times)?.[0];
		await script([
			{
				toolCalls: [
					{
						name: 'Book_a_Time',
						arguments: {
							...job,
							start: first,
							customer_name: 'Sam Lee',
							customer_phone: '+1 212 736 5010',
							customer_email: 'sam.lee@example.com',
							address: '5 Park Ave, New York, NY 10016',
						},
					},
				],
			},
			{
				toolCalls: [
					{ name: 'Confirm_the_Booking', arguments: { booking_id: '{{booking.booking_id}}' } },
				],
			},
			{ content: "You're booked! {{confirmation.sms.text}}" },
		]);
		await say(
			'The first one. Sam Lee, +1 212 736 5010, sam.lee@example.com, 5 Park Ave, New York, NY 10016',
		);
		const got = await delivered(
			since,
			{ emails: ['sam.lee@example.com'], texts: ['+12127365010'] },
			{ wantEmails: 1, wantTexts: 1, timeoutMs: 30_000 },
		);
		t.print([
			['who', 'Sam Lee <sam.lee@example.com>, +1 212 736 5010'],
			['model', 'a scripted stand-in (start with OPENAI_API_KEY for a real one)'],
			['booked', first],
			['messages', describeMessages(got)],
		]);
	})();

	console.log(
		`\nEvery message is in the mail catcher: ${state.catcherUrl}\nEvery execution is in the editor: ${state.baseUrl}/home/executions`,
	);
}

main().catch((error) => {
	console.error(`npm run demo: ${error.message}`);
	process.exit(1);
});
