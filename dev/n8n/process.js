'use strict';
/**
 * Starts a real n8n (the pinned version, under Node.js 24) with this package
 * installed as a community package; with `queue`, its workers too (queue.js).
 * The instance is also the REST client that drives it (rest.js).
 *
 * Every process it starts is in its own process group and is killed on
 * stop(), on process exit, and by killStrays() (a pid file per instance), so a
 * failing test leaves nothing running. A user folder it made is removed on stop.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const runtime = require('./runtime');
const { installPackageInto } = require('./package');
const { queueSettings, workerLaunch } = require('./queue');
const { N8nClient, sleep } = require('./rest');

const PID_DIR = path.join(os.tmpdir(), 'booking-agents-test-pids');

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

/** A log file's text; empty when the process has not written it yet. */
function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

const lastLines = (file, lines = 40) => readLog(file).split('\n').slice(-lines).join('\n');

/** Which test run started an n8n: the sweep after a run must not touch another run's instances. */
const RUN_ID = process.env.BOOKING_AGENTS_TEST_RUN ?? `solo-${process.pid}`;

function recordPid(pid) {
	const record = JSON.stringify({ run: RUN_ID, owner: process.pid });
	// Another run may remove the folder when it empties it: make it again and retry once.
	for (let attempt = 0; ; attempt++) {
		fs.mkdirSync(PID_DIR, { recursive: true });
		try {
			fs.writeFileSync(path.join(PID_DIR, String(pid)), record);
			return;
		} catch (error) {
			if (error.code !== 'ENOENT' || attempt > 0) throw error;
		}
	}
}

/** The folder of records goes when its last record does, so a run leaves nothing in the temp folder. */
function removePidDirIfEmpty() {
	try {
		fs.rmdirSync(PID_DIR);
	} catch {
		// not empty (another run's instance), or already gone
	}
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
	removePidDirIfEmpty();
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
	removePidDirIfEmpty();
	return killed;
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

class N8nInstance extends N8nClient {
	constructor({ port, userFolder, ownsFolder, child, logFile }) {
		super(`http://127.0.0.1:${port}`);
		this.port = port;
		this.userFolder = userFolder;
		this.ownsFolder = ownsFolder;
		this.child = child;
		this.logFile = logFile;
		this.stopped = false;
		/** Queue mode: the worker processes, as { child, logFile, port }. */
		this.workers = [];
		/** Queue mode: starts one more worker (set by startN8n). */
		this.addWorker = null;
		/** Queue mode: removes the n8n database and the Redis keys after the processes are gone. */
		this.cleanup = null;
		/** Regular mode: stops the main process (SIGTERM, as a supervisor does) and starts it again (set by startN8n). */
		this.restart = null;
	}

	/** Queue mode: each worker's log, for telling which worker ran what. */
	workerLogs() {
		return this.workers.map((w) => readLog(w.logFile));
	}

	/** The last lines n8n logged, for failure messages. */
	logTail(lines = 40) {
		return lastLines(this.logFile, lines);
	}

	async stop() {
		if (this.stopped) return;
		this.stopped = true;
		// Workers first: they finish or drop their jobs before the main process (and its database) goes.
		await Promise.all(this.workers.map((w) => stopProcess(w.child)));
		await stopProcess(this.child);
		await this.cleanup?.();
		if (this.ownsFolder) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

const liveInstances = new Set();
process.on('exit', () => {
	for (const instance of liveInstances) {
		for (const child of [instance.child, ...instance.workers.map((w) => w.child)])
			killGroup(child.pid, 'SIGKILL');
		if (instance.ownsFolder) fs.rmSync(instance.userFolder, { recursive: true, force: true });
	}
});

/** n8n's settings for a private, offline instance on `port` with its user folder. */
function instanceEnv(folder, port) {
	return {
		...process.env,
		N8N_USER_FOLDER: folder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
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
}

/**
 * Starts n8n on a free port with a private user folder and this package installed.
 * Options: env (extra environment), userFolder (reuse one; kept on stop), port,
 * queue ({ workers = 2, concurrency = 10 }: n8n's queue mode, see queue.js).
 * @returns {Promise<N8nInstance>}
 */
async function startN8n({ env = {}, userFolder, port, readyTimeoutMs = 120_000, queue } = {}) {
	const p = runtime.paths();
	if (!runtime.isReady(p)) {
		throw new Error(
			'n8n is not installed in the cache: run "node dev/n8n/runtime.js ensure" (npm test does it first).',
		);
	}
	const folder = userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'booking-agents-n8n-'));
	installPackageInto(folder);
	const listenPort = port ?? (await freePort());
	const logFile = path.join(folder, 'n8n.log');
	const queueMode = queue ? await queueSettings() : null;
	const childEnv = { ...instanceEnv(folder, listenPort), ...queueMode?.env, ...env };
	// The Node.js 24 that runs n8n comes first on PATH (task runners are spawned by name).
	childEnv.PATH = `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`;
	// n8n's own temp files (data table uploads...) stay in its user folder, removed with it.
	childEnv.TMPDIR = path.join(folder, 'tmp');
	fs.mkdirSync(childEnv.TMPDIR, { recursive: true });
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
	const instance = new N8nInstance({
		port: listenPort,
		userFolder: folder,
		ownsFolder: userFolder === undefined,
		child,
		logFile,
	});
	instance.cleanup = queueMode?.cleanup ?? null;
	liveInstances.add(instance);
	const forget = () => {
		if (instance.child.exitCode !== null || instance.child.signalCode !== null)
			liveInstances.delete(instance);
	};
	child.once('exit', forget);
	if (!queue)
		instance.restart = async () => {
			// The same folder, port and settings: what a restarted service finds (its database, its waits).
			await stopProcess(instance.child);
			const again = await spawnN8n(['start'], logFile, {});
			instance.child = again;
			liveInstances.add(instance);
			again.once('exit', forget);
			await waitUntilReady(
				again,
				`${instance.baseUrl}/healthz/readiness`,
				() => lastLines(logFile),
				readyTimeoutMs,
				'n8n (restarted)',
			);
		};
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
			const options = queue === true ? {} : queue;
			const launchWorker = async () => {
				const index = instance.workers.length + 1;
				const healthPort = await freePort();
				const launch = workerLaunch(index, options, healthPort);
				const workerLog = path.join(folder, launch.logName);
				const worker = await spawnN8n(launch.args, workerLog, launch.env);
				const entry = { child: worker, logFile: workerLog, port: healthPort };
				instance.workers.push(entry);
				return entry;
			};
			const ready = (w) =>
				waitUntilReady(
					w.child,
					`http://127.0.0.1:${w.port}/healthz/readiness`,
					() => lastLines(w.logFile),
					readyTimeoutMs,
					`n8n worker ${instance.workers.indexOf(w) + 1}`,
				);
			/** Another worker like the first ones (a worker that replaces one that died), once ready. */
			instance.addWorker = async () => {
				const w = await launchWorker();
				await ready(w);
				return w;
			};
			const started = [];
			for (let i = 1; i <= (options.workers ?? 2); i++) started.push(await launchWorker());
			await Promise.all(started.map(ready));
		}
	} catch (error) {
		await instance.stop();
		throw error;
	}
	return instance;
}

module.exports = { startN8n, killStrays, freePort, N8nInstance };
