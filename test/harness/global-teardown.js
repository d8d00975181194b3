'use strict';
// After the whole suite, even a failed one: no n8n process, IMAP server, temp file, test
// database or Redis key of this run may outlive it. The staged package is the teardown's to
// remove; anything else still there is a test that did not clean up: removed, and the run fails.
const { killStrays, removeStagedPackages } = require('../../dev/n8n');
const { removeImapServers } = require('../../dev/imap-server');
const { sweep } = require('./hygiene');

module.exports = async () => {
	const run = process.env.BOOKING_AGENTS_TEST_RUN;
	const left = [];
	const killed = killStrays(run);
	if (killed) left.push(`${killed} n8n process group(s) still running`);
	removeStagedPackages(run);
	const imap = removeImapServers(run);
	if (imap) left.push(`${imap} IMAP server(s) still running`);
	if (process.env.TMPDIR?.includes(`booking-agents-run-${run}`))
		left.push(...(await sweep(process.env.TMPDIR)));
	if (left.length)
		throw new Error(
			`The test run left these behind (now removed; the test that made them must remove them, also when it fails):\n  - ${left.join('\n  - ')}`,
		);
};
