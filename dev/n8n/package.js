'use strict';
/**
 * Installs the built package into an n8n user folder the way n8n installs a
 * community package: into <user folder>/.n8n/nodes/node_modules/<name>, with
 * its dependencies beside it and without n8n-workflow (n8n supplies its own).
 * The tarball and its install are made once per process and copied per
 * instance; the staging folder is removed when the process exits.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-booking-agents';
/** Staging folders are named by the test run, so its teardown finds them (jest ends its workers without an exit event). */
const RUN_ID = process.env.BOOKING_AGENTS_TEST_RUN ?? `solo-${process.pid}`;
const STAGE_PREFIX = 'booking-agents-pkg-';

let staged = null;

function stagePackage() {
	if (staged && fs.existsSync(staged.nodesDir)) return staged.nodesDir;
	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'api.js'))) {
		throw new Error('dist/ is missing: run "npm run build" before starting n8n.');
	}
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), `${STAGE_PREFIX}${RUN_ID}-`));
	staged = { stage, nodesDir: path.join(stage, 'nodes') };
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', stage], {
		cwd: REPO,
		encoding: 'utf8',
	});
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	const tarball = path.join(stage, pack.stdout.trim().split('\n').pop());
	fs.mkdirSync(staged.nodesDir);
	fs.writeFileSync(
		path.join(staged.nodesDir, 'package.json'),
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
		{ cwd: staged.nodesDir, encoding: 'utf8' },
	);
	if (install.status !== 0)
		throw new Error(`installing the package for n8n failed: ${install.stderr}`);
	fs.rmSync(path.join(staged.nodesDir, 'node_modules', 'n8n-workflow'), {
		recursive: true,
		force: true,
	});
	return staged.nodesDir;
}

process.on('exit', () => {
	if (staged) fs.rmSync(staged.stage, { recursive: true, force: true });
});

/** Copies the staged install into the user folder; returns where the package landed. */
function installPackageInto(userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.dirname(nodesDir), { recursive: true });
	fs.cpSync(stagePackage(), nodesDir, { recursive: true });
	return path.join(nodesDir, 'node_modules', PACKAGE_NAME);
}

/** Removes the staging folders a run left (all of them, or only `run`'s). */
function removeStagedPackages(run) {
	for (const name of fs.readdirSync(os.tmpdir())) {
		if (name.startsWith(run ? `${STAGE_PREFIX}${run}-` : STAGE_PREFIX))
			fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
	}
}

module.exports = { installPackageInto, removeStagedPackages, PACKAGE_NAME, REPO };
