'use strict';
/**
 * Small helpers that write n8n workflow JSON: nodes with stable ids, the
 * connections map, sticky notes, and the conventions every template shares
 * (header-authenticated webhooks, body checks that answer 400, delivery nodes
 * that retry and route failures to escalation).
 */
const crypto = require('node:crypto');

const { layOut } = require('./layout');

/** A stable UUID from a name, so regenerating a template changes nothing that did not change. */
function stableId(...parts) {
	const h = crypto.createHash('sha256').update(parts.join('|')).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Placeholder credentials: the editor asks for them on import; `npm start` fills them for the demo. */
const CREDENTIALS = {
	webhookKey: { httpHeaderAuth: { id: 'REPLACE-webhook-key', name: 'Booking Webhook Key' } },
	boardLogin: { httpBasicAuth: { id: 'REPLACE-ops-board-login', name: 'Ops Board Login' } },
	smtp: { smtp: { id: 'REPLACE-business-mail', name: 'Business Mail (SMTP)' } },
	twilio: { twilioApi: { id: 'REPLACE-twilio', name: 'Twilio' } },
	imap: { imap: { id: 'REPLACE-business-inbox', name: 'Business Inbox (IMAP)' } },
	openAiChat: { openAiApi: { id: 'REPLACE-openai-chat', name: 'OpenAI (Chat Model)' } },
	twilioWebhook: {
		bookingAgentsTwilioWebhook: {
			id: 'REPLACE-twilio-webhook',
			name: 'Twilio Webhook (Auth Token)',
		},
	},
	signingSecret: {
		bookingAgentsSigningSecret: { id: 'REPLACE-signing-secret', name: 'Agreement Signing Secret' },
	},
	stripe: { stripeApi: { id: 'REPLACE-stripe', name: 'Stripe' } },
	stripeWebhook: {
		bookingAgentsStripeWebhook: {
			id: 'REPLACE-stripe-webhook',
			name: 'Stripe Webhook (Signing Secret)',
		},
	},
	bookingStore: {
		bookingStorePostgres: { id: 'REPLACE-booking-store', name: 'Booking Store (PostgreSQL)' },
	},
};

/** The agents that keep bookings, agreements and opt-outs in the booking store (they have its Store parameter). */
const STORE_NODE_TYPES = new Set(
	['schedulingAgent', 'contractAgent', 'confirmationAgent', 'bookingRecords']
		// n8n makes each of them a tool for its AI Agent too (the type's name ends in Tool).
		.flatMap((t) => [t, `${t}Tool`])
		.map((t) => `n8n-nodes-booking-agents.${t}`),
);

const POSTGRES_NOTE =
	'**This copy keeps bookings in PostgreSQL** (queue mode): the nodes that use the booking store have the *Booking Store (PostgreSQL)* credential.';

/** The PostgreSQL set's change to a node: Store: PostgreSQL and the Booking Store (PostgreSQL) credential on every store-using node. */
function withPostgresStore(node) {
	if (!STORE_NODE_TYPES.has(node.type)) return node;
	return {
		...node,
		parameters: { ...node.parameters, store: 'postgres' },
		credentials: { ...node.credentials, ...CREDENTIALS.bookingStore },
	};
}

/** Workflow ids the templates refer to each other by (the importer maps them to the ids n8n gives). */
const WORKFLOW_IDS = {
	businessSettings: 'bkBusinessSetgs0',
	errorEscalation: 'bkErrorEscalate0',
	humanQueue: 'bkHumanQueue0000',
	simpleBooking: 'bkSimpleBooking0',
	onboarding: 'bkOnboarding0000',
	notAFit: 'bkNotAFit0000000',
	agreementSigning: 'bkAgreementSign0',
	opsBoard: 'bkOpsBoard000000',
	weeklyNumbers: 'bkWeeklyNumbers0',
	customerLinks: 'bkCustomerLinks0',
	askForDetails: 'bkAskForDetails0',
	findATime: 'bkFindATime00000',
	onCallDispatcher: 'bkOnCallDispatch',
	crewVisits: 'bkCrewVisits0000',
	crewSteps: 'bkCrewSteps00000',
	customerChanges: 'bkCustomerChange',
	findSeriesTime: 'bkFindSeriesTime',
	opsDecision: 'bkOpsDecision000',
	agreementNotSigned: 'bkAgreementUnsig',
	incomingTexts: 'bkIncomingTexts0',
	emergency: 'bkEmergencyDisp0',
	webForm: 'bkWebForm0000000',
	incomingEmail: 'bkIncomingMail00',
	chat: 'bkChat0000000000',
	outbox: 'bkOutbox00000000',
	calloutFee: 'bkCalloutFee0000',
	bookingDeposit: 'bkBookingDepos0',
	depositBack: 'bkDepositBack000',
};

class Workflow {
	constructor(key, name, settings = {}) {
		this.key = key;
		this.name = name;
		this.nodes = [];
		this.connections = {};
		this.settings = { executionOrder: 'v1', ...settings };
		/** The canvas's sections in order: { title, text, color, row, nodes }; each node belongs to one. */
		this.sections = [];
		this.current = null;
	}

	/**
	 * Starts a section of the canvas: the nodes added next belong to it, framed by a
	 * sticky note with this title and text. Sections go left to right in the order
	 * they are started and wrap to a new row when a row is full (`newRow` starts one).
	 */
	section(title, text, { newRow = false, color } = {}) {
		if (this.sections.some((s) => s.title === title))
			throw new Error(`${this.name}: two sections named ${title}`);
		this.current = { title, text, newRow, color, nodes: [] };
		this.sections.push(this.current);
		return title;
	}

	/** Adds the next nodes to a section started earlier. */
	inSection(title) {
		this.current = this.sections.find((s) => s.title === title);
		if (!this.current) throw new Error(`${this.name}: no section ${title}`);
	}

	/**
	 * Adds a node to the current section. `position` is only where it starts: toJSON lays
	 * every node out (layout.js), so builders need not place nodes.
	 */
	add(name, type, typeVersion, parameters, position, extra = {}) {
		if (this.nodes.some((n) => n.name === name))
			throw new Error(`${this.name}: two nodes named ${name}`);
		if (!this.current) throw new Error(`${this.name}: ${name} is added before any section`);
		this.current.nodes.push(name);
		this.nodes.push({
			parameters,
			id: stableId(this.key, name),
			name,
			type,
			typeVersion,
			position,
			...extra,
		});
		return name;
	}

	/** from's output `output` (0 = main/true, 1 = false/error...) into to's input `input` (a Merge has two). */
	connect(from, to, output = 0, input = 0) {
		if (!this.nodes.some((n) => n.name === from)) throw new Error(`${this.name}: no node ${from}`);
		if (!this.nodes.some((n) => n.name === to)) throw new Error(`${this.name}: no node ${to}`);
		const outputs = ((this.connections[from] ??= {}).main ??= []);
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: input });
	}

	/** An AI Agent's sub-node: from (a model, memory or tool) into the agent's `type` input (ai_tool...). */
	connectAi(from, to, type) {
		if (!this.nodes.some((n) => n.name === from)) throw new Error(`${this.name}: no node ${from}`);
		if (!this.nodes.some((n) => n.name === to)) throw new Error(`${this.name}: no node ${to}`);
		const outputs = ((this.connections[from] ??= {})[type] ??= [[]]);
		outputs[0].push({ node: to, type, index: 0 });
	}

	chain(...names) {
		for (let i = 1; i < names.length; i++) this.connect(names[i - 1], names[i]);
	}

	/** Puts `name` (added already) in front of `target`: whatever led to `target` leads to it, and it to `target`. */
	insertBefore(target, name) {
		for (const outputs of Object.values(this.connections))
			for (const output of outputs.main ?? [])
				for (const link of output) if (link.node === target) link.node = name;
		this.connect(name, target);
	}

	/** The workflow as n8n imports it, laid out; `postgresStore`: the PostgreSQL set's copy. */
	toJSON({ postgresStore = false } = {}) {
		let nodes = structuredClone(this.nodes);
		const sections = structuredClone(this.sections);
		if (postgresStore && nodes.some((n) => STORE_NODE_TYPES.has(n.type))) {
			nodes = nodes.map(withPostgresStore);
			sections[0].text = `${sections[0].text}\n\n${POSTGRES_NOTE}`;
		}
		return {
			id: WORKFLOW_IDS[this.key],
			name: this.name,
			nodes: layOut({
				key: this.key,
				nodes,
				connections: this.connections,
				sections,
				stableId,
			}),
			connections: this.connections,
			active: false,
			settings: this.settings,
			pinData: {},
			meta: { templateCredsSetupCompleted: false },
			tags: [],
		};
	}
}

