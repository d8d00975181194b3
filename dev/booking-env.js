'use strict';
/**
 * The whole business running offline: a real n8n with this package, a mail
 * catcher (a real SMTP server), a Twilio-compatible fake, the credentials the
 * templates name, and every template in workflows-templates/ imported and
 * published in dependency order (workflow and credential references mapped to
 * the ids n8n gives). Used by `npm start`, the template e2e tests and
 * `npm run bench:flows`.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { startN8n, REPO } = require('./n8n');
const { startSmtpSink } = require('./fakes/smtp-sink');
const { startTwilioFake, textIn } = require('./fakes/twilio-fake');
const { startStripeFake } = require('./fakes/stripe-fake');
const { ORDER, POSTGRES_SET } = require('../scripts/templates/build');
const { WORKFLOW_IDS, CREDENTIALS } = require('../scripts/templates/lib');

const WEBHOOK_KEY_HEADER = 'X-Booking-Key';
/** The ops board's Basic Auth user (the password is made per start and printed). */
const OPS_BOARD_USER = 'ops';
const TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000demo';
/** The Twilio credential's Auth Token: it signs the incoming texts the tests post. */
const TWILIO_AUTH_TOKEN = 'demo-auth-token';

const POSTGRES_STORE_CREDENTIAL = CREDENTIALS.bookingStore.bookingStorePostgres.name;

/** A shipped template: the SQLite set, or the PostgreSQL set (workflows-templates/postgres/). */
function readTemplate(file, postgresStore) {
	return JSON.parse(
		fs.readFileSync(
			path.join(REPO, 'workflows-templates', ...(postgresStore ? [POSTGRES_SET] : []), file),
			'utf8',
		),
	);
}

/** The settings tables' definitions and seed rows, from the built package (`npm run build`). */
function settingsTables() {
	return require(path.join(REPO, 'dist', 'nodes', 'api.js'));
}

/**
 * The settings Data Tables the templates read (Booking Business, Rate Card, Crews,
 * Hours, Holidays), as ops staff would keep them. A table that exists is kept
 * (a reused user folder keeps ops' edits) unless `reset`; only the Business
 * table's `public_url` follows this n8n's address. `business` overrides seed
 * settings, `rows` replaces a table's seed rows (by item key: crews, holidays...).
 * Returns { key: { id, name } }.
 */
async function ensureSettingsTables(n8n, { business = {}, rows = {}, reset = false } = {}) {
	const { SETTINGS_TABLES, settingsSeedRows } = settingsTables();
	const seeds = settingsSeedRows(business);
	const existing = await n8n.dataTables();
	/** @type {Record<string, { id: string, name: string }>} */
	const tables = {};
	for (const [key, table] of Object.entries(SETTINGS_TABLES)) {
		const old = existing.find((t) => t.name === table.name);
		if (old && !reset) {
			tables[key] = { id: old.id, name: table.name };
			continue;
		}
		if (old) await n8n.deleteDataTable(old.id);
		const id = await n8n.createDataTable(
			{ name: table.name, columns: table.columns },
			rows[key] ?? seeds[key],
		);
		tables[key] = { id, name: table.name };
	}
	if (business.public_url)
		await n8n.updateDataTableRows(
			tables.business.id,
			{ setting: 'public_url' },
			{ value: business.public_url },
		);
	return tables;
}

/** Nodes customised by `customize(file, workflow)`, credentials and workflow references mapped to this n8n's ids. */
function configure(workflow, file, { credentialIds, workflowIds, customize }) {
	const wf = structuredClone(workflow);
	customize?.(file, wf);
	for (const node of wf.nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			const id = credentialIds[ref.name];
			if (id) node.credentials[type] = { id, name: ref.name };
		}
		const target = node.parameters?.workflowId;
		if (target && typeof target === 'object' && workflowIds[target.value])
			node.parameters.workflowId = { ...target, value: workflowIds[target.value], mode: 'id' };
	}
	if (wf.settings?.errorWorkflow && workflowIds[wf.settings.errorWorkflow])
		wf.settings = { ...wf.settings, errorWorkflow: workflowIds[wf.settings.errorWorkflow] };
	return wf;
}

