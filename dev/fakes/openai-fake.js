'use strict';
/**
 * An OpenAI-compatible server for tests, on loopback. It speaks the real wire
 * format of GET /v1/models and POST /v1/chat/completions (including
 * response_format json_schema), answers from a per-test script, injects
 * faults, and counts calls and tokens.
 *
 * A script step is one of:
 *   { json: {...} }                  a valid answer whose content is that JSON
 *   { content: 'text' }              raw content (malformed JSON, say)
 *   { refusal: 'reason' }            a structured-output refusal
 *   { status: 429, retryAfter: 1 }   an HTTP error, optionally with Retry-After (s)
 *   { status: 500 }                  a server error
 *   { delayMs: 5000, json: {...} }   a slow answer (past a client's timeout)
 *   { hangUp: true }                 the connection is closed without an answer
 *   { toolCalls: [{ name, arguments }] }  the model calls tools (message.tool_calls,
 *                                    finish_reason "tool_calls"), as OpenAI answers a request
 *                                    that offered `tools`; arguments is an object, or
 *                                    a function of the request (to use a tool's result)
 *   { content: (body) => 'text' }    content written from the request (a tool's result, say)
 * In a step sent as JSON (no functions), "{{path}}" in content or in an argument's string is the
 * value at that path of what the last tool returned ("{{quote.total_cents|dollars}}" as money).
 * Steps are consumed in order; when the script is empty, `fallback(request)`
 * answers (by default a 500 saying the script ran out).
 */
const http = require('node:http');

/** What the last tool returned in the request: the first item of its JSON, or null. */
function lastToolOutput(body) {
	const tool = [...(body.messages ?? [])].reverse().find((m) => m.role === 'tool');
	if (!tool || typeof tool.content !== 'string') return null;
	try {
		const parsed = JSON.parse(tool.content);
		return Array.isArray(parsed) ? (parsed[0] ?? null) : parsed;
	} catch {
		return null;
	}
}

/** "{{path}}" and "{{path|dollars}}" in a string, from the last tool's output. */
function fillFromLastTool(value, body) {
	if (typeof value === 'string')
		return value.replace(/\{\{\s*([\w.]+)(?:\|(dollars))?\s*\}\}/g, (_, path, filter) => {
			const found = path
				.split('.')
				.reduce((at, key) => (at == null ? undefined : at[key]), lastToolOutput(body));
			if (found === undefined || found === null) return '';
			return filter === 'dollars' ? `$${(Number(found) / 100).toFixed(2)}` : String(found);
		});
	if (Array.isArray(value)) return value.map((v) => fillFromLastTool(v, body));
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, fillFromLastTool(v, body)]),
		);
	return value;
}

function estimateTokens(text) {
	return Math.max(1, Math.ceil(String(text).length / 4));
}

