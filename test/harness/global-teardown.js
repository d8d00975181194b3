'use strict';
// After the whole suite, even a failed one: no n8n process, IMAP server or staged package may outlive it.
const { killStrays, removeStagedPackages } = require('../../dev/n8n');
const { removeImapServers } = require('../../dev/imap-server');

module.exports = async () => {
	const run = process.env.BOOKING_AGENTS_TEST_RUN;
	const killed = killStrays(run);
	if (killed)
		process.stderr.write(
			`global teardown: killed ${killed} n8n process group(s) a test left running\n`,
		);
	removeStagedPackages(run);
	const imap = removeImapServers(run);
	if (imap)
		process.stderr.write(`global teardown: stopped ${imap} IMAP server(s) a test left running\n`);
};
