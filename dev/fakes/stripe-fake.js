'use strict';
/**
 * A Stripe-compatible fake for tests and the demo. The API: HTTPS on loopback with a
 * certificate for api.stripe.com (n8n reaches it through loopback-hosts.js, like the Twilio
 * fake), in Stripe's wire format: form-encoded requests with bracketed keys
 * (metadata[invoice_id]), Bearer secret keys, JSON objects and Stripe's error objects, and
 * idempotency keys (the same key with the same parameters answers the first response again,
 * Idempotent-Replayed: true; with other parameters, an idempotency_error). Checkout Sessions
 * have a hosted page (plain HTTP on loopback) where a person pays with a test card: 4242...
 * succeeds, 4000 0000 0000 0002 is declined. Setup mode saves a card for a customer (POST
 * /v1/customers): 4000 0000 0000 0341 saves but every later charge of it is declined; a
 * PaymentIntent confirmed off session with a saved card succeeds or answers Stripe's 402
 * card_error; a refund (POST /v1/refunds) of a payment made here. What Stripe then posts is posted too: the event, signed in Stripe-Signature
 * with the endpoint's secret (a charge's events after its answer, as Stripe does). Faults on demand: the next requests
 * answer 429 (rate limited) or have their connection dropped.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const { makeCertificates } = require('./certificates');

/** Stripe's form encoding read back: a[b][0][c]=1 becomes { a: { b: [{ c: '1' }] } }. */
function parseForm(text) {
	const out = {};
	for (const [rawKey, value] of new URLSearchParams(text)) {
		const keys = rawKey.split(/\[|\]\[|\]/).filter((k) => k !== '');
		let node = out;
		keys.forEach((key, i) => {
			const last = i === keys.length - 1;
			const nextIsIndex = !last && /^\d+$/.test(keys[i + 1]);
			if (last) node[key] = value;
			else node = node[key] ??= nextIsIndex ? [] : {};
		});
	}
	return out;
}

/** Stripe's signature header for a payload, as Stripe computes it (written apart from the package's check). */
function signStripe(payload, secret, timestamp = Math.floor(Date.now() / 1000)) {
	const mac = crypto
		.createHmac('sha256', secret)
		.update(`${timestamp}.${payload}`, 'utf8')
		.digest('hex');
	return `t=${timestamp},v1=${mac}`;
}

const DECLINED_CARD = '4000000000000002';
/** Stripe's test card that saves (attaches) fine and declines every charge made to it later. */
const DECLINES_LATER_CARD = '4000000000000341';

