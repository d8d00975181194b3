'use strict';
/**
 * Preloaded into the n8n process by the tests (NODE_OPTIONS=--require): names
 * in BOOKING_AGENTS_LOOPBACK_HOSTS resolve to 127.0.0.1, so n8n's own nodes
 * (Twilio, which calls a fixed host) reach the fakes the tests start.
 */
const dns = require('node:dns');

const hosts = new Set((process.env.BOOKING_AGENTS_LOOPBACK_HOSTS || '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
const loopback = (options) => ((typeof options === 'object' && options && options.all) ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 });

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
	const cb = typeof options === 'function' ? options : callback;
	const opts = typeof options === 'function' ? {} : options;
	if (hosts.has(String(hostname).toLowerCase())) {
		const result = loopback(opts);
		return process.nextTick(() => (Array.isArray(result) ? cb(null, result) : cb(null, result.address, result.family)));
	}
	return originalLookup.call(dns, hostname, options, callback);
};

const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
	if (hosts.has(String(hostname).toLowerCase())) return loopback(options);
	return await originalPromiseLookup.call(dns.promises, hostname, options);
};