/**
 * The files `only` names and every workflow they call (Execute Workflow nodes, the error
 * workflow), transitively: Business Settings, the sub-workflows a template hands work to.
 */
function withWorkflowsCalled(only, postgresStore) {
	const fileById = Object.fromEntries(ORDER.map((f) => [readTemplate(f, postgresStore).id, f]));
	const needed = new Set();
	const visit = (file) => {
		if (needed.has(file)) return;
		needed.add(file);
		const template = readTemplate(file, postgresStore);
		const called = template.nodes
			.map((n) => n.parameters?.workflowId?.value)
			.concat(template.settings?.errorWorkflow)
			.filter((id) => fileById[id]);
		for (const id of called) visit(fileById[id]);
	};
	for (const file of only) visit(file);
	return needed;
}

/** Archives and deletes a workflow; n8n answers 409 while it is still unpublishing, so that is retried. */
async function replaceOld(n8n, id) {
	await n8n.rest('POST', `/workflows/${id}/archive`).catch(() => null);
	for (let attempt = 0; ; attempt++) {
		try {
			await n8n.rest('DELETE', `/workflows/${id}`);
			return;
		} catch (error) {
			if (!/answered 409/.test(String(error.message)) || attempt >= 40) throw error;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

/**
 * @param {{ port?: number, userFolder?: string, smtpPort?: number, env?: Record<string, string>,
 *   settings?: Record<string, string>, tableRows?: Record<string, Array<Record<string, unknown>>>, resetSettings?: boolean,
 *   customize?: (file: string, workflow: any) => void,
 *   credentials?: Array<{ name: string, type: string, data: Record<string, unknown> }>, only?: string[], parseMail?: boolean,
 *   queue?: boolean | { workers?: number, concurrency?: number }, postgresStore?: { host: string, port: number, database: string, user: string, password?: string },
 *   imap?: { host: string, port: number, user: string, password: string },
 *   openAi?: { baseUrl?: string, apiKey: string } }} [options]
 *   settings: overrides of the Booking Business table's seed values; tableRows: rows that replace a
 *   settings table's seed rows ({ crews: [...] }); resetSettings: recreate the settings tables (false
 *   keeps an existing user folder's tables, as `npm start` does); customize: change a template before import;
 *   credentials: more credentials to create; only: import just these files;
 *   queue: n8n in queue mode (main, workers, Redis, an n8n database on PostgreSQL);
 *   postgresStore: import the PostgreSQL set (workflows-templates/postgres/), its Booking Store (PostgreSQL) credential on this database;
 *   imap: the business inbox Incoming E-mail reads (dev/imap-server.js); without it that workflow is imported unpublished;
 *   openAi: the Chat's model (the OpenAI (Chat Model) credential); without it the Chat is imported unpublished.
 */
async function startBookingEnv({
	port,
	userFolder,
	smtpPort,
	parseMail = true,
	env = {},
	settings = {},
	tableRows = {},
	resetSettings = true,
	customize,
	credentials = [],
	only,
	queue,
	postgresStore,
	imap,
	openAi,
} = {}) {
	const smtp = await startSmtpSink({ port: smtpPort, parse: parseMail });
	const twilio = await startTwilioFake();
	const stripe = await startStripeFake();
	// n8n trusts both fakes' test CAs (one file) and reaches both hosts on loopback.
	const caFile = path.join(path.dirname(stripe.caFile), 'fakes-ca.pem');
	fs.writeFileSync(caFile, fs.readFileSync(twilio.caFile) + fs.readFileSync(stripe.caFile));
	let n8n;
	try {
		n8n = await startN8n({
			port,
			userFolder,
			queue,
			env: {
				...twilio.n8nEnv,
				BOOKING_AGENTS_LOOPBACK_HOSTS: [
					twilio.n8nEnv.BOOKING_AGENTS_LOOPBACK_HOSTS,
					stripe.loopbackHost,
				].join(','),
				NODE_EXTRA_CA_CERTS: caFile,
				...env,
				NODE_OPTIONS: [twilio.n8nEnv.NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' '),
			},
		});
		await n8n.setupOwner();
		const webhookKey = `demo-${crypto.randomBytes(12).toString('hex')}`;
		const signingSecret = crypto.randomBytes(24).toString('hex');
		const stripeWebhookSecret = `whsec_${crypto.randomBytes(24).toString('hex')}`;
		// Stripe posts its events to the Payments workflow, signed with the endpoint's secret.
		stripe.setWebhook(`${n8n.baseUrl}/webhook/stripe`, stripeWebhookSecret);
		const boardPassword = `board-${crypto.randomBytes(9).toString('hex')}`;
		const definitions = [
			{
				name: CREDENTIALS.webhookKey.httpHeaderAuth.name,
				type: 'httpHeaderAuth',
				data: { name: WEBHOOK_KEY_HEADER, value: webhookKey },
			},
			{
				name: CREDENTIALS.boardLogin.httpBasicAuth.name,
				type: 'httpBasicAuth',
				data: { user: OPS_BOARD_USER, password: boardPassword },
			},
			{
				name: CREDENTIALS.smtp.smtp.name,
				type: 'smtp',
				data: {
					user: 'demo',
					password: 'demo',
					host: '127.0.0.1',
					port: smtp.port,
					secure: false,
					disableStartTls: true,
					hostName: '',
				},
			},
			{
				name: CREDENTIALS.twilio.twilioApi.name,
				type: 'twilioApi',
				data: {
					authType: 'authToken',
					accountSid: TWILIO_ACCOUNT_SID,
					authToken: TWILIO_AUTH_TOKEN,
				},
			},
			{
				name: CREDENTIALS.twilioWebhook.bookingAgentsTwilioWebhook.name,
				type: 'bookingAgentsTwilioWebhook',
				data: { authToken: TWILIO_AUTH_TOKEN },
			},
			{
				name: CREDENTIALS.signingSecret.bookingAgentsSigningSecret.name,
				type: 'bookingAgentsSigningSecret',
				data: { secret: signingSecret },
			},
			{
				name: CREDENTIALS.stripeWebhook.bookingAgentsStripeWebhook.name,
				type: 'bookingAgentsStripeWebhook',
				data: { signingSecret: stripeWebhookSecret },
			},
			{
				name: CREDENTIALS.stripe.stripeApi.name,
				type: 'stripeApi',
				data: { secretKey: stripe.secretKey, signatureSecret: stripeWebhookSecret },
			},
			// The business's inbox (a Dovecot started by the caller, dev/imap-server.js): Incoming E-mail reads it.
			...(imap
				? [
						{
							name: CREDENTIALS.imap.imap.name,
							type: 'imap',
							data: {
								user: imap.user,
								password: imap.password,
								host: imap.host,
								port: imap.port,
								secure: false,
								allowUnauthorizedCerts: true,
							},
						},
					]
				: []),
			// The chat's model: an OpenAI-compatible server (the tests' fake on loopback, or OpenAI itself).
			...(openAi
				? [
						{
							name: CREDENTIALS.openAiChat.openAiApi.name,
							type: 'openAiApi',
							data: { apiKey: openAi.apiKey, url: openAi.baseUrl ?? 'https://api.openai.com/v1' },
						},
					]
				: []),
			...(postgresStore
				? [
						{
							name: POSTGRES_STORE_CREDENTIAL,
							type: 'bookingStorePostgres',
							data: { ...postgresStore, password: postgresStore.password ?? '', ssl: false },
						},
					]
				: []),
			...credentials,
		];
		/** @type {Record<string, string>} */
		const credentialIds = {};
		const existing = await n8n.rest('GET', '/credentials');
		for (const c of definitions) {
			const old = (existing.data ?? existing).find((e) => e.name === c.name && e.type === c.type);
			// A reused user folder: the mail catcher's port and the key change per start, so the credential is made anew.
			if (old) await n8n.rest('DELETE', `/credentials/${old.id}`);
			credentialIds[c.name] = await n8n.createCredential(c);
		}
		const allSettings = { public_url: `${n8n.baseUrl}/`, ...settings };
		const tables = await ensureSettingsTables(n8n, {
			business: allSettings,
			rows: tableRows,
			reset: resetSettings,
		});
		/** @type {Record<string, string>} */
		const workflowIds = {};
		/** @type {Record<string, { id: string, name: string, workflow: any }>} */
		const workflows = {};
		const existingWorkflows = await n8n.rest('GET', '/workflows');
		const needed = only ? withWorkflowsCalled(only, Boolean(postgresStore)) : null;
		for (const file of ORDER) {
			if (needed && !needed.has(file)) continue;
			const template = readTemplate(file, Boolean(postgresStore));
			const configured = configure(template, file, {
				credentialIds,
				workflowIds,
				customize,
			});
			const old = (existingWorkflows.data ?? existingWorkflows).find(
				(w) => w.name === configured.name,
			);
			// A reused user folder keeps the workflow (and its executions): it is updated to the current template.
			if (old) await replaceOld(n8n, old.id);
			const id = await n8n.importWorkflow(configured, { publish: false });
			// Without an inbox to read, Incoming E-mail is imported but not published (its trigger would
			// fail to connect); without a model, neither is the Chat.
			const needsInbox = configured.nodes.some((n) => n.credentials?.imap);
			const needsModel = configured.nodes.some((n) => n.credentials?.openAiApi);
			if ((needsInbox && !imap) || (needsModel && !openAi)) {
				workflowIds[template.id] = id;
				workflows[file] = { id, name: configured.name, workflow: configured, published: false };
				continue;
			}
			try {
				const created = await n8n.rest('GET', `/workflows/${id}`);
				await n8n.rest('POST', `/workflows/${id}/activate`, { versionId: created.versionId });
			} catch (error) {
				// Workflows started only by other workflows or by errors have nothing to publish in some n8n versions.
				// Only n8n's own message counts (its hint quotes the trigger node of any conflict, e.g. a webhook path taken).
				if (!/"message":"[^"]*(trigger|no node to start)/i.test(String(error.message))) throw error;
			}
			workflowIds[template.id] = id;
			workflows[file] = { id, name: configured.name, workflow: configured };
		}
		return {
			n8n,
			smtp,
			twilio,
			webhookKey,
			/** The agreement signing key in the Agreement Signing Secret credential. */
			signingSecret,
			/** The signing secret in the Stripe Webhook credential: what Stripe would sign its events with. */
			stripeWebhookSecret,
			/** The ops board's Basic Auth login (Ops Board Login credential). */
			board: { user: OPS_BOARD_USER, password: boardPassword },
			credentialIds,
			settings: allSettings,
			/** The settings Data Tables by item key (business, rate_card, crews, hours, holidays): { id, name }. */
			tables,
			workflows,
			workflowIds,
			/**
			 * A customer's text to the business's number, posted to Incoming Texts (/webhook/sms) as Twilio
			 * posts it, signed with the Twilio credential's Auth Token (options: `signature`, `sign`).
			 */
			async textIn(from, body, options = {}) {
				return await textIn({
					url: `${n8n.baseUrl}/webhook/sms`,
					authToken: TWILIO_AUTH_TOKEN,
					accountSid: TWILIO_ACCOUNT_SID,
					from,
					to: allSettings.sms_from ?? '+12125550100',
					body,
					...options,
				});
			},
			/** POST a JSON body to a template's webhook with the webhook key. */
			async post(pathName, body, { headers = {} } = {}) {
				return await n8n.webhook(pathName, body, {
					headers: { [WEBHOOK_KEY_HEADER]: webhookKey, ...headers },
				});
			},
			/** The Stripe fake: its API's requests, the events it posted to /webhook/stripe, faults. */
			stripe,
			async stop() {
				await n8n.stop();
				await twilio.stop();
				await stripe.stop();
				await smtp.stop();
			},
		};
	} catch (error) {
		await n8n?.stop();
		await twilio.stop();
		await stripe.stop();
		await smtp.stop();
		throw error;
	}
}

module.exports = {
	OPS_BOARD_USER,
	ensureSettingsTables,
	startBookingEnv,
	WEBHOOK_KEY_HEADER,
	WORKFLOW_IDS,
	TWILIO_ACCOUNT_SID,
	TWILIO_AUTH_TOKEN,
};
