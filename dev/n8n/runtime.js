'use strict';
/**
 * The pinned n8n and the Node.js 24 that runs it, installed once into a cache
 * folder outside the repository and reused by `npm start`, the workflow tests
 * and the e2e tests. `node dev/n8n/runtime.js ensure` installs it.
 *
 * n8n is installed with install scripts off (as n8n itself installs community
 * packages), then its two native modules are rebuilt offline against the
 * headers of the Node.js package installed beside it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const N8N_VERSION = '2.40.7';
const NODE_VERSION = '24.21.0';
/** The chat widget the Chat Trigger's page loads (the newest on npm when this was pinned). */
const CHAT_WIDGET_VERSION = '1.37.0';
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

function cacheDir() {
	const base =
		process.env.BOOKING_AGENTS_N8N_CACHE ||
		path.join(
			process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
			'n8n-nodes-booking-agents',
		);
	return path.join(base, `n8n-${N8N_VERSION}`);
}

function paths(dir = cacheDir()) {
	const modules = path.join(dir, 'node_modules');
	return {
		dir,
		modules,
		nodeDir: path.join(modules, NODE_PACKAGE),
		nodeBin: path.join(modules, NODE_PACKAGE, 'bin', 'node'),
		n8nBin: path.join(modules, 'n8n', 'bin', 'n8n'),
		marker: path.join(dir, '.ready.json'),
	};
}

function isReady(p = paths()) {
	try {
		const marker = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
		return (
			marker.n8n === N8N_VERSION &&
			marker.node === NODE_VERSION &&
			fs.existsSync(p.n8nBin) &&
			fs.existsSync(p.nodeBin)
		);
	} catch {
		return false;
	}
}

function run(command, args, options) {
	const started = Date.now();
	const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
	if (result.status !== 0) {
		throw new Error(
			`"${command} ${args.join(' ')}" failed (exit ${result.status}) in ${options.cwd}`,
		);
	}
	return Date.now() - started;
}

/** Installs n8n and Node.js 24 into the cache if they are not there yet. Returns the paths. */
function ensure({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
	const p = paths();
	if (isReady(p)) return p;
	fs.mkdirSync(p.dir, { recursive: true });
	fs.writeFileSync(
		path.join(p.dir, 'package.json'),
		JSON.stringify({ name: 'booking-agents-n8n-runtime', private: true }, null, 2),
	);
	log(
		`Installing n8n ${N8N_VERSION} and Node.js ${NODE_VERSION} into ${p.dir} (once; about 5 minutes)...`,
	);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const install = (extra) =>
		run(
			npm,
			[
				'install',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
				...extra,
				`n8n@${N8N_VERSION}`,
				`${NODE_PACKAGE}@${NODE_VERSION}`,
			],
			{ cwd: p.dir },
		);
	let installMs;
	try {
		installMs = install([]);
	} catch (error) {
		// n8n's dependencies float: a version published after npm cached a package's metadata is
		// "not found" (ETARGET) until the metadata is fetched again. Once more, asking the registry.
		log(`${error.message}\nTrying once more with fresh package metadata (--prefer-online)...`);
		installMs = install(['--prefer-online']);
	}
	log(
		`Installed in ${Math.round(installMs / 1000)} s. Building n8n's native modules for Node.js ${NODE_VERSION}...`,
	);
	const env = {
		...process.env,
		PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
	};
	const rebuildMs = run(
		npm,
		['rebuild', '--loglevel=error', 'sqlite3', 'isolated-vm', `--nodedir=${p.nodeDir}`],
		{ cwd: p.dir, env },
	);
	log(`Built in ${Math.round(rebuildMs / 1000)} s.`);
	fs.writeFileSync(
		p.marker,
		JSON.stringify({ n8n: N8N_VERSION, node: NODE_VERSION, at: new Date().toISOString() }),
	);
	return p;
}

/**
 * n8n's chat widget (the npm package @n8n/chat), which the Chat Trigger's hosted page loads from
 * cdn.jsdelivr.net. This machine has no internet, so the tests that open that page in Chromium
 * serve the CDN's files from this copy (fetched once from the npm registry). Returns its dist folder.
 */
function ensureChatWidget({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
	const dir = path.join(path.dirname(cacheDir()), `n8n-chat-${CHAT_WIDGET_VERSION}`);
	const dist = path.join(dir, 'package', 'dist');
	if (fs.existsSync(path.join(dist, 'chat.bundle.es.js'))) return dist;
	fs.mkdirSync(dir, { recursive: true });
	log(`Fetching n8n's chat widget (@n8n/chat ${CHAT_WIDGET_VERSION}) into ${dir}...`);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	run(npm, ['pack', '--loglevel=error', `@n8n/chat@${CHAT_WIDGET_VERSION}`], { cwd: dir });
	run('tar', ['xzf', `n8n-chat-${CHAT_WIDGET_VERSION}.tgz`], { cwd: dir });
	return dist;
}

module.exports = {
	N8N_VERSION,
	NODE_VERSION,
	CHAT_WIDGET_VERSION,
	cacheDir,
	paths,
	isReady,
	ensure,
	ensureChatWidget,
};

if (require.main === module) {
	const command = process.argv[2] ?? 'ensure';
	if (command === 'ensure') {
		const p = ensure();
		ensureChatWidget();
		console.log(`n8n ${N8N_VERSION} ready in ${p.dir}`);
	} else if (command === 'path') {
		console.log(paths().dir);
	} else {
		console.error('usage: node dev/n8n/runtime.js [ensure|path]');
		process.exit(2);
	}
}
