/**
 * `npm start` as a person runs it and stops it. npm runs the script through a shell, and a kill
 * sent to npm (or its shell) reaches neither the script nor what it started: the script must
 * notice that the process that started it is gone and stop n8n, the mail catcher and the fakes.
 * Here the script runs under a shell exactly so; the shell is killed as `kill <pid>` would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort } from '../../dev/n8n';

jest.setTimeout(420_000);

const REPO = path.join(__dirname, '..', '..');
let shell: ChildProcess | null = null;
let userFolder: string;

afterAll(() => {
	// Whatever the test saw: the whole group it started goes, and its user folder.
	if (shell?.pid) {
		try {
			process.kill(-shell.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
});

const answers = async (url: string) => {
	try {
		await fetch(url, { signal: AbortSignal.timeout(2000) });
		return true;
	} catch {
		return false;
	}
};

it('killing the shell that ran `npm start` stops n8n and the mail catcher it started', async () => {
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-start-'));
	const port = await freePort();
	const catcherPort = await freePort();
	shell = spawn('sh', ['-c', 'node dev/start.js'], {
		cwd: REPO,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			N8N_PORT: String(port),
			DEMO_CATCHER_PORT: String(catcherPort),
			BOOKING_AGENTS_USER_FOLDER: userFolder,
		},
	});
	let output = '';
	shell.stdout!.on('data', (chunk) => (output += chunk));
	shell.stderr!.on('data', (chunk) => (output += chunk));
	for (const deadline = Date.now() + 360_000; !output.includes('Press Ctrl-C to stop.');) {
		if (Date.now() > deadline || shell.exitCode !== null)
			throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const n8nUrl = `http://127.0.0.1:${port}/healthz`;
	const catcherUrl = `http://127.0.0.1:${catcherPort}/messages`;
	expect(await answers(n8nUrl)).toBe(true);
	expect(await answers(catcherUrl)).toBe(true);

	process.kill(shell.pid!, 'SIGTERM');
	let stopped = false;
	for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
		// Everything it started is stopped (the inbox and the fakes too) when it says so.
		if (output.includes('Stopped.') && !(await answers(n8nUrl)) && !(await answers(catcherUrl))) {
			stopped = true;
			break;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	expect({ stopped, said: output.includes('Stopping n8n...') }).toEqual({
		stopped: true,
		said: true,
	});
});
