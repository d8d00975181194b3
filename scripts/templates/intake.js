'use strict';
/** The intake templates: customers writing by text (Twilio), and the routing every channel shares. */
const L = require('./lib');
const { deliver } = require('./support');

const ROUTED = "$('Route the Text').first().json";

/**
 * Texts from customers: Twilio posts each incoming SMS here. The signature is checked (a forged
 * post gets 403 and nothing is written); STOP, START and HELP are answered as carriers require; a
 * reply to an open quote resumes the execution waiting for it; a text on a case that waits on a
 * page gets that page's link back; a text on a case a person holds goes to that person; anything
 * else starts a case (or joins the sender's open one): triaged, an emergency dispatched, the rest
 * booked by Simple Booking, whose own messages answer the customer.
 */
function incomingTexts() {
	const wf = new L.Workflow('incomingTexts', 'Booking Agents: Incoming Texts', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Incoming texts',
		"Set this workflow's production URL (**/webhook/sms**, POST) as the *A message comes in* webhook of your Twilio number. Twilio signs each request with your account's Auth Token (the **Twilio Webhook (Auth Token)** credential): a request without a valid `X-Twilio-Signature` gets **403** and nothing is written. Behind a proxy, set n8n's `WEBHOOK_URL` to the public address so the signed URL matches.\n\nOne case per conversation: the sender's number finds their open case (the same case their e-mails and web forms reach).",
	);
	wf.add(
		'Receive a Text',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path: 'sms', responseMode: 'responseNode', options: {} },
		[0, 0],
		{ webhookId: L.stableId(wf.key, 'Receive a Text', 'webhook') },
	);
	L.settingsNode(wf, [220, 0]);
	wf.add(
		'Route the Text',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'routeMessage', incomingChannel: 'sms' },
		[440, 0],
		{
			credentials: { ...L.CREDENTIALS.signingSecret, ...L.CREDENTIALS.twilioWebhook },
			onError: 'continueErrorOutput',
		},
	);
	const twiml = (name, body, position, status = 200) =>
		wf.add(
			name,
			'n8n-nodes-base.respondToWebhook',
			1.1,
			{
				respondWith: 'text',
				responseBody: `={{ ${body} }}`,
				options: {
					responseCode: status,
					responseHeaders: {
						entries: [{ name: 'Content-Type', value: 'text/xml; charset=utf-8' }],
					},
				},
			},
			position,
		);
	wf.add(
		'Answer 403: Not From Twilio',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'text',
			responseBody: '={{ $json.incoming.reason }}',
			options: { responseCode: 403 },
		},
		[880, -200],
	);
	wf.add(
		'Answer 400: Not Read',
		'n8n-nodes-base.respondToWebhook',
		1.1,
		{
			respondWith: 'text',
			responseBody:
				"={{ 'The text could not be read: ' + ($json.error?.message ?? 'unknown error') }}",
			options: { responseCode: 400 },
		},
		[660, 200],
	);
	L.switchOn(
		wf,
		'Where Does It Go?',
		[
			'forged: refuse',
			'a keyword or a page: answer',
			'a quote reply: resume',
			'a person holds it',
			'a request: start or join a case',
		],
		'({ refused: 0, keyword: 1, page: 1, answer: 2, ops: 3 })[$json.incoming.route] ?? 4',
		[660, 0],
	);
	twiml('Answer the Text', '$json.incoming.twiml', [1100, -100]);
	wf.section(
		'Replies to what a case waits for',
		"A reply to a quote goes to the execution waiting for it (as if answered on the quote's page): the customer's words are read by the Negotiation Agent there. If that execution has ended, ops are told. A case waiting on a page (details asked, a visit to move) gets the page's link back by text.",
	);
	L.resumeWaitingFlow(wf, 'Resume the Waiting Flow', '$json.incoming.link_answer', [880, 100]);
	twiml('Answer: Reply Taken', `${ROUTED}.incoming.twiml`, [1100, 100]);
	L.ifTrue(
		wf,
		'Reply Not Taken?',
		"!!$('Resume the Waiting Flow').first().json.error",
		[1320, 100],
	);
	L.stopAndEscalate(
		wf,
		'Tell Ops: Reply Not Taken',
		`'A text answering a quote could not reach its flow (it had ended), so nothing was done with it: answer the customer by hand. Case ' + ${ROUTED}.incoming.case_id + ', from ' + ${ROUTED}.incoming.from.phone + ': ' + ${ROUTED}.incoming.text`,
		[1540, 100],
	);
	wf.section(
		'A person holds the case',
		'The customer hears that the person on their case has the message; the **Human Queue** gets it with the case (e-mail to ops, the ops board).',
	);
	twiml('Answer: A Person Has It', '$json.incoming.twiml', [880, 300]);
	L.setRaw(
		wf,
		'The Message for Ops',
		`{ case: { case_id: ${ROUTED}.incoming.case_id }, channel: 'sms', message: ${ROUTED}.incoming.text, customer: { name: ${ROUTED}.incoming.from.name, phone: ${ROUTED}.incoming.from.phone }, handoff_reason: 'The customer texted while a person holds their case: ' + ${ROUTED}.incoming.text.slice(0, 300) }`,
		[1100, 300],
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1320, 300],
		{
			wait: false,
		},
	);
	wf.section(
		'A request: start or join a case',
		"Twilio gets its answer at once (empty: the flows text the customer themselves). Triage reads the text: an emergency with a known address (from the customer's earlier cases) is dispatched by **Emergency Dispatch**; one without an address goes to the on-call ladder (or the human queue) to call the customer, who is told so. Anything else is booked by **Simple Booking**, which asks by text for what is missing. A request no flow could answer is answered by text (unless the number opted out).",
		{ newRow: true },
	);
	twiml('Answer: Taken', '$json.incoming.twiml', [880, 500]);
	L.setRaw(
		wf,
		'The Request',
		`{ ...${ROUTED}.request, business: { name: $('Business Settings').first().json.business_name, time_zone: $('Business Settings').first().json.time_zone } }`,
		[1100, 500],
	);
	L.agent(wf, 'Triage the Text', 'triageAgent', { mode: 'rules' }, [1320, 500]);
	L.ifTrue(wf, 'An Emergency?', '$json.triage.is_emergency === true', [1540, 500]);
	L.ifTrue(wf, 'Address Known?', '!!$json.customer?.address', [1760, 400]);
	L.setRaw(
		wf,
		'Emergency Request',
		`{ body: ${ROUTED}.request, headers: { 'idempotency-key': ${ROUTED}.request.request_id } }`,
		[1980, 300],
	);
	L.callWorkflow(
		wf,
		'Dispatch the Emergency',
		'emergency',
		'Booking Agents: Emergency Dispatch',
		[2200, 300],
	);
	L.setRaw(
		wf,
		'Standard Request',
		`{ body: ${ROUTED}.request, headers: { 'idempotency-key': ${ROUTED}.request.request_id } }`,
		[1760, 600],
	);
	L.callWorkflow(wf, 'Book It', 'simpleBooking', 'Booking Agents: Simple Booking', [1980, 600]);
	L.ifTrue(
		wf,
		'Answer by Text?',
		`!${ROUTED}.incoming.sms_opted_out && (['handed_to_person', 'escalated'].includes($json.status) || !!$json.problems || (!!$json.error && !$json.status))`,
		[2420, 500],
	);
	L.sendSms(
		wf,
		'Text the Answer',
		{
			to: `${ROUTED}.incoming.from.phone`,
			message: `$('Business Settings').first().json.business_name + ': ' + ($json.message ?? 'Thank you. A member of our team will contact you shortly.')`,
		},
		[2640, 500],
	);
	wf.section(
		'An emergency without an address',
		'The person on call (the `on_call_ladder` of the Booking Business table, in turn) or, with nobody on it, the human queue: call the customer now. The customer is told to expect the call.',
	);
	L.setRaw(
		wf,
		'Call the Customer',
		`{ ...$json, handoff_reason: 'EMERGENCY by text with no address: call ' + ${ROUTED}.incoming.from.phone + ' now. ' + ($json.triage.emergency_type ?? '') }`,
		[1980, 100],
	);
	L.ifTrue(
		wf,
		'Anyone On Call?',
		"!!String($('Business Settings').first().json.on_call_ladder ?? '').trim()",
		[2200, 100],
	);
	L.callWorkflow(
		wf,
		'Page the Person On Call',
		'onCallDispatcher',
		'Booking Agents: On-Call Dispatcher',
		[2420, 0],
		{
			wait: false,
		},
	);
	L.callWorkflow(
		wf,
		'Hand the Emergency to Ops',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2420, 200],
		{
			wait: false,
		},
	);
	L.sendSms(
		wf,
		'Text: We Are Calling You',
		{
			to: `${ROUTED}.incoming.from.phone`,
			message: `$('Business Settings').first().json.business_name + ': we have your emergency and are calling you now. Reply with the address if you can. If it is safe, stop the water or power at its source.'`,
		},
		[2640, 100],
	);
	// A text that could not go out: the execution fails with the customer's number, so the error workflow tells ops.
	wf.inSection('A request: start or join a case');
	L.stopAndEscalate(
		wf,
		'Tell Ops: Text Not Sent',
		`'A text to ' + ${ROUTED}.incoming.from.phone + ' could not be sent (' + ((typeof $json.error === 'string' ? $json.error : $json.error?.message) ?? 'unknown error') + '): call the customer. They wrote: ' + ${ROUTED}.incoming.text`,
		[2860, 300],
	);
	wf.connect('Receive a Text', 'Business Settings');
	wf.chain('Business Settings', 'Route the Text', 'Where Does It Go?');
	wf.connect('Route the Text', 'Answer 400: Not Read', 1);
	wf.connect('Where Does It Go?', 'Answer 403: Not From Twilio', 0);
	wf.connect('Where Does It Go?', 'Answer the Text', 1);
	wf.connect('Where Does It Go?', 'Resume the Waiting Flow', 2);
	wf.chain('Resume the Waiting Flow', 'Answer: Reply Taken', 'Reply Not Taken?');
	wf.connect('Reply Not Taken?', 'Tell Ops: Reply Not Taken', 0);
	wf.connect('Where Does It Go?', 'Answer: A Person Has It', 3);
	wf.chain('Answer: A Person Has It', 'The Message for Ops', 'Hand to the Human Queue');
	wf.connect('Where Does It Go?', 'Answer: Taken', 4);
	wf.chain('Answer: Taken', 'The Request', 'Triage the Text', 'An Emergency?');
	wf.connect('An Emergency?', 'Address Known?', 0);
	wf.connect('An Emergency?', 'Standard Request', 1);
	wf.connect('Address Known?', 'Emergency Request', 0);
	wf.connect('Address Known?', 'Call the Customer', 1);
	wf.chain('Emergency Request', 'Dispatch the Emergency', 'Answer by Text?');
	wf.chain('Standard Request', 'Book It', 'Answer by Text?');
	wf.connect('Answer by Text?', 'Text the Answer', 0);
	wf.chain('Call the Customer', 'Anyone On Call?');
	wf.connect('Anyone On Call?', 'Page the Person On Call', 0);
	wf.connect('Anyone On Call?', 'Hand the Emergency to Ops', 1);
	wf.connect('Page the Person On Call', 'Text: We Are Calling You');
	wf.connect('Text the Answer', 'Tell Ops: Text Not Sent', 1);
	wf.connect('Text: We Are Calling You', 'Tell Ops: Text Not Sent', 1);
	wf.connect('Hand the Emergency to Ops', 'Text: We Are Calling You');
	return wf;
}

