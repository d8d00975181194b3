'use strict';
/** A real n8n for tests, benchmarks and `npm start`: the process (and queue mode), its REST client, the pinned install. */
const { startN8n, killStrays, freePort, N8nInstance } = require('./process');
const { postToResumeUrl, OWNER } = require('./rest');
const { redisClient } = require('./queue');
const { PACKAGE_NAME, REPO, removeStagedPackages } = require('./package');

module.exports = {
	startN8n,
	killStrays,
	freePort,
	N8nInstance,
	postToResumeUrl,
	OWNER,
	redisClient,
	PACKAGE_NAME,
	REPO,
	removeStagedPackages,
};
