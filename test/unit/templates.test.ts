/**
 * The conventions every template in workflows-templates/ keeps, checked
 * on the JSON users import: generated files up to date, header-authenticated
 * webhooks that check the body first, delivery nodes that retry and route
 * failures, an error workflow and a timeout in the settings, sticky notes,
 * placeholder credentials, and sub-workflow references that resolve.
 */
import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render, ORDER, POSTGRES_SET } = require('../../scripts/templates/build');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WORKFLOW_IDS, STORE_NODE_TYPES } = require('../../scripts/templates/lib');

type Node = {
	name: string;
	type: string;
	position?: [number, number];
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	retryOnFail?: boolean;
	maxTries?: number;
	onError?: string;
};
type Workflow = {
	id: string;
	name: string;
	nodes: Node[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	settings: Record<string, any>;
};

const DIR = path.join(__dirname, '..', '..', 'workflows-templates');
const read = (file: string): Workflow => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
const templates: Array<[string, Workflow]> = ORDER.map((file: string) => [file, read(file)]);
/** The same nine with the booking store on PostgreSQL; every convention below holds for them too. */
const postgresSet: Array<[string, Workflow]> = ORDER.map((file: string) => [
	`${POSTGRES_SET}/${file}`,
	read(`${POSTGRES_SET}/${file}`),
]);
const outputs = (wf: Workflow, name: string) => wf.connections[name]?.main ?? [];

it('the committed JSON is what scripts/templates builds (run npm run templates after changing a builder)', () => {
	for (const { file, text } of render())
		expect({ file, text: fs.readFileSync(path.join(DIR, file), 'utf8') }).toEqual({ file, text });
	expect(fs.readdirSync(DIR).sort()).toEqual([...ORDER, POSTGRES_SET].sort());
	expect(fs.readdirSync(path.join(DIR, POSTGRES_SET)).sort()).toEqual([...ORDER].sort());
});

it('the PostgreSQL set is the SQLite set with Store: PostgreSQL and its credential on every store-using node, and says so', () => {
	for (const [i, [file, pg]] of postgresSet.entries()) {
		const sqlite = templates[i][1];
		const storeNodes = pg.nodes.filter((n) => STORE_NODE_TYPES.has(n.type));
		for (const node of storeNodes)
			expect({
				file,
				node: node.name,
				store: node.parameters.store,
				credential: node.credentials?.bookingStorePostgres?.name,
			}).toEqual({
				file,
				node: node.name,
				store: 'postgres',
				credential: 'Booking Store (PostgreSQL)',
			});
		if (storeNodes.length)
			expect(
				pg.nodes.some(
					(n) =>
						n.type === 'n8n-nodes-base.stickyNote' &&
						/keeps bookings in PostgreSQL/.test(n.parameters.content),
				),
			).toBe(true);
		// Nothing else differs: the same nodes, connections and settings (the longer first note moves the layout).
		const withoutStore = (wf: Workflow) =>
			wf.nodes.map(
				({
					parameters: {
						store: _store,
						content: _content,
						height: _height,
						width: _width,
						...parameters
					},
					credentials: { bookingStorePostgres: _pg, ...credentials } = {},
					position: _position,
					...node
				}) => ({ ...node, parameters, credentials }),
			);
		expect(withoutStore(pg)).toEqual(withoutStore(sqlite));
		expect({
			id: pg.id,
			name: pg.name,
			connections: pg.connections,
			settings: pg.settings,
		}).toEqual({
			id: sqlite.id,
			name: sqlite.name,
			connections: sqlite.connections,
			settings: sqlite.settings,
		});
	}
});

describe.each([...templates, ...postgresSet])('%s', (file, wf) => {
	it('has unique node names, connections between existing nodes, and a sticky note for ops staff', () => {
		const names = wf.nodes.map((n) => n.name);
		expect(new Set(names).size).toBe(names.length);
		for (const [from, conn] of Object.entries(wf.connections)) {
			expect(names).toContain(from);
			for (const outputs of Object.values(conn))
				for (const output of outputs) for (const c of output) expect(names).toContain(c.node);
		}
		expect(wf.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
	});

	it('names an error workflow and an execution timeout', () => {
		expect(wf.settings.executionOrder).toBe('v1');
		expect(wf.settings.executionTimeout).toBeGreaterThan(0);
		// The error workflow, and the settings workflow every workflow calls (the error workflow too: a
		// failure there is its caller's, reported by the caller's error workflow, never a loop).
		if (
			!['support-error-escalation.json', 'support-business-settings.json'].includes(
				path.basename(file),
			)
		)
			expect(wf.settings.errorWorkflow).toBe(WORKFLOW_IDS.errorEscalation);
	});

	it('uses placeholder credentials only', () => {
		for (const node of wf.nodes)
			for (const ref of Object.values(node.credentials ?? {})) expect(ref.id).toMatch(/^REPLACE-/);
	});

	it('protects webhooks with header authentication and checks the body before anything runs', () => {
		for (const hook of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook')) {
			if (
				['support-agreement-signing.json', 'support-customer-links.json'].includes(
					path.basename(file),
				)
			) {
				// People open these links in a browser (GET) and the page posts back (POST): the signed token is the authentication.
				expect(hook.parameters.authentication).toBeUndefined();
				expect(hook.parameters).toMatchObject({
					multipleMethods: true,
					httpMethod: ['GET', 'POST'],
				});
				continue;
			}
			if (path.basename(file) === 'intake-texts.json') {
				// Twilio cannot send our key: its request signature (checked first, with the Twilio credential) is the authentication.
				expect(hook.parameters.authentication).toBeUndefined();
				expect(outputs(wf, hook.name)[0].map((c) => c.node)).toEqual(['Business Settings']);
				expect(outputs(wf, 'Business Settings')[0].map((c) => c.node)).toEqual(['Route the Text']);
				const route = wf.nodes.find((n) => n.name === 'Route the Text')!;
				expect(route.parameters).toMatchObject({
					operation: 'routeMessage',
					incomingChannel: 'sms',
				});
				expect(route.parameters.checkSignature).not.toBe(false);
				expect(route.credentials?.bookingAgentsTwilioWebhook?.name).toBe(
					'Twilio Webhook (Auth Token)',
				);
				expect(outputs(wf, 'Where Does It Go?')[0].map((c) => c.node)).toEqual([
					'Answer 403: Not From Twilio',
				]);
				continue;
			}
			if (path.basename(file) === 'support-payments.json' && hook.parameters.path === 'paid') {
				// The page Stripe sends a customer back to: it shows a thank-you and changes nothing.
				expect(hook.parameters.httpMethod).toBe('GET');
				expect(outputs(wf, hook.name)[0].map((c) => c.node)).toEqual(['Page: Thank You']);
				continue;
			}
			if (path.basename(file) === 'support-payments.json' && hook.parameters.path === 'card') {
				// A card link a customer opens: its signed token (checked first) is the authentication.
				expect(hook.parameters.httpMethod).toBe('GET');
				expect(outputs(wf, hook.name)[0].map((c) => c.node)).toEqual(['Business Settings']);
				expect(outputs(wf, 'Business Settings')[0].map((c) => c.node)).toEqual(['The Card Case']);
				expect(outputs(wf, 'The Card Case')[0].map((c) => c.node)).toEqual(['Check the Card Link']);
				expect(outputs(wf, 'Check the Card Link')[0].map((c) => c.node)).toEqual(['Link Good?']);
				expect(outputs(wf, 'Link Good?')[1].map((c) => c.node)).toEqual(['Page: Link Not Valid']);
				continue;
			}
			if (path.basename(file) === 'support-payments.json') {
				// Stripe cannot send our key: its Stripe-Signature (checked first, on the raw body) is the authentication.
				expect(hook.parameters).toMatchObject({ httpMethod: 'POST', options: { rawBody: true } });
				expect(hook.parameters.authentication).toBeUndefined();
				expect(outputs(wf, hook.name)[0].map((c) => c.node)).toEqual(['Apply the Stripe Event']);
				const apply = wf.nodes.find((n) => n.name === 'Apply the Stripe Event')!;
				expect(apply.parameters).toMatchObject({
					resource: 'invoice',
					operation: 'applyPaymentEvent',
				});
				expect(apply.credentials?.bookingAgentsStripeWebhook?.name).toBe(
					'Stripe Webhook (Signing Secret)',
				);
				expect(outputs(wf, 'Signed by Stripe?')[1].map((c) => c.node)).toEqual(['Not From Stripe']);
				continue;
			}
			if (path.basename(file) === 'ops-board.json') {
				// A page people open in a browser: n8n's Basic Auth asks for the login; it changes nothing.
				expect(hook.parameters).toMatchObject({ httpMethod: 'GET', authentication: 'basicAuth' });
				expect(hook.credentials?.httpBasicAuth?.name).toBe('Ops Board Login');
				continue;
			}
			expect(hook.parameters.authentication).toBe('headerAuth');
			expect(hook.credentials?.httpHeaderAuth?.name).toBe('Booking Webhook Key');
			expect(outputs(wf, hook.name)[0].map((c) => c.node)).toEqual(['Business Settings']);
			expect(outputs(wf, 'Business Settings')[0].map((c) => c.node)).toEqual(['Check the Request']);
			expect(outputs(wf, 'Is the Request Valid?')[1].map((c) => c.node)).toEqual([
				'Answer 400: Fix the Request',
			]);
			expect(
				wf.nodes.find((n) => n.name === 'Answer 400: Fix the Request')!.parameters.options
					.responseCode,
			).toBe(400);
		}
	});

	it('retries every delivery and routes its failure on (customer messages) or fails visibly (ops messages)', () => {
		for (const node of wf.nodes.filter(
			(n) => n.type === 'n8n-nodes-base.emailSend' || n.type === 'n8n-nodes-base.twilio',
		)) {
			expect({ node: node.name, retry: node.retryOnFail, tries: node.maxTries }).toEqual({
				node: node.name,
				retry: true,
				tries: 3,
			});
			// The Human Queue's e-mail to ops keeps what it could not send in the outbox.
			if (wf.name === 'Booking Agents: Human Queue' && node.name === 'E-mail Ops') {
				const [failed] = outputs(wf, node.name)[1] ?? [];
				const next = wf.nodes.find((n) => n.name === failed?.node);
				expect(next?.parameters).toMatchObject({
					operation: 'queueMessages',
					whenUndeliverable: 'record',
				});
				continue;
			}
			if (node.name === 'E-mail Ops' || node.name === 'E-mail the Owner') {
				expect(node.onError).toBeUndefined();
				continue;
			}
			expect(node.onError).toBe('continueErrorOutput');
			const errorBranch = outputs(wf, node.name)[1] ?? [];
			expect({ node: node.name, errorBranch: errorBranch.length > 0 }).toEqual({
				node: node.name,
				errorBranch: true,
			});
		}
	});

	it('calls sub-workflows that ship with it (or, by expression, the workflow that called it)', () => {
		const shipped = new Set(templates.map(([, t]) => t.id).filter(Boolean));
		for (const node of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.executeWorkflow')) {
			const target = String(node.parameters.workflowId.value);
			if (target.startsWith('={{')) {
				// Ask for Details books with the workflow that asked: the id its trigger item carries.
				expect(target).toMatch(
					/\$\('When a Booking Lacks Details'\)\.item\.json\.book_with_workflow/,
				);
				continue;
			}
			expect(shipped).toContain(target);
		}
	});
});

it('no workflow calls itself through others (n8n publishes a workflow only after the ones it calls: a cycle is never published)', () => {
	const calls = new Map<string, string[]>();
	for (const [, wf] of templates)
		calls.set(
			wf.id,
			wf.nodes
				.filter((n) => n.type === 'n8n-nodes-base.executeWorkflow')
				.map((n) => String(n.parameters.workflowId.value))
				.filter((target) => !target.startsWith('={{')),
		);
	const cycleFrom = (start: string): string[] | null => {
		const walk = (id: string, path: string[]): string[] | null => {
			for (const next of calls.get(id) ?? []) {
				if (next === start) return [...path, next];
				if (!path.includes(next)) {
					const found = walk(next, [...path, next]);
					if (found) return found;
				}
			}
			return null;
		};
		return walk(start, [start]);
	};
	for (const id of calls.keys()) expect({ id, cycle: cycleFrom(id) }).toEqual({ id, cycle: null });
});

/** The JavaScript of an expression's {{ }} parts compiles (a raw line break in a string, say, does not: n8n answers "invalid syntax"). */
function compiles(code: string): boolean {
	try {
		// Compiled, never run: the names it reads ($json, $('...')) need not exist.
		new Function(`return (${code});`);
		return true;
	} catch {
		return false;
	}
}

it('every expression in the templates is JavaScript that compiles', () => {
	expect(compiles("'a' + '\\n' + $json.b")).toBe(true);
	expect(compiles("'a,\n' + $json.b")).toBe(false);
	const broken = templates.flatMap(([file, wf]) =>
		wf.nodes.flatMap((node) =>
			Object.entries(flatStrings(node.parameters ?? {}))
				.filter(([, value]) => value.startsWith('='))
				.filter(([, value]) =>
					[...value.matchAll(/\{\{([\s\S]*?)\}\}/g)].some((m) => !compiles(m[1])),
				)
				.map(([key]) => `${file}: ${node.name}.${key}`),
		),
	);
	expect(broken).toEqual([]);
});

/** Every string in a node's parameters, by its path. */
function flatStrings(value: unknown, at = ''): Record<string, string> {
	if (typeof value === 'string') return { [at]: value };
	if (!value || typeof value !== 'object') return {};
	return Object.assign(
		{},
		...Object.entries(value as Record<string, unknown>).map(([key, inner]) =>
			flatStrings(inner, at ? `${at}.${key}` : key),
		),
	);
}

it("every node an expression reads with $('...') is a node of the same workflow", () => {
	// A node named in another workflow reads nothing at run time (an e-mail's sender, a case): the step fails.
	const dangling = templates.flatMap(([file, wf]) => {
		const names = new Set(wf.nodes.map((n) => n.name));
		const named = [...JSON.stringify(wf.nodes).matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1]);
		return [...new Set(named)].filter((name) => !names.has(name)).map((name) => `${file}: ${name}`);
	});
	expect(dangling).toEqual([]);
});

it('the web form is public, keeps bots out and ends on a page for every outcome', () => {
	const [, wf] = templates.find(([file]) => path.basename(file) === 'intake-web-form.json')!;
	const form = wf.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')!;
	expect(form.parameters.authentication ?? 'none').toBe('none');
	const fields = form.parameters.formFields.values as Array<Record<string, string>>;
	// The honeypot is the field the CSS hides (by its place in the form), and the page's time is a hidden field.
	const trap = fields.findIndex((f) => f.fieldName === 'website');
	expect(form.parameters.options.customCss).toContain(`#field-${trap})`);
	expect(fields.find((f) => f.fieldName === 'started')).toMatchObject({
		fieldType: 'hiddenField',
		fieldValue: '={{ $now.toMillis() }}',
	});
	const route = wf.nodes.find((n) => n.name === 'Route the Request')!;
	expect(route.parameters).toMatchObject({
		operation: 'routeMessage',
		incomingChannel: 'web_form',
	});
	// Every branch ends on a Form Ending page, and no Respond to Webhook (n8n forms do not take one).
	const ends = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.form');
	expect(ends.every((n) => n.parameters.operation === 'completion')).toBe(true);
	expect(ends.map((n) => n.name).sort()).toEqual([
		'Page: A Person Has It',
		'Page: Not Sent',
		'Page: Please Check',
		'Page: The Outcome',
	]);
	expect(wf.nodes.some((n) => n.type === 'n8n-nodes-base.respondToWebhook')).toBe(false);
});

it('looks the customer up in each booking template before an agent reads the case, never stopping the request', () => {
	for (const file of [
		'booking-simple.json',
		'booking-emergency.json',
		'booking-commercial-sales.json',
		'booking-recurring-service.json',
	]) {
		const wf = templates.find(([name]) => name === file)![1];
		const lookUp = wf.nodes.find((n) => n.name === 'Look Up the Customer')!;
		expect(lookUp).toMatchObject({
			type: 'n8n-nodes-booking-agents.bookingRecords',
			parameters: { operation: 'lookUpCustomer' },
			onError: 'continueRegularOutput',
		});
		expect(wf.connections['Is the Request Valid?'].main[0]).toEqual([
			{ node: 'Look Up the Customer', type: 'main', index: 0 },
		]);
		const next = wf.connections['Look Up the Customer'].main[0][0].node;
		expect(['Qualify the Lead', 'Triage the Emergency']).toContain(next);
	}
});

it('every node but a trigger has something leading to it (no node left unconnected)', () => {
	for (const [file, wf] of templates) {
		const fed = new Set(
			Object.values(
				wf.connections as Record<string, Record<string, Array<Array<{ node: string }>>>>,
			)
				.flatMap((byType) => Object.values(byType))
				.flat(2)
				.map((c) => c.node),
		);
		const orphans = wf.nodes
			.filter(
				(n) =>
					!/trigger|webhook|emailReadImap|stickyNote/i.test(n.type) &&
					!n.type.startsWith('@n8n/n8n-nodes-langchain.lm') &&
					!n.type.startsWith('@n8n/n8n-nodes-langchain.memory') &&
					!n.type.startsWith('@n8n/n8n-nodes-langchain.tool') &&
					!n.type.endsWith('Tool') &&
					!fed.has(n.name),
			)
			.map((n) => n.name);
		expect({ file, orphans }).toEqual({ file, orphans: [] });
	}
});

it('ships the four templates and their supporting workflows', () => {
	expect(templates.map(([, wf]) => wf.name).sort()).toEqual([
		'Booking Agents: Agreement Not Signed',
		'Booking Agents: Agreement Signing',
		'Booking Agents: Ask Ops to Decide',
		'Booking Agents: Ask for Details',
		'Booking Agents: Booking Deposit',
		'Booking Agents: Business Settings',
		'Booking Agents: Call-Out Fee',
		'Booking Agents: Chat',
		'Booking Agents: Commercial Sales',
		'Booking Agents: Contract Renewals',
		'Booking Agents: Crew Steps',
		'Booking Agents: Crew Visits',
		'Booking Agents: Customer Changes',
		'Booking Agents: Customer Links',
		'Booking Agents: Customers',
		'Booking Agents: Deposit Back',
		'Booking Agents: Emergency Dispatch',
		'Booking Agents: Error Escalation',
		'Booking Agents: Find a Time',
		'Booking Agents: Find a Time for the Visits',
		'Booking Agents: Human Queue',
		'Booking Agents: Incoming E-mail',
		'Booking Agents: Incoming Texts',
		'Booking Agents: Not a Fit',
		'Booking Agents: On-Call Dispatcher',
		'Booking Agents: Onboarding',
		'Booking Agents: Ops Board',
		'Booking Agents: Outbox',
		'Booking Agents: Payments',
		'Booking Agents: Recurring Billing',
		'Booking Agents: Recurring Service',
		'Booking Agents: Regular Visits',
		'Booking Agents: Simple Booking',
		'Booking Agents: Visit Reminders',
		'Booking Agents: Web Form',
		'Booking Agents: Weekly Numbers',
	]);
});

it('books recurring visits for the agreement term at the agreed frequency (no fixed count: 52 weekly, 26 every other week, 12 monthly)', () => {
	const series = templates.flatMap(([, wf]) =>
		wf.nodes.filter(
			(n) =>
				n.type === 'n8n-nodes-booking-agents.schedulingAgent' &&
				n.parameters.operation === 'bookSeries',
		),
	);
	expect(series.map((n) => n.name).sort()).toEqual([
		'Book a Year of Visits',
		'Book the Recurring Visits',
	]);
	// The agreed frequency comes from the case (seriesFromCase, test/unit/case-inputs.test.ts); weekly only when it says none.
	for (const node of series) {
		expect(node.parameters.inputSource ?? 'case').toBe('case');
		expect(node.parameters.series.frequency).toBe('weekly');
		expect(node.parameters.series).not.toHaveProperty('count');
	}
});

it('every flow records its case at the steps the numbers count, and a failed record never stops the answer', () => {
	const steps = templates.flatMap(([file, wf]) =>
		wf.nodes
			.filter(
				(n) =>
					n.type === 'n8n-nodes-booking-agents.bookingRecords' &&
					n.parameters.operation === 'recordCase',
			)
			.map((n) => {
				expect(n.onError).toBe('continueRegularOutput');
				return `${file}: ${n.name} (${n.parameters.step}${n.parameters.caseNode ? ` from ${n.parameters.caseNode}` : ''})`;
			}),
	);
	expect(steps.sort()).toEqual([
		'booking-commercial-sales.json: Offer Out, Awaiting Reply (answered)',
		'booking-commercial-sales.json: Record the Expired Quote (expired)',
		'booking-emergency.json: Record the Dispatch (answered from Write the Dispatch)',
		'booking-recurring-service.json: Record the Case (answered from Write the Welcome)',
		'booking-simple.json: Record the Case (answered from Write the Confirmation)',
		'intake-chat.json: Record the Chat (answered)',
		'support-ask-for-details.json: Record the Answers (decided from The Answers)',
		'support-ask-for-details.json: Record the Expired Request (expired from Asked the Customer)',
		'support-ask-for-details.json: Record: Waiting for the Customer (asked)',
		'support-ask-ops-to-decide.json: Record the Decision (decided from Read the Decision)',
		'support-booking-deposit.json: Record the Booking (answered from Write the Confirmation)',
		'support-callout-fee.json: Record the Dispatch (answered from Write the Dispatch)',
		'support-find-a-time-for-the-visits.json: Record the Decision (decided from The Decision)',
		'support-find-a-time.json: Record the Booking (answered from Write the Confirmation)',
		'support-find-a-time.json: Record the Call Back (closed from The Case to Close)',
		'support-find-a-time.json: Record the Decision (decided from The Decision)',
		'support-human-queue.json: Record the Case (handedOver from When a Case Is Handed Over)',
		'support-not-a-fit.json: Record the Lost Lead (lost)',
		'support-on-call-dispatcher.json: Record the Acknowledgement (decided from The Acknowledgement)',
		'support-on-call-dispatcher.json: Record the Turn (asked)',
		'support-onboarding.json: Record the Win (won from When the Agreement Is Signed)',
	]);
	// Every customer message goes through the outbox: kept in the store, then sent by the Outbox
	// workflow, whose failed sends are tried again and, tries used up, mark the case for ops.
	// (The Human Queue's e-mail to ops is kept there only when its own send failed; the schedule sends it.)
	const queues = templates.flatMap(([, wf]) =>
		wf.nodes
			.filter(
				(n) => n.parameters.operation === 'queueMessages' && n.parameters.messageFrom !== 'fields',
			)
			.map((n) => [wf, n] as const),
	);
	expect(queues.length).toBeGreaterThan(10);
	for (const [wf, node] of queues) {
		const [send] = outputs(wf, node.name)[0].map((c) => c.node);
		const call = wf.nodes.find((n) => n.name === send)!;
		expect({
			node: node.name,
			calls: call.parameters.workflowId?.value,
			wait: call.parameters.options?.waitForSubWorkflow,
		}).toEqual({
			node: node.name,
			calls: 'bkOutbox00000000',
			wait: false,
		});
	}
	const [, outbox] = templates.find(([, wf]) => wf.name === 'Booking Agents: Outbox')!;
	for (const sender of ['Send the E-mail', 'Send the Text'])
		expect(outputs(outbox, sender)[1].map((c) => c.node)).toEqual(['Record: Not Sent']);
	expect(outputs(outbox, 'Tries Used Up?')[0].map((c) => c.node)).toEqual([
		'Tell Ops: Not Delivered',
	]);
});

it('every agent is version 2 and reads its inputs from the case: no agent parameter is an expression', () => {
	for (const [file, wf] of [...templates, ...postgresSet]) {
		for (const node of wf.nodes.filter(
			(n) => n.type.startsWith('n8n-nodes-booking-agents.') && n.type.endsWith('Agent'),
		)) {
			expect({
				file,
				node: node.name,
				version: (node as { typeVersion?: number }).typeVersion,
			}).toEqual({
				file,
				node: node.name,
				version: 2,
			});
			expect({ file, node: node.name, inputSource: node.parameters.inputSource ?? 'case' }).toEqual(
				{
					file,
					node: node.name,
					inputSource: 'case',
				},
			);
			const expressions = JSON.stringify(node.parameters).match(/"=[^"]*"/g) ?? [];
			expect({ file, node: node.name, expressions }).toEqual({
				file,
				node: node.name,
				expressions: [],
			});
		}
	}
});

it('a signature the store could not take tells the signer nothing was signed, never the database error (ops get it)', () => {
	const [, signing] = templates.find(([file]) => file.endsWith('support-agreement-signing.json'))!;
	const answer = signing.nodes.find((n) => n.name === 'Answer: Not Signed')!;
	/** The node's expression evaluated on an item, as n8n evaluates it. */
	const evaluate = (value: string, $json: unknown) =>
		new Function('$json', `return (${/^=\{\{([\s\S]*)\}\}$/.exec(value)![1]});`)($json);
	const storeDown = {
		error: {
			message:
				'Could not connect to PostgreSQL at db.internal:5432 (database "booking", user "ops_admin"): connect ECONNREFUSED.',
			description:
				'Fix "bookingStorePostgres" (the parameter or the field mapped into it) and run again.',
		},
	};
	const expired = {
		error: {
			message: 'The signing link has expired. Send a new one (generate the agreement again).',
			description: 'Fix "token" (the parameter or the field mapped into it) and run again.',
		},
	};
	const body = (item: unknown) =>
		JSON.stringify(evaluate(answer.parameters.responseBody as string, item));
	const status = (item: unknown) =>
		evaluate((answer.parameters.options as { responseCode: string }).responseCode, item);
	expect(status(storeDown)).toBe(503);
	expect(body(storeDown)).not.toMatch(/db\.internal|ops_admin|booking"|PostgreSQL/);
	expect(body(storeDown)).toContain('Nothing was signed');
	expect(status(expired)).toBe(400);
	expect(body(expired)).toContain('The signing link has expired.');
	// The page shows the same words; ops are told after the answer.
	const page = signing.nodes.find((n) => n.name === 'Back to the Signing Page')!;
	expect(page.parameters.jsonOutput).toContain('Nothing was signed');
	expect(outputs(signing, 'Not Signed for Our Reasons?')[0].map((c) => c.node)).toEqual([
		'Tell Ops: Signature Not Taken',
	]);
});
