'use strict';
/** The supporting workflows: error escalation, human queue, agreement signing, reminders, renewals. */
const L = require('./lib');

const HANDOFF_REASON =
	"$json.handoff_reason ?? ($json.error?.message ? 'It could not be done automatically: ' + $json.error.message : $json.qualification?.wants_human ? 'The customer asked to speak to a person.' : $json.negotiation?.escalate_to_human ? 'The negotiation needs a person: ' + $json.negotiation.reason + ($json.negotiation.pending_approval ? ' (approve ' + $json.negotiation.pending_approval.discount_pct + '% or not)' : '') : $json.booking?.needs_human ? 'No crew could be booked automatically: ' + $json.booking.reason : $json.booking?.status === 'series_booked' && !$json.booking.occurrences?.length ? 'No visit of the series could be booked: ' + ($json.booking.conflicts?.[0]?.reason ?? 'the calendar is full') : $json.booking && !['confirmed', 'series_booked'].includes($json.booking.status) ? 'No slot could be booked: ' + ($json.booking.reason ?? $json.booking.status) : 'A person should look at this case.')";

/** A plain-text summary of a case for ops e-mails (the case is the item contract). */
const CASE_TEXT =
	"['Customer: ' + ($json.customer?.name ?? '?') + ' <' + ($json.customer?.email ?? 'no e-mail') + '> ' + ($json.customer?.phone ?? 'no phone'), 'Address: ' + ($json.customer?.address ?? '?'), 'Message: ' + ($json.message ?? ''), $json.qualification ? 'Lead: ' + $json.qualification.service_type + ', score ' + $json.qualification.lead_score + ', urgency ' + $json.qualification.urgency : null, $json.triage ? 'Triage: ' + ($json.triage.is_emergency ? 'EMERGENCY ' + $json.triage.emergency_type + ', respond within ' + $json.triage.respond_within_minutes + ' min' : 'not an emergency') : null, $json.quote ? 'Quote: ' + ($json.quote.total_cents / 100).toFixed(2) + ' ' + $json.quote.currency : null, $json.negotiation ? 'Negotiation: ' + $json.negotiation.action + ' (' + $json.negotiation.reason + ')' : null, $json.booking ? 'Booking: ' + $json.booking.status + ' ' + ($json.booking.start ?? '') + ' ' + ($json.booking.crew_name ?? '') : null].filter(Boolean).join('\\n')";

/** The business, from Business Settings, wherever the flow has gone since. */
const BUSINESS_OF_SETTINGS = L.BUSINESS_FROM_SETTINGS.replace(
	/\$json\./g,
	"$('Business Settings').first().json.",
);

/** The column each settings table's rows are known by: the setup adds only seed rows whose key is missing. */
const SETTINGS_KEY_COLUMNS = {
	business: ['setting'],
	rate_card: ['rate'],
	crews: ['crew_id'],
	promo_codes: ['code'],
	hours: ['day', 'opens'],
	holidays: ['date'],
	messages: ['message', 'part'],
};

/**
 * Reads the settings Data Tables and puts them on the caller's item (called first by
 * every template). A second entry, run once by hand, creates the tables with the
 * package's starting rows (and, run again after an upgrade, adds rows for new settings
 * without touching the ones ops changed).
 */
function businessSettings() {
	const { SETTINGS_TABLES, settingsSeedRows } = L.packageApi();
	const tables = Object.entries(SETTINGS_TABLES);
	const wf = new L.Workflow('businessSettings', L.SETTINGS_WORKFLOW_NAME, {
		executionTimeout: 30,
		callerPolicy: 'workflowsFromSameOwner',
		// Every execution of every template calls this: keep only the failed runs.
		saveDataSuccessExecution: 'none',
	});
	wf.section(
		'Business settings',
		`Every booking workflow calls this first. It reads the business's settings from n8n's **Data Tables** (Overview > Data tables) and hands them back on the item:\n${tables
			.map(([, t]) => `- *${t.name}*: ${t.purpose}`)
			.join(
				'\n',
			)}\n\nOps edit rows there; the next execution uses them, nothing is republished. The agents check each row as they read it: a bad value stops the case with an error naming the table, the row id and the column.`,
	);
	L.subWorkflowTrigger(wf, 'When Called by a Booking Workflow', [0, 0]);
	const readers = tables.map(([key, table], i) => {
		const name = `Read ${table.name.replace(/^Booking /, '')}`;
		wf.add(
			name,
			'n8n-nodes-base.dataTable',
			1.1,
			{
				operation: 'get',
				dataTableId: { __rl: true, mode: 'name', value: table.name },
				returnAll: true,
				orderBy: true,
				orderByColumn: 'id',
				orderByDirection: 'ASC',
			},
			[220 + i * 220, 0],
			// One read per execution; an empty table (no holidays) still lets the flow go on.
			{ executeOnce: true, alwaysOutputData: true },
		);
		return { key, name };
	});
	const rows = (name) => `$('${name}').all().map(i => i.json).filter(r => Object.keys(r).length)`;
	L.setRaw(
		wf,
		'Put the Settings on the Item',
		`((business) => ({ ...Object.fromEntries(business.filter(r => r.setting).map(r => [String(r.setting).trim(), r.value == null ? '' : String(r.value).trim()])), settings: { ${readers
			.map(({ key, name }) => `${key}: ${key === 'business' ? 'business' : rows(name)}`)
			.join(', ')} } }))(${rows(readers[0].name)})`,
		[220 + readers.length * 220, 0],
	);
	wf.nodes.find((n) => n.name === 'Put the Settings on the Item').executeOnce = true;
	// The caller's item joins the settings outside any expression: n8n's expressions cannot read an
	// item nested a thousand levels deep (a hostile request), the Merge node copies it as it is.
	wf.add(
		'The Item With Its Settings',
		'n8n-nodes-base.merge',
		3.2,
		{
			mode: 'combine',
			combineBy: 'combineByPosition',
			options: {
				clashHandling: { values: { resolveClash: 'preferLast', mergeMode: 'shallowMerge' } },
			},
		},
		[220 + (readers.length + 1) * 220, 0],
	);
	wf.chain(
		'When Called by a Booking Workflow',
		...readers.map((r) => r.name),
		'Put the Settings on the Item',
	);
	wf.connect('When Called by a Booking Workflow', 'The Item With Its Settings');
	wf.connect('Put the Settings on the Item', 'The Item With Its Settings', 0, 1);

	// ---- set-up: run once by hand ----
	const seeds = settingsSeedRows();
	const setupY = 480;
	wf.section(
		'Set up the settings tables (run once)',
		'Open this workflow and click **Execute workflow** once after importing the templates: it creates the seven tables with the starting rows (the demo business, the default prices, three crews, Monday-Saturday hours, the wording of each message; no promo codes, no holidays). Then change the rows to your business in *Overview > Data tables*: at least `business_name`, `business_email`, `ops_email`, `time_zone` and `public_url` in *Booking Business*. Running it again changes nothing you edited; after an upgrade it adds the rows of new settings.',
	);
	wf.add('Set Up the Settings Tables', 'n8n-nodes-base.manualTrigger', 1, {}, [0, setupY]);
	let previous = 'Set Up the Settings Tables';
	tables.forEach(([key, table], i) => {
		const short = table.name.replace(/^Booking /, '');
		const y = setupY + i * 180;
		const create = `Create ${short}`;
		wf.add(
			create,
			'n8n-nodes-base.dataTable',
			1.1,
			{
				resource: 'table',
				operation: 'create',
				tableName: table.name,
				columns: { column: table.columns.map((c) => ({ name: c.name, type: c.type })) },
				options: { createIfNotExists: true },
			},
			[220, y],
			{ executeOnce: true },
		);
		wf.connect(previous, create);
		previous = create;
		if (!seeds[key].length) return;
		const seed = `Starting ${short} Rows`;
		L.setRaw(wf, seed, `{ rows: ${JSON.stringify(seeds[key])} }`, [440, y]);
		wf.nodes.find((n) => n.name === seed).executeOnce = true;
		const split = `One Item per ${short} Row`;
		wf.add(split, 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'rows', options: {} }, [660, y]);
		const missing = `${short} Rows Not There Yet`;
		const keys = SETTINGS_KEY_COLUMNS[key];
		wf.add(
			missing,
			'n8n-nodes-base.dataTable',
			1.1,
			{
				operation: 'rowNotExists',
				dataTableId: { __rl: true, mode: 'name', value: table.name },
				matchType: 'allConditions',
				filters: {
					conditions: keys.map((column) => ({
						keyName: column,
						keyValue: `={{ $json.${column} }}`,
					})),
				},
			},
			[880, y],
		);
		const add = `Add ${short} Rows`;
		wf.add(
			add,
			'n8n-nodes-base.dataTable',
			1.1,
			{
				operation: 'insert',
				dataTableId: { __rl: true, mode: 'name', value: table.name },
				columns: { mappingMode: 'autoMapInputData', value: null },
				options: {},
			},
			[1100, y],
		);
		wf.chain(create, seed, split, missing, add);
	});
	return wf;
}

function errorEscalation() {
	const wf = new L.Workflow('errorEscalation', 'Booking Agents: Error Escalation', {
		executionTimeout: 120,
	});
	wf.section(
		'Error escalation',
		`Every booking template names this workflow as its **error workflow** (Workflow settings). When one of their executions fails, ops get an e-mail with what failed, the case, and a link to the execution.\n\n${L.SETTINGS_NOTE}`,
	);
	wf.add('When a Booking Workflow Fails', 'n8n-nodes-base.errorTrigger', 1, {}, [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		'Write the Escalation',
		"{ subject: '[Escalation] ' + $json.workflow.name + ' failed at ' + ($json.execution.lastNodeExecuted ?? 'its trigger'), text: ['A booking workflow failed and needs a person.', '', 'Workflow: ' + $json.workflow.name, 'Failed at: ' + ($json.execution.lastNodeExecuted ?? '?'), 'Error: ' + ($json.execution.error?.message ?? 'unknown'), ($json.execution.error?.description ? 'Details: ' + $json.execution.error.description : ''), '', 'Open the execution: ' + ($json.execution.url ?? $json.trigger?.error?.message ?? ''), '', 'Nothing was half-booked: bookings are written in one transaction or not at all.'].join('\\n'), execution_id: $json.execution.id ?? null, execution_url: $json.execution.url ?? null, workflow: $json.workflow.name }",
		[440, 0],
	);
	L.sendEmail(
		wf,
		'E-mail Ops',
		{
			to: "$('Business Settings').first().json.ops_email",
			subject: '$json.subject',
			text: '$json.text',
		},
		[660, 0],
	);
	const node = wf.nodes.find((n) => n.name === 'E-mail Ops');
	delete node.onError; // a failed escalation must show as a failed execution
	wf.chain(
		'When a Booking Workflow Fails',
		'Business Settings',
		'Write the Escalation',
		'E-mail Ops',
	);
	return wf;
}

function humanQueue() {
	const wf = new L.Workflow('humanQueue', 'Booking Agents: Human Queue', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Human queue',
		`The booking templates hand a case here when a person must take over: the customer asked for one, a discount needs approval, no crew could be booked, or a message could not be delivered.\n\nEach handoff is **recorded** on its execution (Executions list, filter by *customer* or *reason*), **kept on the case record** first (the ops board lists it until the case moves on; a message that did not go out is listed under failed deliveries), then **e-mailed to the ops inbox** with the whole case (three quick tries; if the mail server is still down, the e-mail is kept in the **outbox** and the Outbox's schedule tries it again after 1 min, 5 min, 30 min and 2 h; if it never goes, the board lists it under failed deliveries).\n\n${L.SETTINGS_NOTE}`,
	);
	L.subWorkflowTrigger(wf, 'When a Case Is Handed Over', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.recordData(
		wf,
		'Record the Handoff',
		{
			customer: "$json.customer?.name ?? ''",
			email: "$json.customer?.email ?? ''",
			phone: "$json.customer?.phone ?? ''",
			reason: HANDOFF_REASON,
		},
		[440, 0],
	);
	L.setRaw(
		wf,
		'Write the Handoff',
		`{ subject: '[Human queue] ' + ($json.customer?.name ?? 'A customer') + ': ' + (${HANDOFF_REASON}).slice(0, 120), text: ['Reason: ' + (${HANDOFF_REASON}), '', ${CASE_TEXT}, '', ($json.decision?.link ? 'Decide here: ' + $json.decision.link : null), 'Handoff record: ' + $('Business Settings').first().json.public_url + 'workflow/' + $workflow.id + '/executions/' + $execution.id].filter((line) => line !== null).join('\\n'), reason: ${HANDOFF_REASON} }`,
		[660, 0],
	);
	// Kept on the case first (the ops board lists it until someone acts), whatever the mail server does.
	L.recordCase(wf, 'Record the Case', 'handedOver', 'When a Case Is Handed Over', [880, 0], {
		reason: "={{ $('Write the Handoff').first().json.reason }}",
	});
	L.sendEmail(
		wf,
		'E-mail Ops',
		{
			to: "$('Business Settings').first().json.ops_email",
			subject: "$('Write the Handoff').item.json.subject",
			text: "$('Write the Handoff').item.json.text",
		},
		[1100, 0],
	);
	// Not sent after its three tries: kept in the outbox, whose schedule tries it again after 1 min,
	// 5 min, 30 min and 2 h. (Not handed to the Outbox workflow itself: it calls this one.)
	wf.add(
		'Put the Handoff in the Outbox',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'queueMessages',
			messageLabel: 'Handoff',
			messageFrom: 'fields',
			fieldChannel: 'email',
			messageTo: "={{ $('Business Settings').first().json.ops_email }}",
			messageSubject: "={{ $('Write the Handoff').item.json.subject }}",
			messageText: "={{ $('Write the Handoff').item.json.text }}",
			// Handing an undeliverable handoff over would e-mail ops again the same way: the board lists it.
			whenUndeliverable: 'record',
			emailFrom:
				"={{ $('Business Settings').first().json.business_name }} <{{ $('Business Settings').first().json.business_email }}>",
			settingsFrom: 'tables',
		},
		[1320, 100],
	);
	L.setRaw(
		wf,
		'Handed Over',
		"{ status: 'handed_to_person', reason: $('Write the Handoff').first().json.reason, handed_over_at: $now.toISO() }",
		[1540, 0],
	);
	wf.chain(
		'When a Case Is Handed Over',
		'Business Settings',
		'Record the Handoff',
		'Write the Handoff',
		'Record the Case',
		'E-mail Ops',
		'Handed Over',
	);
	wf.connect('E-mail Ops', 'Put the Handoff in the Outbox', 1);
	wf.connect('Put the Handoff in the Outbox', 'Handed Over');
	return wf;
}

/** An HTML answer to the person who opened a link: the page, with the status its state gives. */
const linkPage = (wf, name, html, status, position) =>
	wf.add(
		name,
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'text',
			responseBody: `={{ ${html} }}`,
			options: {
				responseCode: `={{ ${status} }}`,
				responseHeaders: {
					entries: [
						{ name: 'Content-Type', value: 'text/html; charset=utf-8' },
						{ name: 'Cache-Control', value: 'no-store' },
						{ name: 'Referrer-Policy', value: 'no-referrer' },
					],
				},
			},
		},
		position,
	);