async function startStripeFake({
	secretKey = `sk_test_${crypto.randomBytes(12).toString('hex')}`,
} = {}) {
	const certs = makeCertificates('api.stripe.com');
	/** Every API request, as received: { method, path, params, idempotencyKey, status }. */
	const requests = [];
	/** Every event posted to the webhook: { event, status }. */
	const deliveries = [];
	const sessions = new Map();
	const customers = new Map();
	/** Saved cards: payment method id -> { customer, card }. */
	const paymentMethods = new Map();
	const intents = new Map();
	const idempotent = new Map();
	const faults = [];
	let webhook = { url: null, secret: null };
	let counter = 0;
	const id = (prefix) =>
		`${prefix}_test_${Date.now().toString(36)}${String(++counter).padStart(6, '0')}`;

	const error = (status, type, message, extra = {}) => ({
		status,
		body: { error: { type, message, ...extra } },
	});

	/** The first top-level parameter sent empty, as Stripe refuses it on a create. */
	const emptyParam = (params) => Object.entries(params).find(([, v]) => v === '')?.[0] ?? null;

	function checkoutSession(params, pagePort) {
		const empty = emptyParam(params);
		if (empty)
			return error(
				400,
				'invalid_request_error',
				`You passed an empty string for '${empty}'. We assume empty values are an attempt to unset a parameter; however '${empty}' cannot be unset. You should remove '${empty}' from your request or supply a non-empty value.`,
				{ param: empty },
			);
		if (params.mode === 'setup') return setupSession(params, pagePort);
		if (params.mode !== 'payment')
			return error(400, 'invalid_request_error', 'Missing required param: mode.', {
				param: 'mode',
			});
		const items = Array.isArray(params.line_items) ? params.line_items : [];
		if (!items.length)
			return error(400, 'invalid_request_error', 'You must specify `line_items`.', {
				param: 'line_items',
			});
		let total = 0;
		let currency = null;
		for (const [i, item] of items.entries()) {
			const price = item.price_data ?? {};
			const amount = Number(price.unit_amount);
			if (!Number.isInteger(amount) || amount < 50)
				return error(
					400,
					'invalid_request_error',
					'Invalid integer: unit_amount must be at least 50 cents.',
					{
						param: `line_items[${i}][price_data][unit_amount]`,
					},
				);
			currency = String(price.currency ?? '').toLowerCase();
			total += amount * Number(item.quantity ?? 1);
		}
		if (!params.success_url)
			return error(400, 'invalid_request_error', 'Missing required param: success_url.', {
				param: 'success_url',
			});
		const session = {
			id: id('cs'),
			object: 'checkout.session',
			amount_subtotal: total,
			amount_total: total,
			currency,
			customer_email: params.customer_email ?? null,
			client_reference_id: params.client_reference_id ?? null,
			livemode: false,
			metadata: params.metadata ?? {},
			mode: 'payment',
			payment_intent: null,
			payment_intent_data: params.payment_intent_data ?? {},
			payment_status: 'unpaid',
			status: 'open',
			success_url: params.success_url,
			cancel_url: params.cancel_url ?? null,
			url: null,
			created: Math.floor(Date.now() / 1000),
			expires_at: Math.floor(Date.now() / 1000) + 24 * 3600,
			line_items: items,
		};
		session.url = `http://127.0.0.1:${pagePort}/c/pay/${session.id}`;
		sessions.set(session.id, session);
		const { line_items: _items, payment_intent_data: _pid, ...visible } = session;
		return { status: 200, body: visible };
	}

	/** A Checkout Session in setup mode: the customer saves a card for later charges (off session). */
	function setupSession(params, pagePort) {
		if (!params.customer || !customers.has(params.customer))
			return error(
				400,
				'invalid_request_error',
				params.customer
					? `No such customer: '${params.customer}'`
					: 'Missing required param: customer.',
				{ param: 'customer', code: params.customer ? 'resource_missing' : 'parameter_missing' },
			);
		if (!params.currency)
			return error(
				400,
				'invalid_request_error',
				'You must provide `currency` when creating a setup mode Checkout Session with dynamic payment methods.',
				{ param: 'currency' },
			);
		if (!params.success_url)
			return error(400, 'invalid_request_error', 'Missing required param: success_url.', {
				param: 'success_url',
			});
		const session = {
			id: id('cs'),
			object: 'checkout.session',
			mode: 'setup',
			currency: String(params.currency).toLowerCase(),
			customer: params.customer,
			livemode: false,
			metadata: params.metadata ?? {},
			setup_intent: null,
			setup_intent_data: params.setup_intent_data ?? {},
			status: 'open',
			success_url: params.success_url,
			cancel_url: params.cancel_url ?? null,
			url: null,
			created: Math.floor(Date.now() / 1000),
			expires_at: Math.floor(Date.now() / 1000) + 24 * 3600,
		};
		session.url = `http://127.0.0.1:${pagePort}/c/pay/${session.id}`;
		sessions.set(session.id, session);
		const { setup_intent_data: _s, ...visible } = session;
		return { status: 200, body: visible };
	}

	function createCustomer(params) {
		const customer = {
			id: id('cus'),
			object: 'customer',
			email: params.email ?? null,
			name: params.name ?? null,
			phone: params.phone ?? null,
			metadata: params.metadata ?? {},
			created: Math.floor(Date.now() / 1000),
			livemode: false,
		};
		customers.set(customer.id, customer);
		return { status: 200, body: customer };
	}

	/** A PaymentIntent confirmed at once, off session, with a saved card: succeeded, or a card error (402). */
	function paymentIntent(params, after) {
		const amount = Number(params.amount);
		if (!Number.isInteger(amount) || amount < 50)
			return error(400, 'invalid_request_error', 'Amount must be at least $0.50 usd', {
				param: 'amount',
				code: 'amount_too_small',
			});
		if (!params.currency)
			return error(400, 'invalid_request_error', 'Missing required param: currency.', {
				param: 'currency',
			});
		const method = paymentMethods.get(params.payment_method);
		if (!method || method.customer !== params.customer)
			return error(
				400,
				'invalid_request_error',
				`No such PaymentMethod: '${params.payment_method}'`,
				{ param: 'payment_method', code: 'resource_missing' },
			);
		const intent = {
			id: id('pi'),
			object: 'payment_intent',
			amount,
			amount_received: 0,
			currency: String(params.currency).toLowerCase(),
			customer: params.customer,
			payment_method: params.payment_method,
			description: params.description ?? null,
			metadata: params.metadata ?? {},
			livemode: false,
			created: Math.floor(Date.now() / 1000),
			status: 'requires_confirmation',
		};
		intents.set(intent.id, intent);
		if (params.confirm !== 'true') return { status: 200, body: intent };
		if (method.card === DECLINES_LATER_CARD || method.card === DECLINED_CARD) {
			const lastError = {
				type: 'card_error',
				code: 'card_declined',
				decline_code: 'insufficient_funds',
				message: 'Your card has insufficient funds.',
			};
			Object.assign(intent, { status: 'requires_payment_method', last_payment_error: lastError });
			after.push(() => deliver('payment_intent.payment_failed', intent));
			return error(402, 'card_error', lastError.message, {
				code: lastError.code,
				decline_code: lastError.decline_code,
				doc_url: 'https://stripe.com/docs/error-codes/card-declined',
				charge: id('ch'),
				payment_intent: intent,
				payment_method: { id: params.payment_method, object: 'payment_method', type: 'card' },
			});
		}
		Object.assign(intent, {
			status: 'succeeded',
			amount_received: amount,
			latest_charge: id('ch'),
		});
		after.push(() => deliver('payment_intent.succeeded', intent));
		return { status: 200, body: intent };
	}

	/** A refund of a succeeded PaymentIntent (all that is left, or `amount`); Stripe then posts charge.refunded. */
	function refund(params, after) {
		const intent = intents.get(params.payment_intent);
		if (!intent)
			return error(
				400,
				'invalid_request_error',
				`No such payment_intent: '${params.payment_intent ?? ''}'`,
				{
					param: 'payment_intent',
					code: 'resource_missing',
				},
			);
		if (intent.status !== 'succeeded')
			return error(
				400,
				'invalid_request_error',
				'This PaymentIntent does not have a successful charge to refund.',
				{
					code: 'charge_not_refundable',
				},
			);
		const left = intent.amount_received - (intent.amount_refunded ?? 0);
		const amount = params.amount === undefined ? left : Number(params.amount);
		if (!Number.isInteger(amount) || amount <= 0 || amount > left)
			return error(
				400,
				'invalid_request_error',
				`Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(left / 100).toFixed(2)})`,
				{ param: 'amount', code: left <= 0 ? 'charge_already_refunded' : 'amount_too_large' },
			);
		intent.amount_refunded = (intent.amount_refunded ?? 0) + amount;
		const made = {
			id: id('re'),
			object: 'refund',
			amount,
			currency: intent.currency,
			payment_intent: intent.id,
			charge: intent.latest_charge,
			reason: params.reason ?? null,
			metadata: params.metadata ?? {},
			status: 'succeeded',
			created: Math.floor(Date.now() / 1000),
		};
		after.push(() =>
			deliver('charge.refunded', {
				id: intent.latest_charge,
				object: 'charge',
				amount: intent.amount_received,
				amount_refunded: intent.amount_refunded,
				currency: intent.currency,
				metadata: intent.metadata,
				payment_intent: intent.id,
				refunded: intent.amount_refunded >= intent.amount_received,
			}),
		);
		return { status: 200, body: made };
	}

	async function deliver(type, object) {
		const event = {
			id: id('evt'),
			object: 'event',
			api_version: '2024-06-20',
			created: Math.floor(Date.now() / 1000),
			data: { object },
			livemode: false,
			pending_webhooks: 1,
			request: { id: null, idempotency_key: null },
			type,
		};
		if (!webhook.url) return { event, status: null };
		const payload = JSON.stringify(event, null, 2);
		const response = await fetch(webhook.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
				'stripe-signature': signStripe(payload, webhook.secret),
			},
			body: payload,
		});
		const delivered = { event, status: response.status, answer: await response.text() };
		deliveries.push(delivered);
		return delivered;
	}

	let pagePort = 0;
	const api = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const fault = faults.shift();
			// A fault is kept with the requests too, so a test sees every try.
			const tried = (status) =>
				requests.push({
					method: req.method,
					path: req.url.split('?')[0],
					params: null,
					idempotencyKey: req.headers['idempotency-key'] ?? null,
					status,
				});
			if (fault === 'drop') {
				tried('dropped');
				return req.socket.destroy();
			}
			const send = ({ status, body }, headers = {}) => {
				res.writeHead(status, {
					'content-type': 'application/json',
					'request-id': id('req'),
					...headers,
				});
				res.end(JSON.stringify(body));
			};
			if (fault === 429) {
				tried(429);
				return send(
					error(429, 'rate_limit_error', 'Too many requests hit the API too quickly.', {
						code: 'rate_limit',
					}),
				);
			}
			const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
			const params = parseForm(Buffer.concat(chunks).toString('utf8'));
			const urlPath = req.url.split('?')[0];
			const idempotencyKey = req.headers['idempotency-key'] ?? null;
			const record = (answer) => {
				requests.push({
					method: req.method,
					path: urlPath,
					params,
					idempotencyKey,
					status: answer.status,
				});
				return answer;
			};
			if (key !== secretKey)
				return send(
					record(
						error(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}***`),
					),
				);
			const fingerprint = JSON.stringify([req.method, urlPath, params]);
			if (idempotencyKey && req.method === 'POST') {
				const first = idempotent.get(idempotencyKey);
				if (first && first.fingerprint !== fingerprint)
					return send(
						record(
							error(
								400,
								'idempotency_error',
								`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
							),
						),
					);
				if (first) return send(record(first.answer), { 'idempotent-replayed': 'true' });
			}
			let answer;
			// Events Stripe sends after it has answered (a charge's success or decline).
			const after = [];
			const session = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(urlPath);
			if (req.method === 'POST' && urlPath === '/v1/checkout/sessions')
				answer = checkoutSession(params, pagePort);
			else if (req.method === 'POST' && urlPath === '/v1/customers')
				answer = createCustomer(params);
			else if (req.method === 'POST' && urlPath === '/v1/payment_intents')
				answer = paymentIntent(params, after);
			else if (req.method === 'POST' && urlPath === '/v1/refunds') answer = refund(params, after);
			else if (req.method === 'GET' && session && sessions.has(session[1])) {
				const { line_items: _i, payment_intent_data: _p, ...visible } = sessions.get(session[1]);
				answer = { status: 200, body: visible };
			} else
				answer = error(
					404,
					'invalid_request_error',
					`Unrecognized request URL (${req.method}: ${urlPath}).`,
				);
			if (idempotencyKey && req.method === 'POST' && answer.status < 500)
				idempotent.set(idempotencyKey, { fingerprint, answer });
			send(record(answer));
			for (const event of after) setImmediate(() => event().catch(() => {}));
		});
	});

	/** The hosted checkout page a customer opens from the e-mail, and pays on. */
	const pages = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const match = /^\/c\/pay\/([\w-]+)$/.exec(req.url.split('?')[0]);
			const session = match ? sessions.get(match[1]) : null;
			const page = (status, body) => {
				res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
				res.end(
					`<!doctype html><html><head><title>Checkout</title></head><body>${body}</body></html>`,
				);
			};
			if (!session)
				return page(404, '<h1>Something went wrong</h1><p>This page is not available.</p>');
			if (session.mode === 'setup') return await setupPage(req, res, session, chunks, page);
			const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
			if (session.payment_status === 'paid')
				return page(200, `<h1>Paid</h1><p>This checkout is complete: ${amount}.</p>`);
			if (req.method === 'POST') {
				const form = Object.fromEntries(
					new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
				);
				const card = String(form.card ?? '').replace(/\s/g, '');
				const intent = id('pi');
				if (card === DECLINED_CARD) {
					await deliver('payment_intent.payment_failed', {
						id: intent,
						object: 'payment_intent',
						amount: session.amount_total,
						currency: session.currency,
						status: 'requires_payment_method',
						metadata: session.payment_intent_data.metadata ?? session.metadata,
						last_payment_error: {
							type: 'card_error',
							code: 'card_declined',
							decline_code: 'generic_decline',
							message: 'Your card was declined.',
						},
					});
					return page(
						402,
						`<h1>Your card was declined</h1><p>Try another card.</p>${payForm(amount)}`,
					);
				}
				Object.assign(session, {
					payment_status: 'paid',
					status: 'complete',
					payment_intent: intent,
				});
				intents.set(intent, {
					id: intent,
					object: 'payment_intent',
					amount: session.amount_total,
					amount_received: session.amount_total,
					currency: session.currency,
					metadata: session.payment_intent_data.metadata ?? session.metadata,
					status: 'succeeded',
					latest_charge: id('ch'),
				});
				const { line_items: _i, payment_intent_data: _p, ...completed } = session;
				await deliver('checkout.session.completed', completed);
				res.writeHead(303, { location: session.success_url });
				return res.end();
			}
			page(
				200,
				`<h1>Pay ${amount}</h1><p>${(session.line_items[0]?.price_data?.product_data?.name ?? '').replace(/[<>&]/g, '')}</p>${payForm(amount)}`,
			);
		});
	});
	/** Stripe's page to save a card: 4242... and 4000 0000 0000 0341 save (the latter declines later); 4000 0000 0000 0002 is refused. */
	async function setupPage(req, res, session, chunks, page) {
		if (session.status === 'complete')
			return page(200, '<h1>Card saved</h1><p>Your card is saved. You can close this page.</p>');
		const form = `<form method="post"><label for="card">Card number</label><input id="card" name="card" value="4242 4242 4242 4242"><button type="submit">Save card</button></form>`;
		if (req.method !== 'POST')
			return page(200, `<h1>Save a card</h1><p>For future payments to this business.</p>${form}`);
		const card = String(
			new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('card') ?? '',
		).replace(/\s/g, '');
		if (card === DECLINED_CARD)
			return page(402, `<h1>Your card was declined</h1><p>Try another card.</p>${form}`);
		const method = id('pm');
		paymentMethods.set(method, { customer: session.customer, card });
		const setupIntent = {
			id: id('seti'),
			object: 'setup_intent',
			customer: session.customer,
			payment_method: method,
			status: 'succeeded',
			usage: 'off_session',
			metadata: session.setup_intent_data.metadata ?? {},
			livemode: false,
		};
		Object.assign(session, { status: 'complete', setup_intent: setupIntent.id });
		await deliver('setup_intent.succeeded', setupIntent);
		const { setup_intent_data: _s, ...completed } = session;
		await deliver('checkout.session.completed', completed);
		res.writeHead(303, { location: session.success_url });
		return res.end();
	}

	const payForm = (amount) =>
		`<form method="post"><label for="card">Card number</label><input id="card" name="card" value="4242 4242 4242 4242"><button type="submit">Pay ${amount}</button></form>`;

	await new Promise((resolve, reject) => {
		api.once('error', reject);
		api.listen(0, '127.0.0.1', resolve);
	});
	await new Promise((resolve, reject) => {
		pages.once('error', reject);
		pages.listen(0, '127.0.0.1', resolve);
	});
	pagePort = pages.address().port;
	const port = api.address().port;
	return {
		secretKey,
		port,
		caFile: certs.ca,
		requests,
		deliveries,
		sessions,
		customers,
		paymentMethods,
		intents,
		/** The loopback host entry n8n needs (with loopback-hosts.js) and the CA to trust. */
		loopbackHost: `api.stripe.com:${port}`,
		/** Where the events go, and the endpoint's signing secret (whsec_...). */
		setWebhook(url, secret) {
			webhook = { url, secret };
		},
		/** The next requests answer 429 (n of them), or have their connection dropped. */
		rateLimitNext(n = 1) {
			for (let i = 0; i < n; i++) faults.push(429);
		},
		dropNext(n = 1) {
			for (let i = 0; i < n; i++) faults.push('drop');
		},
		async stop() {
			await new Promise((resolve) => api.close(resolve));
			await new Promise((resolve) => pages.close(resolve));
			fs.rmSync(certs.dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startStripeFake, signStripe, parseForm, DECLINED_CARD, DECLINES_LATER_CARD };
