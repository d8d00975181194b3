'use strict';
/**
 * Workflow tests (layer 2): runs workflow JSON in-process with n8n-core's
 * WorkflowExecute from the pinned n8n, with our built node types and the
 * n8n-nodes-base nodes loaded. Fast enough for every change: no server, no
 * database, real expression resolution and real node execution.
 */
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('../../dev/n8n/runtime');

const REPO = path.resolve(__dirname, '..', '..');
const modules = runtime.paths().modules;
const fromN8n = (name) => require(path.join(modules, name));

const { WorkflowExecute, ExecutionLifecycleHooks } = fromN8n('n8n-core');
const workflowLib = fromN8n('n8n-workflow');
const { Workflow, NodeHelpers } = workflowLib;

/** Our node and credential types, from the built package (the files n8n loads). */
function loadOwnTypes() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const nodes = {};
	for (const file of pkg.n8n.nodes) {
		const exported = require(path.join(REPO, file));
		for (const NodeClass of Object.values(exported)) {
			const instance = new NodeClass();
			nodes[`${pkg.name}.${instance.description.name}`] = instance;
		}
	}
	const credentials = {};
	for (const file of pkg.n8n.credentials) {
		const exported = require(path.join(REPO, file));
		for (const CredentialClass of Object.values(exported)) {
			const instance = new CredentialClass();
			credentials[instance.name] = instance;
		}
	}
	return { nodes, credentials };
}

/** n8n-nodes-base nodes are loaded lazily by type name from the package's own list. */
function baseNodeLoader() {
	const basePkg = JSON.parse(
		fs.readFileSync(path.join(modules, 'n8n-nodes-base', 'package.json'), 'utf8'),
	);
	const cache = {};
	const byName = {};
	for (const file of basePkg.n8n.nodes) {
		const base = path.basename(file, '.node.js');
		byName[base.charAt(0).toLowerCase() + base.slice(1)] = path.join(
			modules,
			'n8n-nodes-base',
			file,
		);
	}
	return (shortName) => {
		if (cache[shortName]) return cache[shortName];
		const file = byName[shortName];
		if (!file) return undefined;
		const exported = require(file);
		const NodeClass = Object.values(exported)[0];
		cache[shortName] = new NodeClass();
		return cache[shortName];
	};
}

class NodeTypes {
	constructor(own) {
		this.own = own;
		this.loadBase = baseNodeLoader();
	}

	getByName(type) {
		if (this.own[type]) return this.own[type];
		if (type.startsWith('n8n-nodes-base.')) {
			const node = this.loadBase(type.slice('n8n-nodes-base.'.length));
			if (node) return node;
		}
		throw new Error(`Unknown node type "${type}" in the in-process runner`);
	}

	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Credentials by type, as n8n would decrypt them; authenticate applies the type's generic auth. */
class CredentialsHelper {
	constructor(types, data) {
		this.types = types;
		this.data = data;
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(credentials, typeName, requestOptions) {
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials() {
		throw new Error('not used in tests');
	}

	async getDecrypted(_additionalData, _nodeCredentials, type) {
		if (!this.data[type])
			throw new Error(`No credentials of type "${type}" were given to the test`);
		return this.data[type];
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type) {
		return this.types[type]?.properties ?? [];
	}
}

let ownTypes = null;

/**
 * Runs a workflow and resolves with { status, runData, error, output(nodeName) }.
 * `input` is the JSON of the item given to the start node (use a No Operation node there: a Manual Trigger would emit its own empty item).
 */
async function runWorkflow(workflowJson, { input = {}, credentials = {} } = {}) {
	ownTypes ??= loadOwnTypes();
	const nodeTypes = new NodeTypes(ownTypes.nodes);
	const workflow = new Workflow({
		id: 'in-process-test',
		name: workflowJson.name,
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
		nodeTypes,
		settings: workflowJson.settings ?? { executionOrder: 'v1' },
		active: false,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'in-process-1', {
		id: 'in-process-test',
		...workflowJson,
	});
	let resolveRun;
	const finished = new Promise((resolve) => {
		resolveRun = resolve;
	});
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	const additionalData = {
		hooks,
		credentialsHelper: new CredentialsHelper(ownTypes.credentials, credentials),
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not run in-process');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Code nodes need task runners; use the e2e layer for them');
		},
	};
	// The start node is the first node nothing connects into.
	const targets = new Set(
		Object.values(workflowJson.connections).flatMap((byType) =>
			Object.values(byType)
				.flat(2)
				.map((c) => c?.node),
		),
	);
	const startNode = workflow.getNode(workflowJson.nodes.find((n) => !targets.has(n.name)).name);
	const runExecutionData = workflowLib.createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: input }]] }, source: null }],
		},
	});
	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	const runData = run.data.resultData.runData;
	return {
		status: run.status,
		error: run.data.resultData.error ?? null,
		runData,
		/** The items a node output on its first run (output index 0 unless given). */
		output(nodeName, outputIndex = 0) {
			const task = runData[nodeName]?.[0];
			if (!task)
				throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(runData).join(', ')}`);
			if (task.error) throw new Error(`node "${nodeName}" failed: ${task.error.message}`);
			return task.data.main[outputIndex] ?? [];
		},
		nodeError(nodeName) {
			return runData[nodeName]?.[0]?.error ?? null;
		},
	};
}

module.exports = { runWorkflow };
