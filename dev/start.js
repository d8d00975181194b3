'use strict';
/**
 * npm start: the business running offline on http://localhost:5678. A real n8n
 * (the pinned version) with this package, every template in
 * workflows-templates/ imported and published with a ready demo configuration:
 * embedded SQLite store, rules mode (no API key), a local mail catcher and a
 * Twilio-compatible fake. What the workflows send is printed here and listed
 * at http://localhost:5680/messages. `npm run demo` drives the scenarios.
 * The user folder is kept between runs; the templates are imported afresh and
 * the booking calendar starts empty on each start (BOOKING_AGENTS_KEEP_STORE=1
 * keeps it). Your other workflows stay. Ctrl-C stops everything.
 * BOOKING_AGENTS_QUEUE_WORKERS=2 runs it in n8n's queue mode instead: the main
 * process and that many workers on the local Redis, with n8n's database and the
 * booking store in PostgreSQL databases made for this run (dropped on Ctrl-C).
 */
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const runtime = require('./n8n/runtime');
const { OWNER } = require('./n8n');
const { startBookingEnv, WEBHOOK_KEY_HEADER } = require('./booking-env');
const { startImapServer } = require('./imap-server');
const { startOpenAiFake } = require('./fakes/openai-fake');
const { createTestDatabase } = require('./postgres');

async function portIsFree(port) {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** What the workflows sent, for `npm run demo` and for people: JSON at /messages, a plain list at /. */
function startCatcherApi(env, port, model) {
	const list = () => ({
		emails: env.smtp.messages.map((m, index) => ({
			index,
			to: m.envelope.rcptTo.map((r) => r.address),
			from: m.from?.text ?? null,
			subject: m.subject ?? '',
			text: m.text ?? '',
			attachments: (m.attachments ?? []).map((a) => ({
				filename: a.filename ?? null,
				contentType: a.contentType,
				size: a.size,
			})),
			date: m.date ?? null,
		})),
		texts: env.twilio.messages.map((m, index) => ({
			index,
			to: m.form.To,
			from: m.form.From,
			body: m.form.Body,
		})),
	});
	const server = http.createServer(async (req, res) => {
		// The demo scripts the stand-in model's next answers (JSON steps, see dev/fakes/openai-fake.js).
		if (req.method === 'POST' && req.url === '/model-script') {
			if (!model) {
				res.writeHead(409, { 'content-type': 'text/plain' });
				return res.end('The chat talks to a real model here (OPENAI_API_KEY): nothing to script.');
			}
			const chunks = [];
			for await (const chunk of req) chunks.push(chunk);
			try {
				const steps = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				if (!Array.isArray(steps)) throw new Error('send a JSON array of steps');
				model.reset(steps, model.fallback);
			} catch (error) {
				res.writeHead(400, { 'content-type': 'text/plain' });
				return res.end(`Not a script: ${error.message}`);
			}
			res.writeHead(204);
			return res.end();
		}
		if (req.url?.startsWith('/messages')) {
			res.writeHead(200, { 'content-type': 'application/json' });
			return res.end(JSON.stringify(list()));
		}
		const { emails, texts } = list();
		res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
		res.end(
			[
				`Mail catcher: ${emails.length} e-mails, ${texts.length} texts (JSON: /messages)`,
				'',
				...emails.map((e) => `E-MAIL to ${e.to.join(', ')}: ${e.subject}\n${e.text}\n`),
				...texts.map((t) => `TEXT to ${t.to}: ${t.body}\n`),
			].join('\n'),
		);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(server));
	});
}

