'use strict';
/**
 * A Twilio-compatible fake for tests and the demo: HTTPS on loopback (a free
 * port unless one is given) with a certificate for api.twilio.com issued by a
 * test CA made here with openssl. n8n reaches it through loopback-hosts.js
 * with BOOKING_AGENTS_LOOPBACK_HOSTS=api.twilio.com:<port> (see `loopbackHosts`).
 * It answers POST /2010-04-01/Accounts/{sid}/Messages.json in Twilio's wire
 * format (form-encoded request, JSON answer) and keeps what it received.
 * `textIn` plays Twilio's other half: an incoming SMS posted to a webhook as
 * Twilio posts it (its form fields, signed with X-Twilio-Signature).
 */
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { makeCertificates } = require('./certificates');

/**
 * X-Twilio-Signature as Twilio computes it: HMAC-SHA1 (Auth Token) of the URL followed by each
 * POST field's name and value, names sorted; base64. Written here apart from the package's own
 * check, so that a mistake in one is not repeated in the other.
 */
function signTwilio(authToken, url, fields) {
	const crypto = require('node:crypto');
	const data = Object.keys(fields)
		.sort()
		.reduce((acc, name) => acc + name + fields[name], url);
	return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

let inboundCounter = 0;

/**
 * Posts an incoming text to `url` as Twilio does ("A message comes in"): form-encoded, with the
 * fields Twilio sends and its signature. `signature` overrides it (a forgery); `sign: false` sends none.
 * Returns the status, content type and body n8n answered (TwiML for Twilio to send back).
 */
async function textIn({
	url,
	authToken,
	accountSid,
	from,
	to,
	body,
	signature,
	sign = true,
	extra = {},
}) {
	const sid = `SM${Date.now().toString(16)}${String(++inboundCounter).padStart(8, '0')}`.padEnd(
		34,
		'0',
	);
	const fields = {
		ToCountry: 'US',
		ToState: 'NY',
		SmsMessageSid: sid,
		NumMedia: '0',
		ToCity: 'NEW YORK',
		FromZip: '10001',
		SmsSid: sid,
		FromState: 'NY',
		SmsStatus: 'received',
		FromCity: 'NEW YORK',
		Body: body,
		FromCountry: 'US',
		To: to,
		ToZip: '10001',
		NumSegments: '1',
		MessageSid: sid,
		AccountSid: accountSid,
		From: from,
		ApiVersion: '2010-04-01',
		...extra,
	};
	const headers = {
		'content-type': 'application/x-www-form-urlencoded',
		'user-agent': 'TwilioProxy/1.1',
		'i-twilio-idempotency-token': sid,
	};
	if (sign) headers['x-twilio-signature'] = signature ?? signTwilio(authToken, url, fields);
	const response = await fetch(url, {
		method: 'POST',
		headers,
		body: new URLSearchParams(fields).toString(),
	});
	return {
		status: response.status,
		contentType: response.headers.get('content-type'),
		body: await response.text(),
		sid,
	};
}

async function startTwilioFake({ port = 0, failNext = 0 } = {}) {
	const certs = makeCertificates('api.twilio.com');
	/** @type {Array<{ accountSid: string, auth: string, form: Record<string, string> }>} */
	const messages = [];
	let counter = 0;
	let failures = failNext;
	/** Numbers whose texts answer 503 until cleared (a carrier outage for them). */
	const failingTo = new Set();
	const server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url.split('?')[0]);
			const send = (status, body) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (!match || req.method !== 'POST')
				return send(404, {
					code: 20404,
					message: 'The requested resource was not found',
					status: 404,
				});
			const auth = Buffer.from(
				String(req.headers.authorization || '').replace(/^Basic /, ''),
				'base64',
			).toString('utf8');
			if (!auth.startsWith(`${match[1]}:`))
				return send(401, { code: 20003, message: 'Authenticate', status: 401 });
			const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
			if (failures > 0 || failingTo.has(form.To)) {
				if (!failingTo.has(form.To)) failures--;
				return send(503, { code: 20503, message: 'Service unavailable', status: 503 });
			}
			if (!form.To || !form.From || !form.Body)
				return send(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
			messages.push({ accountSid: match[1], auth, form });
			const sid = `SM${String(++counter).padStart(32, '0')}`;
			send(201, {
				sid,
				account_sid: match[1],
				to: form.To,
				from: form.From,
				body: form.Body,
				status: 'queued',
				num_segments: '1',
				direction: 'outbound-api',
				api_version: '2010-04-01',
				uri: `/2010-04-01/Accounts/${match[1]}/Messages/${sid}.json`,
			});
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', (error) =>
			reject(
				new Error(
					`The Twilio fake could not listen on 127.0.0.1:${port} (${error.message}); it needs that port free and the right to bind it.`,
				),
			),
		);
		server.listen(port, '127.0.0.1', resolve);
	});
	const listening = server.address().port;
	return {
		messages,
		port: listening,
		caFile: certs.ca,
		/** The environment n8n needs to reach this fake (with NODE_OPTIONS preloading loopback-hosts.js). */
		n8nEnv: {
			BOOKING_AGENTS_LOOPBACK_HOSTS: `api.twilio.com:${listening}`,
			NODE_EXTRA_CA_CERTS: certs.ca,
			NODE_OPTIONS: `--require ${path.join(__dirname, 'loopback-hosts.js')}`,
		},
		/** The next n requests answer 503 (a Twilio outage). */
		failNext(n) {
			failures = n;
		},
		/** Every text to `phone` (E.164) answers 503 while `failing` is true. */
		failFor(phone, failing = true) {
			if (failing) failingTo.add(phone);
			else failingTo.delete(phone);
		},
		/** Texts accepted more than once: the same number and body. Each as { to, body, count }. */
		duplicates() {
			const seen = new Map();
			for (const m of messages) {
				const key = JSON.stringify([m.form.To, m.form.Body]);
				seen.set(key, (seen.get(key) ?? 0) + 1);
			}
			return [...seen]
				.filter(([, count]) => count > 1)
				.map(([key, count]) => {
					const [to, body] = JSON.parse(key);
					return { to, body, count };
				});
		},
		async stop() {
			await new Promise((resolve) => server.close(resolve));
			fs.rmSync(certs.dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startTwilioFake, textIn, signTwilio };