// ---- n8n's own nodes, with the parameters these templates use ----

/**
 * The business's settings live in n8n Data Tables that ops staff edit (see
 * nodes/shared/settings). One workflow reads them; every template calls it
 * first, through this node named "Business Settings": the item comes back with
 * the tables' rows under `settings` (the agents read them there) and the
 * Business table's values as fields (business_name, ops_email...) for the
 * templates' own expressions, as a Set node of that name used to give them.
 */
const settingsNode = (wf, position) =>
	// eslint-disable-next-line no-use-before-define
	callWorkflow(wf, 'Business Settings', 'businessSettings', SETTINGS_WORKFLOW_NAME, position);

const setRaw = (wf, name, expression, position) =>
	wf.add(
		name,
		'n8n-nodes-base.set',
		3.4,
		{ mode: 'raw', jsonOutput: `={{ ${expression} }}`, options: {} },
		position,
	);

const ifTrue = (wf, name, expression, position) =>
	wf.add(
		name,
		'n8n-nodes-base.if',
		2.2,
		{
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [
					{
						id: stableId(wf.key, name, 'condition'),
						leftValue: `={{ ${expression} }}`,
						rightValue: '',
						operator: { type: 'boolean', operation: 'true', singleValue: true },
					},
				],
				combinator: 'and',
			},
			looseTypeValidation: true,
			options: {},
		},
		position,
	);

