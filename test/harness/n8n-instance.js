'use strict';
/**
 * Starts a real n8n (the pinned version, under Node.js 24) with this package
 * installed as a community package, and drives it over HTTP: owner set-up,
 * workflow import and publishing, webhook calls, executions read back.
 *
 * Every process it starts is in its own process group and is killed on
 * stop(), on process exit, and by killStrays() (a pid file per instance), so a
 * failing test leaves nothing running.
 *
 * With `queue`, n8n runs the way a business scales it (n8n's queue mode): the
 * main process takes webhooks and enqueues executions on Redis (Bull, a key
 * prefix of its own per instance), `n8n worker` processes run them, and all
 * share an n8n database on PostgreSQL (a database of its own, dropped on stop).
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
const OWNER = {
	email: 'owner@example.com',
	password: 'Owner-Passw0rd!',
	firstName: 'Ops',
	lastName: 'Owner',
};
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

/** A log file's text; empty when the process has not written it yet. */
function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

const lastLines = (file, lines = 40) => readLog(file).split('\n').slice(-lines).join('\n');

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
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', stage], {
		cwd: REPO,
		encoding: 'utf8',
	});
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	const tarball = path.join(stage, pack.stdout.trim().split('\n').pop());
	const nodesDir = path.join(stage, 'nodes');
	fs.mkdirSync(nodesDir);
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true }),
	);
	const install = spawnSync(
		'npm',
		[
			'install',
			'--ignore-scripts',
			'--omit=dev',
			'--omit=peer',
			'--prefer-offline',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			tarball,
		],
		{ cwd: nodesDir, encoding: 'utf8' },
	);
	if (install.status !== 0)
		throw new Error(`installing the package for n8n failed: ${install.stderr}`);
	if (fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		fs.rmSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'), {
			recursive: true,
			force: true,
		});
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
	fs.writeFileSync(
		path.join(PID_DIR, String(pid)),
		JSON.stringify({ run: RUN_ID, owner: process.pid }),
	);
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
		/** Queue mode: the worker processes, as { child, logFile, port }. */
		this.workers = [];
		/** Queue mode: cleans up the n8n database and the Redis keys after the processes are gone. */
		this.cleanup = null;
	}

	/** Queue mode: each worker's log, for telling which worker ran what. */
	workerLogs() {
		return this.workers.map((w) => readLog(w.logFile));
	}

	/** The last lines n8n logged, for failure messages. */
	logTail(lines = 40) {
		return lastLines(this.logFile, lines);
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
			throw new Error(
				`n8n REST ${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`,
			);
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	async setupOwner(owner = OWNER) {
		try {
			await this.rest('POST', '/owner/setup', owner);
		} catch (error) {
			// Already set up (a reused user folder): log in instead.
			if (!/400|403/.test(String(error.message))) throw error;
			await this.rest('POST', '/login', {
				emailOrLdapLoginId: owner.email,
				password: owner.password,
			});
		}
		return owner;
	}

	/** Creates a workflow from its JSON and publishes it; returns its id. */
	async importWorkflow(workflow, { publish = true } = {}) {
		const { id: _ignored, active: _active, versionId: _version, ...body } = workflow;
		const created = await this.rest('POST', '/workflows', {
			...body,
			settings: body.settings ?? { executionOrder: 'v1' },
		});
		if (publish)
			await this.rest('POST', `/workflows/${created.id}/activate`, {
				versionId: created.versionId,
			});
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
		throw new Error(
			`webhook ${pathName} was not registered within ${timeoutMs} ms; last answer: ${JSON.stringify(last?.body ?? String(last))}\n${this.logTail()}`,
		);
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
			if (Date.now() > deadline)
				throw new Error(
					`no ${count} ${status} execution(s) of workflow ${workflowId}; statuses: ${executions.map((e) => e.status).join(', ')}`,
				);
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
		// Workers first: they finish or drop their jobs before the main process (and its database) goes.
		await Promise.all(this.workers.map((w) => stopProcess(w.child)));
		await stopProcess(this.child);
		await this.cleanup?.();
	}
}

