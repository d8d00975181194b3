'use strict';
// Names this test run, so the teardown's sweep only stops this run's n8n instances (workers
// inherit the variable), and gives it a temp folder of its own (hygiene.js).
const crypto = require('node:crypto');

module.exports = async () => {
	process.env.BOOKING_AGENTS_TEST_RUN = `run-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
	// Before anything else is loaded: every temp path the run computes is inside its folder.
	const { makeRunTemp } = require('./hygiene');
	process.env.TMPDIR = makeRunTemp(process.env.BOOKING_AGENTS_TEST_RUN);
};