const ANSWER = "$('Take the Answer').item.json";
// The POST as it came in (Business Settings hands the caller's item back with the settings on it).
const SIGN_REQUEST = "$('Business Settings').item.json";
/** The signing page posted its form (a browser), rather than a program its JSON. */
const FROM_THE_PAGE = `String(${SIGN_REQUEST}.headers?.['content-type'] ?? '').includes('application/x-www-form-urlencoded')`;

/**
 * Whether a signing error is the signer's to fix (the link or the name): its words are shown.
 * Anything else (the store unreachable, a setting missing) is the business's: the signer reads
 * that nothing was signed, never the error itself (it could name a database host or user).
 */
const SIGNER_CAN_FIX = (error) => `/Fix "(token|name)"/.test(${error}?.description ?? '')`;
const NOT_SIGNED_NOW =
	"'Nothing was signed: we could not take your signature just now. Please try again in a few minutes, or reply to the e-mail with your link.'";

/** The signed agreement's service is paid a deposit first, and a flow waits for the signature to ask it. */
const DEPOSIT_FIRST = `(!!$('Record the Signature').item.json.signature?.series_id && !!$('Record the Signature').item.json.signature?.resume_url && ${L.depositFirst(`(${BUSINESS_OF_SETTINGS})`, "$('Record the Signature').item.json.signature.service")})`;

function agreementSigning() {
	const wf = new L.Workflow('agreementSigning', 'Booking Agents: Agreement Signing', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Agreement signing',
		'Every signing link in an agreement e-mail opens here: `/webhook/sign-agreement?token=...`. In a browser it shows the agreement (and its PDF to download) with the name to type and **Sign**; the page posts back to the same address and shows the signed agreement. A program may POST `{ "name": "Dana Lee" }` and gets JSON.\n\nThe token is checked against the document\'s SHA-256 and its expiry; the signature is stored with name, time, IP and browser. A link that was changed, has expired, or whose agreement is signed or no longer open gets a page that says so. The visits held for the agreement (Commercial Sales, Recurring Service) are confirmed on signature, unless the service is paid a deposit first (`deposit_services`): then the flow that waits for the signature asks the deposit (**Booking Deposit**) and the visits are confirmed when it is paid. When the agreement was written by a flow that waits for it (Commercial Sales), the signature is posted to that flow, which goes on.\n\nNo header key here: the signed token is the authentication.',
	);
	wf.add(
		'Open or Sign the Agreement',
		'n8n-nodes-base.webhook',
		2,
		{
			multipleMethods: true,
			httpMethod: ['GET', 'POST'],
			path: 'sign-agreement',
			responseMode: 'responseNode',
			options: {},
		},
		[0, 0],
		{ webhookId: L.stableId('agreementSigning', 'webhook') },
	);
	const contract = (name, parameters, position, extra = {}) =>
		L.agent(wf, name, 'contractAgent', parameters, position, {
			credentials: L.CREDENTIALS.signingSecret,
			...extra,
		});
	contract('Show the Agreement', { operation: 'showAgreement' }, [220, -200]);
	linkPage(
		wf,
		'Answer: The Agreement Page',
		'$json.signing_page.html',
		'$json.signing_page.status',
		[440, -200],
	);
	// The page's "Download the PDF" (?format=pdf): the agreement as the e-mail carried it.
	L.ifTrue(wf, 'PDF Asked For?', '$json.signing_page.pdf === true', [440, -300]);
	wf.add(
		'Send the PDF',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'binary',
			responseDataSource: 'set',
			inputFieldName: 'agreement',
			options: {
				responseCode: 200,
				responseHeaders: {
					entries: [
						{ name: 'Content-Type', value: 'application/pdf' },
						{
							name: 'Content-Disposition',
							value: '=attachment; filename="agreement-{{ $json.signing_page.contract_id }}.pdf"',
						},
						{ name: 'Cache-Control', value: 'no-store' },
					],
				},
			},
		},
		[660, -300],
	);
	L.ifTrue(
		wf,
		'Is There a Name?',
		`typeof ${SIGN_REQUEST}.body?.name === 'string' && ${SIGN_REQUEST}.body.name.trim().length > 1 && typeof ${SIGN_REQUEST}.query?.token === 'string'`,
		[220, 100],
	);
	L.ifTrue(wf, 'From the Page?', FROM_THE_PAGE, [440, 300]);
	L.respond(
		wf,
		'Answer 400: Name and Token Needed',
		400,
		"{ error: 'invalid_request', message: 'Nothing was signed. Send your full name as { \"name\": \"...\" } to the signing link you received.', problems: [{ field: 'name', fix: 'Your full name, as it should appear on the agreement.' }] }",
		[660, 400],
	);
	contract('Record the Signature', { operation: 'recordSignature' }, [440, 100], {
		onError: 'continueErrorOutput',
	});
	L.settingsNode(wf, [220, 100]);
	L.ifTrue(wf, 'Any Visits Held?', '!!$json.signature?.series_id', [660, 0]);
	// A service paid a deposit first: the flow that waits for the signature asks it (Booking Deposit) and confirms the visits when it is paid.
	L.ifTrue(wf, 'Deposit First?', DEPOSIT_FIRST, [880, 100]);
	L.agent(
		wf,
		'Confirm the Held Visits',
		'schedulingAgent',
		{ resource: 'series', operation: 'confirmSeries' },
		[880, -100],
		{ onError: 'continueRegularOutput' },
	);
	L.ifTrue(wf, 'A Flow Waits for It?', '!!$json.signature?.resume_url', [1100, 0]);
	wf.add(
		'Tell the Waiting Flow',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: '={{ $json.signature.resume_url }}',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ signature: { ...$json.signature, resume_url: undefined }, deposit_first: ${DEPOSIT_FIRST} }) }}`,
			options: { timeout: 10000 },
		},
		[880, -100],
		{ onError: 'continueRegularOutput', retryOnFail: true, maxTries: 3, waitBetweenTries: 2000 },
	);
	L.ifTrue(wf, 'Signed From the Page?', FROM_THE_PAGE, [1100, 0]);
	L.respond(
		wf,
		'Answer: Signed',
		200,
		"{ status: 'signed', contract_id: $('Record the Signature').item.json.signature.contract_id, signed_at: $('Record the Signature').item.json.signature.signature?.signed_at_ms ? new Date($('Record the Signature').item.json.signature.signature.signed_at_ms).toISOString() : null, already_signed: $('Record the Signature').item.json.signature.already_signed }",
		[1320, -100],
	);
	L.ifTrue(wf, 'Refused on the Page?', FROM_THE_PAGE, [660, 200]);
	L.respond(
		wf,
		'Answer: Not Signed',
		`={{ ${SIGNER_CAN_FIX('$json.error')} ? 400 : 503 }}`,
		`${SIGNER_CAN_FIX('$json.error')} ? { error: 'signing_refused', message: $json.error.message, fix: 'Use the newest link we sent you, or ask us for a new one.' } : { error: 'not_signed', message: ${NOT_SIGNED_NOW} }`,
		[880, 300],
	);
	// A browser gets the page again: signed (who and when), the form with what to fix, or why it cannot be signed.
	L.setRaw(
		wf,
		'Back to the Signing Page',
		`{ query: ${SIGN_REQUEST}.query, signing_problem: !$('Record the Signature').isExecuted ? 'Type your full name to sign.' : !$('Record the Signature').item.json.error ? null : ${SIGNER_CAN_FIX("$('Record the Signature').item.json.error")} ? $('Record the Signature').item.json.error.message : ${NOT_SIGNED_NOW} }`,
		[1320, 150],
	);
	contract('Show the Agreement Again', { operation: 'showAgreement' }, [1540, 150]);
	L.ifTrue(
		wf,
		'Not Signed for Our Reasons?',
		`$('Record the Signature').isExecuted && !!$('Record the Signature').item.json.error && !${SIGNER_CAN_FIX("$('Record the Signature').item.json.error")}`,
		[1980, 150],
	);
	L.stopAndEscalate(
		wf,
		'Tell Ops: Signature Not Taken',
		`'A customer tried to sign an agreement and nothing was signed (they were asked to try again): ' + $('Record the Signature').item.json.error.message`,
		[2200, 150],
	);
	linkPage(
		wf,
		'Answer: The Page After Signing',
		'$json.signing_page.html',
		'$json.signing_page.status',
		[1760, 150],
	);
	wf.connect('Open or Sign the Agreement', 'Show the Agreement', 0);
	wf.chain('Show the Agreement', 'PDF Asked For?', 'Send the PDF');
	wf.connect('PDF Asked For?', 'Answer: The Agreement Page', 1);
	wf.connect('Open or Sign the Agreement', 'Business Settings', 1);
	wf.chain(
		'Business Settings',
		'Is There a Name?',
		'Record the Signature',
		'Any Visits Held?',
		'Deposit First?',
		'A Flow Waits for It?',
		'Tell the Waiting Flow',
		'Signed From the Page?',
		'Back to the Signing Page',
		'Show the Agreement Again',
		'Answer: The Page After Signing',
	);
	wf.connect('Any Visits Held?', 'A Flow Waits for It?', 1);
	wf.connect('Deposit First?', 'Confirm the Held Visits', 1);
	wf.connect('Confirm the Held Visits', 'A Flow Waits for It?');
	wf.connect('A Flow Waits for It?', 'Signed From the Page?', 1);
	wf.connect('Signed From the Page?', 'Answer: Signed', 1);
	wf.connect('Is There a Name?', 'From the Page?', 1);
	wf.connect('From the Page?', 'Back to the Signing Page', 0);
	wf.connect('From the Page?', 'Answer 400: Name and Token Needed', 1);
	wf.connect('Record the Signature', 'Refused on the Page?', 1);
	wf.connect('Refused on the Page?', 'Back to the Signing Page', 0);
	wf.connect('Refused on the Page?', 'Answer: Not Signed', 1);
	// After the answer: a failure that was ours (the store, a setting) goes to ops with its words.
	wf.connect('Answer: Not Signed', 'Not Signed for Our Reasons?');
	wf.connect('Answer: The Page After Signing', 'Not Signed for Our Reasons?');
	wf.connect('Not Signed for Our Reasons?', 'Tell Ops: Signature Not Taken', 0);
	return wf;
}

function reminders() {
	const wf = new L.Workflow('reminders', 'Booking Agents: Visit Reminders', {
		executionTimeout: 600,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Visit reminders and review requests',
		`Every 15 minutes: the follow-ups each confirmation promised. Each visit gets its reminders (24 h and 2 h before, set on **Write the Follow-Up Due Now**; one the customer booked too late for is not sent; for a reminder more than 24 h before, widen *Starting Within* on the List node to it plus 12 h) and, 24 h after it ends, a review request with the **review_url** of the *Booking Business* table (leave it empty to send none; a recurring customer is asked once, after the first visit). Nothing goes out in quiet hours (the Booking Business table's; 21:00-08:00 to start, at the visit's time zone): a reminder is sent before them, a review request after.\n\nEach message goes **once**, however often this runs: n8n's *Remove Duplicates* keeps the keys of those sent, across executions. Customers who texted STOP are not texted. ${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'Every 15 Minutes',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'minutes', minutesInterval: 15 }] } },
		[0, 0],
	);
	L.settingsNode(wf, [220, 0]);
	L.startCase(wf, 'The Business', [440, 0]);
	wf.section(
		'What is due now',
		'The visits of the next 36 hours and the last 5 days, one item each; the follow-up each one is due now (nothing in quiet hours); each key once, across executions.',
	);
	// 36 hours ahead: the 24 h reminder, moved up to 11.5 h earlier out of quiet hours. 120 hours back: a review
	// request is due 24 h after the visit ends and is not sent more than 72 h late. Longer reminders need more ahead.
	L.agent(
		wf,
		'List Visits: Next 36 Hours and Last 5 Days',
		'schedulingAgent',
		{ operation: 'list', withinHours: 36, lookBackHours: 120 },
		[660, 0],
		{ notes: 'One item per visit', notesInFlow: true },
	);
	L.agent(
		wf,
		'Write the Follow-Up Due Now',
		'confirmationAgent',
		{
			operation: 'followUp',
			// Quiet hours: the Booking Business table's (Settings From: Settings Tables).
			options: { reminderHours: '24,2', reviewHours: 24 },
		},
		[880, 0],
		{ notes: 'Visits with nothing due now are left out', notesInFlow: true },
	);
	wf.add(
		'Send Each Follow-Up Once',
		'n8n-nodes-base.removeDuplicates',
		2,
		{
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: '={{ $json.confirmation.follow_up.key }}',
			options: {},
		},
		[1100, 0],
	);
	wf.section(
		'A reminder carries its change link',
		"A reminder gets the visit's own page (move it, cancel it, or skip this visit of a series; until the visit starts), and is written again with it.",
	);
	L.ifTrue(wf, 'A Reminder?', "$json.confirmation.follow_up.kind === 'reminder'", [1320, 0]);
	L.visitChangeLink(wf, 'Make the Change Link', [1540, -80]);
	L.agent(
		wf,
		'Write the Reminder With Its Link',
		'confirmationAgent',
		{ messageKind: 'reminder', options: { calendar: false } },
		[1760, -80],
	);
	wf.add('The Follow-Up', 'n8n-nodes-base.noOp', 1, {}, [1980, 0]);
	wf.section(
		'Send it',
		'By e-mail and text, each retried 3 times; STOP respected; a failure goes to the human queue.',
	);
	deliver(wf, 'The Follow-Up', 'Follow-Up', 2200, 0, null, { caseFlow: true });
	wf.chain(
		'Every 15 Minutes',
		'Business Settings',
		'The Business',
		'List Visits: Next 36 Hours and Last 5 Days',
		'Write the Follow-Up Due Now',
		'Send Each Follow-Up Once',
		'A Reminder?',
		'Make the Change Link',
		'Write the Reminder With Its Link',
		'The Follow-Up',
	);
	wf.connect('A Reminder?', 'The Follow-Up', 1);
	return wf;
}

