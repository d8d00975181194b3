'use strict';
// The package's programmatic API: each agent's pure logic and its zod schemas.
// n8n itself loads the nodes and credentials listed under "n8n" in package.json.
module.exports = require('./dist/nodes/api.js');
