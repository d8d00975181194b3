'use strict';
/**
 * Drives a running n8n over HTTP, as its editor and its callers do: the
 * owner's REST session (set-up or log-in), workflows imported and published,
 * credentials, production webhooks, Wait nodes' resume URLs, and executions
 * read back with their run data.
 */
const path = require('node:path');

const runtime = require('./runtime');

const OWNER = {
	email: 'owner@example.com',
	password: 'Owner-Passw0rd!',
	firstName: 'Ops',
	lastName: 'Owner',
};
const BROWSER_ID = 'booking-agents-harness';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A data table filter: every column of `match` equals its value. */
const matchFilter = (match) => ({
	type: 'and',
	filters: Object.entries(match).map(([columnName, value]) => ({
		columnName,
		condition: 'eq',
		value,
	})),
});

class N8nClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = null;
	}

	/**
	 * Calls n8n's REST API as the owner; returns the answer's `data`.
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async rest(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': BROWSER_ID,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : null;
		} catch {
			json = null;
		}
		if (!response.ok) {
			throw new Error(
				`n8n REST ${method} ${route} answered ${response.status}: ${text.slice(0, 500)}`,
			);
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	async setupOwner(owner = OWNER) {
		try {
			await this.rest('POST', '/owner/setup', owner);
		} catch (error) {
			// Already set up (a reused user folder): log in instead.
			if (!/400|403/.test(String(error.message))) throw error;
			await this.rest('POST', '/login', {
				emailOrLdapLoginId: owner.email,
				password: owner.password,
			});
		}
		return owner;
	}

	/** Creates a workflow from its JSON and publishes it; returns its id. */
	async importWorkflow(workflow, { publish = true } = {}) {
		const { id: _ignored, active: _active, versionId: _version, ...body } = workflow;
		const created = await this.rest('POST', '/workflows', {
			...body,
			settings: body.settings ?? { executionOrder: 'v1' },
		});
		if (publish)
			await this.rest('POST', `/workflows/${created.id}/activate`, {
				versionId: created.versionId,
			});
		return created.id;
	}

	/** The owner's personal project, where data tables live (its id is in their REST routes). */
	async personalProjectId() {
		this.projectId ??= (await this.rest('GET', '/projects/personal')).id;
		return this.projectId;
	}

	/** The project's data tables: [{ id, name, columns }]. */
	async dataTables() {
		const project = await this.personalProjectId();
		const list = await this.rest('GET', `/projects/${project}/data-tables?take=500`);
		return list.data ?? list;
	}

	/** Creates a data table ({ name, columns: [{ name, type }] }) with rows; returns its id. */
	async createDataTable({ name, columns }, rows = []) {
		const project = await this.personalProjectId();
		const created = await this.rest('POST', `/projects/${project}/data-tables`, {
			name,
			columns,
		});
		if (rows.length) await this.insertDataTableRows(created.id, rows);
		return created.id;
	}

	/** Adds rows to a data table, as a new row in the grid does. */
	async insertDataTableRows(id, rows) {
		const project = await this.personalProjectId();
		await this.rest('POST', `/projects/${project}/data-tables/${id}/insert`, { data: rows });
	}

	/** Deletes the rows where every `match` column equals its value. */
	async deleteDataTableRows(id, match) {
		const project = await this.personalProjectId();
		const filter = encodeURIComponent(JSON.stringify(matchFilter(match)));
		await this.rest('DELETE', `/projects/${project}/data-tables/${id}/rows?filter=${filter}`);
	}

	async deleteDataTable(id) {
		const project = await this.personalProjectId();
		await this.rest('DELETE', `/projects/${project}/data-tables/${id}`);
	}

	/** A data table's rows, as its grid in the editor shows them (n8n's id, the columns, timestamps). */
	async dataTableRows(id) {
		const project = await this.personalProjectId();
		const page = await this.rest('GET', `/projects/${project}/data-tables/${id}/rows?take=1000`);
		return page.data ?? page;
	}

	/** Sets `data` on the rows where every `match` column equals its value, as an edit in the grid does. */
	async updateDataTableRows(id, match, data) {
		const project = await this.personalProjectId();
		return await this.rest('PATCH', `/projects/${project}/data-tables/${id}/rows`, {
			filter: matchFilter(match),
			data,
			returnData: true,
		});
	}

	async createCredential(credential) {
		const created = await this.rest('POST', '/credentials', credential);
		return created.id;
	}

	/**
	 * Calls a production webhook.
	 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
	 */
	async webhook(pathName, body, { method = 'POST', headers = {} } = {}) {
		const response = await fetch(`${this.baseUrl}/webhook/${pathName}`, {
			method,
			headers: { 'content-type': 'application/json', ...headers },
			body: method === 'GET' ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body: parsed, headers: response.headers };
	}

	/** Waits until a production webhook is registered (n8n answers /healthz well before that). */
	async waitForWebhook(pathName, { timeoutMs = 90_000, method = 'POST', probeBody = {} } = {}) {
		const deadline = Date.now() + timeoutMs;
		let last;
		while (Date.now() < deadline) {
			try {
				last = await this.webhook(pathName, probeBody, { method });
				if (last.status !== 404) return last;
			} catch (error) {
				last = error;
			}
			await sleep(500);
		}
		throw new Error(
			`webhook ${pathName} was not registered within ${timeoutMs} ms; last answer: ${JSON.stringify(last?.body ?? String(last))}\n${this.logTail?.() ?? ''}`,
		);
	}

	/**
	 * The executions of a workflow, newest first, with their full data.
	 * @returns {Promise<any[]>}
	 */
	async executions(workflowId, { limit = 20 } = {}) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await this.rest('GET', `/executions?filter=${filter}&limit=${limit}`);
		const results = list.results ?? list;
		return await Promise.all(results.map(async (e) => await this.execution(e.id)));
	}

	/**
	 * Waits until a workflow has at least `count` executions in `status`; returns them, newest first.
	 * @returns {Promise<any[]>}
	 */
	async waitForExecutions(workflowId, status, { count = 1, timeoutMs = 30_000, limit = 50 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId, { limit });
			const matching = executions.filter((e) => e.status === status);
			if (matching.length >= count) return matching;
			if (Date.now() > deadline)
				throw new Error(
					`no ${count} ${status} execution(s) of workflow ${workflowId}; statuses: ${executions.map((e) => e.status).join(', ')}`,
				);
			await sleep(300);
		}
	}

	/**
	 * One execution with its run data parsed (n8n stores it in its flatted format).
	 * @returns {Promise<any>}
	 */
	async execution(id) {
		const execution = await this.rest('GET', `/executions/${id}`);
		if (typeof execution.data === 'string') {
			const { parse } = require(path.join(runtime.paths().modules, 'flatted'));
			execution.data = parse(execution.data);
		}
		return execution;
	}
}

/**
 * POSTs JSON to a Wait node's resume URL (a reply link, a signing link). n8n
 * answers 409 until the execution is parked at the Wait node, so that is retried.
 * @returns {Promise<Response>}
 */
async function postToResumeUrl(url, body, { headers = {}, timeoutMs = 10_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
		if (response.status !== 409 || Date.now() > deadline) return response;
		await sleep(250);
	}
}

module.exports = { N8nClient, postToResumeUrl, OWNER, sleep };