function renewals() {
	const wf = new L.Workflow('renewals', 'Booking Agents: Contract Renewals', {
		executionTimeout: 600,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Contract renewals',
		`Every morning at 8: active agreements whose term ends within 30 days. Those that auto-renew are **renewed** for a new term (same price; set *Price Change* on the Renew node for a yearly increase), the visits of the new term are **booked** on the series' own day and time (holidays skipped, a taken time moved within its day, what no crew can take listed in the notice) and the customer gets a renewal notice that says so. Those that do not are handed to the human queue once, so someone calls the customer.\n\n${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'Every Morning',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 8 }] } },
		[0, 0],
	);
	L.settingsNode(wf, [220, 0]);
	L.startCase(wf, 'The Business', [440, 0]);
	wf.section(
		'Renew',
		"Agreements ending within 30 days, one item each; those that renew automatically are renewed for a new term, the series' visits for it are booked (a day that already has a visit is left as it is, so a second run books nothing twice) and a notice is written. A term whose visits cannot be booked (the store is down) goes to the human queue.",
	);
	L.agent(
		wf,
		'List Agreements Ending Within 30 Days',
		'contractAgent',
		{ operation: 'listDue', withinDays: 30 },
		[660, 0],
		{ notes: 'One item per agreement', notesInFlow: true },
	);
	L.ifTrue(wf, 'Renews Automatically?', '$json.contract.auto_renew === true', [880, 0]);
	L.agent(
		wf,
		'Renew for a New Term',
		'contractAgent',
		{ operation: 'renew', priceChangePct: 0 },
		[1100, -100],
	);
	L.ifTrue(wf, 'Has Visits to Book?', '!!$json.renewal.series_id', [1320, -100]);
	L.agent(
		wf,
		'Book the Next Term',
		'schedulingAgent',
		{ resource: 'series', operation: 'extendSeries' },
		[1540, -180],
		{ onError: 'continueErrorOutput' },
	);
	L.agent(
		wf,
		'Write the Renewal Notice',
		'confirmationAgent',
		{ messageKind: 'renewal_notice', options: { calendar: false, sms: false } },
		[1760, -100],
	);
	L.setRaw(
		wf,
		'Visits Not Booked Case',
		"{ customer: $json.contract.customer, message: 'Agreement ' + $json.contract.contract_id + ' was renewed, but the visits of its new term could not be booked.', handoff_reason: 'Agreement ' + $json.contract.contract_id + ' renewed from ' + $json.renewal.start_date + ' to ' + $json.renewal.end_date + ', but booking the visits of series ' + $json.renewal.series_id + ' failed (' + ($json.error?.message ?? $json.error ?? 'unknown error') + '). Book them (Scheduling Agent, Series: Book the Next Term) and send the renewal notice.' }",
		[1760, 60],
	);
	wf.section('Send the notice', 'By e-mail, retried 3 times; a failure goes to the human queue.');
	deliver(wf, 'Write the Renewal Notice', 'Renewal Notice', 1980, -100, null, {
		sms: false,
		caseFlow: true,
	});
	wf.section(
		'Hand over the others',
		'Agreements that do not renew automatically go to the **Human Queue** once each, so someone calls the customer.',
	);
	wf.add(
		'Hand Over Each Agreement Once',
		'n8n-nodes-base.removeDuplicates',
		2,
		{
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: '={{ $json.contract.contract_id }}',
			options: {},
		},
		[1100, 160],
	);
	L.setRaw(
		wf,
		'Ending Agreement Case',
		"{ customer: $json.contract.customer, message: 'Agreement ' + $json.contract.contract_id + ' ends on ' + $json.contract.end_date + ' and does not renew automatically.', handoff_reason: 'Agreement ' + $json.contract.contract_id + ' ends on ' + $json.contract.end_date + ' without auto-renewal: call the customer about a new term.' }",
		[1320, 160],
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 160],
	);
	wf.chain(
		'Every Morning',
		'Business Settings',
		'The Business',
		'List Agreements Ending Within 30 Days',
		'Renews Automatically?',
		'Renew for a New Term',
		'Has Visits to Book?',
		'Book the Next Term',
		'Write the Renewal Notice',
	);
	wf.connect('Has Visits to Book?', 'Write the Renewal Notice', 1);
	wf.connect('Book the Next Term', 'Visits Not Booked Case', 1);
	wf.connect('Visits Not Booked Case', 'Hand to the Human Queue');
	wf.connect('Renews Automatically?', 'Hand Over Each Agreement Once', 1);
	wf.chain('Hand Over Each Agreement Once', 'Ending Agreement Case', 'Hand to the Human Queue');
	return wf;
}

/**
 * E-mail and text the customer from a Confirmation Agent's output (`from`): both are put in the
 * outbox (Booking Records, in the store), then the Outbox workflow is called without waiting, so
 * it sends them at once and, when a send fails, tries again on its schedule and finally hands the
 * case to ops. The flow goes on with its item (and the messages' ids under `outbox`); the last
 * node's name is returned so the caller can continue from it. `email`/`sms`: which of the two go.
 * `caseFlow`: the item is a case that carries the business's details (lib.js requestCheck).
 */
function deliver(wf, from, label, x, y, next, { email = true, sms = true, caseFlow = false } = {}) {
	const queued = `Put the ${label} in the Outbox`;
	const sender = caseFlow
		? { name: '$json.business.name', address: '$json.business.email' }
		: {
				name: "$('Business Settings').first().json.business_name",
				address: "$('Business Settings').first().json.business_email",
			};
	wf.add(
		queued,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'queueMessages',
			messageLabel: label,
			channels: [...(email ? ['email'] : []), ...(sms ? ['sms'] : [])],
			emailFrom: email ? `={{ ${sender.name} }} <{{ ${sender.address} }}>` : '',
			smsFrom: sms ? "={{ $('Business Settings').first().json.sms_from }}" : '',
			settingsFrom: 'tables',
		},
		[x, y],
	);
	wf.connect(from, queued);
	const send = `Send the ${label}`;
	L.callWorkflow(wf, send, 'outbox', OUTBOX_NAME, [x + 220, y], { wait: false });
	wf.connect(queued, send);
	if (next) wf.connect(send, next);
	return send;
}

const OUTBOX_NAME = 'Booking Agents: Outbox';

/**
 * The outbox's sender: a flow that put messages in the outbox calls it (without waiting) to send
 * them at once; every minute it sends those whose next try is due. Each message is taken (held so
 * no other run sends it), sent by e-mail or text, and recorded: sent, or its next try scheduled;
 * when the tries are used up, the case goes to the Human Queue.
 */
function outbox() {
	const wf = new L.Workflow('outbox', OUTBOX_NAME, {
		executionTimeout: 600,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
		// It runs every minute: its successful runs are not kept (the store keeps each message's fate).
		saveDataSuccessExecution: 'none',
	});
	wf.section(
		'Outbox',
		`Every e-mail and text to a customer is **kept in the outbox** (the booking store) before it is sent. The flow that wrote it calls this workflow to **send it at once**; when that fails (the mail server is down, Twilio answers an error), it is **tried again** every minute's run as it falls due: after **1 minute, 5 minutes, 30 minutes and 2 hours** (*Record: Not Sent* > *Try Again After*). A text is never tried again in the business's quiet hours (unless it was written in them, like an emergency answer at night). When the tries are used up, the case goes to the **Human Queue** with the reason, and the ops board lists the message.\n\nEach message is taken by one run at a time, so it is sent once; see the README's limits for a sender stopped mid-send.`,
	);
	L.subWorkflowTrigger(wf, 'When a Flow Wrote Messages', [0, 0]);
	wf.add(
		'Every Minute',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'minutes', minutesInterval: 1 }] } },
		[0, 200],
	);
	wf.add(
		'Take Messages to Send',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'takeMessages',
			// A flow's item lists what it wrote; the schedule's item does not.
			whichMessages: "={{ $json.outbox !== undefined ? 'item' : 'due' }}",
			batchSize: 100,
		},
		[220, 100],
	);
	// One message at a time: n8n's Twilio node does not say which item each answer belongs to,
	// so Record a Send reads the message from the loop, which holds just that one.
	wf.add(
		'One Message at a Time',
		'n8n-nodes-base.splitInBatches',
		3,
		{ batchSize: 1, options: {} },
		[440, 100],
	);
	L.ifTrue(wf, 'E-mail or Text?', "$json.channel === 'email'", [660, 100]);
	wf.add(
		'Send the E-mail',
		'n8n-nodes-base.emailSend',
		2.1,
		{
			fromEmail: '={{ $json.from }}',
			toEmail: '={{ $json.to }}',
			subject: '={{ $json.subject }}',
			emailFormat: 'both',
			text: '={{ $json.text }}',
			html: '={{ $json.html || $json.text }}',
			options: { appendAttribution: false, attachments: '={{ $json.attachments }}' },
		},
		[880, 0],
		{ credentials: L.CREDENTIALS.smtp, ...L.DELIVERY },
	);
	wf.add(
		'Send the Text',
		'n8n-nodes-base.twilio',
		1,
		{ from: '={{ $json.from }}', to: '={{ $json.to }}', message: '={{ $json.text }}', options: {} },
		[880, 200],
		{ credentials: L.CREDENTIALS.twilio, ...L.DELIVERY },
	);
	const outboxRecord = (name, outcome, position) =>
		wf.add(
			name,
			'n8n-nodes-booking-agents.bookingRecords',
			1,
			{
				operation: 'recordSend',
				sendOutcome: outcome,
				outboxId: "={{ $('One Message at a Time').item.json.outbox_id }}",
				...(outcome === 'failed'
					? {
							sendError:
								"={{ $json.error?.message ?? JSON.stringify($json.error ?? 'unknown error') }}",
							retrySchedule: '1m, 5m, 30m, 2h',
						}
					: {}),
			},
			position,
		);
	outboxRecord('Record: Sent', 'sent', [1100, 0]);
	outboxRecord('Record: Not Sent', 'failed', [1100, 200]);
	// A message to ops that could not go is only recorded on its case (hand_over false).
	L.ifTrue(
		wf,
		'Tries Used Up?',
		'$json.gave_up === true && $json.hand_over !== false',
		[1320, 200],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Not Delivered',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 200],
	);
	wf.connect('When a Flow Wrote Messages', 'Take Messages to Send');
	wf.connect('Every Minute', 'Take Messages to Send');
	wf.chain('Take Messages to Send', 'One Message at a Time');
	wf.connect('One Message at a Time', 'E-mail or Text?', 1);
	wf.chain('E-mail or Text?', 'Send the E-mail', 'Record: Sent');
	wf.connect('E-mail or Text?', 'Send the Text', 1);
	wf.connect('Send the Text', 'Record: Sent');
	wf.connect('Send the E-mail', 'Record: Not Sent', 1);
	wf.connect('Send the Text', 'Record: Not Sent', 1);
	wf.chain('Record: Not Sent', 'Tries Used Up?', 'Tell Ops: Not Delivered');
	// Back to the loop for the next message, whatever became of this one.
	wf.connect('Record: Sent', 'One Message at a Time');
	wf.connect('Tries Used Up?', 'One Message at a Time', 1);
	wf.connect('Tell Ops: Not Delivered', 'One Message at a Time');

	wf.section(
		'Bookings whose flow stopped',
		'Every 5 minutes: a confirmed visit booked at least **15 minutes** ago whose case does not list it was booked by a flow that stopped before it recorded the case and confirmed it (an n8n worker killed mid-execution: n8n does not run it again, and no error workflow runs). Each such case goes to the **Human Queue** once, with its visits (a series as one), so someone checks the customer was told. Visits booked by a Scheduling node given its fields directly (no case) are not looked at.',
	);
	wf.add(
		'Every 5 Minutes',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] } },
		[0, 500],
	);
	wf.add(
		'Find Stranded Bookings',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'strandedBookings', olderThanMinutes: 15, lookBackHours: 24 },
		[220, 500],
		{ notes: 'One item per case', notesInFlow: true },
	);
	// Recorded on the case by the Human Queue (its visits then listed), so the next run does not hand it over again.
	L.callWorkflow(
		wf,
		'Tell Ops: Booked, Not Recorded',
		'humanQueue',
		'Booking Agents: Human Queue',
		[440, 500],
	);
	wf.chain('Every 5 Minutes', 'Find Stranded Bookings', 'Tell Ops: Booked, Not Recorded');
	return wf;
}

/** Booking Records on the ops board and the weekly numbers: settings from the tables (crews, hours, time zone). */
const records = (wf, name, parameters, position) =>
	wf.add(
		name,
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ settingsFrom: 'tables', ...parameters },
		position,
	);

const BOARD = "$('Open the Board').first().json";

/**
 * The ops board: a page for the office and a phone, behind a login. GET /webhook/ops-board
 * shows it; ?export=cases or ?export=bookings downloads the last 30 days as CSV.
 */