const FORM = "$('Booking Request Form').first().json";
const FORMED = "$('Route the Request').first().json";

/** The titles of the page the customer sees after sending the form, by the answer's status. */
const OUTCOME_TITLES =
	"({ booked: 'You are booked', series_booked: 'Your visits are held', dispatched: 'Help is on the way', dispatcher_will_call: 'We are calling you', quote_sent: 'Your quote is on its way', needs_details: 'Almost there' })[$json.status] ?? 'Thank you'";

/**
 * The website's booking form, on n8n's Form Trigger: public, no key. A honeypot field, a minimum
 * time to fill it in and a limit per sender keep bots out (no third-party service); the request
 * joins the sender's open case or starts one, is triaged (an emergency is dispatched) or booked
 * by Simple Booking, and the last page tells the customer the outcome.
 */
function webForm() {
	const wf = new L.Workflow('webForm', 'Booking Agents: Web Form', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Web form',
		"The booking form for your website: **/form/request** (link to it, or embed it in an iframe). It is public: no key. Bots are kept out without a third-party service: a field people never see (*Leave this field empty*, hidden by the form's CSS), the time the page was served (a hidden field: a form sent within 3 seconds is refused) and at most 5 requests an hour per e-mail, phone or client address (kept in the booking store). The page after it says what happened: booked (when), the quote on its way, a person will call, or for an emergency that help is on the way.",
	);
	wf.add(
		'Booking Request Form',
		'n8n-nodes-base.formTrigger',
		2.4,
		{
			formTitle: 'Book a cleaning',
			formDescription:
				'Tell us what you need. We answer at once: a booked time, a quote, or a call. For an emergency (water, fire, sewage) we send help right away.',
			formFields: {
				values: [
					{ fieldLabel: 'Your name', fieldName: 'name', requiredField: true },
					{
						fieldLabel: 'Phone',
						fieldName: 'phone',
						requiredField: true,
						placeholder: '+1 212 555 0100',
					},
					{
						fieldLabel: 'E-mail',
						fieldName: 'email',
						fieldType: 'email',
						placeholder: 'you@example.com',
					},
					{ fieldLabel: 'Address of the visit', fieldName: 'address', requiredField: true },
					{
						fieldLabel: 'What do you need?',
						fieldName: 'message',
						fieldType: 'textarea',
						requiredField: true,
						placeholder: 'A deep clean of a 3 bedroom, 2 bath house',
					},
					{
						fieldLabel: 'When suits you?',
						fieldName: 'preference',
						placeholder: 'Tuesday morning',
					},
					// The honeypot: hidden by the CSS below; a person never fills it.
					{ fieldLabel: 'Leave this field empty', fieldName: 'website' },
					{ fieldType: 'hiddenField', fieldName: 'started', fieldValue: '={{ $now.toMillis() }}' },
				],
			},
			responseMode: 'lastNode',
			options: {
				path: 'request',
				appendAttribution: false,
				buttonLabel: 'Send',
				useWorkflowTimezone: true,
				showHeaders: true,
				customCss:
					'.form-group:has(#field-6) { position: absolute !important; left: -10000px !important; width: 1px; height: 1px; overflow: hidden; }',
			},
		},
		[0, 0],
		{ webhookId: L.stableId(wf.key, 'Booking Request Form', 'form') },
	);
	L.settingsNode(wf, [220, 0]);
	wf.add(
		'Route the Request',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'routeMessage',
			incomingChannel: 'web_form',
			messageText: '={{ $json.message }}',
			fromEmail: '={{ $json.email }}',
			fromPhone: '={{ $json.phone }}',
			senderName: '={{ $json.name }}',
		},
		[440, 0],
		{ credentials: L.CREDENTIALS.signingSecret, onError: 'continueErrorOutput' },
	);
	L.switchOn(
		wf,
		'Where Does It Go?',
		['refused: the page says why', 'a person holds the case', 'a request: start or join a case'],
		'({ refused: 0, ops: 1 })[$json.incoming.route] ?? 2',
		[660, 0],
	);
	// The person reads the error's message (it names the field and the fix), not its note for workflow builders.
	L.formPage(
		wf,
		'Page: Please Check',
		"'Please check your request'",
		"($json.error?.message ?? 'Something in the form could not be read.') + ' Go back to correct it and send it again.'",
		[660, 200],
	);
	L.formPage(
		wf,
		'Page: Not Sent',
		"'Your request was not sent'",
		'$json.incoming.reason',
		[880, -200],
	);
	wf.section(
		'A person holds the case',
		'The sender has a case a person is handling: the **Human Queue** gets this request with it, and the page says so.',
	);
	L.setRaw(
		wf,
		'The Request for Ops',
		`{ case: { case_id: ${FORMED}.incoming.case_id }, channel: 'web', message: ${FORMED}.incoming.text, customer: { name: ${FORM}.name, email: ${FORM}.email || null, phone: ${FORM}.phone, address: ${FORM}.address }, handoff_reason: 'The customer sent the web form again while a person holds their case: ' + ${FORMED}.incoming.text.slice(0, 300) }`,
		[880, 0],
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1100, 0],
		{
			wait: false,
		},
	);
	L.formPage(
		wf,
		'Page: A Person Has It',
		"'Thank you'",
		"'A member of our team is already on your request and has this message too. We will be in touch shortly.'",
		[1320, 0],
	);
	wf.section(
		'Triage, then dispatch or book',
		"Triage reads the request: an emergency goes to **Emergency Dispatch**, anything else to **Simple Booking** (which asks for what is missing, or hands the job to a person). The last page shows their answer: what the customer may read, with the case's reference.",
		{ newRow: true },
	);
	L.setRaw(
		wf,
		'The Request',
		`{ body: { ...${FORMED}.request, customer: { ...${FORMED}.request.customer, name: ${FORM}.name, email: ${FORM}.email || ${FORMED}.request.customer.email || null, address: ${FORM}.address }, preference: ${FORM}.preference || null }, message: ${FORMED}.incoming.text, channel: 'web' }`,
		[880, 400],
	);
	L.agent(wf, 'Triage the Request', 'triageAgent', { mode: 'rules' }, [1100, 400]);
	L.ifTrue(wf, 'An Emergency?', '$json.triage.is_emergency === true', [1320, 400]);
	L.callWorkflow(
		wf,
		'Dispatch the Emergency',
		'emergency',
		'Booking Agents: Emergency Dispatch',
		[1540, 300],
	);
	L.callWorkflow(wf, 'Book It', 'simpleBooking', 'Booking Agents: Simple Booking', [1540, 500]);
	L.setRaw(wf, 'The Answer', '$json.answer ?? $json', [1760, 400]);
	L.formPage(
		wf,
		'Page: The Outcome',
		OUTCOME_TITLES,
		"[$json.message ?? 'Thank you. We have your request and will be in touch shortly.', $json.next_step, $json.reference ? 'Your reference: ' + $json.reference : null].filter(Boolean).join('\\n\\n')",
		[1980, 400],
	);
	wf.connect('Booking Request Form', 'Business Settings');
	wf.chain('Business Settings', 'Route the Request', 'Where Does It Go?');
	wf.connect('Route the Request', 'Page: Please Check', 1);
	wf.connect('Where Does It Go?', 'Page: Not Sent', 0);
	wf.connect('Where Does It Go?', 'The Request for Ops', 1);
	wf.chain('The Request for Ops', 'Hand to the Human Queue', 'Page: A Person Has It');
	wf.connect('Where Does It Go?', 'The Request', 2);
	wf.chain('The Request', 'Triage the Request', 'An Emergency?');
	wf.connect('An Emergency?', 'Dispatch the Emergency', 0);
	wf.connect('An Emergency?', 'Book It', 1);
	wf.connect('Dispatch the Emergency', 'The Answer');
	wf.connect('Book It', 'The Answer');
	wf.connect('The Answer', 'Page: The Outcome');
	return wf;
}