/** A Switch whose outputs are named: the expression returns the index of the output to take. */
const switchOn = (wf, name, outputs, expression, position) =>
	wf.add(
		name,
		'n8n-nodes-base.switch',
		3.2,
		{ mode: 'expression', numberOutputs: outputs.length, output: `={{ ${expression} }}` },
		position,
		{ notes: `Outputs: ${outputs.map((o, i) => `${i} ${o}`).join(', ')}`, notesInFlow: true },
	);

const respond = (wf, name, status, bodyExpression, position) =>
	wf.add(
		name,
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'json',
			responseBody: `={{ ${bodyExpression} }}`,
			options: { responseCode: status },
		},
		position,
	);

/** Answers with the incoming item as it is (no expression to evaluate). */
const respondItem = (wf, name, status, position) =>
	wf.add(
		name,
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{ respondWith: 'firstIncomingItem', options: { responseCode: status } },
		position,
	);

const webhook = (wf, name, path, position) =>
	wf.add(
		name,
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path,
			authentication: 'headerAuth',
			responseMode: 'responseNode',
			options: {},
		},
		position,
		{
			webhookId: stableId(wf.key, name, 'webhook'),
			credentials: CREDENTIALS.webhookKey,
		},
	);

const subWorkflowTrigger = (wf, name, position) =>
	wf.add(
		name,
		'n8n-nodes-base.executeWorkflowTrigger',
		1.1,
		{ inputSource: 'passthrough' },
		position,
	);

const callWorkflow = (wf, name, workflowKey, cachedName, position, { wait = true } = {}) =>
	wf.add(
		name,
		'n8n-nodes-base.executeWorkflow',
		1.2,
		{
			workflowId: {
				__rl: true,
				value: WORKFLOW_IDS[workflowKey],
				mode: 'list',
				cachedResultName: cachedName,
			},
			options: { waitForSubWorkflow: wait },
		},
		position,
	);

/** Delivery nodes retry three times a few seconds apart, then take their error output. */
const DELIVERY = {
	retryOnFail: true,
	maxTries: 3,
	waitBetweenTries: 2000,
	onError: 'continueErrorOutput',
};

/** `from` (name and address expressions) defaults to Business Settings; where the item is a case, the case's business is nearer. */
const sendEmail = (
	wf,
	name,
	{
		to,
		subject,
		text,
		html,
		attachments,
		from = {
			name: "$('Business Settings').first().json.business_name",
			address: "$('Business Settings').first().json.business_email",
		},
	},
	position,
) =>
	wf.add(
		name,
		'n8n-nodes-base.emailSend',
		2.1,
		{
			fromEmail: `={{ ${from.name} }} <{{ ${from.address} }}>`,
			toEmail: `={{ ${to} }}`,
			subject: `={{ ${subject} }}`,
			emailFormat: html ? 'both' : 'text',
			text: `={{ ${text} }}`,
			...(html ? { html: `={{ ${html} }}` } : {}),
			options: { appendAttribution: false, ...(attachments ? { attachments } : {}) },
		},
		position,
		{ credentials: CREDENTIALS.smtp, ...DELIVERY },
	);

/** `from` defaults to Business Settings; where the item is a case, the case's business is nearer. */
const sendSms = (
	wf,
	name,
	{ to, message, from = "$('Business Settings').first().json.sms_from" },
	position,
) =>
	wf.add(
		name,
		'n8n-nodes-base.twilio',
		1,
		{ from: `={{ ${from} }}`, to: `={{ ${to} }}`, message: `={{ ${message} }}`, options: {} },
		position,
		{
			credentials: CREDENTIALS.twilio,
			...DELIVERY,
		},
	);