function opsBoard() {
	const wf = new L.Workflow('opsBoard', 'Booking Agents: Ops Board', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		// The page refreshes every 2 minutes: its successful runs are not kept.
		saveDataSuccessExecution: 'none',
	});
	wf.section(
		'Ops board',
		`Open **/webhook/ops-board** in a browser (the *Ops Board Login* credential, Basic Auth) for today's and this week's visits by crew, who is waiting on a decision (with the link to decide), quotes awaiting a reply, agreements awaiting a signature, messages not delivered, the last 7 days' emergencies with their response times, and this week's numbers. **?export=cases** or **?export=bookings** downloads the last 30 days as CSV.\n\n${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'Open the Board',
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'GET',
			path: 'ops-board',
			authentication: 'basicAuth',
			responseMode: 'responseNode',
			options: {},
		},
		[0, 0],
		{
			webhookId: L.stableId(wf.key, 'Open the Board', 'webhook'),
			credentials: L.CREDENTIALS.boardLogin,
		},
	);
	L.settingsNode(wf, [220, 0]);
	L.ifTrue(
		wf,
		'CSV Asked For?',
		`['cases', 'bookings'].includes(${BOARD}.query?.export)`,
		[440, 0],
	);
	records(
		wf,
		'Make the Board',
		{
			operation: 'board',
			pageUrl:
				"={{ String($('Business Settings').first().json.public_url ?? '').replace(/\\/?$/, '/') + 'webhook/ops-board' }}",
		},
		[660, 100],
	);
	wf.add(
		'Show the Board',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'text',
			responseBody: '={{ $json.ops_board.html }}',
			options: {
				responseCode: 200,
				responseHeaders: {
					entries: [
						{ name: 'Content-Type', value: 'text/html; charset=utf-8' },
						{ name: 'Cache-Control', value: 'no-store' },
					],
				},
			},
		},
		[880, 100],
	);
	records(
		wf,
		'Export the Last 30 Days',
		{ operation: 'export', exportKind: `={{ ${BOARD}.query.export }}`, period: 'last30Days' },
		[660, -100],
	);
	wf.add(
		'Send the CSV',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'binary',
			responseDataSource: 'set',
			inputFieldName: 'data',
			options: {
				responseCode: 200,
				responseHeaders: {
					entries: [
						{ name: 'Content-Type', value: 'text/csv; charset=utf-8' },
						{
							name: 'Content-Disposition',
							value: '=attachment; filename="{{ $json.export.file_name }}"',
						},
					],
				},
			},
		},
		[880, -100],
	);
	wf.chain(
		'Open the Board',
		'Business Settings',
		'CSV Asked For?',
		'Export the Last 30 Days',
		'Send the CSV',
	);
	wf.connect('CSV Asked For?', 'Make the Board', 1);
	wf.connect('Make the Board', 'Show the Board');
	return wf;
}

/**
 * The links people open: GET /webhook/link?t=... shows the page (a quote to accept or ask
 * about, a decision for ops); the page posts back to the same address; the answer is kept
 * once and resumes the execution that made the link.
 */
function customerLinks() {
	const wf = new L.Workflow('customerLinks', 'Booking Agents: Customer Links', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Links people open',
		'Every link in a quote or a decision e-mail opens **/webhook/link?t=...** in a browser: the page shows the offer or the question with its buttons and posts back here. The token is signed (the *Agreement Signing Secret* credential) and expires; a link answers once. A link that was changed, has expired or was used already gets a page that says so, and nothing is done.\n\nThe answer goes to the execution that made the link (it waits on a Wait node), which goes on: book, counter, decide. If that execution has ended (its wait ran out), the person is told and ops get the answer by the Error Escalation e-mail.',
	);
	wf.add(
		'Open or Answer a Link',
		'n8n-nodes-base.webhook',
		2,
		{
			multipleMethods: true,
			httpMethod: ['GET', 'POST'],
			path: 'link',
			responseMode: 'responseNode',
			options: {},
		},
		[0, 0],
		{ webhookId: L.stableId(wf.key, 'Open or Answer a Link', 'webhook') },
	);
	const linkNode = (name, operation, position) =>
		wf.add(name, 'n8n-nodes-booking-agents.bookingRecords', 1, { operation }, position, {
			credentials: L.CREDENTIALS.signingSecret,
		});
	linkNode('Show the Page', 'openLink', [220, -100]);
	linkPage(wf, 'Answer: The Page', '$json.link_page.html', '$json.link_page.status', [440, -100]);
	linkNode('Take the Answer', 'answerLink', [220, 100]);
	L.switchOn(
		wf,
		'Where Does the Answer Go?',
		['its waiting flow', 'a crew step', 'a customer change', 'nowhere: the page again'],
		"$json.link_answer?.resume_url ? 0 : $json.link_answer?.kind === 'crew_visit' ? 1 : $json.link_answer?.kind === 'visit_change' ? 2 : 3",
		[440, 100],
	);
	L.resumeWaitingFlow(wf, 'Resume the Waiting Flow', '$json.link_answer', [660, 0]);
	linkPage(
		wf,
		'Answer: Thank You',
		`$json.error ? ${ANSWER}.link_page.closed_html : ${ANSWER}.link_page.html`,
		`$json.error ? 410 : ${ANSWER}.link_page.status`,
		[880, 0],
	);
	linkPage(
		wf,
		'Answer: The Page Again',
		'$json.link_page.html',
		'$json.link_page.status',
		[660, 200],
	);
	// The person has their page; an answer no flow could take fails this execution, so the error workflow tells ops.
	L.ifTrue(wf, 'Answer Not Taken?', "!!$('Resume the Waiting Flow').item.json.error", [1100, 0]);
	L.stopAndEscalate(
		wf,
		'Tell Ops: Answer Not Taken',
		`'An answer given on a link could not reach its flow (it had ended or did not answer), so nothing was done with it: act on it by hand. Link ' + ${ANSWER}.link_answer.link_id + ' (' + ${ANSWER}.link_answer.kind + ') for case ' + ${ANSWER}.link_answer.case_id + ': ' + ${ANSWER}.link_answer.choice_label + (${ANSWER}.link_answer.message ? ': ' + ${ANSWER}.link_answer.message : '') + (${ANSWER}.link_answer.name ? ' (by ' + ${ANSWER}.link_answer.name + ')' : '') + '. Error: ' + ($('Resume the Waiting Flow').item.json.error?.message ?? 'unknown')`,
		[1320, 0],
	);
	wf.section(
		'Answers no flow waits for',
		"A crew's step on its visit page goes to **Crew Steps**; a customer's change to their visit (move, cancel, skip) goes to **Customer Changes**. Each records it and sends what it calls for; the person sees their page again (the crew with the step done).",
	);
	// The page answers whatever the workflow gives back, so a failure there still shows the person their page.
	const handTo = (name, key, workflowName, position) => {
		L.callWorkflow(wf, name, key, workflowName, position);
		wf.nodes.find((n) => n.name === name).onError = 'continueRegularOutput';
	};
	handTo('Hand the Step to Crew Steps', 'crewSteps', 'Booking Agents: Crew Steps', [660, 240]);
	handTo(
		'Hand the Change to Customer Changes',
		'customerChanges',
		'Booking Agents: Customer Changes',
		[660, 400],
	);
	linkPage(
		wf,
		'Answer: The Page, Answered',
		`$('Take the Answer').first().json.link_page.html`,
		`$('Take the Answer').first().json.link_page.status`,
		[880, 300],
	);
	// The person has their page; an answer its workflow could not carry out fails this execution, so ops hear of it.
	// The page answers with what the workflow gave back: an error there means it was not carried out.
	L.ifTrue(wf, 'Not Carried Out?', '!!$json.error', [1100, 300]);
	L.stopAndEscalate(
		wf,
		'Tell Ops: Not Carried Out',
		`'An answer on a ' + $('Take the Answer').first().json.link_answer.kind.replace('_', ' ') + ' link ("' + $('Take the Answer').first().json.link_answer.choice_label + '", visit ' + $('Take the Answer').first().json.link_answer.booking_id + ') could not be carried out: ' + ($json.error?.message ?? 'unknown error') + '. Act on it by hand; the visit is on the ops board.'`,
		[1320, 300],
	);
	wf.connect('Open or Answer a Link', 'Show the Page', 0);
	wf.connect('Open or Answer a Link', 'Take the Answer', 1);
	wf.chain('Show the Page', 'Answer: The Page');
	wf.chain(
		'Take the Answer',
		'Where Does the Answer Go?',
		'Resume the Waiting Flow',
		'Answer: Thank You',
		'Answer Not Taken?',
		'Tell Ops: Answer Not Taken',
	);
	wf.connect('Where Does the Answer Go?', 'Hand the Step to Crew Steps', 1);
	wf.connect('Where Does the Answer Go?', 'Hand the Change to Customer Changes', 2);
	wf.connect('Hand the Change to Customer Changes', 'Answer: The Page, Answered');
	wf.chain(
		'Hand the Step to Crew Steps',
		'Answer: The Page, Answered',
		'Not Carried Out?',
		'Tell Ops: Not Carried Out',
	);
	wf.connect('Where Does the Answer Go?', 'Answer: The Page Again', 3);
	return wf;
}

/**
 * The crews' side of each visit: the booked crew gets the visit's page (a signed link) the
 * evening before or that morning; its steps come back here from Customer Links; a visit
 * nobody marked done by the evening goes to ops.
 */
function crewVisits() {
	const wf = new L.Workflow('crewVisits', 'Booking Agents: Crew Visits', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Each crew its visits',
		`Every 15 minutes from 06:00 to 21:45 (the workflow's time zone): each confirmed visit starting within the next 14 hours (or in the last 12, for one booked overnight), once, goes to **the crew booked on it** (its *email* and *phone* in the *Booking Crews* table) with a link to the visit's page: when, where, who, and a button per step (On my way, Started, Done, Could not do it). The link works until a day after the visit ends. A crew with neither e-mail nor phone gets nothing (the ops board still lists the visit). ${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'Every 15 Minutes, 06:00 to 22:00',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'cronExpression', expression: '*/15 6-21 * * *' }] } },
		[0, 0],
	);
	L.settingsNode(wf, [220, 0]);
	L.startCase(wf, 'The Business', [440, 0]);
	L.agent(
		wf,
		'List Visits: Next 14 Hours, Last 12',
		'schedulingAgent',
		{ operation: 'list', withinHours: 14, lookBackHours: 12 },
		[660, 0],
		{ notes: 'One item per visit', notesInFlow: true },
	);
	L.ifTrue(
		wf,
		'Confirmed, With a Crew to Tell?',
		"$json.booking.status === 'confirmed' && !!($json.booking.crew_contact?.phone || $json.booking.crew_contact?.email)",
		[880, 0],
	);
	wf.add(
		'Tell Each Crew Once',
		'n8n-nodes-base.removeDuplicates',
		2,
		{
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: "={{ 'crew:' + $json.booking.booking_id }}",
			options: {},
		},
		[1100, 0],
	);
	// The visit is the link's case (one per booking): its page, its steps.
	L.setRaw(
		wf,
		'The Visit',
		"{ ...$json, idempotency_key: 'visit:' + $json.booking.booking_id }",
		[1320, 0],
	);
	// No flow waits for a crew's steps: Customer Links hands each to Crew Steps.
	wf.add(
		'Make the Visit Link',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'createLink',
			linkKind: 'crew_visit',
			resumeUrl: '',
			validHours:
				'={{ Math.max(1, Math.ceil(($json.booking.end ? new Date($json.booking.end).getTime() - Date.now() : 0) / 3600000) + 24) }}',
		},
		[1540, 0],
		{ credentials: L.CREDENTIALS.signingSecret },
	);
	L.agent(
		wf,
		'Write to the Crew',
		'confirmationAgent',
		{ messageKind: 'crew_visit', options: { calendar: false } },
		[1760, 0],
	);
	wf.section(
		'Send it to the crew',
		'By e-mail and text, each retried 3 times; a failure goes to the human queue.',
	);
	deliver(wf, 'Write to the Crew', 'Crew Visit', 1980, 0, null, { caseFlow: true });
	wf.chain(
		'Every 15 Minutes, 06:00 to 22:00',
		'Business Settings',
		'The Business',
		'List Visits: Next 14 Hours, Last 12',
		'Confirmed, With a Crew to Tell?',
		'Tell Each Crew Once',
		'The Visit',
		'Make the Visit Link',
		'Write to the Crew',
	);

	wf.section(
		'Not marked done by the evening',
		'Every evening at 20:00: each confirmed visit of the last 16 hours that has ended and that its crew neither marked done nor reported as not done goes to the **Human Queue** once, so someone checks with the crew. No review request goes out for it until it is marked done.',
	);
	wf.add(
		'Every Evening at 20:00',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 20 }] } },
		[0, 900],
	);
	L.callWorkflow(
		wf,
		'Business Settings for the Evening',
		'businessSettings',
		L.SETTINGS_WORKFLOW_NAME,
		[220, 900],
	);
	L.startCase(wf, "The Day's Business", [440, 900]);
	L.agent(
		wf,
		'List Visits: Last 16 Hours',
		'schedulingAgent',
		{
			operation: 'list',
			withinHours: 1,
			lookBackHours: 16,
			settingsNode: 'Business Settings for the Evening',
		},
		[660, 900],
		{ notes: 'One item per visit', notesInFlow: true },
	);
	L.ifTrue(
		wf,
		'Ended, Not Reported?',
		"$json.booking.status === 'confirmed' && new Date($json.booking.end) <= new Date() && !$json.booking.progress?.done_at && !$json.booking.progress?.not_done_at",
		[880, 900],
	);
	wf.add(
		'Tell Ops Once per Visit',
		'n8n-nodes-base.removeDuplicates',
		2,
		{
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: "={{ 'not-done:' + $json.booking.booking_id }}",
			options: {},
		},
		[1100, 900],
	);
	L.setRaw(
		wf,
		'Not Marked Done',
		"{ ...$json, idempotency_key: 'visit:' + $json.booking.booking_id, message: 'Visit ' + $json.booking.booking_id + ' was not marked done.', handoff_reason: 'The visit ' + $json.booking.booking_id + ' (' + ($json.booking.service ?? 'service').replace(/_/g, ' ') + ', ' + $json.booking.crew_name + ', ' + DateTime.fromISO($json.booking.start).setZone($json.booking.time_zone).toFormat('ccc LLL d, h:mm a') + ') has ended and its crew did not mark it done: check with the crew, then mark it on their link or rebook.' }",
		[1320, 900],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Not Marked Done',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 900],
		{ wait: false },
	);
	wf.chain(
		'Every Evening at 20:00',
		'Business Settings for the Evening',
		"The Day's Business",
		'List Visits: Last 16 Hours',
		'Ended, Not Reported?',
		'Tell Ops Once per Visit',
		'Not Marked Done',
		'Tell Ops: Not Marked Done',
	);
	return wf;
}

/** After a Scheduling operation on one visit: the visit as listed (service, customer, series) under booking, its customer on the case. */
const VISIT_NOW =
	'{ ...$json, customer: $json.booking.bookings[0]?.customer ?? null, booking: { ...$json.booking, ...($json.booking.bookings[0] ?? {}) } }';

/** A crew's step on its visit page, handed over by Customer Links: kept on the booking, and what it calls for done. */
function crewSteps() {
	const wf = new L.Workflow('crewSteps', 'Booking Agents: Crew Steps', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		"The crew's steps",
		"**Customer Links** calls this when a crew taps a step on its visit page. **Record the Step** keeps it on the booking (each step once; Done completes the visit, so **Visit Reminders** may send the review request). On my way: the customer gets a text and an e-mail. Could not do it: the **Human Queue** e-mails ops with the crew's note.",
	);
	L.subWorkflowTrigger(wf, 'When a Crew Taps a Step', [0, 400]);
	L.settingsNode(wf, [220, 400]);
	L.setRaw(
		wf,
		"The Crew's Step",
		`{ crew_answer: { choice: $json.link_answer.choice, label: $json.link_answer.choice_label, message: $json.link_answer.message ?? null, link_id: $json.link_answer.link_id }, booking: { booking_id: $json.link_answer.booking_id }, idempotency_key: 'visit:' + $json.link_answer.booking_id + ':' + $json.link_answer.choice, business: ${L.BUSINESS_FROM_SETTINGS} }`,
		[440, 400],
	);
	L.agent(wf, 'Record the Step', 'schedulingAgent', { operation: 'progress' }, [660, 400]);
	L.setRaw(wf, 'The Visit Now', VISIT_NOW, [880, 400]);
	L.switchOn(
		wf,
		'Which Step?',
		['on my way', 'could not do it', 'nothing more to do', 'done: bill the visit'],
		'!$json.booking.progress_recorded ? 2 : ({ on_my_way: 0, not_done: 1, done: 3 })[$json.crew_answer.choice] ?? 2',
		[1100, 400],
	);
	L.setRaw(
		wf,
		'Could Not Be Done',
		"{ ...$json, message: $json.crew_answer.message, handoff_reason: 'The crew could not do the visit ' + $json.booking.booking_id + ' (' + $json.booking.crew_name + ', ' + DateTime.fromISO($json.booking.start).setZone($json.booking.time_zone).toFormat('ccc LLL d, h:mm a') + '): ' + ($json.crew_answer.message ?? 'no reason given') + '. Call the customer and rebook or cancel.' }",
		[1320, 520],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Not Done',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 520],
		{
			wait: false,
		},
	);
	wf.add('Nothing More to Do', 'n8n-nodes-base.noOp', 1, {}, [1320, 700]);
	wf.section(
		'On my way: tell the customer',
		'The customer gets a text and an e-mail that the crew is on the way; each retried 3 times, a failure goes to the human queue.',
	);
	L.agent(
		wf,
		'Write On My Way',
		'confirmationAgent',
		{ messageKind: 'on_my_way', options: { calendar: false } },
		[1320, 300],
	);
	deliver(wf, 'Write On My Way', 'On My Way', 1540, 300, null, { caseFlow: true });
	wf.chain(
		'When a Crew Taps a Step',
		'Business Settings',
		"The Crew's Step",
		'Record the Step',
		'The Visit Now',
		'Which Step?',
		'Write On My Way',
	);
	wf.section(
		'Done: bill the visit',
		"The visit is billed at the quote the customer agreed (Contract Agent, *Invoice > Bill a Visit*: numbered without gaps, due in 15 days); with `monthly_billing` yes (Booking Business), a visit of a signed agreement waits for its month's invoice (**Recurring Billing**) instead. With `payment_links` yes (Booking Business), Stripe makes a payment page for what is due (HTTP Request with the **Stripe** credential, retried 3 times; the invoice's id in its metadata, so **Payments** marks it paid when Stripe says so). The customer gets the invoice (its PDF attached) and the link by e-mail and text. A visit with no agreed quote on record (booked before invoices were kept) is not billed; one that cannot be billed (the store down) goes to the human queue.",
	);
	L.agent(
		wf,
		'Bill the Visit',
		'contractAgent',
		{
			resource: 'invoice',
			operation: 'invoiceVisit',
			binaryProperty: '',
		},
		[1100, 860],
		{ onError: 'continueErrorOutput' },
	);
	L.ifTrue(wf, 'Billed?', '!!$json.invoice', [1320, 860]);
	L.ifTrue(
		wf,
		'Payment Links On?',
		"/^(yes|y|true|on|1)$/i.test(String($('Business Settings').first().json.payment_links ?? '').trim())",
		[1320, 860],
	);
	L.stripePaymentPage(
		wf,
		'Ask Stripe for a Payment Page',
		{
			productName: "'Invoice ' + $json.invoice.invoice_number + ', ' + $json.business.name",
			waitBetweenTries: 2000,
			onError: 'continueRegularOutput',
		},
		[1540, 780],
	);
	L.setRaw(
		wf,
		'With the Payment Page',
		"{ ...$('Bill the Visit').item.json, payment_link: $json.url ? { url: $json.url, id: $json.id } : null }",
		[1760, 780],
	);
	L.agent(
		wf,
		'The Invoice With Its PDF',
		'contractAgent',
		{ resource: 'invoice', operation: 'getInvoice' },
		[1980, 860],
	);
	L.agent(
		wf,
		'Write the Invoice',
		'confirmationAgent',
		{ messageKind: 'invoice', options: { calendar: false } },
		[2200, 860],
	);
	deliver(wf, 'Write the Invoice', 'Invoice', 2420, 860, null, { caseFlow: true });
	L.setRaw(
		wf,
		'Visit Not Billed',
		"{ ...$('The Visit Now').item.json, message: 'Visit ' + $('The Visit Now').item.json.booking.booking_id + ' is done but was not billed.', handoff_reason: 'The crew marked visit ' + $('The Visit Now').item.json.booking.booking_id + ' done, but it could not be billed (' + ($json.error?.message ?? $json.error ?? 'unknown error') + '). Bill it by hand (Contract Agent, Invoice > Bill a Visit) or from the books.' }",
		[1320, 1020],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Not Billed',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 1020],
		{
			wait: false,
		},
	);
	wf.connect('Which Step?', 'Bill the Visit', 3);
	wf.chain(
		'Bill the Visit',
		'Billed?',
		'Payment Links On?',
		'Ask Stripe for a Payment Page',
		'With the Payment Page',
		'The Invoice With Its PDF',
		'Write the Invoice',
	);
	wf.connect('Payment Links On?', 'The Invoice With Its PDF', 1);
	wf.connect('Billed?', 'Nothing More to Do', 1);
	wf.connect('Bill the Visit', 'Visit Not Billed', 1);
	wf.connect('Visit Not Billed', 'Tell Ops: Not Billed');
	wf.connect('Which Step?', 'Could Not Be Done', 1);
	wf.connect('Which Step?', 'Nothing More to Do', 2);
	wf.chain('Could Not Be Done', 'Tell Ops: Not Done');

	return wf;
}