const MAILED = "$('Route the E-mail').first().json";
const MAIL = "$('New E-mail').first().json";
/** The reply's subject: the customer's, as a reply. */
const RE_SUBJECT = `(String(${MAIL}.subject ?? '').toLowerCase().startsWith('re:') ? ${MAIL}.subject : 'Re: ' + (${MAIL}.subject || 'your request'))`;

/**
 * E-mails to the business's inbox, read over IMAP by n8n's Email Trigger: a new e-mail starts a
 * case (or joins the sender's open one), a reply finds its case by the thread it answers and by
 * the sender, and the answer goes back as a reply.
 */
function incomingEmail() {
	const wf = new L.Workflow('incomingEmail', 'Booking Agents: Incoming E-mail', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Incoming e-mail',
		"n8n's **Email Trigger (IMAP)** watches the business's inbox (the **Business Inbox (IMAP)** credential) and marks each e-mail read once taken. Automatic mail (out-of-office replies, bounces, lists) and mail from the business's own address are left alone, so two robots never answer each other.\n\nOne case per conversation: the e-mail's References and In-Reply-To, then the sender's address, find their open case; only the e-mail's own words are read (the quoted history of a reply is cut; a forwarded message is kept: it is what is sent).",
	);
	wf.add(
		'New E-mail',
		'n8n-nodes-base.emailReadImap',
		2.1,
		{
			mailbox: 'INBOX',
			postProcessAction: 'read',
			format: 'resolved',
			downloadAttachments: false,
			options: {},
		},
		[0, 0],
		{ credentials: L.CREDENTIALS.imap },
	);
	L.settingsNode(wf, [220, 0]);
	L.ifTrue(
		wf,
		'Written by a Person?',
		"((h) => !/^auto-(replied|generated)/i.test(String(h['auto-submitted'] ?? '')) && !/^(bulk|junk|list|auto_reply)$/i.test(String(h.precedence ?? '')) && !h['list-id'] && String($json.from?.value?.[0]?.address ?? '').toLowerCase() !== String($json.business_email ?? '').toLowerCase())(Object.fromEntries(Object.entries($json.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v ?? '').replace(/^[^:]*:\\s*/, '').trim()])))",
		[440, 0],
	);
	wf.add(
		'Route the E-mail',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'routeMessage',
			incomingChannel: 'email',
			messageText: "={{ $json.text ?? '' }}",
			fromEmail: '={{ $json.from?.value?.[0]?.address }}',
			senderName: "={{ $json.from?.value?.[0]?.name || '' }}",
			messageId: "={{ $json.messageId ?? '' }}",
			references: "={{ [].concat($json.references ?? [], $json.inReplyTo ?? []).join(' ') }}",
		},
		[660, 0],
		{ credentials: L.CREDENTIALS.signingSecret, onError: 'continueErrorOutput' },
	);
	L.stopAndEscalate(
		wf,
		'Tell Ops: E-mail Not Read',
		`'An e-mail to the inbox could not be read (' + ($json.error?.message ?? 'unknown error') + ($json.error?.description ? ' ' + $json.error.description : '') + '): answer it by hand. From ' + (${MAIL}.from?.text ?? '?') + ', subject: ' + (${MAIL}.subject ?? '')`,
		[880, 200],
	);
	L.switchOn(
		wf,
		'Where Does It Go?',
		['a quote reply: resume', 'a page or a person: reply', 'a request: start or join a case'],
		'({ answer: 0, page: 1, ops: 1 })[$json.incoming.route] ?? 2',
		[880, 0],
	);
	wf.section(
		'Replies to what a case waits for',
		"A reply to a quote goes to the execution waiting for it, as on the quote's page (that execution answers by e-mail). A case waiting on a page gets its link in a reply; a case a person holds goes to the **Human Queue**, and the customer hears so.",
	);
	L.resumeWaitingFlow(wf, 'Resume the Waiting Flow', '$json.incoming.link_answer', [1100, -200]);
	L.ifTrue(wf, 'Reply Not Taken?', '!!$json.error', [1320, -200]);
	L.stopAndEscalate(
		wf,
		'Tell Ops: Reply Not Taken',
		`'An e-mail answering a quote could not reach its flow (it had ended): answer the customer by hand. Case ' + ${MAILED}.incoming.case_id + ', from ' + ${MAILED}.incoming.from.email + ': ' + ${MAILED}.incoming.text`,
		[1540, -200],
	);
	L.ifTrue(wf, 'A Person Holds It?', "$json.incoming.route === 'ops'", [1100, 0]);
	L.setRaw(
		wf,
		'The Message for Ops',
		`{ case: { case_id: ${MAILED}.incoming.case_id }, channel: 'email', message: ${MAILED}.incoming.text, customer: { name: ${MAILED}.incoming.from.name, email: ${MAILED}.incoming.from.email }, handoff_reason: 'The customer e-mailed while a person holds their case: ' + ${MAILED}.incoming.text.slice(0, 300) }`,
		[1320, -60],
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, -60],
		{
			wait: false,
		},
	);
	L.sendEmail(
		wf,
		'Reply With the Link',
		{
			to: `${MAILED}.incoming.from.email`,
			subject: RE_SUBJECT,
			text: `'Hi' + (${MAILED}.incoming.from.name ? ' ' + ${MAILED}.incoming.from.name : '') + ',\\n\\n' + ${MAILED}.incoming.reply.slice(${MAILED}.incoming.reply.indexOf(': ') + 2) + '\\n\\n' + $('Business Settings').first().json.business_name`,
		},
		[1760, 0],
	);
	wf.section(
		'A request: start or join a case',
		'Triage reads it: an emergency with a phone and address on record is dispatched by **Emergency Dispatch**; without them the **Human Queue** is told to call or write now, and the customer is answered. Anything else is booked by **Simple Booking** (which asks by e-mail for what is missing); an answer no flow e-mailed is sent as a reply.',
		{ newRow: true },
	);
	L.setRaw(
		wf,
		'The Request',
		`{ body: ${MAILED}.request, message: ${MAILED}.incoming.text, channel: 'email', customer: ${MAILED}.request.customer, headers: { 'idempotency-key': ${MAILED}.request.request_id } }`,
		[1100, 400],
	);
	L.agent(wf, 'Triage the E-mail', 'triageAgent', { mode: 'rules' }, [1320, 400]);
	L.ifTrue(wf, 'An Emergency?', '$json.triage.is_emergency === true', [1540, 400]);
	L.ifTrue(
		wf,
		'Phone and Address Known?',
		'!!$json.customer?.phone && !!$json.customer?.address',
		[1760, 300],
	);
	L.callWorkflow(
		wf,
		'Dispatch the Emergency',
		'emergency',
		'Booking Agents: Emergency Dispatch',
		[1980, 200],
	);
	L.setRaw(
		wf,
		'Call or Write Now',
		`{ ...$json, handoff_reason: 'EMERGENCY by e-mail with no ' + ($json.customer?.phone ? 'address' : 'phone number') + ' on record: reply to ' + ${MAILED}.incoming.from.email + ' now and call if you can. ' + ($json.triage.emergency_type ?? ''), answer: { status: 'handed_to_person', message: 'We have your emergency. Please call us now at ' + ($('Business Settings').first().json.business_phone || 'our number') + ', or reply with your address and a phone number and we will call you. If it is safe, stop the water or power at its source.' } }`,
		[1980, 400],
	);
	L.callWorkflow(
		wf,
		'Hand the Emergency to Ops',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2200, 400],
		{
			wait: false,
		},
	);
	L.setRaw(wf, 'Emergency Answer', "$('Call or Write Now').first().json.answer", [2420, 400]);
	L.callWorkflow(wf, 'Book It', 'simpleBooking', 'Booking Agents: Simple Booking', [1760, 560]);
	L.setRaw(wf, 'The Answer', '$json.answer ?? $json', [2640, 400]);
	L.ifTrue(
		wf,
		'Answer by E-mail?',
		"['handed_to_person', 'escalated'].includes($json.status) || !!$json.problems",
		[2860, 400],
	);
	L.sendEmail(
		wf,
		'Reply With the Answer',
		{
			to: `${MAILED}.incoming.from.email`,
			subject: RE_SUBJECT,
			text: `'Hi' + (${MAILED}.incoming.from.name ? ' ' + ${MAILED}.incoming.from.name : '') + ',\\n\\n' + ($json.message ?? 'Thank you. A member of our team will contact you shortly.') + '\\n\\n' + $('Business Settings').first().json.business_name`,
		},
		[3080, 400],
	);
	wf.inSection('A request: start or join a case');
	L.stopAndEscalate(
		wf,
		'Tell Ops: Reply Not Sent',
		`'A reply to ' + ${MAILED}.incoming.from.email + ' could not be sent (' + ((typeof $json.error === 'string' ? $json.error : $json.error?.message) ?? 'unknown error') + '): answer them by hand. They wrote: ' + ${MAILED}.incoming.text`,
		[3300, 500],
	);
	wf.chain('New E-mail', 'Business Settings', 'Written by a Person?');
	wf.connect('Written by a Person?', 'Route the E-mail', 0);
	wf.connect('Route the E-mail', 'Tell Ops: E-mail Not Read', 1);
	wf.connect('Route the E-mail', 'Where Does It Go?');
	wf.connect('Where Does It Go?', 'Resume the Waiting Flow', 0);
	wf.chain('Resume the Waiting Flow', 'Reply Not Taken?');
	wf.connect('Reply Not Taken?', 'Tell Ops: Reply Not Taken', 0);
	wf.connect('Where Does It Go?', 'A Person Holds It?', 1);
	wf.connect('A Person Holds It?', 'The Message for Ops', 0);
	wf.chain('The Message for Ops', 'Hand to the Human Queue', 'Reply With the Link');
	wf.connect('A Person Holds It?', 'Reply With the Link', 1);
	wf.connect('Reply With the Link', 'Tell Ops: Reply Not Sent', 1);
	wf.connect('Where Does It Go?', 'The Request', 2);
	wf.chain('The Request', 'Triage the E-mail', 'An Emergency?');
	wf.connect('An Emergency?', 'Phone and Address Known?', 0);
	wf.connect('An Emergency?', 'Book It', 1);
	wf.connect('Phone and Address Known?', 'Dispatch the Emergency', 0);
	wf.connect('Phone and Address Known?', 'Call or Write Now', 1);
	wf.chain('Call or Write Now', 'Hand the Emergency to Ops', 'Emergency Answer', 'The Answer');
	wf.connect('Dispatch the Emergency', 'The Answer');
	wf.connect('Book It', 'The Answer');
	wf.chain('The Answer', 'Answer by E-mail?');
	wf.connect('Answer by E-mail?', 'Reply With the Answer', 0);
	wf.connect('Reply With the Answer', 'Tell Ops: Reply Not Sent', 1);
	return wf;
}