/**
 * Stripe refunds a deposit's payment (POST /v1/refunds), as the Contract Agent's *Refund a
 * Deposit* put it under `refund` (its PaymentIntent, amount and one idempotency key per
 * deposit, so a retry never refunds twice). Retried 3 times; a Stripe that cannot be reached
 * leaves `error` on the item for the next node to tell ops.
 */
const stripeRefund = (wf, name, position) =>
	wf.add(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: 'https://api.stripe.com/v1/refunds',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'stripeApi',
			sendHeaders: true,
			headerParameters: {
				parameters: [{ name: 'Idempotency-Key', value: '={{ $json.refund.idempotency_key }}' }],
			},
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'payment_intent', value: '={{ $json.refund.payment_intent }}' },
					{ name: 'amount', value: '={{ $json.refund.amount_cents }}' },
					{ name: 'reason', value: 'requested_by_customer' },
					{ name: 'metadata[invoice_id]', value: '={{ $json.invoice.invoice_id }}' },
				],
			},
			options: {},
		},
		position,
		{
			credentials: CREDENTIALS.stripe,
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
			onError: 'continueRegularOutput',
		},
	);

/**
 * n8n's HTTP Request (with n8n's Stripe credential) asking Stripe for a Checkout page where the
 * customer pays what is still due on `$json.invoice`: the invoice's id in the metadata (so
 * Payments matches Stripe's event to it), one Idempotency-Key per invoice, back to
 * /webhook/paid. `productName`: the line the page shows (an expression). Retried 3 times,
 * `waitBetweenTries` apart; `onError` routes a Stripe that cannot be reached.
 */
const stripePaymentPage = (wf, name, { productName, waitBetweenTries, onError }, position) =>
	wf.add(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: 'https://api.stripe.com/v1/checkout/sessions',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'stripeApi',
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'Idempotency-Key', value: "={{ 'invoice-' + $json.invoice.invoice_id }}" },
				],
			},
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'mode', value: 'payment' },
					{ name: 'line_items[0][quantity]', value: '1' },
					{
						name: 'line_items[0][price_data][currency]',
						value: '={{ $json.invoice.currency.toLowerCase() }}',
					},
					{
						name: 'line_items[0][price_data][unit_amount]',
						value: '={{ $json.invoice.total_cents - $json.invoice.paid_cents }}',
					},
					{ name: 'line_items[0][price_data][product_data][name]', value: `={{ ${productName} }}` },
					{ name: 'metadata[invoice_id]', value: '={{ $json.invoice.invoice_id }}' },
					{
						name: 'payment_intent_data[metadata][invoice_id]',
						value: '={{ $json.invoice.invoice_id }}',
					},
					{ name: 'client_reference_id', value: '={{ $json.invoice.invoice_number }}' },
					// Stripe refuses an empty customer_email: a customer with none is named in the metadata instead.
					{
						name: "={{ $json.invoice.customer.email ? 'customer_email' : 'metadata[customer_name]' }}",
						value:
							'={{ $json.invoice.customer.email || $json.invoice.customer.name || $json.invoice.invoice_number }}',
					},
					{
						name: 'success_url',
						value:
							"={{ String($('Business Settings').first().json.public_url).replace(/\\/?$/, '/') + 'webhook/paid?invoice=' + $json.invoice.invoice_number }}",
					},
				],
			},
			options: {},
		},
		position,
		{
			credentials: CREDENTIALS.stripe,
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries,
			onError,
		},
	);

/**
 * Posts a link's answer (`answer`: an expression for the object, with its `resume_url`) to the
 * execution waiting for it, 5 tries; the item goes on with `error` when it could not be taken.
 */
const resumeWaitingFlow = (wf, name, answer, position) =>
	wf.add(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: `={{ ${answer}.resume_url }}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify(${answer}) }}`,
			options: { timeout: 10000 },
		},
		position,
		{ onError: 'continueRegularOutput', retryOnFail: true, maxTries: 5, waitBetweenTries: 2000 },
	);

/**
 * A Wait node resumed by a POST to this execution's resume URL (the Customer Links workflow
 * posts a link's answer there), given up after `amount` `unit`. `webhookKey` names it stably.
 */
