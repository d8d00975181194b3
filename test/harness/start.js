'use strict';
/**
 * npm start: a real n8n (the pinned version) on http://localhost:5678 with
 * this package installed, every template in workflows-templates/ imported and
 * published, and an owner account ready. The user folder is kept between
 * runs (in the cache folder), so work done in the editor survives a restart.
 * Ctrl-C stops n8n.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const runtime = require('./n8n-runtime');
const { startN8n, OWNER, REPO } = require('./n8n-instance');

async function portIsFree(port) {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

function readTemplates() {
	const dir = path.join(REPO, 'workflows-templates');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

async function main() {
	const p = runtime.ensure();
	const port = Number(process.env.N8N_PORT ?? 5678);
	if (!(await portIsFree(port))) {
		throw new Error(`port ${port} is already in use. Stop the other n8n, or choose a port: N8N_PORT=5679 npm start`);
	}
	const userFolder = process.env.BOOKING_AGENTS_USER_FOLDER ?? path.join(path.dirname(p.dir), 'start-user-folder');
	fs.mkdirSync(userFolder, { recursive: true });
	console.log(`Starting n8n ${runtime.N8N_VERSION} with n8n-nodes-booking-agents (user folder ${userFolder})...`);
	const n8n = await startN8n({ userFolder, port, env: { N8N_HOST: 'localhost', N8N_EDITOR_BASE_URL: `http://localhost:${port}/`, WEBHOOK_URL: `http://localhost:${port}/` } });

	const stop = async () => {
		console.log('\nStopping n8n...');
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	await n8n.setupOwner();
	const existing = await n8n.rest('GET', '/workflows');
	const existingNames = new Set((existing.data ?? existing).map((w) => w.name));
	for (const { file, workflow } of readTemplates()) {
		if (existingNames.has(workflow.name)) {
			console.log(`  template ${file}: already imported`);
			continue;
		}
		try {
			await n8n.importWorkflow(workflow, { publish: true });
			console.log(`  template ${file}: imported and published`);
		} catch (error) {
			// A template whose trigger needs a credential you have not set yet is imported unpublished.
			const id = await n8n.importWorkflow(workflow, { publish: false }).catch(() => null);
			console.log(`  template ${file}: imported${id ? '' : ' failed'}, not published (${String(error.message).slice(0, 160)})`);
		}
	}

	console.log(`
n8n is running with the booking agents:

  Editor:   http://localhost:${port}
  Login:    ${OWNER.email}
  Password: ${OWNER.password}

  Try it:   curl -s -X POST http://localhost:${port}/webhook/inquiry -H 'content-type: application/json' \\
              -d '{"message": "Pipe burst in the basement, water everywhere!", "channel": "sms"}'

  n8n log:  ${n8n.logFile}
Press Ctrl-C to stop.`);
	await new Promise((resolve) => n8n.child.once('exit', resolve));
	console.log(`n8n exited (code ${n8n.child.exitCode}). Last log lines:\n${n8n.logTail(20)}`);
	process.exit(n8n.child.exitCode ?? 1);
}

main().catch((error) => {
	console.error(`npm start: ${error.message}`);
	process.exit(1);
});