/** SIGTERM, then SIGKILL after 15 s; task runners and other children share the group, so the group goes. */
async function stopProcess(child) {
	const pid = child.pid;
	if (child.exitCode === null && child.signalCode === null) {
		let timer;
		const exited = new Promise((resolve) => child.once('exit', () => resolve(false)));
		const timedOut = new Promise((resolve) => {
			timer = setTimeout(() => resolve(true), 15_000);
		});
		killGroup(pid, 'SIGTERM');
		if (await Promise.race([exited, timedOut])) killGroup(pid, 'SIGKILL');
		clearTimeout(timer);
	}
	killGroup(pid, 'SIGKILL');
	forgetPid(pid);
}

/**
 * POSTs JSON to a Wait node's resume URL (a reply link, a signing link). n8n
 * answers 409 until the execution is parked at the Wait node, so that is retried.
 * @returns {Promise<Response>}
 */
async function postToResumeUrl(url, body, { headers = {}, timeoutMs = 10_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
		if (response.status !== 409 || Date.now() > deadline) return response;
		await sleep(250);
	}
}

const liveInstances = new Set();
process.on('exit', () => {
	for (const instance of liveInstances)
		for (const child of [instance.child, ...instance.workers.map((w) => w.child)])
			killGroup(child.pid, 'SIGKILL');
});

/** The Redis that queue mode uses: BOOKING_AGENTS_TEST_REDIS, default redis://127.0.0.1:6379 (it runs on this kind of machine). */
function redisUrl() {
	return new URL(process.env.BOOKING_AGENTS_TEST_REDIS || 'redis://127.0.0.1:6379');
}

/** Connects with n8n's own Redis client (ioredis): fails with a clear message when no Redis answers. */
async function redisClient() {
	const Redis = require(path.join(runtime.paths().modules, 'ioredis'));
	const url = redisUrl();
	const client = new Redis({
		host: url.hostname,
		port: Number(url.port || 6379),
		password: url.password || undefined,
		lazyConnect: true,
		maxRetriesPerRequest: 1,
		retryStrategy: () => null,
	});
	client.on('error', () => {});
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		client.disconnect();
		throw new Error(
			`No Redis answered at ${url.host} (${error.message}); queue mode needs one. Start Redis, or point BOOKING_AGENTS_TEST_REDIS at one, e.g. redis://127.0.0.1:6379.`,
		);
	}
	return client;
}

