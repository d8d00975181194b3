'use strict';
// Three layers (docs/architecture.md): unit (pure logic), workflow (workflow JSON run
// in-process by n8n-core), e2e (a real n8n with the package installed).
const path = require('node:path');
const runtime = require('../dev/n8n/runtime');

const root = path.resolve(__dirname, '..');
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }],
};
const common = {
	rootDir: root,
	testEnvironment: 'node',
	transform,
	moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
	rootDir: root,
	globalSetup: '<rootDir>/test/harness/global-setup.js',
	globalTeardown: '<rootDir>/test/harness/global-teardown.js',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...common,
			displayName: 'workflow',
			testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
			// One n8n-workflow for n8n-core and our nodes alike, as inside n8n.
			moduleNameMapper: { '^n8n-workflow$': path.join(runtime.paths().modules, 'n8n-workflow') },
		},
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
