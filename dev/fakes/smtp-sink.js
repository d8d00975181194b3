'use strict';
/**
 * A real SMTP server on loopback for tests (the smtp-server package): accepts
 * any login, keeps every delivered message, parsed with mailparser.
 */
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

async function startSmtpSink({ port: listenPort = 0, parse = true } = {}) {
	/** @type {Array<import('mailparser').ParsedMail & { envelope: any, raw: string }>} */
	const messages = [];
	const waiters = [];
	const server = new SMTPServer({
		secure: false,
		disabledCommands: ['STARTTLS'],
		authOptional: true,
		logger: false,
		// No reverse DNS of the client on every connection (slow, and nothing here needs it).
		disableReverseLookup: true,
		onAuth(auth, _session, callback) {
			callback(null, { user: auth.username });
		},
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', async () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				// The server resets the session's envelope for the next message once this one is accepted.
				const envelope = {
					mailFrom: session.envelope.mailFrom,
					rcptTo: [...session.envelope.rcptTo],
				};
				// Accepted as soon as it is received, like a real server; parsing is for the tests.
				callback();
				const parsed = parse ? await simpleParser(raw) : {};
				messages.push(Object.assign(parsed, { envelope, raw }));
				for (const w of waiters.splice(0)) w();
			});
		},
	});
	await new Promise((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
	const port = server.server.address().port;
	return {
		port,
		messages,
		/**
		 * Every message delivered to `address`, oldest first.
		 * @param {string} address
		 * @returns {any[]}
		 */
		to(address) {
			return messages.filter((m) => m.envelope.rcptTo.some((r) => r.address === address));
		},
		/**
		 * Resolves with the first message to `to` (that `match` accepts), waiting for it if needed.
		 * @param {string} to
		 * @param {number} [timeoutMs]
		 * @param {(message: any) => boolean} [match]
		 * @returns {Promise<any>}
		 */
		async waitFor(to, timeoutMs = 20_000, match = () => true) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const found = messages.find(
					(m) => m.envelope.rcptTo.some((r) => r.address === to) && match(m),
				);
				if (found) return found;
				if (Date.now() > deadline)
					throw new Error(`no mail to ${to} within ${timeoutMs} ms (got ${messages.length})`);
				await new Promise((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 250);
				});
			}
		},
		/** The server goes away (connections refused, as when it is down), until `up`. */
		async down() {
			await new Promise((resolve) => server.server.close(() => resolve()));
		},
		/** Back on the same port. */
		async up() {
			await new Promise((resolve, reject) => {
				server.server.once('error', reject);
				server.listen(port, '127.0.0.1', () => {
					server.server.off('error', reject);
					resolve();
				});
			});
		},
		/**
		 * Messages delivered more than once: the same recipient, subject and text (a sender that
		 * sent one message twice). Each as { to, subject, count }.
		 * @returns {Array<{ to: string, subject: string, count: number }>}
		 */
		duplicates() {
			const seen = new Map();
			for (const m of messages)
				for (const r of m.envelope.rcptTo) {
					const key = JSON.stringify([r.address, m.subject ?? '', m.text ?? '']);
					seen.set(key, (seen.get(key) ?? 0) + 1);
				}
			return [...seen]
				.filter(([, count]) => count > 1)
				.map(([key, count]) => {
					const [to, subject] = JSON.parse(key);
					return { to, subject, count };
				});
		},
		async stop() {
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

module.exports = { startSmtpSink };