const CHATTED = "$('Route the Chat').first().json";
const CHAT = "$('When a Customer Chats').first().json";

/** A reply in the chat: the Chat Trigger answers with the last node's `output`. */
const chatReply = (wf, name, expression, position) =>
	L.setRaw(wf, name, `{ output: ${expression} }`, position);

/** `$fromAI` for a tool's parameter: the model fills it from the conversation (one description per key in a node). */
const fromAi = (key, description, type = 'string') =>
	`$fromAI(${JSON.stringify(key)}, ${JSON.stringify(description)}, ${JSON.stringify(type)})`;

const SERVICE_TYPE = fromAi(
	'service_type',
	'The service, as Read_the_Inquiry returned it (qualification.service_type): standard_cleaning, deep_cleaning, move_in_out, post_construction, commercial_cleaning, carpet_cleaning or window_cleaning',
);
const JOB_FACTS = `{ bedrooms: ${fromAi('bedrooms', 'Bedrooms, a number; empty when the customer has not said')}, bathrooms: ${fromAi('bathrooms', 'Bathrooms, a number (a half bath is 0.5); empty when not said')}, square_feet: ${fromAi('square_feet', 'Square feet, a number; empty when not said')}, is_emergency: false }`;
const START = fromAi(
	'start',
	'The start of the time the customer chose, copied exactly from Find_Open_Times (ISO 8601, e.g. 2026-12-08T09:00:00.000-05:00)',
);