/** Deletes every Redis key under a prefix (queue mode leaves its job records and cache behind). */
async function dropRedisPrefix(prefix) {
	const client = await redisClient();
	try {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
			if (keys.length) await client.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}

/** Waits until a process answers `url` with 2xx, or fails with its log. */
async function waitUntilReady(child, url, logTail, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(
				`${what} exited with code ${child.exitCode} before it was ready:\n${logTail()}`,
			);
		try {
			const response = await fetch(url);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline)
			throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${logTail()}`);
		await sleep(300);
	}
}

/**
 * Starts n8n on a free port with a private user folder and this package installed.
 * Options: env (extra environment), userFolder (reuse one), port,
 * queue ({ workers = 2, concurrency = 10 }: n8n's queue mode, see the top of this file).
 */
async function startN8n({ env = {}, userFolder, port, readyTimeoutMs = 120_000, queue } = {}) {
	const p = runtime.paths();
	if (!runtime.isReady(p)) {
		throw new Error(
			'n8n is not installed in the cache: run "node test/harness/n8n-runtime.js ensure" (npm test does it first).',
		);
	}
	const folder = userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'booking-agents-n8n-'));
	installPackageInto(folder);
	const listenPort = port ?? (await freePort());
	const logFile = path.join(folder, 'n8n.log');
	const baseEnv = {
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
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_SQLITE_POOL_SIZE: '2',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		NODE_ENV: 'production',
	};
	let cleanup = null;
	if (queue) {
		const redis = await redisClient();
		redis.disconnect();
		const { createTestDatabase } = require('./postgres');
		const database = await createTestDatabase('booking_agents_n8n');
		// Bull's queue and n8n's Redis cache (published webhooks, workflows) get a prefix of their own: another n8n on the same Redis would otherwise see this one's webhooks.
		const prefix = `booking-agents-${process.pid}-${Date.now().toString(36)}`;
		const url = redisUrl();
		Object.assign(baseEnv, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_PREFIX: prefix,
			N8N_REDIS_KEY_PREFIX: prefix,
			QUEUE_BULL_REDIS_HOST: url.hostname,
			QUEUE_BULL_REDIS_PORT: String(url.port || 6379),
			...(url.password ? { QUEUE_BULL_REDIS_PASSWORD: decodeURIComponent(url.password) } : {}),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: database.connection.host,
			DB_POSTGRESDB_PORT: String(database.connection.port),
			DB_POSTGRESDB_DATABASE: database.connection.database,
			DB_POSTGRESDB_USER: database.connection.user,
			...(database.connection.password
				? { DB_POSTGRESDB_PASSWORD: database.connection.password }
				: {}),
		});
		cleanup = async () => {
			await database.drop().catch(() => null);
			await dropRedisPrefix(prefix).catch(() => null);
		};
	}
	const childEnv = { ...baseEnv, ...env };
	// The Node.js 24 that runs n8n comes first on PATH (task runners are spawned by name).
	childEnv.PATH = `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`;
	// The test runner's own NODE_OPTIONS are not n8n's; a test may still give n8n some (a preload).
	delete childEnv.NODE_OPTIONS;
	if (env.NODE_OPTIONS) childEnv.NODE_OPTIONS = env.NODE_OPTIONS;

	const spawnN8n = async (args, file, extraEnv) => {
		const out = fs.openSync(file, 'a');
		const child = spawn(p.nodeBin, [p.n8nBin, ...args], {
			cwd: folder,
			env: { ...childEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv },
			detached: true,
			stdio: ['ignore', out, out],
		});
		fs.closeSync(out);
		recordPid(child.pid);
		return child;
	};
	const child = await spawnN8n(['start'], logFile, {});
	const instance = new N8nInstance({ port: listenPort, userFolder: folder, child, logFile });
	instance.cleanup = cleanup;
	liveInstances.add(instance);
	child.once('exit', () => liveInstances.delete(instance));
	try {
		await waitUntilReady(
			child,
			`${instance.baseUrl}/healthz/readiness`,
			() => lastLines(logFile),
			readyTimeoutMs,
			'n8n',
		);
		if (queue) {
			// Workers start once the main process has migrated the database they share.
			const { workers = 2, concurrency = 10 } = queue === true ? {} : queue;
			for (let i = 1; i <= workers; i++) {
				const workerPort = await freePort();
				const workerLog = path.join(folder, `n8n-worker-${i}.log`);
				const worker = await spawnN8n(['worker', `--concurrency=${concurrency}`], workerLog, {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(workerPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				});
				instance.workers.push({ child: worker, logFile: workerLog, port: workerPort });
			}
			await Promise.all(
				instance.workers.map((w, i) =>
					waitUntilReady(
						w.child,
						`http://127.0.0.1:${w.port}/healthz/readiness`,
						() => lastLines(w.logFile),
						readyTimeoutMs,
						`n8n worker ${i + 1}`,
					),
				),
			);
		}
	} catch (error) {
		await instance.stop();
		throw error;
	}
	return instance;
}

module.exports = {
	startN8n,
	redisClient,
	killStrays,
	freePort,
	postToResumeUrl,
	N8nInstance,
	OWNER,
	PACKAGE_NAME,
	REPO,
};