const waitForAnswer = (wf, name, amount, unit, webhookKey, position) =>
	wf.add(
		name,
		'n8n-nodes-base.wait',
		1.1,
		{
			resume: 'webhook',
			httpMethod: 'POST',
			limitWaitTime: true,
			limitType: 'afterTimeInterval',
			resumeAmount: amount,
			resumeUnit: unit,
			options: {},
		},
		position,
		{ webhookId: stableId(wf.key, webhookKey) },
	);

const stopAndEscalate = (wf, name, messageExpression, position) =>
	wf.add(
		name,
		'n8n-nodes-base.stopAndError',
		1,
		{ errorMessage: `={{ ${messageExpression} }}` },
		position,
	);

const recordData = (wf, name, values, position) =>
	wf.add(
		name,
		'n8n-nodes-base.executionData',
		1,
		{
			dataToSave: {
				values: Object.entries(values).map(([key, value]) => ({ key, value: `={{ ${value} }}` })),
			},
		},
		position,
	);

// ---- our agents ----

/** The agents that read business settings (rates, crews and hours, discount limits, quiet hours): in the templates, from the settings tables. */
const SETTINGS_AGENTS = new Set([
	'pricingAgent',
	'schedulingAgent',
	'negotiationAgent',
	'confirmationAgent',
]);

const agent = (wf, name, type, parameters, position, extra = {}) =>
	wf.add(
		name,
		`n8n-nodes-booking-agents.${type}`,
		2,
		SETTINGS_AGENTS.has(type) ? { settingsFrom: 'tables', ...parameters } : parameters,
		position,
		extra,
	);

/**
 * Booking Records, Record the Case: what just happened (`step`) to the case read from
 * `caseNode`'s output (the case, wherever the flow has gone since). A record that cannot
 * be written never stops the customer's answer: the item goes on.
 */
const recordCase = (wf, name, step, caseNode, position, { reason } = {}) =>
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'recordCase', step, caseNode, ...(reason ? { reason } : {}) },
		position,
		{ onError: 'continueRegularOutput' },
	);

/** A Form Ending page: the last page the person sees. */
const formPage = (wf, name, title, message, position) =>
	wf.add(
		name,
		'n8n-nodes-base.form',
		2.3,
		{
			operation: 'completion',
			respondWith: 'text',
			completionTitle: `={{ ${title} }}`,
			completionMessage: `={{ ${message} }}`,
			options: {},
		},
		position,
		{ webhookId: stableId(wf.key, name, 'form') },
	);

/**
 * Booking Records, Look Up the Customer: the customer's id, whether they booked before, ops'
 * notes, opt-outs and preferred channel, put on the case before the agents read it. A store that
 * cannot be reached never stops the request: the item goes on as it came.
 */
const lookUpCustomer = (wf, name, position) =>
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'lookUpCustomer' },
		position,
		{ onError: 'continueRegularOutput' },
	);

/**
 * Booking Records, Answer the Customer: the public answer (outcome, price, time, next step; nothing
 * internal) for the case read from `caseNode`'s output. Put in front of `respondNode`, which then
 * answers with it; the item goes on with the answer under `answer` (`only`: the answer alone, for
 * the last node of a workflow others call).
 */
function answerCustomer(
	wf,
	name,
	outcome,
	caseNode,
	respondNode,
	{ only = false, message, section } = {},
) {
	const respond = wf.nodes.find((n) => n.name === respondNode);
	const current = wf.current;
	wf.current = wf.sections.find((s) => s.nodes.includes(respondNode));
	if (section) {
		// Both go to another section of the canvas (one that has room).
		wf.current.nodes = wf.current.nodes.filter((n) => n !== respondNode);
		wf.current = wf.sections.find((s) => s.title === section);
		wf.current.nodes.push(respondNode);
	}
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'answerCustomer',
			outcome,
			caseNode,
			answerOutput: only ? 'answer' : 'caseAndAnswer',
			...(message ? { answerMessage: message } : {}),
		},
		[respond.position[0] - 110, respond.position[1]],
	);
	wf.current = current;
	if (only) {
		respond.parameters = { respondWith: 'firstIncomingItem', options: respond.parameters.options };
	} else {
		respond.parameters = {
			respondWith: 'json',
			responseBody: '={{ $json.answer }}',
			options: respond.parameters.options,
		};
	}
	wf.insertBefore(respondNode, name);
	return name;
}

/**
 * Booking Records, Make a Link: a signed, single-use page (`kind`: quote_reply or
 * ops_decision) whose answer the Customer Links workflow posts back to this execution.
 */
const makeLink = (wf, name, kind, validHours, position) =>
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'createLink', linkKind: kind, validHours },
		position,
		{ credentials: CREDENTIALS.signingSecret },
	);

