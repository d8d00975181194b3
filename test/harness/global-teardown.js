'use strict';
// After the whole suite, even a failed one: no n8n process and no staged package may outlive it.
const { killStrays, removeStagedPackages } = require('../../dev/n8n');

module.exports = async () => {
	const run = process.env.BOOKING_AGENTS_TEST_RUN;
	const killed = killStrays(run);
	if (killed)
		process.stderr.write(
			`global teardown: killed ${killed} n8n process group(s) a test left running\n`,
		);
	removeStagedPackages(run);
};