const SYSTEM_MESSAGE = [
	'You are the booking assistant of {{ $("Business Settings").first().json.business_name }}, a cleaning and restoration business. You talk with one customer in a chat.',
	'Your tools do the work and decide every price and time; you only talk:',
	"1. Read_the_Inquiry with the customer's words first: it reads the service, the home and what is missing.",
	'2. Price_the_Job with what it read: say the total and what it includes exactly as the tool returned them. Never state, change or discount a price yourself.',
	'3. Find_Open_Times when the customer wants to book: offer only the times it returned, in its words.',
	'4. Before booking, ask for what is missing of: full name, phone, e-mail, the address of the work. Then Book_a_Time with the exact start the customer chose.',
	'5. Confirm_the_Booking with the booking_id Book_a_Time returned, and give the customer its message.',
	'If a tool answers with an error or no time fits, say so and offer another day or a call from our team. Never promise anything a tool did not return. If the customer wants a person, or asks about anything else, say a person from our team will follow up.',
	'Be brief and friendly.',
].join('\n');

/**
 * The chat on the business's website: n8n's Chat Trigger and AI Agent, whose tools are our nodes
 * (the Qualifier, Pricing, Scheduling's Find Slots and Book, the Confirmation). The model fills the
 * tools' parameters from the conversation ($fromAI) and talks; code decides every price and slot.
 * Each turn is recorded on the conversation's case (one case per chat session, the same case the
 * customer's texts, e-mails and forms reach). An emergency never goes to the model.
 */