/**
 * Booking Records, Make a Link: the customer's own page for the visit on the item (move it,
 * cancel it, skip one visit of a series), valid until the visit starts. No flow waits for it:
 * Customer Links hands the answer to Customer Changes. A link that cannot be made leaves the
 * message without it ("reply to this e-mail").
 */
const visitChangeLink = (wf, name, position) =>
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'createLink',
			linkKind: 'visit_change',
			resumeUrl: '',
			validHours:
				"={{ Math.max(1, Math.floor(((Date.parse($json.booking?.start ?? '') || Date.now()) - Date.now()) / 3600000)) }}",
		},
		position,
		{ credentials: CREDENTIALS.signingSecret, onError: 'continueRegularOutput' },
	);

// ---- the request check every webhook does first ----

/** One mailbox, as the Confirmation Agent sends to: no list, display name, group or line break (each would add recipients). */
const MAILBOX = String.raw`/^[^\s@,;:<>"()[\]\\]+@[^\s@,;:<>"()[\]\\]+\.[^\s@,;:<>"()[\]\\]+$/`;

/** Expressions (JavaScript inside {{ }}) that name a problem with a field, or null. */
const checks = {
	message:
		"typeof b.message === 'string' && b.message.trim().length > 0 && b.message.length <= 5000 ? null : { field: 'message', fix: 'Send the customer\\'s words as text (1 to 5,000 characters).' }",
	customer:
		'b.customer && typeof b.customer === \'object\' && !Array.isArray(b.customer) ? null : { field: \'customer\', fix: \'Send the customer as an object: { "name", "email", "phone", "address" }.\' }',
	// A text, e-mail or chat may come without a name (a phone or address is the sender): greeted as "there".
	name: "(typeof b.customer?.name === 'string' && b.customer.name.trim()) || (['sms', 'email', 'chat'].includes(b.channel) && b.customer?.name == null) ? null : { field: 'customer.name', fix: 'Send the customer\\'s name.' }",
	// The case a follow-up joins (Incoming Texts and the other intake templates set it).
	caseRef:
		"b.case == null || (typeof b.case === 'object' && !Array.isArray(b.case) && (b.case.case_id == null || (typeof b.case.case_id === 'string' && /^cs_[A-Za-z0-9_-]{4,64}$/.test(b.case.case_id)))) ? null : { field: 'case.case_id', fix: 'Send case.case_id as the case id (cs_...) or leave case out.' }",
	emailRequired: `typeof b.customer?.email === 'string' && ${MAILBOX}.test(b.customer.email) ? null : { field: 'customer.email', fix: 'Send one valid e-mail address, for example dana@example.com (no list, name or line break).' }`,
	emailOptional: `b.customer?.email == null || b.customer.email === '' || (typeof b.customer.email === 'string' && ${MAILBOX}.test(b.customer.email)) ? null : { field: 'customer.email', fix: 'Send one valid e-mail address, for example dana@example.com (no list, name or line break), or leave it out.' }`,
	phoneRequired:
		"typeof b.customer?.phone === 'string' && b.customer.phone.replace(/\\D/g, '').length >= 7 ? null : { field: 'customer.phone', fix: 'Send a phone number we can text, for example +1 212 555 0100.' }",
	phoneOptional:
		"b.customer?.phone == null || b.customer.phone === '' || (typeof b.customer.phone === 'string' && b.customer.phone.replace(/\\D/g, '').length >= 7) ? null : { field: 'customer.phone', fix: 'Send a phone number such as +1 212 555 0100, or leave it out.' }",
	contact:
		"(b.customer?.email || b.customer?.phone) ? null : { field: 'customer.email', fix: 'Send an e-mail address or a phone number so we can confirm the booking.' }",
	addressRequired:
		"typeof b.customer?.address === 'string' && b.customer.address.trim() ? null : { field: 'customer.address', fix: 'Send the address where the work is to be done.' }",
	channel:
		"b.channel == null || ['web', 'sms', 'email', 'chat', 'phone'].includes(b.channel) ? null : { field: 'channel', fix: 'Use one of web, sms, email, chat, phone.' }",
	preference:
		"b.preference == null || typeof b.preference === 'string' ? null : { field: 'preference', fix: 'Send the preferred time as text, for example \"Monday morning\".' }",
	promoCode:
		"b.promo_code == null || b.promo_code === '' || (typeof b.promo_code === 'string' && /^[A-Za-z0-9_-]{2,40}$/.test(b.promo_code.trim())) ? null : { field: 'promo_code', fix: 'Send the promo code as the customer typed it (letters, digits, - and _), or leave it out.' }",
	requestId:
		"b.request_id == null || (typeof b.request_id === 'string' && b.request_id.length <= 200) ? null : { field: 'request_id', fix: 'Send request_id as text (up to 200 characters) or leave it out.' }",
	frequency:
		"b.frequency == null || ['weekly', 'biweekly', 'monthly'].includes(b.frequency) ? null : { field: 'frequency', fix: 'Use weekly, biweekly or monthly.' }",
	weekday:
		"b.weekday == null || ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].includes(b.weekday) ? null : { field: 'weekday', fix: 'Use mon, tue, wed, thu, fri, sat or sun.' }",
	time: "b.time == null || (typeof b.time === 'string' && /^([01]\\d|2[0-3]):[0-5]\\d$/.test(b.time)) ? null : { field: 'time', fix: 'Use 24-hour HH:MM, for example 09:00.' }",
	details:
		"b.details == null || (typeof b.details === 'object' && !Array.isArray(b.details) && ['bedrooms', 'bathrooms', 'square_feet'].every((k) => b.details[k] == null || (typeof b.details[k] === 'number' && b.details[k] >= 0 && b.details[k] <= (k === 'square_feet' ? 2000000 : 50))) && (b.details.property_type == null || ['residential', 'commercial'].includes(b.details.property_type))) ? null : { field: 'details', fix: 'Send the facts the customer gave as { \"bedrooms\": 3, \"bathrooms\": 2, \"square_feet\": 1800, \"property_type\": \"residential\" } (numbers; each optional).' }",
	startDate:
		"b.start_date == null || (typeof b.start_date === 'string' && /^\\d{4}-\\d{2}-\\d{2}$/.test(b.start_date)) ? null : { field: 'start_date', fix: 'Use YYYY-MM-DD, for example 2027-01-04.' }",
};

