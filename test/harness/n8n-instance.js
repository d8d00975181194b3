'use strict';
/**
 * Starts a real n8n (the pinned version, under Node.js 24) with this package
 * installed as a community package, and drives it over HTTP: owner set-up,
 * workflow import and publishing, webhook calls, executions read back.
 *
 * Every process it starts is in its own process group and is killed on
 * stop(), on process exit, and by killStrays() (a pid file per instance), so a
 * failing test leaves nothing running.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const runtime = require('./n8n-runtime');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-booking-agents';
const PID_DIR = path.join(os.tmpdir(), 'booking-agents-test-pids');
const OWNER = { email: 'owner@example.com', password: 'Owner-Passw0rd!', firstName: 'Ops', lastName: 'Owner' };
const BROWSER_ID = 'booking-agents-harness';

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Installs the built package the way n8n installs a community package: into
 * <user folder>/.n8n/nodes/node_modules/<name>, with its dependencies beside
 * it and without n8n-workflow (n8n supplies its own through NODE_PATH).
 * The tarball and its install are made once per run and copied per instance.
 */
let stagedInstall = null;
function stagePackage() {
	if (stagedInstall && fs.existsSync(stagedInstall)) return stagedInstall;
	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'api.js'))) {
		throw new Error('dist/ is missing: run "npm run build" before starting n8n.');
	}
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-agents-pkg-'));
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', stage], { cwd: REPO, encoding: 'utf8' });
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	const tarball = path.join(stage, pack.stdout.trim().split('\n').pop());
	const nodesDir = path.join(stage, 'nodes');
	fs.mkdirSync(nodesDir);
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	const install = spawnSync(
		'npm',
		['install', '--ignore-scripts', '--omit=dev', '--omit=peer', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
		{ cwd: nodesDir, encoding: 'utf8' },
	);
	if (install.status !== 0) throw new Error(`installing the package for n8n failed: ${install.stderr}`);
	if (fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		fs.rmSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'), { recursive: true, force: true });
	}
	stagedInstall = nodesDir;
	return nodesDir;
}

function installPackageInto(userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.dirname(nodesDir), { recursive: true });
	fs.cpSync(stagePackage(), nodesDir, { recursive: true });
	return path.join(nodesDir, 'node_modules', PACKAGE_NAME);
}

/** Which test run started an n8n: the sweep after a run must not touch another run's instances. */
const RUN_ID = process.env.BOOKING_AGENTS_TEST_RUN ?? `solo-${process.pid}`;

