'use strict';
/** The intake templates: customers writing by text (Twilio), and the routing every channel shares. */
const L = require('./lib');

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
				"={{ 'The text could not be read: ' + ($json.error?.description ?? $json.error?.message ?? 'unknown error') }}",
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
	wf.add(
		'Resume the Waiting Flow',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url: '={{ $json.incoming.link_answer.resume_url }}',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json.incoming.link_answer) }}',
			options: { timeout: 10000 },
		},
		[880, 100],
		{ onError: 'continueRegularOutput', retryOnFail: true, maxTries: 5, waitBetweenTries: 2000 },
	);
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
		`'A text to ' + ${ROUTED}.incoming.from.phone + ' could not be sent (' + ($json.error?.message ?? 'unknown error') + '): call the customer. They wrote: ' + ${ROUTED}.incoming.text`,
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

module.exports = { incomingTexts };