/**
 * Business Settings -> Check the Request -> Is the Request Valid? (false: 400
 * naming the fields). One expression checks the body and, when it is good,
 * starts the case (the item contract, docs/architecture.md) with the business's public
 * details on it, so that every later node maps them from the item (`$json.business`)
 * instead of looking Business Settings up: n8n 2.x evaluates each expression in
 * an isolate, a millisecond or more each.
 * The body is copied into the expression once (JSON round trip): n8n 2.x reads
 * each property of the item across the isolate boundary.
 * Returns the name of the node whose true output carries the case.
 */
function requestCheck(wf, checkNames, x, y) {
	const list = checkNames.map((c) => checks[c]).join(',\n  ');
	const body =
		"JSON.parse(JSON.stringify($json.body && typeof $json.body === 'object' ? $json.body : {}))";
	setRaw(
		wf,
		'Check the Request',
		`((b) => ((problems) => problems.length ? { problems } : ${caseFrom(checkNames)})([\n  ${list}\n].filter(Boolean)))(${body})`,
		[x, y],
	);
	ifTrue(wf, 'Is the Request Valid?', '!$json.problems', [x + 220, y]);
	respond(
		wf,
		'Answer 400: Fix the Request',
		400,
		"{ error: 'invalid_request', message: 'Nothing was booked. Fix these fields and send the request again: ' + $json.problems.map(p => p.field).join(', ') + '.', problems: $json.problems }",
		[x + 440, y + 200],
	);
	wf.connect('Check the Request', 'Is the Request Valid?');
	wf.connect('Is the Request Valid?', 'Answer 400: Fix the Request', 1);
	return 'Is the Request Valid?';
}

/** The business's public details for the case, from Business Settings on `$json` (the agents read them there). */
const BUSINESS_FROM_SETTINGS =
	"{ name: $json.business_name, email: $json.business_email, phone: $json.business_phone || null, address: $json.business_address || null, sms_from: $json.sms_from || null, crew_phone: $json.crew_phone || null, time_zone: $json.time_zone, review_url: $json.review_url || null, agreement_signing_url: String($json.public_url ?? '').replace(/\\/?$/, '/') + 'webhook/sign-agreement', links_url: String($json.public_url ?? '').replace(/\\/?$/, '/') + 'webhook/link', card_page_url: String($json.public_url ?? '').replace(/\\/?$/, '/') + 'webhook/card', monthly_billing: /^(yes|y|true|on|1)$/i.test(String($json.monthly_billing ?? '').trim()), callout_fee_cents: Math.round(Number(String($json.callout_fee ?? '0').replace(/[$,\\s]/g, '')) * 100) || 0, callout_fee_after_hours: /^(yes|y|true|on|1)$/i.test(String($json.callout_fee_after_hours ?? '').trim()), callout_fee_minutes: Number($json.callout_fee_minutes) || 20, deposit_services: String($json.deposit_services ?? '').split(/[,;\\s]+/).filter(Boolean), deposit_pct: Number(String($json.deposit_pct ?? '0').replace(/[%\\s]/g, '')) || 0, deposit_hours: Number($json.deposit_hours) || 24, refund_as_credit: /^(yes|y|true|on|1)$/i.test(String($json.refund_as_credit ?? '').trim()), cancel_notice_hours: String($json.cancel_notice_hours ?? '').trim() !== '' && Number.isFinite(Number($json.cancel_notice_hours)) ? Number($json.cancel_notice_hours) : 24 }";

