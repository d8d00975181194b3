'use strict';
// Names this test run, so the teardown's sweep only stops this run's n8n instances
// (workers inherit the variable).
const crypto = require('node:crypto');

module.exports = async () => {
	process.env.BOOKING_AGENTS_TEST_RUN = `run-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
};