class OpenAiFake {
	constructor() {
		/** @type {Array<Record<string, any>>} */
		this.script = [];
		/** @type {Array<{ body: any, headers: import('node:http').IncomingHttpHeaders }>} */
		this.requests = [];
		this.calls = 0;
		this.promptTokens = 0;
		this.completionTokens = 0;
		/** @type {Set<string>} */
		this.apiKeys = new Set();
		/** @type {((body: any) => Record<string, any>) | null} */
		this.fallback = null;
		/** Accept any API key on GET /models (by default only "test-key"). */
		this.acceptAnyKey = false;
		/** @type {number} */
		this.port = 0;
		this.baseUrl = '';
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
			});
		});
		this.sockets = new Set();
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async start() {
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.port = this.server.address().port;
		this.baseUrl = `http://127.0.0.1:${this.port}/v1`;
		return this;
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}

	/**
	 * Replaces the script and resets the counters.
	 * @param {Array<Record<string, any>>} [steps]
	 * @param {((body: any) => Record<string, any>) | null} [fallback] answers once the script is used up
	 */
	reset(steps = [], fallback = null) {
		this.script = [...steps];
		this.fallback = fallback;
		this.requests = [];
		this.calls = 0;
		this.promptTokens = 0;
		this.completionTokens = 0;
		return this;
	}

	enqueue(...steps) {
		this.script.push(...steps);
		return this;
	}

	async handle(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const raw = Buffer.concat(chunks).toString('utf8');
		const auth = req.headers.authorization ?? '';
		if (auth.startsWith('Bearer ')) this.apiKeys.add(auth.slice(7));

		if (req.method === 'GET' && req.url.replace(/\?.*/, '') === '/v1/models') {
			if (auth !== 'Bearer test-key' && !this.acceptAnyKey)
				return this.error(res, 401, 'Incorrect API key provided.', 'invalid_request_error');
			return this.send(res, 200, {
				object: 'list',
				data: [{ id: 'gpt-4o-mini', object: 'model', created: 1715367049, owned_by: 'system' }],
			});
		}
		if (req.method !== 'POST' || req.url.replace(/\?.*/, '') !== '/v1/chat/completions') {
			return this.error(
				res,
				404,
				`Unknown route ${req.method} ${req.url}`,
				'invalid_request_error',
			);
		}
		let body;
		try {
			body = JSON.parse(raw);
		} catch {
			return this.error(
				res,
				400,
				'We could not parse the JSON body of your request.',
				'invalid_request_error',
			);
		}
		this.calls++;
		this.requests.push({ body, headers: req.headers });
		if (!Array.isArray(body.messages) || typeof body.model !== 'string') {
			return this.error(
				res,
				400,
				"Missing required parameter: 'messages' or 'model'.",
				'invalid_request_error',
			);
		}
		const step = this.script.length
			? this.script.shift()
			: this.fallback
				? this.fallback(body)
				: { status: 500, message: 'The fake has no scripted answer left.' };
		if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
		if (step.hangUp) {
			req.socket.destroy();
			return undefined;
		}
		if (step.status) {
			const headers =
				step.retryAfter !== undefined ? { 'retry-after': String(step.retryAfter) } : {};
			return this.error(
				res,
				step.status,
				step.message ?? `Fake error ${step.status}`,
				step.status === 429 ? 'rate_limit_exceeded' : 'server_error',
				headers,
			);
		}
		const prompt = body.messages
			.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
			.join('\n');
		if (step.toolCalls) return this.answerWithToolCalls(res, body, step.toolCalls, prompt);
		const content = step.refusal
			? null
			: typeof step.content === 'function'
				? String(step.content(body))
				: step.content !== undefined
					? fillFromLastTool(step.content, body)
					: JSON.stringify(step.json ?? {});
		return this.complete(
			res,
			body,
			prompt,
			{ role: 'assistant', content, refusal: step.refusal ?? null },
			'stop',
			content ?? step.refusal ?? '',
		);
	}

	/** A chat.completion answer with one choice, its tokens counted. */
	complete(res, body, prompt, message, finishReason, completionText) {
		const promptTokens = estimateTokens(prompt);
		const completionTokens = estimateTokens(completionText);
		this.promptTokens += promptTokens;
		this.completionTokens += completionTokens;
		return this.send(res, 200, {
			id: `chatcmpl-fake${this.calls}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body.model,
			choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
			usage: {
				prompt_tokens: promptTokens,
				completion_tokens: completionTokens,
				total_tokens: promptTokens + completionTokens,
			},
			system_fingerprint: 'fp_fake',
		});
	}

	/** The assistant calls tools: only tools the request offered, with arguments as a JSON string. */
	answerWithToolCalls(res, body, toolCalls, prompt) {
		const offered = new Set(
			(Array.isArray(body.tools) ? body.tools : []).map((tool) => tool?.function?.name),
		);
		const unknown = toolCalls.filter((call) => !offered.has(call.name)).map((call) => call.name);
		if (unknown.length)
			return this.error(
				res,
				400,
				`The script calls ${unknown.join(', ')}, which the request did not offer (it offered ${[...offered].join(', ') || 'no tools'}).`,
				'invalid_request_error',
			);
		const calls = toolCalls.map((call, index) => ({
			id: `call_fake${this.calls}_${index}`,
			type: 'function',
			function: {
				name: call.name,
				arguments: JSON.stringify(
					(typeof call.arguments === 'function'
						? call.arguments(body)
						: fillFromLastTool(call.arguments, body)) ?? {},
				),
			},
		}));
		return this.complete(
			res,
			body,
			prompt,
			{ role: 'assistant', content: null, tool_calls: calls, refusal: null },
			'tool_calls',
			JSON.stringify(calls),
		);
	}

	send(res, status, body, headers = {}) {
		res.writeHead(status, {
			'content-type': 'application/json',
			'x-request-id': `req_fake_${this.calls}`,
			...headers,
		});
		res.end(JSON.stringify(body));
	}

	error(res, status, message, type, headers = {}) {
		this.send(res, status, { error: { message, type, param: null, code: type } }, headers);
	}
}

async function startOpenAiFake() {
	return await new OpenAiFake().start();
}

module.exports = { startOpenAiFake, OpenAiFake, lastToolOutput };
