'use strict';
/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL, Redis), for outage tests: the
 * client is pointed at the proxy, and the test takes the server away as a restart does for its
 * clients: `down()` cuts every open connection and refuses new ones (connection refused), `up()`
 * accepts again on the same port. The server itself keeps running (other tests share it).
 */
const net = require('node:net');

/**
 * @param {{ host?: string, port: number }} target
 */
async function startTcpProxy(target) {
	const sockets = new Set();
	const server = net.createServer((client) => {
		const upstream = net.connect(target.port, target.host ?? '127.0.0.1');
		sockets.add(client);
		sockets.add(upstream);
		const drop = () => {
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('error', drop);
		upstream.on('error', drop);
		client.on('close', drop);
		upstream.on('close', drop);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	let listening = true;
	return {
		port,
		/** Open connections through the proxy (client and server sides). */
		get connections() {
			return sockets.size / 2;
		},
		/** The server goes away: open connections cut, new ones refused. */
		async down() {
			if (!listening) return;
			listening = false;
			const closed = new Promise((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			sockets.clear();
			await closed;
		},
		/** Back, on the same port. */
		async up() {
			if (listening) return;
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, '127.0.0.1', () => {
					server.off('error', reject);
					resolve();
				});
			});
			listening = true;
		},
		async stop() {
			for (const socket of sockets) socket.destroy();
			sockets.clear();
			if (listening) await new Promise((resolve) => server.close(() => resolve()));
			listening = false;
		},
	};
}

module.exports = { startTcpProxy };