function chat() {
	const wf = new L.Workflow('chat', 'Booking Agents: Chat', {
		executionTimeout: 180,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Chat',
		"The chat for your website: publish this workflow and open the **Chat Trigger**'s URL (*/webhook/…/chat*), link to it, or embed it with n8n's `@n8n/chat` widget. It is public: no login. Each line goes to the conversation's case (the chat session finds it); anything the next sections do not answer at once goes to the **Sales Chat**.\n\nThe model needs the **OpenAI (Chat Model)** credential (any OpenAI-compatible server: set its Base URL).",
	);
	wf.add(
		'When a Customer Chats',
		'@n8n/n8n-nodes-langchain.chatTrigger',
		1.4,
		{
			public: true,
			mode: 'hostedChat',
			initialMessages: 'Hi! I can price a cleaning and book it for you. What do you need cleaned?',
			options: {
				title: 'Book a cleaning',
				subtitle: 'Prices and open times at once, any hour.',
				inputPlaceholder: 'e.g. Deep clean of a 3-bedroom house next week',
				responseMode: 'lastNode',
			},
		},
		[0, 0],
		{ webhookId: L.stableId(wf.key, 'When a Customer Chats', 'webhook') },
	);
	L.settingsNode(wf, [220, 0]);
	wf.add(
		'Route the Chat',
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{
			operation: 'routeMessage',
			incomingChannel: 'chat',
			messageText: `={{ ${CHAT}.chatInput }}`,
			chatSession: `={{ ${CHAT}.sessionId }}`,
		},
		[440, 0],
		{ credentials: L.CREDENTIALS.signingSecret, onError: 'continueErrorOutput' },
	);
	chatReply(
		wf,
		'Reply: Not Read',
		"'Sorry, I could not read that: ' + ($json.error?.message ?? 'please write it again.')",
		[660, 200],
	);
	L.switchOn(
		wf,
		'Where Does It Go?',
		['a page: its link', 'a quote reply: resume', 'a person holds it', 'a request: triage'],
		'({ page: 0, keyword: 0, refused: 0, answer: 1, ops: 2 })[$json.incoming.route] ?? 3',
		[660, 0],
	);
	wf.section(
		'Answered at once, without the model',
		"A case waiting on a page (details to give, a visit to move) gets the page's link; a reply to a quote goes to the flow waiting for it; a case a person holds: the message goes to them (**Human Queue**) and the customer is told.",
	);
	chatReply(wf, 'Reply With the Link', '$json.incoming.reply', [880, -200]);
	L.resumeWaitingFlow(wf, 'Resume the Waiting Flow', '$json.incoming.link_answer', [880, -50]);
	chatReply(wf, 'Reply: Answer Taken', `${CHATTED}.incoming.reply`, [1100, -50]);
	L.setRaw(
		wf,
		'The Message for Ops',
		`{ case: { case_id: ${CHATTED}.incoming.case_id }, channel: 'chat', message: ${CHATTED}.incoming.text, customer: ${CHATTED}.incoming.from, handoff_reason: 'The customer wrote in the chat while a person holds their case: ' + ${CHATTED}.incoming.text.slice(0, 300) }`,
		[880, 100],
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1100, 100],
		{
			wait: false,
		},
	);
	chatReply(wf, 'Reply: A Person Has It', `${CHATTED}.incoming.reply`, [1320, 100]);
	wf.section(
		'An emergency: ops, not the model',
		'Triage reads each new request first. An emergency (water, fire, sewage...) goes to ops through the **Human Queue** at once, with the chat line; the customer is told to call now and gets the safety steps.',
	);
	L.setRaw(
		wf,
		'The Request',
		`{ ...${CHATTED}.request, business: { name: $('Business Settings').first().json.business_name, time_zone: $('Business Settings').first().json.time_zone } }`,
		[880, 300],
	);
	L.agent(wf, 'Triage the Chat', 'triageAgent', { mode: 'rules' }, [1100, 300]);
	L.ifTrue(wf, 'An Emergency?', '$json.triage.is_emergency === true', [1320, 300]);
	L.setRaw(
		wf,
		'The Emergency for Ops',
		`{ ...$json, handoff_reason: 'EMERGENCY in the chat: call the customer now (ask their number in the chat if they gave none). ' + ($json.triage.emergency_type ?? '') + ': ' + ${CHATTED}.incoming.text.slice(0, 300) }`,
		[1540, 200],
	);
	L.callWorkflow(
		wf,
		'Hand the Emergency to Ops',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1760, 200],
		{ wait: false },
	);
	chatReply(
		wf,
		'Reply: Call Us Now',
		`'This sounds like an emergency. Please call us now' + ($('Business Settings').first().json.business_phone ? ' at ' + $('Business Settings').first().json.business_phone : '') + ': our team has your message and sends help right away.' + (($('Triage the Chat').first().json.triage.safety_instructions ?? []).length ? ' Until we are there: ' + $('Triage the Chat').first().json.triage.safety_instructions.join(' ') : '')`,
		[1980, 200],
	);
	wf.section(
		'The sales chat',
		"The AI Agent talks; its tools (below) decide: the **Qualifier** reads the request, **Pricing** prices it, the **Scheduling Agent** finds open times and books the one the customer picks, the **Confirmation Agent** writes the confirmation from the stored booking. The model fills the tools' fields from the conversation (`$fromAI`); it cannot set a price or a time. The conversation's memory is kept per chat session. After each turn the case is recorded with what the tools returned (the quote, the booked visit), never with the model's words; a customer who asks for a person (as the Qualifier reads them) goes to the **Human Queue**, and their next lines are answered that a person has them.",
		{ newRow: true },
	);
	L.setRaw(
		wf,
		'The Conversation',
		`{ chatInput: ${CHAT}.chatInput, sessionId: ${CHAT}.sessionId, message: ${CHATTED}.incoming.text, channel: 'chat', customer: ${CHATTED}.request.customer, case: ${CHATTED}.request.case, received_at: $now.toISO(), business: ${L.BUSINESS_FROM_SETTINGS.replaceAll('$json.', "$('Business Settings').first().json.")} }`,
		[1540, 400],
	);
	wf.add(
		'Sales Chat',
		'@n8n/n8n-nodes-langchain.agent',
		3.1,
		{
			promptType: 'define',
			text: '={{ $json.chatInput }}',
			options: {
				systemMessage: `=${SYSTEM_MESSAGE}`,
				maxIterations: 12,
				returnIntermediateSteps: true,
			},
		},
		[1760, 400],
	);
	wf.add(
		"The Chat's Case",
		'n8n-nodes-booking-agents.bookingRecords',
		1,
		{ operation: 'caseFromAgent', caseNode: 'The Conversation' },
		[1980, 400],
		{ onError: 'continueErrorOutput' },
	);
	L.recordCase(wf, 'Record the Chat', 'answered', '', [2200, 400]);
	L.ifTrue(
		wf,
		'Asks for a Person?',
		`$("The Chat's Case").first().json.qualification?.wants_human === true`,
		[2420, 550],
	);
	L.setRaw(
		wf,
		'The Chat for Ops',
		`{ ...$("The Chat's Case").first().json, handoff_reason: 'The customer asked in the chat for a person: ' + ${CHATTED}.incoming.text.slice(0, 300) }`,
		[2640, 550],
	);
	L.callWorkflow(
		wf,
		'Hand the Chat to Ops',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2860, 550],
		{ wait: false },
	);
	L.ifTrue(
		wf,
		'Booked in This Turn?',
		"($json.case?.events ?? []).some((e) => e.kind === 'booked')",
		[2420, 400],
	);
	chatReply(wf, 'Reply', "$('Sales Chat').first().json.output", [3300, 400]);
	wf.section(
		"The Sales Chat's model, memory and tools",
		'The model: any OpenAI-compatible chat model. The memory: the last 20 messages of each chat session (kept by this n8n process: in queue mode, use *Redis Chat Memory* or *Postgres Chat Memory* instead so every worker has it). Each tool is one of our nodes with its fields filled by the model; open a tool to see its description and fields.',
	);
	wf.add(
		'OpenAI Chat Model',
		'@n8n/n8n-nodes-langchain.lmChatOpenAi',
		1.2,
		{ model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: { temperature: 0.2 } },
		[1540, 700],
		{ credentials: L.CREDENTIALS.openAiChat },
	);
	wf.add(
		'Conversation Memory',
		'@n8n/n8n-nodes-langchain.memoryBufferWindow',
		1.3,
		{ sessionIdType: 'customKey', sessionKey: `={{ ${CHAT}.sessionId }}`, contextWindowLength: 20 },
		[1700, 700],
	);
	const tool = (name, type, description, parameters, position) =>
		L.agent(
			wf,
			name,
			`${type}Tool`,
			{ descriptionType: 'manual', toolDescription: description, ...parameters },
			position,
		);
	tool(
		'Read the Inquiry',
		'qualifierAgent',
		"Reads the customer's request: the service, the home (bedrooms, bathrooms, square feet), how often, whether it is an emergency, and what to ask before booking. Call it first, with the customer's own words.",
		{
			mode: 'rules',
			inputSource: 'define',
			message: `={{ ${fromAi('message', "The customer's request in their own words, everything they said about the job")} }}`,
			channel: 'chat',
			customerEmail: '',
			customerPhone: '',
			customerAddress: '',
		},
		[1860, 700],
	);
	tool(
		'Price the Job',
		'pricingAgent',
		'Prices the job from the rate card: total, what it includes, how long the quote is valid. The only source of a price.',
		{
			inputSource: 'define',
			serviceType: `={{ ${SERVICE_TYPE} }}`,
			propertyType: `={{ ${fromAi('property_type', 'residential or commercial')} }}`,
			bedrooms: `={{ ${fromAi('bedrooms', 'Bedrooms, a number; empty when the customer has not said')} }}`,
			bathrooms: `={{ ${fromAi('bathrooms', 'Bathrooms, a number (a half bath is 0.5); empty when not said')} }}`,
			squareFeet: `={{ ${fromAi('square_feet', 'Square feet, a number; empty when not said')} }}`,
			frequency: `={{ ${fromAi('frequency', 'one_time, weekly, biweekly or monthly')} }}`,
			visitsPerWeek: '',
			addOns: '',
			isEmergency: 'false',
			emergencyType: '',
			estimatedHours: '',
			afterHours: 'false',
			holiday: 'false',
			promoCode: '',
			firstTime: 'false',
		},
		[2020, 700],
	);
	const jobParameters = {
		inputSource: 'define',
		serviceType: `={{ ${SERVICE_TYPE} }}`,
		jobFacts: `={{ ${JOB_FACTS} }}`,
		priority: '',
		respondWithinMinutes: '',
		crewId: '',
		mode: 'rules',
	};
	tool(
		'Find Open Times',
		'schedulingAgent',
		'Finds the open times a crew can do the job, from the calendar. Offer the customer only these times.',
		{
			resource: 'slot',
			operation: 'findSlots',
			...jobParameters,
			preference: `={{ ${fromAi('preference', "When the customer wants the visit, in their words ('Tuesday morning', 'next week after 3pm'); empty for the earliest times")} }}`,
			count: 3,
		},
		[2180, 700],
	);
	tool(
		'Book a Time',
		'schedulingAgent',
		'Books the time the customer chose (one Find Open Times returned) for the customer. Returns the booking and its booking_id, or why the time could not be booked.',
		{
			resource: 'booking',
			operation: 'book',
			...jobParameters,
			preference: '',
			start: `={{ ${START} }}`,
			// The model picks among the times the calendar offers, never another.
			offeredTimesOnly: true,
			customer: `={{ { name: ${fromAi('customer_name', "The customer's full name")}, phone: ${fromAi('customer_phone', "The customer's phone number, with the country code when given")}, email: ${fromAi('customer_email', "The customer's e-mail address")}, address: ${fromAi('address', 'The address of the work')} } }}`,
			idempotencyKey: `={{ 'chat:' + $json.sessionId + ':' + ${START} }}`,
		},
		[2340, 700],
	);
	tool(
		'Confirm the Booking',
		'confirmationAgent',
		'Writes the booking confirmation (the time, the address, the reference) from the stored booking. Call it after Book a Time and give the customer its message.',
		{
			operation: 'compose',
			messageKind: 'booking_confirmation',
			inputSource: 'define',
			booking: `={{ { booking_id: ${fromAi('booking_id', 'The booking_id Book_a_Time returned')} } }}`,
			quote: '={{ {} }}',
			links: '={{ {} }}',
			customerName: '',
			customerEmail: '',
			customerPhone: '',
			customerAddress: '',
			service: '',
		},
		[2500, 700],
	);
	wf.section(
		'A visit booked: confirm it by e-mail and text',
		"As every booking flow does: the customer's link to move, skip or cancel the visit, then the confirmation (with the calendar invite) by e-mail and text, written from the booking the tools made. A message that cannot go out goes to the human queue; the chat's answer is not held up.",
		{ newRow: true },
	);
	L.setRaw(wf, 'The Booked Case', `$("The Chat's Case").first().json`, [2640, 200]);
	L.visitChangeLink(wf, 'Make the Change Link', [2860, 200]);
	L.agent(
		wf,
		'Write the Confirmation',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[3080, 200],
		{ onError: 'continueRegularOutput' },
	);
	deliver(wf, 'Write the Confirmation', 'Confirmation', 3300, 200, 'Reply', { caseFlow: true });
	wf.connectAi('OpenAI Chat Model', 'Sales Chat', 'ai_languageModel');
	wf.connectAi('Conversation Memory', 'Sales Chat', 'ai_memory');
	for (const name of [
		'Read the Inquiry',
		'Price the Job',
		'Find Open Times',
		'Book a Time',
		'Confirm the Booking',
	])
		wf.connectAi(name, 'Sales Chat', 'ai_tool');
	wf.connect('When a Customer Chats', 'Business Settings');
	wf.chain('Business Settings', 'Route the Chat', 'Where Does It Go?');
	wf.connect('Route the Chat', 'Reply: Not Read', 1);
	wf.connect('Where Does It Go?', 'Reply With the Link', 0);
	wf.connect('Where Does It Go?', 'Resume the Waiting Flow', 1);
	wf.connect('Resume the Waiting Flow', 'Reply: Answer Taken');
	wf.connect('Where Does It Go?', 'The Message for Ops', 2);
	wf.chain('The Message for Ops', 'Hand to the Human Queue', 'Reply: A Person Has It');
	wf.connect('Where Does It Go?', 'The Request', 3);
	wf.chain('The Request', 'Triage the Chat', 'An Emergency?');
	wf.connect('An Emergency?', 'The Emergency for Ops', 0);
	wf.chain('The Emergency for Ops', 'Hand the Emergency to Ops', 'Reply: Call Us Now');
	wf.connect('An Emergency?', 'The Conversation', 1);
	wf.chain(
		'The Conversation',
		'Sales Chat',
		"The Chat's Case",
		'Record the Chat',
		'Asks for a Person?',
	);
	wf.connect('Asks for a Person?', 'The Chat for Ops', 0);
	wf.chain('The Chat for Ops', 'Hand the Chat to Ops', 'Reply');
	wf.connect('Asks for a Person?', 'Booked in This Turn?', 1);
	wf.connect("The Chat's Case", 'Reply', 1);
	wf.connect('Booked in This Turn?', 'The Booked Case', 0);
	wf.chain('The Booked Case', 'Make the Change Link', 'Write the Confirmation');
	wf.connect('Booked in This Turn?', 'Reply', 1);
	return wf;
}

module.exports = { incomingTexts, webForm, incomingEmail, chat };