/**
 * A cancelled visit's deposit, given back under the business's policy: to the card (Stripe's
 * refund) or as credit toward the next invoice; the customer is told. Called after a
 * cancellation without waiting.
 */
function depositBack() {
	const wf = new L.Workflow('depositBack', 'Booking Agents: Deposit Back', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Deposit back',
		"**Customer Changes** calls this (without waiting) when a customer cancels a visit, skips one or ends their regular visits. A deposit paid toward it (or toward the agreement it belongs to) goes back under the policy (Contract Agent, *Invoice > Refund a Deposit*): the business called it off, or the customer cancelled at least `cancel_notice_hours` before: all of it; within the notice: kept; an agreement whose other visits go on: it counts toward its first bill. It goes back to the card (Stripe's refund, one idempotency key per deposit; Stripe's *charge.refunded* event records it through **Payments**) or, with `refund_as_credit` yes, as credit the customer's next invoice uses first. The customer is told by e-mail and text. Stripe refusing the refund, or the store failing, goes to ops.",
	);
	L.subWorkflowTrigger(wf, 'When a Visit Is Cancelled', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(wf, 'The Cancelled Visit', "$('When a Visit Is Cancelled').first().json", [440, 0]);
	L.agent(
		wf,
		'What Goes Back?',
		'contractAgent',
		{ resource: 'invoice', operation: 'refundDeposit' },
		[660, 0],
		{ onError: 'continueErrorOutput' },
	);
	L.switchOn(
		wf,
		'How It Goes Back',
		['to the card', 'as credit', 'nothing'],
		'({ card: 0, credit: 1 })[$json.refund.given_as] ?? 2',
		[880, 0],
	);
	L.stripeRefund(wf, 'Refund on Stripe', [1100, -120]);
	L.ifTrue(wf, 'Refunded?', '!$json.error', [1320, -120]);
	L.setRaw(wf, 'The Refund', "$('What Goes Back?').item.json", [1540, -120]);
	L.agent(
		wf,
		'Write the Deposit Back',
		'confirmationAgent',
		{ messageKind: 'deposit_back', options: { calendar: false } },
		[1760, 0],
	);
	deliver(wf, 'Write the Deposit Back', 'Deposit Back', 1980, 0, null, { caseFlow: true });
	wf.add('Nothing Goes Back', 'n8n-nodes-base.noOp', 1, {}, [1100, 120]);
	wf.section(
		'Ops refund it by hand',
		"Stripe refused or could not be reached after 3 tries, or the deposit could not be read: the **Human Queue** tells ops what is owed and why (refund it in Stripe's dashboard, or give a credit on the Customers form).",
	);
	L.setRaw(
		wf,
		'Why Ops Refund It',
		"{ ...$('The Cancelled Visit').first().json, handoff_reason: $('What Goes Back?').item.json.error ? 'A cancelled visit\\'s deposit could not be worked out (' + ($('What Goes Back?').item.json.error.message ?? 'unknown error') + '): see what was paid for visit ' + $('The Cancelled Visit').first().json.booking?.booking_id + ' and refund it by hand if the policy gives it back.' : 'Deposit ' + $('What Goes Back?').item.json.invoice.invoice_number + ' is owed back (' + $('What Goes Back?').item.json.refund.why + ') but Stripe did not refund it (' + ($json.error?.message ?? 'unknown error') + '). Refund it in Stripe, or give the customer a credit on the Customers form.' }",
		[1540, 240],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Refund by Hand',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1760, 240],
		{
			wait: false,
		},
	);
	wf.chain(
		'When a Visit Is Cancelled',
		'Business Settings',
		'The Cancelled Visit',
		'What Goes Back?',
		'How It Goes Back',
		'Refund on Stripe',
		'Refunded?',
		'The Refund',
		'Write the Deposit Back',
	);
	wf.connect('How It Goes Back', 'Write the Deposit Back', 1);
	wf.connect('How It Goes Back', 'Nothing Goes Back', 2);
	wf.connect('Refunded?', 'Why Ops Refund It', 1);
	wf.connect('What Goes Back?', 'Why Ops Refund It', 1);
	wf.connect('Why Ops Refund It', 'Tell Ops: Refund by Hand');
	return wf;
}

/** A customer's change to their visit, handed over by Customer Links: applied under the business's notice, and confirmed. */
function customerChanges() {
	const wf = new L.Workflow('customerChanges', 'Booking Agents: Customer Changes', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		"The customer's change",
		"**Customer Links** calls this when a customer answers on their visit's page (the link in their confirmation and reminders). **Apply the Change** moves the visit to the time they chose (a crew's clash is refused), cancels it, skips one visit of a series, pauses the series through a day, or moves the series to a new day or time from this visit on; within `cancel_notice_hours` (Booking Business, 24 to start) of the visit nothing is changed and ops are told to call. **Ending** the series first marks its agreement as ending on the first day its notice allows (Contract Agent), then cancels the visits after that day.",
	);
	L.subWorkflowTrigger(wf, 'When a Customer Changes a Visit', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		"The Customer's Change",
		`{ customer_change: { change: $json.link_answer.slot ? 'move' : $json.link_answer.choice, start: $json.link_answer.slot?.start ?? $json.link_answer.answers?.start ?? null, crew_id: $json.link_answer.slot?.crew_id ?? null, until: $json.link_answer.answers?.until ?? null, weekday: $json.link_answer.answers?.weekday ?? null, time: $json.link_answer.answers?.time ?? null, message: $json.link_answer.message ?? null }, booking: { booking_id: $json.link_answer.booking_id, series_id: $json.link_answer.series_id ?? null }, idempotency_key: 'change:' + $json.link_answer.link_id, business: ${L.BUSINESS_FROM_SETTINGS} }`,
		[440, 0],
	);
	L.ifTrue(wf, 'Ends the Series?', "$json.customer_change.change === 'end'", [660, 0]);
	L.agent(
		wf,
		'Mark the Agreement as Ending',
		'contractAgent',
		{ operation: 'end', ends: 'soonest' },
		[880, -120],
		{ onError: 'continueErrorOutput' },
	);
	L.setRaw(
		wf,
		'Its Last Day',
		'{ ...$json, customer_change: { ...$json.customer_change, until: $json.renewal.end_date } }',
		[1100, -120],
	);
	L.agent(wf, 'Apply the Change', 'schedulingAgent', { operation: 'customerChange' }, [1320, 0]);
	L.setRaw(wf, 'The Visit Now', VISIT_NOW, [1540, 0]);
	L.switchOn(
		wf,
		'What Came of It?',
		[
			'moved',
			'cancelled or skipped',
			'that time is taken',
			'too close: ops call',
			'nothing to do',
			'free times asked for',
			'series on a new day or time',
			'series ending',
		],
		"(({ change: { rescheduled: 6 }, end: { cancelled: 7 } })[$json.customer_change.change] ?? {})[$('Apply the Change').item.json.booking.status] ?? ({ rescheduled: 0, cancelled: 1, taken: 2, too_late: 3, offered: 5 })[$('Apply the Change').item.json.booking.status] ?? 4",
		[1760, 0],
	);
	wf.section(
		'Tell the customer',
		'Moved: the confirmation of the new time (with a new change link; the calendar invite is updated, a visit of a series keeps the series invite). Cancelled or skipped: the cancellation. Taken, or the free times asked for: the next free times and a new link whose page offers them. Each by e-mail and text.',
	);
	L.visitChangeLink(wf, 'Make the New Change Link', [1320, -100]);
	L.agent(
		wf,
		'Write the New Time',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation', sequence: 1 },
		[1540, -100],
	);
	L.agent(
		wf,
		'Write the Cancellation',
		'confirmationAgent',
		{ messageKind: 'cancellation' },
		[1540, 60],
	);
	L.visitChangeLink(wf, 'Make Another Change Link', [1320, 220]);
	L.agent(
		wf,
		'Write That the Time Is Taken',
		'confirmationAgent',
		{ messageKind: 'change_taken', options: { calendar: false } },
		[1540, 220],
	);
	L.visitChangeLink(wf, 'Make a Link With the Free Times', [1320, 300]);
	L.agent(
		wf,
		'Write the Free Times',
		'confirmationAgent',
		{ messageKind: 'change_options', options: { calendar: false } },
		[1540, 300],
	);
	// The messages meet here (a NoOp keeps the invite attached), so one delivery sends each.
	// A change to the series: the message is about the series (its new pattern, or its end), not the one visit.
	L.setRaw(
		wf,
		'The Series Now',
		"{ ...$json, booking: { ...$('Apply the Change').item.json.booking, service: $json.booking.service }, series_visits: $('Apply the Change').item.json.booking }",
		[1980, 460],
	);
	L.setRaw(
		wf,
		'The Series Ending',
		"{ ...$json, booking: { ...$('Apply the Change').item.json.booking, service: $json.booking.service }, series_visits: $('Apply the Change').item.json.booking }",
		[2200, 520],
	);
	L.visitChangeLink(wf, 'Make the Series Change Link', [2200, 400]);
	L.agent(
		wf,
		'Write the New Day or Time',
		'confirmationAgent',
		{ messageKind: 'series_change', options: { calendar: false } },
		[2420, 400],
	);
	L.agent(
		wf,
		'Write the Series Ending',
		'confirmationAgent',
		{ messageKind: 'series_end', options: { calendar: false } },
		[2420, 520],
	);
	wf.add('The Message', 'n8n-nodes-base.noOp', 1, {}, [2640, 60]);
	wf.section(
		'Send it',
		'By e-mail and text, each retried 3 times; a failure goes to the human queue.',
	);
	deliver(wf, 'The Message', 'Change', 2860, 60, null, { caseFlow: true });
	wf.section(
		'Too close to the visit',
		'Within the notice, nothing is changed: the **Human Queue** e-mails ops to call the customer (their page said so).',
	);
	L.setRaw(
		wf,
		'Ops to Call',
		"{ ...$json, message: $json.customer_change.message ?? ('The customer asked to ' + $json.customer_change.change + ' the visit.'), handoff_reason: 'The customer asked on their link to ' + ({ move: 'move', cancel: 'cancel', skip: 'skip', pause: 'pause the series at', offer: 'hear the free times for', change: 'move the series to ' + $json.customer_change.weekday + ' ' + $json.customer_change.time + ' from', end: 'end the series at' })[$json.customer_change.change] + ' visit ' + $json.booking.booking_id + ($json.customer_change.start ? ' (to ' + $json.customer_change.start + ')' : '') + ', ' + $('Apply the Change').item.json.booking.reason + ' Call them.' }",
		[1320, 400],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Call the Customer',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, 400],
		{
			wait: false,
		},
	);
	wf.add('Nothing to Do', 'n8n-nodes-base.noOp', 1, {}, [1320, 560]);
	L.setRaw(
		wf,
		'Agreement Not Ended: Ops to Call',
		"{ ...$json, message: $json.customer_change.message ?? 'The customer asked to end their regular visits.', handoff_reason: 'The customer asked on their link to end their regular visits (series ' + ($json.booking.series_id ?? 'unknown') + '), but their agreement could not be marked as ending (' + ($json.error?.message ?? $json.error ?? 'no agreement found') + '). Nothing was changed. Call them.' }",
		[1100, -300],
	);
	wf.chain(
		'When a Customer Changes a Visit',
		'Business Settings',
		"The Customer's Change",
		'Ends the Series?',
		'Mark the Agreement as Ending',
		'Its Last Day',
		'Apply the Change',
	);
	wf.connect('Ends the Series?', 'Apply the Change', 1);
	wf.connect('Mark the Agreement as Ending', 'Agreement Not Ended: Ops to Call', 1);
	wf.connect('Agreement Not Ended: Ops to Call', 'Tell Ops: Call the Customer');
	wf.chain(
		'Apply the Change',
		'The Visit Now',
		'What Came of It?',
		'Make the New Change Link',
		'Write the New Time',
		'The Message',
	);
	wf.connect('What Came of It?', 'Write the Cancellation', 1);
	// A deposit paid toward the visit goes back under the policy (its own workflow, not waited for).
	L.callWorkflow(
		wf,
		'Give the Deposit Back',
		'depositBack',
		'Booking Agents: Deposit Back',
		[1980, 200],
		{
			wait: false,
		},
	);
	wf.connect('What Came of It?', 'Give the Deposit Back', 1);
	wf.connect('What Came of It?', 'Give the Deposit Back', 7);
	wf.connect('Write the Cancellation', 'The Message');
	wf.connect('What Came of It?', 'Make Another Change Link', 2);
	wf.chain('Make Another Change Link', 'Write That the Time Is Taken', 'The Message');
	wf.connect('What Came of It?', 'Ops to Call', 3);
	wf.chain('Ops to Call', 'Tell Ops: Call the Customer');
	wf.connect('What Came of It?', 'Nothing to Do', 4);
	wf.connect('What Came of It?', 'Make a Link With the Free Times', 5);
	wf.chain('Make a Link With the Free Times', 'Write the Free Times', 'The Message');
	wf.connect('What Came of It?', 'The Series Now', 6);
	wf.chain(
		'The Series Now',
		'Make the Series Change Link',
		'Write the New Day or Time',
		'The Message',
	);
	wf.connect('What Came of It?', 'The Series Ending', 7);
	wf.chain('The Series Ending', 'Write the Series Ending', 'The Message');
	return wf;
}

/** Every Monday morning: last week's numbers to the owner, with the week's cases as CSV. */
function weeklyNumbers() {
	const wf = new L.Workflow('weeklyNumbers', 'Booking Agents: Weekly Numbers', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Weekly numbers',
		`Every **Monday at 07:00** (the workflow's time zone, *Workflow settings*): last week's leads by channel, qualified, quoted, won and the quote-to-booking conversion, revenue booked, time to first answer, emergency response against the 2-minute goal, crew time booked, cancellations and messages not delivered, worked out from the booking store, **e-mailed to the owner** (*owner_email* in Booking Business, else the ops inbox) with the week's cases as CSV. The ops board shows this week's so far.\n\n${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'Every Monday Morning',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{
			rule: {
				interval: [{ field: 'weeks', weeksInterval: 1, triggerAtDay: [1], triggerAtHour: 7 }],
			},
		},
		[0, 0],
	);
	L.settingsNode(wf, [220, 0]);
	records(
		wf,
		"Work Out Last Week's Numbers",
		{ operation: 'report', period: 'lastWeek' },
		[440, 0],
	);
	records(
		wf,
		"Last Week's Cases as CSV",
		{ operation: 'export', exportKind: 'cases', period: 'lastWeek' },
		[660, 0],
	);
	L.sendEmail(
		wf,
		'E-mail the Owner',
		{
			to: "$('Business Settings').first().json.owner_email || $('Business Settings').first().json.ops_email",
			subject: '$json.report.subject',
			text: '$json.report.text',
			html: '$json.report.html',
			attachments: 'data',
		},
		[880, 0],
	);
	delete wf.nodes.find((n) => n.name === 'E-mail the Owner').onError; // a report that did not go out is a failed execution
	wf.chain(
		'Every Monday Morning',
		'Business Settings',
		"Work Out Last Week's Numbers",
		"Last Week's Cases as CSV",
		'E-mail the Owner',
	);
	return wf;
}

/** A Booking Records customer operation for ops; a customer not found goes to the error output (its page says why). */
const customerStep = (wf, name, parameters, position) =>
	wf.add(name, 'n8n-nodes-booking-agents.bookingRecords', 1, parameters, position, {
		onError: 'continueErrorOutput',
	});

/** The ops forms' first field: the customer, by e-mail, phone or id. */
const CUSTOMER_FIELD = {
	fieldLabel: 'Customer',
	fieldName: 'customer',
	requiredField: true,
	placeholder: 'dana@example.com, +1 212 555 0100 or cu_...',
};

/** The form's answers, wherever the flow has gone since. */
const ASKED = "$('Customer Request Form').first().json";

/** What ops read about a customer on one page: contact, notes, wishes, and their dealings with us. */
const CUSTOMER_PAGE = `((c, h) => [
  'E-mail: ' + (c.emails.join(', ') || 'none') + '. Phone: ' + (c.phones.join(', ') || 'none') + '.',
  'Addresses: ' + (c.addresses.join('; ') || 'none') + '.',
  'Notes: ' + (c.notes.map((n) => n.text + ' (' + (n.by ?? 'ops') + ', ' + n.at.slice(0, 10) + ')').join('; ') || 'none') + '.',
  'Texts ' + (c.opt_outs.sms ? 'stopped' : 'allowed') + ', e-mails ' + (c.opt_outs.email ? 'stopped' : 'allowed') + (c.preferred_channel ? ', prefers ' + (c.preferred_channel === 'sms' ? 'texts' : 'e-mail') : '') + '.',
  h.cases.length + ' case(s), ' + h.cases.filter((x) => x.booked_at).length + ' booked; ' + h.bookings.length + ' visit(s); ' + h.agreements.length + ' agreement(s); ' + h.messages.length + ' message(s).',
  ...h.cases.slice(-5).map((x) => x.received_at.slice(0, 10) + ': ' + (x.service_type ?? 'a request').replace(/_/g, ' ') + ' (' + x.channel.replace('_', ' ') + '), ' + x.status.replace('_', ' ')),
  ((left) => left.length ? 'Credit to use: ' + left.map((x) => (x.remaining_cents / 100).toFixed(2) + ' ' + x.currency + ' (' + x.reason + ')').join('; ') + '.' : null)((h.credits ?? []).filter((x) => x.remaining_cents > 0)),
  c.erased_at ? 'Personal data erased on ' + c.erased_at.slice(0, 10) + ' at their request.' : null,
  'Customer id: ' + c.customer_id,
].filter(Boolean).join('\\n\\n'))($json.customer, $json.history)`;

/**
 * Customers, for ops: a form behind the ops login (/form/customer) to look a customer up by
 * e-mail, phone or id and, on their request, add a note, stop texts, export everything kept
 * about them as a file, or erase their personal data (typed ERASE to confirm). Each answer is a
 * page; a customer who cannot be found, or an erase not confirmed, says so.
 */
function opsCustomers() {
	const wf = new L.Workflow('opsCustomers', 'Booking Agents: Customers', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Customers',
		"Open **/form/customer** in a browser (the *Ops Board Login* credential) to look a customer up by e-mail, phone or id: contact, addresses, ops' notes, opt-outs, and their cases, visits, agreements and messages. On the customer's request: add a note (gate code, pets, keys), stop texts, **give a credit** their next invoices use first, **export their data** (a JSON file with everything kept about them) or **erase it** (type ERASE: their name, contact, notes and messages are removed everywhere; the books stay without them; refused while a visit is still to come).",
	);
	wf.add(
		'Customer Request Form',
		'n8n-nodes-base.formTrigger',
		2.4,
		{
			authentication: 'basicAuth',
			formTitle: 'A customer',
			formDescription:
				'Look a customer up by e-mail, phone or id. On their request: add a note, stop texts, give a credit, export or erase their data.',
			formFields: {
				values: [
					CUSTOMER_FIELD,
					{
						fieldLabel: 'What to do',
						fieldName: 'action',
						fieldType: 'dropdown',
						requiredField: true,
						fieldOptions: {
							values: [
								{ option: 'Show their record' },
								{ option: 'Add a note' },
								{ option: 'Stop texts' },
								{ option: 'Export their data' },
								{ option: 'Erase their data' },
								{ option: 'Give a credit' },
							],
						},
					},
					{
						fieldLabel: 'Note',
						fieldName: 'note',
						fieldType: 'textarea',
						placeholder: 'Gate code 4411; the dog stays in the yard',
					},
					{ fieldLabel: 'To erase, type ERASE', fieldName: 'confirm' },
					{ fieldLabel: 'Credit (dollars)', fieldName: 'credit_amount', placeholder: '25.00' },
					{
						fieldLabel: 'Reason for the credit',
						fieldName: 'credit_reason',
						placeholder: 'Crew arrived two hours late',
					},
				],
			},
			responseMode: 'lastNode',
			options: { path: 'customer', appendAttribution: false, buttonLabel: 'Go' },
		},
		[0, 0],
		{
			webhookId: L.stableId(wf.key, 'Customer Request Form', 'form'),
			credentials: L.CREDENTIALS.boardLogin,
		},
	);
	L.switchOn(
		wf,
		'What Was Asked?',
		['show', 'add a note', 'stop texts', 'export', 'erase', 'give a credit'],
		"({ 'Add a note': 1, 'Stop texts': 2, 'Export their data': 3, 'Erase their data': 4, 'Give a credit': 5 })[$json.action] ?? 0",
		[220, 0],
	);
	wf.section(
		'Look up, note, stop texts',
		'A note or a stop is kept with who asked (this workflow) and when; a stop also reaches the number, so no text of any flow goes to it. Then the record is shown.',
	);
	customerStep(
		wf,
		'Add the Note',
		{ operation: 'updateCustomer', customerId: '={{ $json.customer }}', note: '={{ $json.note }}' },
		[440, -100],
	);
	customerStep(
		wf,
		'Stop Their Texts',
		{ operation: 'updateCustomer', customerId: '={{ $json.customer }}', smsOptOut: 'optedOut' },
		[440, 100],
	);
	customerStep(
		wf,
		'Get the Customer',
		{
			operation: 'getCustomer',
			customerId:
				"={{ typeof $json.customer === 'object' ? $json.customer.customer_id : $json.customer }}",
		},
		[660, 0],
	);
	L.formPage(
		wf,
		'Page: The Customer',
		"$json.customer.name ?? $json.customer.emails[0] ?? $json.customer.phones[0] ?? 'A customer'",
		CUSTOMER_PAGE,
		[880, 0],
	);
	wf.section(
		'Export or erase',
		'The export is a file the browser downloads (send it to the customer). Erasing asks for ERASE typed in the form; the page lists what was removed and what stays, and why.',
	);
	customerStep(
		wf,
		'Export Their Data',
		{ operation: 'exportCustomer', customerId: '={{ $json.customer }}' },
		[440, 300],
	);
	wf.add(
		'Page: Their Data',
		'n8n-nodes-base.form',
		2.3,
		{
			operation: 'completion',
			respondWith: 'returnBinary',
			completionTitle: 'Their data',
			completionMessage:
				"={{ 'Everything kept about ' + $json.customer_id + ', as of ' + $json.exported_at.slice(0, 10) + ': ' + $json.file }}",
			inputDataFieldName: 'data',
			options: {},
		},
		[660, 300],
		{ webhookId: L.stableId(wf.key, 'Page: Their Data', 'form') },
	);
	L.ifTrue(wf, 'ERASE Typed?', "String($json.confirm ?? '').trim() === 'ERASE'", [440, 500]);
	customerStep(
		wf,
		'Erase Their Data',
		{ operation: 'eraseCustomer', customerId: '={{ $json.customer }}' },
		[660, 460],
	);
	L.formPage(
		wf,
		'Page: Erased',
		"'Erased'",
		"'Removed: ' + (Object.entries($json.erasure.erased).map(([what, n]) => n + ' ' + what.replace(/_/g, ' ')).join(', ') || 'nothing left to remove') + '.\\n\\nKept:\\n' + $json.erasure.kept.map((k) => k.count + ' ' + k.what + ': ' + k.why).join('\\n') + '\\n\\nCustomer id: ' + $json.erasure.customer_id",
		[880, 460],
	);
	L.formPage(
		wf,
		'Page: Type ERASE',
		"'Nothing was erased'",
		"'Erasing cannot be undone: type ERASE in the last field to confirm, then send the form again.'",
		[660, 620],
	);
	L.formPage(
		wf,
		'Page: Please Check',
		"'Please check'",
		"$json.error?.message ?? 'The customer could not be read.'",
		[880, 200],
	);
	wf.connect('Customer Request Form', 'What Was Asked?');
	wf.connect('What Was Asked?', 'Get the Customer', 0);
	wf.connect('What Was Asked?', 'Add the Note', 1);
	wf.connect('What Was Asked?', 'Stop Their Texts', 2);
	wf.connect('What Was Asked?', 'Export Their Data', 3);
	wf.connect('What Was Asked?', 'ERASE Typed?', 4);
	wf.connect('Add the Note', 'Get the Customer');
	wf.connect('Stop Their Texts', 'Get the Customer');
	wf.connect('Get the Customer', 'Page: The Customer');
	wf.connect('Export Their Data', 'Page: Their Data');
	wf.connect('ERASE Typed?', 'Erase Their Data', 0);
	wf.connect('ERASE Typed?', 'Page: Type ERASE', 1);
	wf.connect('Erase Their Data', 'Page: Erased');
	wf.section(
		'Give a credit',
		"Goodwill or a billing mistake: the amount (dollars) and why. Their next invoices use it before anything is charged (Contract Agent, *Invoice > Give a Credit*; this form's execution is its key, so sending it once gives it once); the record then shows what credit is left.",
	);
	customerStep(
		wf,
		'Who Gets the Credit',
		{ operation: 'getCustomer', customerId: '={{ $json.customer }}' },
		[440, 760],
	);
	L.setRaw(
		wf,
		'The Credit',
		`{ customer_id: $json.customer.customer_id, customer: $json.customer.customer_id, credit: { amount_cents: Math.round(Number(String(${ASKED}.credit_amount ?? '').replace(/[$,\\s]/g, '')) * 100), reason: String(${ASKED}.credit_reason ?? '').trim(), key: 'credit-form:' + $execution.id } }`,
		[660, 760],
	);
	L.agent(
		wf,
		'Give the Credit',
		'contractAgent',
		{ resource: 'invoice', operation: 'giveCredit' },
		[880, 760],
		{
			onError: 'continueErrorOutput',
		},
	);
	wf.connect('What Was Asked?', 'Who Gets the Credit', 5);
	wf.chain('Who Gets the Credit', 'The Credit', 'Give the Credit');
	wf.connect('Give the Credit', 'Get the Customer');
	for (const step of [
		'Add the Note',
		'Stop Their Texts',
		'Get the Customer',
		'Export Their Data',
		'Erase Their Data',
		'Who Gets the Credit',
		'Give the Credit',
	])
		wf.connect(step, 'Page: Please Check', 1);
	return wf;
}

/** The Regular Visits form's answers, wherever the flow has gone since. */
const ASKED_VISITS = "$('Regular Visits Form').first().json";

/** What changed, in a few lines for the ops page: the reason, then the visits booked and cancelled. */
const VISITS_CHANGED_PAGE = `((v) => [
  v.reason,
  ...(v.occurrences.length ? ['Booked: ' + v.occurrences.slice(0, 8).map((o) => o.start.slice(0, 16).replace('T', ' ')).join(', ') + (v.occurrences.length > 8 ? ' and ' + (v.occurrences.length - 8) + ' more' : '')] : []),
  ...(v.bookings.length ? ['Cancelled: ' + v.bookings.slice(0, 8).map((b) => b.start.slice(0, 16).replace('T', ' ')).join(', ') + (v.bookings.length > 8 ? ' and ' + (v.bookings.length - 8) + ' more' : '')] : []),
  ...(v.conflicts.length ? ['Could not be booked (call the customer): ' + v.conflicts.map((c) => c.wanted_start.slice(0, 16).replace('T', ' ')).join(', ')] : []),
  ...(v.series_ends_on ? ['Last day: ' + v.series_ends_on + (v.last_visit ? '; last visit ' + v.last_visit.start.slice(0, 16).replace('T', ' ') : '; no visit left before then')] : []),
  'Series ' + v.series_id,
].join('\\n\\n'))($json.series_visits)`;

/**
 * Regular visits, for ops: a form behind the ops login (/form/visits) to change a customer's
 * series on their request: pause it between two days, skip one visit, move it to a new day or
 * time from a day on, or end it under their agreement's notice. The series is the customer's
 * (found by e-mail, phone or id); the customer is told by e-mail and text, and ops see what
 * changed on the page.
 */
function opsRegularVisits() {
	const wf = new L.Workflow('opsRegularVisits', 'Booking Agents: Regular Visits', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Regular visits',
		'Open **/form/visits** in a browser (the *Ops Board Login* credential) when a customer with regular visits calls: name them (e-mail, phone or id) and what they ask. **Pause** cancels their visits from one day through another; **Skip** cancels the visit on one day; **Move** puts their visits on a new weekday and time from a day on (the weeks they had stay covered; later terms follow it); **End** ends their agreement on the day they ask, but not before its notice allows (30 days unless it says otherwise), and cancels the visits after it. The customer gets an e-mail and a text; the page shows what changed, and any visit that could not be booked.',
	);
	wf.add(
		'Regular Visits Form',
		'n8n-nodes-base.formTrigger',
		2.4,
		{
			authentication: 'basicAuth',
			formTitle: "A customer's regular visits",
			formDescription:
				"On the customer's request: pause, skip one visit, move to a new day or time, or end their regular visits.",
			formFields: {
				values: [
					CUSTOMER_FIELD,
					{
						fieldLabel: 'What to do',
						fieldName: 'action',
						fieldType: 'dropdown',
						requiredField: true,
						fieldOptions: {
							values: [
								{ option: 'Pause their visits' },
								{ option: 'Skip one visit' },
								{ option: 'Move their visits to a new day or time' },
								{ option: 'End their regular visits' },
							],
						},
					},
					{ fieldLabel: 'From (pause, move)', fieldName: 'from', fieldType: 'date' },
					{ fieldLabel: 'Until (pause)', fieldName: 'until', fieldType: 'date' },
					{ fieldLabel: 'Day of the visit to skip', fieldName: 'date', fieldType: 'date' },
					{
						fieldLabel: 'New day (move)',
						fieldName: 'weekday',
						fieldType: 'dropdown',
						fieldOptions: {
							values: [
								{ option: 'Keep the day' },
								{ option: 'Monday' },
								{ option: 'Tuesday' },
								{ option: 'Wednesday' },
								{ option: 'Thursday' },
								{ option: 'Friday' },
								{ option: 'Saturday' },
								{ option: 'Sunday' },
							],
						},
					},
					{ fieldLabel: 'New time (move)', fieldName: 'time', placeholder: '14:00' },
					{
						fieldLabel: 'Last day they asked for (end; empty: as soon as the notice allows)',
						fieldName: 'last_day',
						fieldType: 'date',
					},
					{ fieldLabel: 'Reason (optional)', fieldName: 'reason' },
				],
			},
			responseMode: 'lastNode',
			options: { path: 'visits', appendAttribution: false, buttonLabel: 'Go' },
		},
		[0, 0],
		{
			webhookId: L.stableId(wf.key, 'Regular Visits Form', 'form'),
			credentials: L.CREDENTIALS.boardLogin,
		},
	);
	L.settingsNode(wf, [220, 0]);
	customerStep(
		wf,
		'Get the Customer',
		{ operation: 'getCustomer', customerId: `={{ ${ASKED_VISITS}.customer }}` },
		[440, 0],
	);
	// Their series: the one of their latest visit. The form's answers go where the agents read them.
	L.setRaw(
		wf,
		'Their Regular Visits',
		`((asked, c, visits) => ({ customer_record: c, customer: { name: c.name, email: c.emails[0] ?? null, phone: c.phones[0] ?? null, address: c.addresses[0] ?? null, preferred_channel: c.preferred_channel ?? null, opt_outs: c.opt_outs }, action: asked.action, booking: { series_id: visits.filter((b) => b.series_id).sort((a, b) => a.start.localeCompare(b.start)).pop()?.series_id ?? null }, series_change: { from: asked.from || null, until: asked.until || null, date: asked.date || null, weekday: ({ Monday: 'mon', Tuesday: 'tue', Wednesday: 'wed', Thursday: 'thu', Friday: 'fri', Saturday: 'sat', Sunday: 'sun' })[asked.weekday] ?? null, time: String(asked.time ?? '').trim() || null, last_day: asked.last_day || null, reason: String(asked.reason ?? '').trim() || null }, idempotency_key: 'visits:' + $execution.id, business: ${BUSINESS_OF_SETTINGS} }))(${ASKED_VISITS}, $json.customer, $json.history.bookings)`,
		[660, 0],
	);
	L.ifTrue(wf, 'Has Regular Visits?', '!!$json.booking.series_id', [880, 0]);
	L.switchOn(
		wf,
		'What Was Asked?',
		['pause', 'skip', 'move', 'end'],
		"({ 'Skip one visit': 1, 'Move their visits to a new day or time': 2, 'End their regular visits': 3 })[$json.action] ?? 0",
		[1100, 0],
	);
	wf.section(
		'Change the series',
		"Scheduling changes the series (its visits from the case's `series_change`: the form's days, new day and time, reason). Ending first marks the agreement as ending on the day asked for, but not before its notice allows; the series ends on that day.",
	);
	const step = (name, parameters, position, type = 'schedulingAgent') =>
		L.agent(wf, name, type, parameters, position, { onError: 'continueErrorOutput' });
	step('Pause the Visits', { resource: 'series', operation: 'pauseSeries' }, [1320, -240]);
	step('Skip the Visit', { resource: 'series', operation: 'skipVisit' }, [1320, -80]);
	step('Move the Visits', { resource: 'series', operation: 'changeSeries' }, [1320, 80]);
	step(
		'Mark the Agreement as Ending',
		{ operation: 'end', ends: 'soonest' },
		[1320, 240],
		'contractAgent',
	);
	step('End the Visits', { resource: 'series', operation: 'endSeries' }, [1540, 240]);
	wf.section(
		'Tell the customer',
		'When something changed: by e-mail and text (a pause or a skip as the cancellation of the first visit it takes, a move with the new day and time and a new link, an end with the last day and the last visit); the page shows ops what changed.',
	);
	L.ifTrue(
		wf,
		'Anything Changed?',
		'$json.series_visits.bookings.length > 0 || $json.series_visits.occurrences.length > 0 || !!$json.series_visits.series_ends_on',
		[1760, 0],
	);
	L.switchOn(
		wf,
		'Which Message?',
		['cancellation', 'new day or time', 'ending'],
		"({ 'Move their visits to a new day or time': 1, 'End their regular visits': 2 })[$json.action] ?? 0",
		[1980, -100],
	);
	L.setRaw(
		wf,
		'The Visits Cancelled',
		'{ ...$json, booking: { ...$json.series_visits, service: $json.series_visits.bookings[0]?.service ?? null, cancel_reason: $json.series_visits.bookings[0]?.cancel_reason ?? null } }',
		[2200, -240],
	);
	L.agent(
		wf,
		'Write the Cancellation',
		'confirmationAgent',
		{ messageKind: 'cancellation' },
		[2420, -240],
	);
	L.setRaw(
		wf,
		'The Series Moved',
		'{ ...$json, booking: { ...$json.series_visits, service: $json.series_visits.bookings[0]?.service ?? null } }',
		[2200, -100],
	);
	L.visitChangeLink(wf, 'Make the Series Change Link', [2420, -100]);
	L.agent(
		wf,
		'Write the New Day or Time',
		'confirmationAgent',
		{ messageKind: 'series_change', options: { calendar: false } },
		[2640, -100],
	);
	L.setRaw(
		wf,
		'The Series Ending',
		'{ ...$json, booking: { ...$json.series_visits, service: $json.series_visits.last_visit?.service ?? $json.series_visits.bookings[0]?.service ?? null } }',
		[2200, 40],
	);
	L.agent(
		wf,
		'Write the Ending',
		'confirmationAgent',
		{ messageKind: 'series_end', options: { calendar: false } },
		[2420, 40],
	);
	wf.add('The Message', 'n8n-nodes-base.noOp', 1, {}, [2860, -100]);
	L.formPage(wf, 'Page: Done', "'Done'", VISITS_CHANGED_PAGE, [3520, 0]);
	deliver(wf, 'The Message', 'Visits Change', 3080, -100, 'Page: Done', { caseFlow: true });
	L.formPage(
		wf,
		'Page: No Regular Visits',
		"'No regular visits found'",
		"'No regular visits were found for ' + " +
			ASKED_VISITS +
			".customer + '. Look them up on the Customers form (/form/customer); a series booked before customers were kept can be changed in n8n with the Scheduling Agent\\'s Recurring Booking operations and its series id.'",
		[1100, 200],
	);
	L.formPage(
		wf,
		'Page: Please Check',
		"'Please check'",
		"$json.error?.message ?? $json.error ?? 'The customer could not be read.'",
		[1540, 440],
	);
	wf.chain(
		'Regular Visits Form',
		'Business Settings',
		'Get the Customer',
		'Their Regular Visits',
		'Has Regular Visits?',
		'What Was Asked?',
		'Pause the Visits',
		'Anything Changed?',
		'Which Message?',
		'The Visits Cancelled',
		'Write the Cancellation',
		'The Message',
	);
	wf.connect('Has Regular Visits?', 'Page: No Regular Visits', 1);
	wf.connect('What Was Asked?', 'Skip the Visit', 1);
	wf.connect('What Was Asked?', 'Move the Visits', 2);
	wf.connect('What Was Asked?', 'Mark the Agreement as Ending', 3);
	wf.connect('Mark the Agreement as Ending', 'End the Visits');
	for (const changed of ['Skip the Visit', 'Move the Visits', 'End the Visits'])
		wf.connect(changed, 'Anything Changed?');
	wf.connect('Anything Changed?', 'Page: Done', 1);
	wf.connect('Which Message?', 'The Series Moved', 1);
	wf.chain(
		'The Series Moved',
		'Make the Series Change Link',
		'Write the New Day or Time',
		'The Message',
	);
	wf.connect('Which Message?', 'The Series Ending', 2);
	wf.chain('The Series Ending', 'Write the Ending', 'The Message');
	wf.connect('Get the Customer', 'Page: Please Check', 1);
	for (const failed of [
		'Pause the Visits',
		'Skip the Visit',
		'Move the Visits',
		'Mark the Agreement as Ending',
		'End the Visits',
	])
		wf.connect(failed, 'Page: Please Check', 1);
	return wf;
}

/**
 * Payments: Stripe posts its events here (a Webhook endpoint for /webhook/stripe in the Stripe
 * Dashboard). Each is checked against its Stripe-Signature and applied to our invoice once; a
 * forged, altered or stale one is answered 400 and changes nothing; an event about no invoice of
 * ours goes to the human queue.
 */
function payments() {
	const wf = new L.Workflow('payments', 'Booking Agents: Payments', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Payments from Stripe',
		'Add a webhook endpoint in Stripe (Developers > Webhooks) for **/webhook/stripe** with the events *checkout.session.completed*, *payment_intent.succeeded*, *payment_intent.payment_failed*, *charge.refunded* and *setup_intent.succeeded*, and put its signing secret (whsec_...) in the **Stripe Webhook (Signing Secret)** credential. Each event is checked against its signature (five minutes at most old) and applied to the invoice its `metadata.invoice_id` names, **once**: Stripe retries a delivery until it is answered, and a retry changes nothing. A payment marks the invoice paid (or part paid), a refund takes back what was refunded, a failed attempt is kept. A forged, altered or stale event is answered 400 and changes nothing; an event about no invoice of ours goes to the **Human Queue**.',
	);
	wf.add(
		'Stripe Event',
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path: 'stripe',
			responseMode: 'responseNode',
			options: { rawBody: true },
		},
		[0, 0],
		{ webhookId: L.stableId(wf.key, 'Stripe Event', 'webhook') },
	);
	L.agent(
		wf,
		'Apply the Stripe Event',
		'contractAgent',
		{ resource: 'invoice', operation: 'applyPaymentEvent' },
		[220, 0],
		{ credentials: L.CREDENTIALS.stripeWebhook },
	);
	L.ifTrue(wf, 'Signed by Stripe?', '$json.payment_event.verified === true', [440, 0]);
	L.respond(
		wf,
		'Taken',
		200,
		'{ received: true, outcome: $json.payment_event.outcome, invoice: $json.payment_event.invoice_number }',
		[660, -100],
	);
	L.respond(
		wf,
		'Not From Stripe',
		400,
		"{ error: { field: 'Stripe-Signature', message: 'The event was not applied: ' + $json.payment_event.reason + '.' } }",
		[660, 100],
	);
	L.ifTrue(
		wf,
		'About No Invoice of Ours?',
		"$json.payment_event.outcome === 'unmatched'",
		[880, -100],
	);
	L.setRaw(
		wf,
		'Payment Case',
		"{ customer: {}, message: 'Stripe event ' + $json.payment_event.event_id + ' (' + $json.payment_event.type + ')', handoff_reason: 'A Stripe payment event could not be applied: ' + $json.payment_event.detail + ' Look the payment up in Stripe and match it by hand.' }",
		[1100, -160],
	);
	L.callWorkflow(wf, 'Tell Ops', 'humanQueue', 'Booking Agents: Human Queue', [1320, -160], {
		wait: false,
	});
	wf.chain(
		'Stripe Event',
		'Apply the Stripe Event',
		'Signed by Stripe?',
		'Taken',
		'About No Invoice of Ours?',
		'Payment Case',
		'Tell Ops',
	);
	wf.section(
		'A call-out fee paid',
		"An emergency's call-out fee paid in full: **Call-Out Fee** waits for it, so it is resumed (its execution's address was kept with the fee) and sends the crew. A fee paid after that wait ended (the crew was released) is refunded in full (Contract Agent, *Invoice > Refund a Deposit*; HTTP Request `POST /v1/refunds`, one idempotency key per deposit) and ops are told to call the customer; a fee whose visit is still on is not refunded and ops send a crew.",
	);
	L.ifTrue(wf, 'A Call-Out Fee Paid?', '!!$json.payment_event.deposit?.resume_url', [880, 200]);
	L.resumeWaitingFlow(
		wf,
		'Send the Crew',
		'({ resume_url: $json.payment_event.deposit.resume_url, paid: true, invoice_id: $json.payment_event.invoice_id, booking_id: $json.payment_event.deposit.booking_id })',
		[1100, 200],
	);
	L.ifTrue(wf, 'Crew Flow Resumed?', '!$json.error', [1320, 200]);
	L.setRaw(
		wf,
		'The Late Fee',
		"{ booking: { booking_id: $('Apply the Stripe Event').item.json.payment_event.deposit.booking_id } }",
		[1540, 360],
	);
	L.agent(
		wf,
		'What Is Refunded?',
		'contractAgent',
		{ resource: 'invoice', operation: 'refundDeposit' },
		[1760, 360],
		{ onError: 'continueRegularOutput' },
	);
	L.ifTrue(
		wf,
		'Anything to Refund?',
		'$json.refund?.amount_cents > 0 && !!$json.refund?.payment_intent',
		[1980, 360],
	);
	L.stripeRefund(wf, 'Refund on Stripe', [2200, 280]);
	L.setRaw(
		wf,
		'Fee Paid Too Late',
		"{ customer: {}, message: 'Deposit ' + $('Apply the Stripe Event').item.json.payment_event.invoice_number + ' paid', handoff_reason: 'The deposit (call-out fee) ' + $('Apply the Stripe Event').item.json.payment_event.invoice_number + ' for visit ' + $('Apply the Stripe Event').item.json.payment_event.deposit.booking_id + ' was paid after the wait for it had ended. ' + ($('Refund on Stripe').isExecuted && !$('Refund on Stripe').item.json.error ? 'It was refunded in full (' + $('What Is Refunded?').item.json.refund.why + '). Call the customer now.' : ($('What Is Refunded?').item.json.refund?.why ?? $('What Is Refunded?').item.json.error?.message ?? '') + ' Send a crew now, or refund the fee in Stripe.') }",
		[2420, 360],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Fee Paid Late',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2640, 360],
		{
			wait: false,
		},
	);
	wf.connect('Taken', 'A Call-Out Fee Paid?');
	wf.chain('A Call-Out Fee Paid?', 'Send the Crew', 'Crew Flow Resumed?');
	wf.connect('Crew Flow Resumed?', 'The Late Fee', 1);
	wf.chain(
		'The Late Fee',
		'What Is Refunded?',
		'Anything to Refund?',
		'Refund on Stripe',
		'Fee Paid Too Late',
		'Tell Ops: Fee Paid Late',
	);
	wf.connect('Anything to Refund?', 'Fee Paid Too Late', 1);
	wf.section(
		'After paying',
		"Stripe's payment page sends the customer back to **/webhook/paid** (the invoice's payment link says so): a plain thank-you page. It changes nothing: the payment is taken from Stripe's signed event above, never from this visit.",
	);
	wf.add(
		'Back From Paying',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'GET', path: 'paid', responseMode: 'responseNode', options: {} },
		[0, 400],
		{ webhookId: L.stableId(wf.key, 'Back From Paying', 'webhook') },
	);
	wf.add(
		'Page: Thank You',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'text',
			responseBody:
				"={{ '<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Thank you</title></head><body style=\"font-family: Arial, sans-serif; max-width: 640px; margin: 40px auto; padding: 0 16px\"><h1>Thank you</h1><p>' + ($json.query.card === 'saved' ? 'Your card is saved: your monthly invoices are charged to it, and anything now owed within the hour. You can close this page.' : 'Your payment' + (String($json.query.invoice ?? '').replace(/[^A-Za-z0-9-]/g, '') ? ' for invoice ' + String($json.query.invoice).replace(/[^A-Za-z0-9-]/g, '') : '') + ' is with Stripe: your invoice is marked paid as soon as Stripe confirms it. You can close this page.') + '</p></body></html>' }}",
			options: {
				responseCode: 200,
				responseHeaders: { entries: [{ name: 'Content-Type', value: 'text/html; charset=utf-8' }] },
			},
		},
		[220, 400],
	);
	wf.connect('Back From Paying', 'Page: Thank You');
	wf.connect('Signed by Stripe?', 'Not From Stripe', 1);
	wf.section(
		'Save a card',
		"A monthly invoice, and a declined charge's message, carry a link to **/webhook/card?token=...** (signed with the Agreement Signing Secret, good for 30 days). It opens Stripe's page to save a card for the agreement (a Checkout Session in setup mode, for the Stripe customer kept from a card saved before, else a new one); Stripe's *setup_intent.succeeded* event (above) keeps the card for the regular service, and what is owed is charged to it within the hour (**Recurring Billing**). Add *setup_intent.succeeded* to the Stripe webhook's events.",
	);
	wf.add(
		'Card Link',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'GET', path: 'card', responseMode: 'responseNode', options: {} },
		[0, 700],
		{ webhookId: L.stableId(wf.key, 'Card Link', 'webhook') },
	);
	L.settingsNode(wf, [220, 700]);
	L.agent(wf, 'Check the Card Link', 'contractAgent', { operation: 'cardPage' }, [440, 700], {
		credentials: L.CREDENTIALS.signingSecret,
	});
	L.setRaw(
		wf,
		'The Card Case',
		`{ query: $('Card Link').first().json.query, business: ${L.BUSINESS_FROM_SETTINGS} }`,
		[440, 860],
	);
	L.ifTrue(wf, 'Link Good?', "$json.card_link.state === 'open'", [660, 700]);
	L.ifTrue(wf, 'Stripe Customer Kept?', '!!$json.card_link.provider_customer', [880, 620]);
	wf.add(
		'Create the Stripe Customer',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: 'https://api.stripe.com/v1/customers',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'stripeApi',
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'Idempotency-Key', value: "={{ 'customer-' + $json.card_link.series_id }}" },
				],
			},
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					// Stripe refuses an empty e-mail: a customer with none is named only.
					{
						name: "={{ $json.card_link.customer.email ? 'email' : 'metadata[no_email]' }}",
						value: "={{ $json.card_link.customer.email || 'yes' }}",
					},
					{ name: 'name', value: "={{ $json.card_link.customer.name || 'Customer' }}" },
					{ name: 'metadata[series_id]', value: '={{ $json.card_link.series_id }}' },
				],
			},
			options: {},
		},
		[1100, 700],
		{
			credentials: L.CREDENTIALS.stripe,
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
			onError: 'continueErrorOutput',
		},
	);
	L.setRaw(
		wf,
		'The New Stripe Customer',
		"{ ...$('Check the Card Link').item.json, stripe_customer: $json.id }",
		[1320, 700],
	);
	L.setRaw(
		wf,
		'The Kept Stripe Customer',
		'{ ...$json, stripe_customer: $json.card_link.provider_customer }',
		[1320, 540],
	);
	wf.add(
		'Ask Stripe for a Card Page',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: 'https://api.stripe.com/v1/checkout/sessions',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'stripeApi',
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'mode', value: 'setup' },
					{ name: 'customer', value: '={{ $json.stripe_customer }}' },
					{ name: 'currency', value: '={{ $json.card_link.currency }}' },
					{
						name: 'setup_intent_data[metadata][series_id]',
						value: '={{ $json.card_link.series_id }}',
					},
					{
						name: 'setup_intent_data[metadata][contract_id]',
						value: '={{ $json.card_link.contract_id }}',
					},
					{
						name: 'success_url',
						value:
							"={{ String($('Business Settings').first().json.public_url).replace(/\\/?$/, '/') + 'webhook/paid?card=saved' }}",
					},
				],
			},
			options: {},
		},
		[1540, 620],
		{
			credentials: L.CREDENTIALS.stripe,
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
			onError: 'continueErrorOutput',
		},
	);
	wf.add(
		"Go to Stripe's Page",
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{ respondWith: 'redirect', redirectURL: '={{ $json.url }}', options: { responseCode: 303 } },
		[1760, 620],
	);
	const cardPage = (name, status, title, textExpression, position) =>
		wf.add(
			name,
			'n8n-nodes-base.respondToWebhook',
			1.1,
			{
				respondWith: 'text',
				responseBody: `={{ '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body style="font-family: Arial, sans-serif; max-width: 640px; margin: 40px auto; padding: 0 16px"><h1>${title}</h1><p>' + ${textExpression} + '</p></body></html>' }}`,
				options: {
					responseCode: status,
					responseHeaders: {
						entries: [{ name: 'Content-Type', value: 'text/html; charset=utf-8' }],
					},
				},
			},
			position,
		);
	cardPage(
		'Page: Link Not Valid',
		403,
		'This link cannot be used',
		"$json.card_link.reason.replace(/[<>&]/g, '')",
		[880, 860],
	);
	cardPage(
		'Page: Try Again Later',
		503,
		'Please try again in a few minutes',
		"'We could not reach our payment provider just now. Your card was not saved; please open the link again in a few minutes.'",
		[1760, 860],
	);
	wf.chain(
		'Card Link',
		'Business Settings',
		'The Card Case',
		'Check the Card Link',
		'Link Good?',
		'Stripe Customer Kept?',
		'The Kept Stripe Customer',
		'Ask Stripe for a Card Page',
		"Go to Stripe's Page",
	);
	wf.connect('Link Good?', 'Page: Link Not Valid', 1);
	wf.connect('Stripe Customer Kept?', 'Create the Stripe Customer', 1);
	wf.chain('Create the Stripe Customer', 'The New Stripe Customer', 'Ask Stripe for a Card Page');
	wf.connect('Create the Stripe Customer', 'Page: Try Again Later', 1);
	wf.connect('Ask Stripe for a Card Page', 'Page: Try Again Later', 1);
	return wf;
}

/**
 * Recurring Billing: once a month, the agreements of regular services are billed for the visits
 * done; every hour, the saved cards that are due are charged (Stripe PaymentIntents, confirmed
 * off session), and a decline follows the dunning schedule, then goes to ops.
 */
function recurringBilling() {
	const wf = new L.Workflow('recurringBilling', 'Booking Agents: Recurring Billing', {
		executionTimeout: 1800,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Bill the month',
		`With \`monthly_billing\` yes (Booking Business), on the 1st of each month at 6: every signed agreement of a regular service gets **one invoice** for the visits its crews marked done last month, each at the price of the agreement in force that day, numbered without gaps (a second run bills nothing twice). The customer gets it by e-mail (its PDF attached) and text: with a saved card, it says the card pays it; without one, it carries a link to **save a card** (Stripe's page, through /webhook/card) so the months after are paid automatically.\n\n\${L.SETTINGS_NOTE}`,
	);
	wf.add(
		'First of the Month',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{
			rule: {
				interval: [
					{ field: 'months', monthsInterval: 1, triggerAtDayOfMonth: 1, triggerAtHour: 6 },
				],
			},
		},
		[0, 0],
	);
	L.settingsNode(wf, [220, 0]);
	L.startCase(wf, 'The Business', [440, 0]);
	L.ifTrue(wf, 'The Monthly Run?', "$('First of the Month').isExecuted", [660, 200]);
	L.ifTrue(
		wf,
		'Billed by the Month?',
		"/^(yes|y|true|on|1)$/i.test(String($('Business Settings').first().json.monthly_billing ?? '').trim())",
		[880, 0],
	);
	L.agent(
		wf,
		'Bill Last Month',
		'contractAgent',
		{ resource: 'invoice', operation: 'billMonth' },
		[1100, 0],
		{
			credentials: L.CREDENTIALS.signingSecret,
			notes: 'One item per invoice made',
			notesInFlow: true,
		},
	);
	L.agent(
		wf,
		'Write the Invoice',
		'confirmationAgent',
		{ messageKind: 'invoice', options: { calendar: false } },
		[1320, 0],
	);
	deliver(wf, 'Write the Invoice', 'Monthly Invoice', 1540, 0, null, { caseFlow: true });
	wf.chain(
		'First of the Month',
		'Business Settings',
		'The Business',
		'The Monthly Run?',
		'Billed by the Month?',
		'Bill Last Month',
		'Write the Invoice',
	);
	wf.section(
		'Charge the saved cards',
		"Every hour: the invoices whose saved card is due (a month just billed, a retry whose day has come, an invoice left open when a card was saved). Each is charged with n8n's HTTP Request and the **Stripe** credential (a PaymentIntent confirmed off session; Idempotency-Key per attempt, so a retried request never charges twice), and Stripe's answer is recorded. **Declined**: tried again 1, 3 and 7 days after the first decline, the customer told each time with a link to use another card. After the last: the customer is told and the case goes to the **Human Queue**. No answer at all: the same attempt again an hour later, with the same key. The payment itself is also confirmed by Stripe's event (**Payments**), counted once.",
	);
	wf.add(
		'Every Hour',
		'n8n-nodes-base.scheduleTrigger',
		1.2,
		{ rule: { interval: [{ field: 'hours', hoursInterval: 1 }] } },
		[0, 200],
	);
	L.agent(
		wf,
		'List Charges Due',
		'contractAgent',
		{ resource: 'invoice', operation: 'chargesDue' },
		[880, 400],
		{ notes: 'One item per charge', notesInFlow: true },
	);
	wf.add(
		'Charge the Saved Card',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: 'https://api.stripe.com/v1/payment_intents',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'stripeApi',
			sendHeaders: true,
			headerParameters: {
				parameters: [{ name: 'Idempotency-Key', value: '={{ $json.charge.idempotency_key }}' }],
			},
			sendBody: true,
			contentType: 'form-urlencoded',
			bodyParameters: {
				parameters: [
					{ name: 'amount', value: '={{ $json.charge.amount_cents }}' },
					{ name: 'currency', value: '={{ $json.charge.currency }}' },
					{ name: 'customer', value: '={{ $json.charge.provider_customer }}' },
					{ name: 'payment_method', value: '={{ $json.charge.payment_method }}' },
					{ name: 'off_session', value: 'true' },
					{ name: 'confirm', value: 'true' },
					{ name: 'description', value: '={{ $json.charge.description }}' },
					{ name: 'metadata[invoice_id]', value: '={{ $json.invoice.invoice_id }}' },
					{ name: 'metadata[attempt]', value: '={{ $json.charge.attempt }}' },
				],
			},
			options: { response: { response: { fullResponse: true, neverError: true } } },
		},
		[1100, 400],
		{
			credentials: L.CREDENTIALS.stripe,
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
			onError: 'continueRegularOutput',
		},
	);
	L.agent(
		wf,
		'Record the Charge',
		'contractAgent',
		{
			resource: 'invoice',
			operation: 'recordCharge',
		},
		[1320, 400],
		{ credentials: L.CREDENTIALS.signingSecret },
	);
	L.setRaw(
		wf,
		"With Stripe's Answer",
		"{ ...$('List Charges Due').item.json, stripe_response: { status_code: $json.statusCode ?? null, body: $json.body ?? null } }",
		[1540, 400],
	);
	wf.add(
		'What Came of It?',
		'n8n-nodes-base.switch',
		3.2,
		{
			rules: {
				values: ['declined', 'gave_up'].map((outcome) => ({
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: L.stableId(wf.key, 'What Came of It?', outcome),
								leftValue: '={{ $json.charge_result.outcome }}',
								rightValue: outcome,
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					renameOutput: true,
					outputKey: outcome === 'declined' ? 'Declined' : 'Gave Up',
				})),
			},
			options: { fallbackOutput: 'extra', renameFallbackOutput: 'Paid or Later' },
		},
		[1760, 400],
	);
	L.agent(
		wf,
		'Write the Decline',
		'confirmationAgent',
		{ messageKind: 'payment_failed', options: { calendar: false } },
		[2200, 320],
	);
	deliver(wf, 'Write the Decline', 'Declined Payment', 2420, 320, null, { caseFlow: true });
	L.setRaw(
		wf,
		'Unpaid Invoice Case',
		"{ ...$json, message: 'Invoice ' + $json.invoice.invoice_number + ': the saved card was declined on every try.', handoff_reason: $json.charge_result.detail + ' Invoice ' + $json.invoice.invoice_number + ' (' + ($json.invoice.total_cents - $json.invoice.paid_cents) / 100 + ' ' + $json.invoice.currency + ') stays open.' }",
		[1980, 500],
	);
	L.callWorkflow(
		wf,
		'Hand the Unpaid Invoice to Ops',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2200, 560],
		{
			wait: false,
		},
	);
	wf.add('Nothing More to Do', 'n8n-nodes-base.noOp', 1, {}, [1980, 680]);
	wf.connect('Every Hour', 'Business Settings');
	wf.connect('The Monthly Run?', 'List Charges Due', 1);
	wf.chain(
		'List Charges Due',
		'Charge the Saved Card',
		"With Stripe's Answer",
		'Record the Charge',
		'What Came of It?',
		'Write the Decline',
	);
	wf.connect('What Came of It?', 'Unpaid Invoice Case', 1);
	wf.connect('Unpaid Invoice Case', 'Write the Decline');
	wf.connect('Unpaid Invoice Case', 'Hand the Unpaid Invoice to Ops');
	wf.connect('What Came of It?', 'Nothing More to Do', 2);
	return wf;
}

module.exports = {
	opsBoard,
	payments,
	recurringBilling,
	opsCustomers,
	opsRegularVisits,
	weeklyNumbers,
	businessSettings,
	errorEscalation,
	humanQueue,
	outbox,
	agreementSigning,
	customerLinks,
	crewVisits,
	crewSteps,
	customerChanges,
	depositBack,
	reminders,
	renewals,
	deliver,
	HANDOFF_REASON,
	CASE_TEXT,
};