/** A scheduled workflow's case: the business (from Business Settings), for the agents after it; they read the settings tables' rows on Business Settings itself. */
const startCase = (wf, name, position) =>
	setRaw(wf, name, `{ business: ${BUSINESS_FROM_SETTINGS} }`, position);

/** A flow whose request check has promoCode also puts the customer's promo code on the case (upper case, as the rate card keeps codes). */
const caseFrom = (checkNames) =>
	CASE.replace(
		'idempotency_key:',
		checkNames.includes('promoCode')
			? "promo_code: typeof b.promo_code === 'string' && b.promo_code.trim() ? b.promo_code.trim().toUpperCase() : null, idempotency_key:"
			: 'idempotency_key:',
	);

/** The case every agent adds to (the item contract, docs/architecture.md), from the checked body `b` and the settings on `$json`. */
const CASE = `({ message: b.message.trim(), channel: b.channel ?? 'web', customer: { name: b.customer.name?.trim() ?? null, email: b.customer.email || null, phone: b.customer.phone || null, address: b.customer.address || null }, preference: b.preference ?? null, frequency: b.frequency ?? null, weekday: b.weekday ?? null, time: b.time ?? null, start_date: b.start_date ?? null, details: b.details ?? null, details_asked: b.details_asked === true, case: b.case ? { case_id: b.case.case_id ?? undefined, thread: b.case.thread && typeof b.case.thread === 'object' ? b.case.thread : {} } : undefined, idempotency_key: b.request_id ?? $json.headers?.['idempotency-key'] ?? $execution.id, request: b, received_at: $now.toISO(), business: ${BUSINESS_FROM_SETTINGS} })`;

const SETTINGS_WORKFLOW_NAME = 'Booking Agents: Business Settings';

/**
 * The package's own definitions (tables, columns, seed rows): the built package, or
 * its TypeScript source under jest (which compiles it on require).
 */
function packageApi() {
	if (process.env.JEST_WORKER_ID) return require('../../nodes/api');
	try {
		return require('../../dist/nodes/api.js');
	} catch (error) {
		throw new Error(
			`The templates are built from the compiled package: run npm run build first (${error.message})`,
		);
	}
}

const SETTINGS_NOTE =
	"**Business Settings** reads the business's settings from n8n's Data Tables (Overview > Data tables): *Booking Business* (name, addresses, ops inbox, Twilio number, time zone, discount limits, quiet hours), *Booking Rate Card*, *Booking Crews*, *Booking Promo Codes*, *Booking Hours*, *Booking Holidays*. Edit a row there and the next execution uses it; nothing here needs editing. The agreement signing key is a credential (*Agreement Signing Secret*).";

/** Whether a service is paid a deposit before its visits are confirmed (deposit_services, deposit_pct in Booking Business). */
const depositFirst = (business, service) =>
	`(${business}.deposit_pct > 0 && (${business}.deposit_services ?? []).includes(${service}))`;

module.exports = {
	Workflow,
	depositFirst,
	stableId,
	CREDENTIALS,
	STORE_NODE_TYPES,
	BUSINESS_FROM_SETTINGS,
	WORKFLOW_IDS,
	SETTINGS_NOTE,
	SETTINGS_WORKFLOW_NAME,
	packageApi,
	settingsNode,
	setRaw,
	startCase,
	ifTrue,
	switchOn,
	respond,
	respondItem,
	webhook,
	subWorkflowTrigger,
	callWorkflow,
	DELIVERY,
	sendEmail,
	sendSms,
	stopAndEscalate,
	waitForAnswer,
	resumeWaitingFlow,
	stripePaymentPage,
	stripeRefund,
	recordData,
	agent,
	recordCase,
	lookUpCustomer,
	formPage,
	makeLink,
	answerCustomer,
	visitChangeLink,
	requestCheck,
};
