'use strict';
/**
 * Whose objects stay alive in a running n8n: V8's sampling heap profiler, driven over the
 * inspector protocol (n8n started with --inspect on a loopback port). Sampling starts after a
 * warm-up; at the end a full collection runs and the profile of the sampled objects still alive
 * is read: each with the stack that allocated it. Grouped by the package whose code allocated
 * it (the innermost frame under node_modules/<package>, this package's dist, or Node itself),
 * and by allocating function, so a growth can be put on n8n, a library or this package.
 */
const fs = require('node:fs');
const net = require('node:net');

/** A free loopback port for the inspector. */
async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Connects to the inspector of the process listening on `port` (Node's global WebSocket). */
async function connect(port) {
	const deadline = Date.now() + 30_000;
	let target;
	while (!target) {
		try {
			const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
			target = list[0]?.webSocketDebuggerUrl;
		} catch {
			if (Date.now() > deadline) throw new Error(`no inspector on port ${port}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
	const socket = new WebSocket(target);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve, { once: true });
		socket.addEventListener('error', () => reject(new Error('inspector refused')), { once: true });
	});
	let next = 0;
	const waiting = new Map();
	const listeners = new Set();
	socket.addEventListener('message', (event) => {
		const message = JSON.parse(String(event.data));
		for (const listener of listeners) listener(message);
		const pending = message.id !== undefined ? waiting.get(message.id) : null;
		if (!pending) return;
		waiting.delete(message.id);
		if (message.error)
			pending.reject(new Error(`${message.error.message} (${message.error.code})`));
		else pending.resolve(message.result);
	});
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++next;
			waiting.set(id, { resolve, reject });
			socket.send(JSON.stringify({ id, method, params }));
		});
	return {
		send,
		/** Calls `listener` with every message (the protocol's events included). */
		on: (listener) => listeners.add(listener),
		off: (listener) => listeners.delete(listener),
		close: () => socket.close(),
	};
}

/** The package a script belongs to: this package, an npm package, Node's own, or V8's. */
function packageOf(url) {
	if (!url) return '(V8 / native)';
	// The innermost package in the path (n8n itself is installed under a folder named after this package).
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
	if (match)
		return match[1] === 'n8n-nodes-booking-agents'
			? 'n8n-nodes-booking-agents (this package)'
			: match[1];
	if (url.startsWith('node:')) return '(Node.js)';
	if (url.includes('/n8n-nodes-booking-agents/dist/'))
		return 'n8n-nodes-booking-agents (this package)';
	return url.split('/').slice(-2).join('/');
}

/**
 * Sums a sampling profile's live bytes by package and by allocating function: each node's
 * selfSize goes to its innermost frame that has a script (frames without one, V8's
 * built-ins, pass it to their caller).
 */
function summarize(profile) {
	const byPackage = new Map();
	const byFunction = new Map();
	let total = 0;
	const walk = (node, owner) => {
		const frame = node.callFrame;
		const here = frame.url
			? {
					pkg: packageOf(frame.url),
					fn: `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`,
				}
			: owner;
		if (node.selfSize) {
			total += node.selfSize;
			const at = here ?? { pkg: '(V8 / native)', fn: frame.functionName || '(root)' };
			byPackage.set(at.pkg, (byPackage.get(at.pkg) ?? 0) + node.selfSize);
			byFunction.set(at.fn, (byFunction.get(at.fn) ?? 0) + node.selfSize);
		}
		for (const child of node.children ?? []) walk(child, here);
	};
	walk(profile.head, null);
	const top = (map, n) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([name, bytes]) => ({ name, mb: bytes / 1048576 }));
	return {
		total_mb: total / 1048576,
		packages: top(byPackage, 12),
		functions: top(byFunction, 20),
	};
}

/** Starts sampling in the process behind `port`; stop() collects garbage and gives what is still alive. */
async function startSampling(port, { intervalBytes = 16384 } = {}) {
	const inspector = await connect(port);
	await inspector.send('HeapProfiler.enable');
	await inspector.send('HeapProfiler.collectGarbage');
	await inspector.send('HeapProfiler.startSampling', { samplingInterval: intervalBytes });
	return {
		async stop(file) {
			await inspector.send('HeapProfiler.collectGarbage');
			await inspector.send('HeapProfiler.collectGarbage');
			const { profile } = await inspector.send('HeapProfiler.getSamplingProfile');
			await inspector.send('HeapProfiler.stopSampling');
			inspector.close();
			if (file) fs.writeFileSync(file, JSON.stringify(profile));
			return summarize(profile);
		},
	};
}

module.exports = { freePort, connect, startSampling, summarize, packageOf };