function recordPid(pid) {
	fs.mkdirSync(PID_DIR, { recursive: true });
	fs.writeFileSync(path.join(PID_DIR, String(pid)), JSON.stringify({ run: RUN_ID, owner: process.pid }));
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function forgetPid(pid) {
	fs.rmSync(path.join(PID_DIR, String(pid)), { force: true });
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * Kills the n8n process groups this test run started and did not stop, and any
 * whose owning test process is gone (a crashed run). Another run's live
 * instances are left alone.
 */
function killStrays(run = RUN_ID) {
	if (!fs.existsSync(PID_DIR)) return 0;
	let killed = 0;
	for (const name of fs.readdirSync(PID_DIR)) {
		const file = path.join(PID_DIR, name);
		let record = { run: null, owner: 0 };
		try {
			record = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch {
			// an unreadable record is treated as stale
		}
		if (record.run !== run && record.owner && isAlive(record.owner)) continue;
		if (killGroup(Number(name), 'SIGKILL')) killed++;
		fs.rmSync(file, { force: true });
	}
	return killed;
}

class N8nInstance {
	constructor({ port, userFolder, child, logFile }) {
		this.port = port;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.userFolder = userFolder;
		this.child = child;
		this.logFile = logFile;
		this.cookie = null;
		this.stopped = false;
	}

	/** The last lines n8n logged, for failure messages. */
	logTail(lines = 40) {
		try {
			return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	/**
	 * Calls n8n's REST API as the owner; returns the answer's `data`.
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async rest(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': BROWSER_ID,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : null;
		} catch {
			json = null;
		}
		if (!response.ok) {
			throw new Error(`n8n REST ${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`);
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	async setupOwner(owner = OWNER) {
		try {
			await this.rest('POST', '/owner/setup', owner);
		} catch (error) {
			// Already set up (a reused user folder): log in instead.
			if (!/400|403/.test(String(error.message))) throw error;
			await this.rest('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		}
		return owner;
	}

	/** Creates a workflow from its JSON and publishes it; returns its id. */
	async importWorkflow(workflow, { publish = true } = {}) {
		const { id: _ignored, active: _active, versionId: _version, ...body } = workflow;
		const created = await this.rest('POST', '/workflows', { ...body, settings: body.settings ?? { executionOrder: 'v1' } });
		if (publish) await this.rest('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
		return created.id;
	}

	async createCredential(credential) {
		const created = await this.rest('POST', '/credentials', credential);
		return created.id;
	}

	/**
	 * Calls a production webhook.
	 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
	 */
	async webhook(pathName, body, { method = 'POST', headers = {} } = {}) {
		const response = await fetch(`${this.baseUrl}/webhook/${pathName}`, {
			method,
			headers: { 'content-type': 'application/json', ...headers },
			body: method === 'GET' ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body: parsed, headers: response.headers };
	}

	/** Waits until a production webhook is registered (n8n answers /healthz well before that). */
	async waitForWebhook(pathName, { timeoutMs = 90_000, method = 'POST', probeBody = {} } = {}) {
		const deadline = Date.now() + timeoutMs;
		let last;
		while (Date.now() < deadline) {
			try {
				last = await this.webhook(pathName, probeBody, { method });
				if (last.status !== 404) return last;
			} catch (error) {
				last = error;
			}
			await sleep(500);
		}
		throw new Error(`webhook ${pathName} was not registered within ${timeoutMs} ms; last answer: ${JSON.stringify(last?.body ?? String(last))}\n${this.logTail()}`);
	}

	/**
	 * The executions of a workflow, newest first, with their full data.
	 * @returns {Promise<any[]>}
	 */
	async executions(workflowId, { limit = 20 } = {}) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await this.rest('GET', `/executions?filter=${filter}&limit=${limit}`);
		const results = list.results ?? list;
		return await Promise.all(results.map(async (e) => await this.execution(e.id)));
	}

	/**
	 * Waits until a workflow has at least `count` executions in `status`; returns them, newest first.
	 * @returns {Promise<any[]>}
	 */
	async waitForExecutions(workflowId, status, { count = 1, timeoutMs = 30_000, limit = 50 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId, { limit });
			const matching = executions.filter((e) => e.status === status);
			if (matching.length >= count) return matching;
			if (Date.now() > deadline) throw new Error(`no ${count} ${status} execution(s) of workflow ${workflowId}; statuses: ${executions.map((e) => e.status).join(', ')}`);
			await sleep(300);
		}
	}

	/**
	 * One execution with its run data parsed (n8n stores it in its flatted format).
	 * @returns {Promise<any>}
	 */
	async execution(id) {
		const execution = await this.rest('GET', `/executions/${id}`);
		if (typeof execution.data === 'string') {
			const { parse } = require(path.join(runtime.paths().modules, 'flatted'));
			execution.data = parse(execution.data);
		}
		return execution;
	}

	async stop() {
		if (this.stopped) return;
		this.stopped = true;
		const pid = this.child.pid;
		if (this.child.exitCode === null && this.child.signalCode === null) {
			let timer;
			const exited = new Promise((resolve) => this.child.once('exit', () => resolve(false)));
			const timedOut = new Promise((resolve) => {
				timer = setTimeout(() => resolve(true), 15_000);
			});
			killGroup(pid, 'SIGTERM');
			if (await Promise.race([exited, timedOut])) killGroup(pid, 'SIGKILL');
			clearTimeout(timer);
		}
		// Task runners and other children share the group: make sure none is left.
		killGroup(pid, 'SIGKILL');
		forgetPid(pid);
	}
}

/**
 * POSTs JSON to a Wait node's resume URL (a reply link, a signing link). n8n
 * answers 409 until the execution is parked at the Wait node, so that is retried.
 * @returns {Promise<Response>}
 */
async function postToResumeUrl(url, body, { headers = {}, timeoutMs = 10_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
		if (response.status !== 409 || Date.now() > deadline) return response;
		await sleep(250);
	}
}

const liveInstances = new Set();
process.on('exit', () => {
	for (const instance of liveInstances) killGroup(instance.child.pid, 'SIGKILL');
});

/**
 * Starts n8n on a free port with a private user folder and this package installed.
 * Options: env (extra environment), userFolder (reuse one), port.
 */
async function startN8n({ env = {}, userFolder, port, readyTimeoutMs = 120_000 } = {}) {
	const p = runtime.paths();
	if (!runtime.isReady(p)) {
		throw new Error('n8n is not installed in the cache: run "node test/harness/n8n-runtime.js ensure" (npm test does it first).');
	}
	const folder = userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'booking-agents-n8n-'));
	installPackageInto(folder);
	const listenPort = port ?? (await freePort());
	const logFile = path.join(folder, 'n8n.log');
	const out = fs.openSync(logFile, 'a');
	const childEnv = {
		...process.env,
		N8N_USER_FOLDER: folder,
		N8N_PORT: String(listenPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${listenPort}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${listenPort}/`,
		N8N_ENCRYPTION_KEY: 'booking-agents-test-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_SQLITE_POOL_SIZE: '2',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		NODE_ENV: 'production',
		...env,
	};
	// The Node.js 24 that runs n8n comes first on PATH (task runners are spawned by name).
	childEnv.PATH = `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`;
	// The test runner's own NODE_OPTIONS are not n8n's; a test may still give n8n some (a preload).
	delete childEnv.NODE_OPTIONS;
	if (env.NODE_OPTIONS) childEnv.NODE_OPTIONS = env.NODE_OPTIONS;
	const child = spawn(p.nodeBin, [p.n8nBin, 'start'], {
		cwd: folder,
		env: childEnv,
		detached: true,
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	recordPid(child.pid);
	const instance = new N8nInstance({ port: listenPort, userFolder: folder, child, logFile });
	liveInstances.add(instance);
	child.once('exit', () => liveInstances.delete(instance));

	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(`n8n exited with code ${child.exitCode} before it was ready:\n${instance.logTail()}`);
		}
		try {
			const response = await fetch(`${instance.baseUrl}/healthz/readiness`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(`n8n was not ready within ${readyTimeoutMs} ms:\n${instance.logTail()}`);
		}
		await sleep(300);
	}
	return instance;
}

module.exports = { startN8n, killStrays, freePort, postToResumeUrl, N8nInstance, OWNER, PACKAGE_NAME, REPO };
