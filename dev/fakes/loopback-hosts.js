'use strict';
/**
 * Preloaded into the n8n process by the tests and the demo (NODE_OPTIONS=--require):
 * names in BOOKING_AGENTS_LOOPBACK_HOSTS resolve to 127.0.0.1, so n8n's own
 * nodes (Twilio, which calls a fixed host) reach the local fakes. An entry
 * "host:port" also sends TLS connections for that host to that port, so the
 * fake need not own port 443 (no root, no clash between runs).
 */
const dns = require('node:dns');
const tls = require('node:tls');

const entries = (process.env.BOOKING_AGENTS_LOOPBACK_HOSTS || '')
	.split(',')
	.map((h) => h.trim().toLowerCase())
	.filter(Boolean);
const hosts = new Set(entries.map((e) => e.split(':')[0]));
const ports = new Map(
	entries.filter((e) => e.includes(':')).map((e) => [e.split(':')[0], Number(e.split(':')[1])]),
);
const loopback = (options) =>
	typeof options === 'object' && options && options.all
		? [{ address: '127.0.0.1', family: 4 }]
		: { address: '127.0.0.1', family: 4 };

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
	const cb = typeof options === 'function' ? options : callback;
	const opts = typeof options === 'function' ? {} : options;
	if (hosts.has(String(hostname).toLowerCase())) {
		const result = loopback(opts);
		return process.nextTick(() =>
			Array.isArray(result) ? cb(null, result) : cb(null, result.address, result.family),
		);
	}
	return originalLookup.call(dns, hostname, options, callback);
};

const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
	if (hosts.has(String(hostname).toLowerCase())) return loopback(options);
	return await originalPromiseLookup.call(dns.promises, hostname, options);
};

if (ports.size > 0) {
	const originalConnect = tls.connect;
	tls.connect = function connect(...args) {
		// tls.connect(options[, cb]) or tls.connect(port[, host][, options][, cb])
		if (args[0] && typeof args[0] === 'object') {
			const options = args[0];
			const host = String(options.host ?? options.servername ?? '').toLowerCase();
			if (ports.has(host))
				args[0] = { ...options, port: ports.get(host), servername: options.servername ?? host };
		} else if (
			typeof args[0] === 'number' &&
			typeof args[1] === 'string' &&
			ports.has(args[1].toLowerCase())
		) {
			args[0] = ports.get(args[1].toLowerCase());
		}
		return originalConnect.apply(this, args);
	};
}