async function main() {
	const p = runtime.ensure();
	const port = Number(process.env.N8N_PORT ?? 5678);
	const catcherPort = Number(process.env.DEMO_CATCHER_PORT ?? port + 2);
	for (const [what, value] of [
		['n8n', port],
		['the mail catcher', catcherPort],
	]) {
		if (!(await portIsFree(value)))
			throw new Error(
				`port ${value} (${what}) is already in use. Stop the other process, or choose ports: N8N_PORT=5700 npm start`,
			);
	}
	const userFolder =
		process.env.BOOKING_AGENTS_USER_FOLDER ?? path.join(path.dirname(p.dir), 'start-user-folder');
	fs.mkdirSync(userFolder, { recursive: true });
	// Each start is a fresh business day for the demo: an empty booking calendar (the scenarios would fill it run after run).
	if (!process.env.BOOKING_AGENTS_KEEP_STORE) {
		for (const suffix of ['', '-wal', '-shm'])
			fs.rmSync(path.join(userFolder, '.n8n', `booking-agents.sqlite${suffix}`), { force: true });
	}
	console.log(
		`Starting n8n ${runtime.N8N_VERSION} with n8n-nodes-booking-agents (user folder ${userFolder})...`,
	);
	const baseUrl = `http://localhost:${port}`;
	const workers = Number(process.env.BOOKING_AGENTS_QUEUE_WORKERS || 0);
	if (!Number.isInteger(workers) || workers < 0)
		throw new Error(
			`BOOKING_AGENTS_QUEUE_WORKERS must be a whole number of workers (e.g. 2), not "${process.env.BOOKING_AGENTS_QUEUE_WORKERS}".`,
		);
	const storeDb = workers ? await createTestDatabase('booking_agents_demo_store') : null;
	if (workers)
		console.log(
			`Queue mode: ${workers} worker(s) on Redis; n8n's database and the booking store on PostgreSQL (${storeDb.name}).`,
		);
	// The business's inbox for Incoming E-mail: a Dovecot on loopback when this machine has it.
	const INBOX = { user: 'bookings@brightclean.example', password: 'inbox-demo-pass' };
	let inbox = null;
	try {
		inbox = await startImapServer({ users: [INBOX] });
	} catch (error) {
		console.log(`No inbox for Incoming E-mail (${error.message}): it is imported, not published.`);
	}
	// The Chat's model: OpenAI (or any compatible server) with OPENAI_API_KEY; without one, the
	// OpenAI-compatible stand-in the tests use, which says so unless the demo scripts it.
	let model = null;
	const openAi = process.env.OPENAI_API_KEY
		? {
				apiKey: process.env.OPENAI_API_KEY,
				baseUrl: process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
			}
		: null;
	if (!openAi) {
		model = await startOpenAiFake();
		model.acceptAnyKey = true;
		const noModel = () => ({
			content:
				'This n8n runs without a language model (no OPENAI_API_KEY was set when it started), so the chat cannot talk yet. Restart with OPENAI_API_KEY=... npm start, or run npm run demo to watch a scripted conversation.',
		});
		model.reset([], noModel);
	}
	let env;
	try {
		env = await startBookingEnv({
			openAi: openAi ?? { apiKey: 'sk-no-model', baseUrl: model.baseUrl },
			...(inbox ? { imap: { ...INBOX, host: inbox.host, port: inbox.port } } : {}),
			...(workers ? { queue: { workers }, postgresStore: storeDb.connection } : {}),
			port,
			userFolder,
			env: {
				N8N_HOST: 'localhost',
				N8N_EDITOR_BASE_URL: `${baseUrl}/`,
				WEBHOOK_URL: `${baseUrl}/`,
			},
			// The demo's invoices carry a payment page (on the Stripe fake).
			settings: { public_url: `${baseUrl}/`, payment_links: 'yes' },
			// The settings tables are seeded once; ops' edits in them survive restarts.
			resetSettings: false,
		});
	} catch (error) {
		await storeDb?.drop().catch(() => null);
		await inbox?.stop().catch(() => null);
		await model?.stop().catch(() => null);
		throw error;
	}
	// Published is not yet listening: n8n registers production webhooks a few seconds later.
	for (const hook of ['booking', 'emergency', 'commercial-inquiry', 'recurring'])
		await env.n8n.waitForWebhook(hook, { probeBody: {} });
	const catcher = await startCatcherApi(env, catcherPort, model);
	const chatTrigger = env.workflows['intake-chat.json'].workflow.nodes.find(
		(n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	);
	const chatUrl = `${baseUrl}/webhook/${chatTrigger.webhookId}/chat`;
	const state = {
		baseUrl,
		webhookHeader: WEBHOOK_KEY_HEADER,
		webhookKey: env.webhookKey,
		catcherUrl: `http://localhost:${catcherPort}`,
		chatUrl,
		scriptedModel: !!model,
		workflows: Object.fromEntries(Object.values(env.workflows).map((w) => [w.name, w.id])),
	};
	fs.writeFileSync(path.join(userFolder, 'demo.json'), JSON.stringify(state, null, 2));

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n...');
		catcher.close();
		await env.stop();
		await inbox?.stop();
		await model?.stop();
		await storeDb?.drop();
		console.log('Stopped.');
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	process.on('SIGHUP', stop);
	// `npm start` runs this under npm and a shell, which pass a kill on to no one: when the
	// process that started this one goes away (npm or its shell was killed), stop everything too.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) stop();
	}, 1000).unref();

	// Echo what the workflows send, as it is sent.
	let seenMail = 0;
	let seenTexts = 0;
	setInterval(() => {
		for (const m of env.smtp.messages.slice(seenMail))
			console.log(
				`  [mail] to ${m.envelope.rcptTo.map((r) => r.address).join(', ')}: ${m.subject}`,
			);
		for (const t of env.twilio.messages.slice(seenTexts))
			console.log(`  [text] to ${t.form.To}: ${t.form.Body.replace(/\s+/g, ' ').slice(0, 100)}`);
		seenMail = env.smtp.messages.length;
		seenTexts = env.twilio.messages.length;
	}, 500).unref();

	console.log(`
n8n is running with the booking agents and ${Object.keys(env.workflows).length} workflows published:
${Object.values(env.workflows)
	.map((w) => `  - ${w.name}`)
	.join('\n')}

  Editor:        ${baseUrl}
  Login:         ${OWNER.email}
  Password:      ${OWNER.password}
  Webhook key:   ${WEBHOOK_KEY_HEADER}: ${env.webhookKey}
  Mail catcher:  http://localhost:${catcherPort}  (every e-mail and text the workflows send)
  Settings:      Overview > Data tables in the editor (${Object.values(env.tables)
		.map((t) => t.name)
		.join(', ')})
  Ops board:     ${baseUrl}/webhook/ops-board  (user ${env.board.user}, password ${env.board.password})
  Customers:     ${baseUrl}/form/customer  (the same login: look up, note, export, erase)
  Regular visits: ${baseUrl}/form/visits   (the same login: pause, skip, move, end a series)
  Booking form:  ${baseUrl}/form/request  (the website's form: open it in a browser)
  Chat:          ${chatUrl}  (the website's chat; model: ${model ? 'none set, start with OPENAI_API_KEY=... (npm run demo scripts one)' : openAi.baseUrl})
  Texts in:      POST ${baseUrl}/webhook/sms  (Twilio's webhook, signed with the Auth Token demo-auth-token)
  Payments:      Stripe fake (invoices carry its payment page; pay with 4242 4242 4242 4242); its events go to ${baseUrl}/webhook/stripe
  E-mail in:     ${inbox ? `IMAP 127.0.0.1:${inbox.port}, ${INBOX.user} (Dovecot; Incoming E-mail reads it)` : 'not set up (no Dovecot here)'}
  Weekly numbers: Mondays 07:00 to owner_email (Booking Agents: Weekly Numbers; Execute workflow to send now)

  Run the scenarios:  npm run demo
  Or one request:     curl -s -X POST ${baseUrl}/webhook/emergency -H 'content-type: application/json' \\
                        -H '${WEBHOOK_KEY_HEADER}: ${env.webhookKey}' \\
                        -d '{"message": "Pipe burst in the basement!", "customer": {"name": "Sam", "phone": "+12125550123", "address": "5 Elm St"}}'

  n8n log:  ${env.n8n.logFile}${env.n8n.workers.map((w, i) => `\n  worker ${i + 1}: ${w.logFile}`).join('')}
Press Ctrl-C to stop.`);
	await new Promise((resolve) => env.n8n.child.once('exit', resolve));
	// Ctrl-C stops n8n itself: stop() finishes the clean-up and exits.
	if (stopping) return;
	console.log(
		`n8n exited (code ${env.n8n.child.exitCode}). Last log lines:\n${env.n8n.logTail(20)}`,
	);
	process.exit(env.n8n.child.exitCode ?? 1);
}

main().catch((error) => {
	console.error(`npm start: ${error.message}`);
	process.exit(1);
});
