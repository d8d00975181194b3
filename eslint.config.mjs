// n8n's own lint rules: eslint-plugin-n8n-nodes-base (community, credentials and
// nodes rulesets) and @n8n/eslint-plugin-community-nodes (recommended).
// A rule is switched off only here, each with its reason.
import tsParser from '@typescript-eslint/parser';
import * as jsonParser from 'jsonc-eslint-parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { configs as communityConfigs } from '@n8n/eslint-plugin-community-nodes';

const base = n8nNodesBase.configs;

export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'test/**',
			'gulpfile.js',
			'index.js',
			'eslint.config.mjs',
		],
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsonParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...base.community.rules,
			// The package documents itself in README.md and on npm; there is no public repository URL to point at yet.
			'n8n-nodes-base/community-package-json-repository-url-still-default': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...base.credentials.rules,
			// Same reason, for the credential class itself.
			'n8n-nodes-base/cred-class-name-unsuffixed': 'off',
			'n8n-nodes-base/cred-class-field-name-unsuffixed': 'off',
			// The rule's own doc: "Only applicable to nodes in the main repository"; community credentials link a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...base.nodes.rules,
			// These two predate NodeConnectionTypes and ask for the string 'main', which the newer
			// @n8n/community-nodes/node-connection-type-literal rule forbids; the newer rule wins.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// DESIGN.md fixes the store credential's name as bookingStorePostgres (n8n's own is plain "postgres": a database, not an API).
			'n8n-nodes-base/node-class-description-credentials-name-unsuffixed': 'off',
		},
	},
	{
		...communityConfigs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		languageOptions: {
			parser: tsParser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
		rules: {
			...communityConfigs.recommended.rules,
			// The agents ship the openai SDK (AI modes) and zod (the result schemas, exported for users); n8n installs them with the package.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// Same reason: importing those two dependencies is what shipping them is for.
			'@n8n/community-nodes/no-restricted-imports': 'off',
		},
	},
	{
		// A signing key or a webhook's token is not an API: "... Secret API" would mislead ops staff.
		files: [
			'credentials/BookingAgentsSigningSecret.credentials.ts',
			'credentials/BookingAgentsTwilioWebhook.credentials.ts',
			'credentials/BookingAgentsStripeWebhook.credentials.ts',
		],
		rules: { 'n8n-nodes-base/cred-class-field-display-name-missing-api': 'off' },
	},
	{
		// The default SQLite store lives in n8n's user folder, which only N8N_USER_FOLDER tells (as n8n itself reads it).
		files: ['nodes/shared/store/index.ts'],
		rules: { '@n8n/community-nodes/no-restricted-globals': 'off' },
	},
	{
		// The agents' pure cores have no n8n import by design (DESIGN.md: thin nodes, pure core);
		// nodes/shared/n8n.ts turns their errors into NodeOperationError/NodeApiError with itemIndex.
		files: ['nodes/**/*.ts'],
		ignores: ['nodes/**/*.node.ts', 'nodes/shared/n8n.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
