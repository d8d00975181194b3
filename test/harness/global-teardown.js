'use strict';
// After the whole suite, even a failed one: no n8n process may outlive it.
const { killStrays } = require('./n8n-instance');

module.exports = async () => {
	const killed = killStrays(process.env.BOOKING_AGENTS_TEST_RUN);
	if (killed)
		process.stderr.write(
			`global teardown: killed ${killed} n8n process group(s) a test left running\n`,
		);
};
