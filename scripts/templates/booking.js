'use strict';
/** The four customer-facing templates: simple booking, emergency, complex sales, recurring service. */
const L = require('./lib');
const { deliver, CASE_TEXT } = require('./support');

// Every agent reads its inputs from the case (Input Source "From the Case"): the request check starts it,
// with the business's details (name, e-mail, phone, time zone, crew phone) on it, so no agent input is an expression.

/** Used where a step that must not fail does: the customer hears that a person will call, ops get the error workflow's e-mail. */
function escalateOnFailure(wf, failed, label, x, y, { answered = false } = {}) {
	const stop = L.stopAndEscalate(
		wf,
		`Escalate to Ops (${label})`,
		`'${label} failed for ' + ($json.customer?.name ?? 'a customer') + ': ' + ($json.error?.message ?? 'unknown error') + '\\n' + ${CASE_TEXT}`,
		[x + 220, y],
	);
	if (answered) {
		// The caller already has its answer (the execution waited since): only ops are told.
		wf.connect(failed, stop, 1);
		return;
	}
	const answer = L.respond(
		wf,
		`Answer: We Will Call You (${label})`,
		202,
		"{ status: 'escalated', message: 'We have your request but could not finish it automatically. Our team will contact you shortly.', reference: $execution.id }",
		[x, y],
	);
	wf.connect(failed, answer, 1);
	wf.connect(answer, stop);
}

function qualifier(wf, name, position, extra = {}) {
	return L.agent(
		wf,
		name,
		'qualifierAgent',
		{ mode: 'rules', qualifiedThreshold: 60 },
		position,
		extra,
	);
}

function simpleBooking() {
	const wf = new L.Workflow('simpleBooking', 'Booking Agents: Simple Booking', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Simple booking',
		'A residential or small job booked in one go. POST to `/webhook/booking` with the header **X-Booking-Key** (credential *Booking Webhook Key*):\n```\n{ "message": "3 bed 2 bath house clean next week",\n  "customer": { "name", "email", "phone", "address" },\n  "preference": "Tuesday morning", "request_id": "form-123" }\n```\nThe answer is the booking (or a 400 naming the fields to fix). `request_id` makes retries safe: the same id books once.\n\nOther workflows also call this one (the complex sales fallback, emergencies that are not emergencies).\n\n' +
			L.SETTINGS_NOTE,
	);
	L.webhook(wf, 'Receive Booking Request', 'booking', [0, 0]);
	L.subWorkflowTrigger(wf, 'When Called by Another Workflow', [0, 200]);
	L.settingsNode(wf, [220, 0]);
	wf.section(
		'Check, qualify, price',
		'The request is checked first: nothing runs on a bad one. Then the lead is read (service, size, frequency, urgency) and priced from the Booking Rate Card table. A customer who asks for a person, or a job the rate card cannot price, goes to the human queue.',
	);
	const valid = L.requestCheck(
		wf,
		[
			'message',
			'customer',
			'name',
			'emailOptional',
			'phoneOptional',
			'contact',
			'channel',
			'preference',
			'promoCode',
			'details',
			'requestId',
			'caseRef',
		],
		440,
		0,
	);
	L.lookUpCustomer(wf, 'Look Up the Customer', [880, 0]);
	qualifier(wf, 'Qualify the Lead', [1100, 0]);
	L.ifTrue(wf, 'Asks for a Person?', '$json.qualification.wants_human === true', [1320, 0]);
	wf.section(
		'Ask for what is missing',
		'No visit is booked without an address, nor priced on a guessed size. When the Qualifier lists something in *ask_before_booking* (address, bedrooms and bathrooms, area), **Ask for Details** sends the customer a short form by e-mail and text and waits for it (this execution does not); the caller hears `needs_details` and what is asked. The answers come back here as a new request and the job is booked. Asked once already and still missing: a person takes it.',
	);
	L.switchOn(
		wf,
		'Anything Missing?',
		['ask the customer', 'asked already: a person', 'nothing: price it'],
		'!$json.qualification.ask_before_booking?.length ? 2 : $json.details_asked ? 1 : 0',
		[1540, -100],
	);
	// The answers come back to this workflow (by its id, so a copy of it gets its own answers).
	L.setRaw(
		wf,
		'Answers Come Back Here',
		'{ ...$json, book_with_workflow: $workflow.id }',
		[1760, -300],
	);
	L.callWorkflow(
		wf,
		'Ask for the Details',
		'askForDetails',
		'Booking Agents: Ask for Details',
		[1760, -200],
		{ wait: false },
	);
	// A Set node builds the answer, so that callers of this workflow (fallbacks) get it too.
	L.setRaw(
		wf,
		'Details Needed',
		"((c, ask) => ((words) => ({ status: 'needs_details', asked_for: ask, message: 'Thank you. To book, we need ' + (words.length > 1 ? words.slice(0, -1).join(', ') + ' and ' + words.at(-1) : words[0]) + ': we have sent you a short form' + (c.customer.email ? ' at ' + c.customer.email : ' by text') + '.', customer: c.customer }))(ask.filter((f) => f !== 'bathrooms' || !ask.includes('bedrooms')).map((f) => f === 'bedrooms' && ask.includes('bathrooms') ? 'the number of bedrooms and bathrooms' : ({ address: 'the address of the visit', bedrooms: 'the number of bedrooms', bathrooms: 'the number of bathrooms', square_feet: 'the area in square feet' })[f])))($('Anything Missing?').item.json, $('Anything Missing?').item.json.qualification.ask_before_booking)",
		[1980, -200],
	);
	L.respondItem(wf, 'Answer: Details Needed', 200, [2200, -200]);
	L.setRaw(
		wf,
		'Still Missing After Asking',
		"{ ...$json, handoff_reason: 'The customer was asked for ' + $json.qualification.ask_before_booking.join(', ') + ' and it is still missing: book it by hand.', decision: { kind: 'missing_info', requested_at: $now.toISO() } }",
		[1760, -60],
	);
	wf.inSection('Check, qualify, price');
	// A job the rate card cannot price (an unknown service, an office without its area) goes to a person, who quotes it.
	L.agent(wf, 'Price the Job', 'pricingAgent', {}, [1540, 100], { onError: 'continueErrorOutput' });
	wf.section(
		'Book a crew',
		'The booking is written in one transaction: no double booking, even with many requests at once. A store failure answers 202 (a person will call) and ops are told.',
	);
	L.agent(wf, 'Book a Crew', 'schedulingAgent', { operation: 'book' }, [1760, 100], {
		onError: 'continueErrorOutput',
	});
	L.ifTrue(wf, 'Booked?', "$json.booking.status === 'confirmed'", [1980, 100]);
	wf.section(
		'A person takes over',
		'The case goes to the **Human Queue** (recorded, e-mailed to ops); no crew had room, or the customer asked for a person: **Find a Time** asks ops on a page (a time, a call back, not a fit) and does the rest. The customer hears that a person will follow up.',
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2200, -140],
	);
	// No room: ops choose a time on a decision page (Find a Time, not waited for) and the flow books it.
	L.callWorkflow(wf, 'Find a Time', 'findATime', 'Booking Agents: Find a Time', [2200, 0], {
		wait: false,
	});
	L.setRaw(
		wf,
		'Handoff Result',
		"{ status: 'handed_to_person', reason: $json.reason ?? ($json.qualification?.wants_human ? 'The customer asked to speak to a person.' : 'No crew is free for the time asked: ' + ($json.booking?.reason ?? 'the calendar is full') + ' We will find a time.'), message: 'Thank you. A member of our team will contact you shortly.', customer: $('Check the Request').first().json.customer }",
		[2420, -140],
	);
	L.respondItem(wf, 'Answer: A Person Will Follow Up', 200, [2640, -140]);
	wf.connect('Handoff Result', 'Answer: A Person Will Follow Up');
	wf.inSection('Book a crew');
	escalateOnFailure(wf, 'Book a Crew', 'Booking', 1980, 340);
	wf.section(
		'Confirm and deliver',
		'The confirmation is written: an e-mail with a calendar invite and a text (STOP respected). If it cannot be written, the booking stands: the caller hears that a person will call and ops are told.',
	);
	L.agent(
		wf,
		'Write the Confirmation',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[2200, 100],
		{ onError: 'continueErrorOutput' },
	);
	// The booking stands: the customer hears that a person will call, ops get the case.
	escalateOnFailure(wf, 'Write the Confirmation', 'Confirmation', 2420, 560);
	wf.section(
		'Send it and answer',
		'E-mail (with the invite), then text; each retried 3 times, a failure to the human queue. Then the caller gets the booking.',
	);
	// Made before the confirmation is written (it carries the link); placed here, beside the sending.
	L.visitChangeLink(wf, 'Make the Change Link', [2090, 100]);
	deliver(wf, 'Write the Confirmation', 'Confirmation', 2420, 100, null, { caseFlow: true });
	// The result is built by a Set node so that callers of this workflow (fallbacks) get it back too.
	// The answer is the last node's output, so that callers of this workflow (fallbacks) get it too.
	L.respondItem(wf, 'Answer With the Booking', 200, [4860, 100]);
	L.recordCase(wf, 'Record the Case', 'answered', 'Write the Confirmation', [4420, 100]);
	wf.chain('Send the Confirmation', 'Record the Case', 'Answer With the Booking');
	L.answerCustomer(
		wf,
		'The Booking',
		'booked',
		'Write the Confirmation',
		'Answer With the Booking',
		{
			only: true,
		},
	);
	wf.chain('Receive Booking Request', 'Business Settings', 'Check the Request');
	wf.connect('When Called by Another Workflow', 'Business Settings');
	wf.chain(valid, 'Look Up the Customer', 'Qualify the Lead', 'Asks for a Person?');
	wf.connect('Asks for a Person?', 'Find a Time', 0);
	wf.connect('Asks for a Person?', 'Anything Missing?', 1);
	wf.connect('Anything Missing?', 'Answers Come Back Here', 0);
	wf.connect('Answers Come Back Here', 'Ask for the Details');
	wf.chain('Ask for the Details', 'Details Needed', 'Answer: Details Needed');
	wf.connect('Anything Missing?', 'Still Missing After Asking', 1);
	wf.connect('Still Missing After Asking', 'Hand to the Human Queue');
	wf.connect('Anything Missing?', 'Price the Job', 2);
	wf.section(
		'Deposit first',
		'A service in `deposit_services` is held until its deposit is paid (**Booking Deposit**).',
	);
	L.ifTrue(
		wf,
		'Deposit First?',
		L.depositFirst(
			'$json.business',
			'($json.booking.service ?? $json.qualification?.service_type)',
		),
		[1980, -60],
	);
	L.callWorkflow(
		wf,
		'Ask for the Deposit',
		'bookingDeposit',
		'Booking Agents: Booking Deposit',
		[2200, -300],
		{
			wait: false,
		},
	);
	L.respondItem(wf, 'Answer: Pay the Deposit', 200, [2420, -300]);
	L.answerCustomer(
		wf,
		'The Deposit Answer',
		'awaiting_deposit',
		'Book a Crew',
		'Answer: Pay the Deposit',
		{ only: true },
	);
	wf.chain(
		'Price the Job',
		'Book a Crew',
		'Booked?',
		'Deposit First?',
		'Ask for the Deposit',
		'The Deposit Answer',
		'Answer: Pay the Deposit',
	);
	wf.connect('Deposit First?', 'Make the Change Link', 1);
	wf.chain('Make the Change Link', 'Write the Confirmation');
	wf.connect('Price the Job', 'Hand to the Human Queue', 1);
	wf.connect('Booked?', 'Find a Time', 1);
	wf.connect('Find a Time', 'Handoff Result');
	wf.connect('Hand to the Human Queue', 'Handoff Result');
	return wf;
}

/** The emergency case as the dispatch was written (later nodes carry Twilio's answers). */
const DISPATCH = "$('Write the Dispatch').first().json";

function emergency() {
	const wf = new L.Workflow('emergency', 'Booking Agents: Emergency Dispatch', {
		executionTimeout: 60,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Emergency dispatch',
		'Burst pipes, fire, sewage: answered in seconds. POST to `/webhook/emergency` with the header **X-Booking-Key**:\n```\n{ "message": "Pipe burst, water everywhere",\n  "customer": { "name", "phone", "address", "email" } }\n```\nTriage decides; emergency rates apply; the earliest on-call or restoration crew within the response deadline is booked; the customer gets safety steps by text and the crew a dispatch notice; then the caller gets the answer. Nothing optional (e-mail, AI) sits in this path.',
	);
	L.webhook(wf, 'Receive Emergency', 'emergency', [0, 0]);
	// Incoming Texts calls it for an emergency written by text (the body as the webhook takes it).
	L.subWorkflowTrigger(wf, 'When Called by Another Workflow', [0, 200]);
	L.settingsNode(wf, [220, 0]);
	wf.section(
		'Check and triage',
		'The request is checked first (a 400 names each field to fix); then Triage reads the message: is it an emergency, what kind, how soon.',
	);
	const valid = L.requestCheck(
		wf,
		[
			'message',
			'customer',
			'name',
			'phoneRequired',
			'addressRequired',
			'emailOptional',
			'channel',
			'requestId',
			'caseRef',
		],
		440,
		0,
	);
	L.lookUpCustomer(wf, 'Look Up the Customer', [880, 0]);
	L.agent(
		wf,
		'Triage the Emergency',
		'triageAgent',
		{ mode: 'rules', responseDeadlineMinutes: 120, criticalDeadlineMinutes: 60 },
		[1100, 0],
	);
	L.ifTrue(wf, 'Is It an Emergency?', '$json.triage.is_emergency === true', [1320, 0]);
	wf.section(
		'Not an emergency',
		"Booked as a standard job by **Simple Booking**; its answer is the caller's.",
	);
	L.setRaw(
		wf,
		'Standard Job Request',
		"{ body: $('Check the Request').first().json.request, headers: { 'idempotency-key': $('Check the Request').first().json.idempotency_key } }",
		[1540, 160],
	);
	L.callWorkflow(
		wf,
		'Book as a Standard Job',
		'simpleBooking',
		'Booking Agents: Simple Booking',
		[1760, 160],
	);
	L.respondItem(wf, 'Answer: Booked as a Standard Job', 200, [1980, 160]);
	wf.section(
		'Price and dispatch',
		'Emergency rates apply; the earliest on-call or restoration crew within the response deadline is booked and the dispatch written. A failure answers 202 and ops are told.',
	);
	L.agent(
		wf,
		'Price at Emergency Rates',
		'pricingAgent',
		// Its default mappings read the triage: an emergency without a service type takes the service of its damage.
		{},
		[1540, -100],
	);
	L.agent(wf, 'Dispatch the Nearest Crew', 'schedulingAgent', { operation: 'book' }, [1760, -100], {
		onError: 'continueErrorOutput',
	});
	escalateOnFailure(wf, 'Dispatch the Nearest Crew', 'Dispatch', 1980, 380);
	L.ifTrue(wf, 'Crew Assigned?', "$json.booking.status === 'confirmed'", [1980, -100]);
	L.agent(
		wf,
		'Write the Dispatch',
		'confirmationAgent',
		{
			messageKind: 'emergency_dispatch',
			options: { email: false, calendar: false },
		},
		[2200, -200],
		{ onError: 'continueErrorOutput' },
	);
	escalateOnFailure(wf, 'Write the Dispatch', 'Dispatch Message', 2200, 560);
	wf.section(
		'Text the customer and the crew',
		'The customer gets the safety steps, the crew the dispatch; each text retries 3 times. A customer we cannot text (a number no text can reach, STOP, Twilio down) or a crew text that fails goes to the dispatcher at once, without waiting; the crew is texted either way, then the caller gets the answer. After hours, with an on-call ladder set, **On-Call Dispatcher** asks a person to acknowledge.',
	);
	// A number no text can reach (or one that replied STOP) gets no text: a dispatcher calls instead, and the crew is texted all the same.
	L.ifTrue(wf, 'Can We Text the Customer?', '!!$json.confirmation.sms?.to', [2420, -200]);
	L.sendSms(
		wf,
		'Text the Customer',
		{
			from: '$json.business.sms_from',
			to: '$json.confirmation.sms.to',
			message: '$json.confirmation.sms.text',
		},
		[2640, -200],
	);
	// The crew's text follows the customer's (sent, or not), so it looks the case up.
	L.sendSms(
		wf,
		'Text the Crew',
		{
			to: `${DISPATCH}.confirmation.crew_notice.to`,
			message: `${DISPATCH}.confirmation.crew_notice.text`,
		},
		[3080, -200],
	);
	// The response time the numbers report: from the request to the crew dispatched.
	L.recordCase(wf, 'Record the Dispatch', 'answered', 'Write the Dispatch', [3520, -200]);
	L.respond(wf, 'Answer With the Dispatch', 200, '$json.answer', [3740, -200]);
	// Not texted (no usable number, or Twilio failed after its retries): the dispatcher is told at once (without waiting) and the crew's text goes on.
	L.setRaw(
		wf,
		'Customer Not Texted',
		`{ ...${DISPATCH}, handoff_reason: 'The customer was not texted (' + ($json.error?.message ?? ${DISPATCH}.confirmation.skipped.join('; ')) + '). Call them: the crew is dispatched.' }`,
		[2640, -420],
	);
	L.callWorkflow(
		wf,
		'Escalate: Call the Customer',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2860, -420],
		{ wait: false },
	);
	L.setRaw(
		wf,
		'Crew Not Texted',
		`{ ...${DISPATCH}, handoff_reason: 'The crew was not texted the dispatch (' + ($json.error?.message ?? 'unknown error') + '). Call the crew now.' }`,
		[3300, -20],
	);
	L.callWorkflow(
		wf,
		'Escalate: Call the Crew',
		'humanQueue',
		'Booking Agents: Human Queue',
		[3520, -20],
		{ wait: false },
	);
	wf.connect('Can We Text the Customer?', 'Customer Not Texted', 1);
	wf.connect('Text the Customer', 'Customer Not Texted', 1);
	wf.chain('Customer Not Texted', 'Escalate: Call the Customer', 'Text the Crew');
	wf.connect('Text the Crew', 'Crew Not Texted', 1);
	wf.chain('Crew Not Texted', 'Escalate: Call the Crew', 'Record the Dispatch');
	wf.section(
		'No crew in time',
		'The dispatcher is alerted (and, with an on-call ladder set, **On-Call Dispatcher** asks a person to acknowledge), the customer texted that a dispatcher will call within the deadline, with the first safety step.',
	);
	// No crew within the deadline: the customer is told a dispatcher will call, and the human queue gets the case.
	L.callWorkflow(
		wf,
		'Alert the Dispatcher',
		'humanQueue',
		'Booking Agents: Human Queue',
		[2200, 40],
		{ wait: false },
	);
	L.sendSms(
		wf,
		'Text: A Dispatcher Will Call',
		{
			// E.164 for Twilio; a number without a country code is read as US/Canada (+1).
			to: "((p) => p.startsWith('+') ? '+' + p.replace(/\\D/g, '') : '+1' + p.replace(/\\D/g, '').replace(/^1(?=\\d{10}$)/, ''))(String($('Dispatch the Nearest Crew').first().json.customer.phone))",
			message:
				"$('Dispatch the Nearest Crew').first().json.business.name + ': we have your emergency call. A dispatcher will call you within ' + $('Dispatch the Nearest Crew').first().json.triage.respond_within_minutes + ' minutes. ' + ($('Dispatch the Nearest Crew').first().json.triage.safety_instructions[0] ?? '') + ' If anyone is in danger call 911.'",
		},
		[2420, 40],
	);
	L.respond(wf, 'Answer: A Dispatcher Will Call', 200, '$json.answer', [2640, 120]);
	wf.chain('Receive Emergency', 'Business Settings', 'Check the Request');
	wf.connect('When Called by Another Workflow', 'Business Settings');
	wf.section(
		'Call-out fee first',
		"With a `callout_fee` (Booking Business) the crew booked is kept for the customer and **Call-Out Fee** texts them Stripe's page for it: the crew is sent once it is paid (not paid within `callout_fee_minutes`: the crew is released and ops call). After business hours the crew is sent at once unless `callout_fee_after_hours` is yes.",
	);
	L.ifTrue(
		wf,
		'Call-Out Fee First?',
		'$json.business.callout_fee_cents > 0 && ($json.booking.after_hours !== true || $json.business.callout_fee_after_hours === true)',
		[2200, -420],
	);
	L.callWorkflow(
		wf,
		'Ask for the Call-Out Fee',
		'calloutFee',
		'Booking Agents: Call-Out Fee',
		[2420, -560],
		{ wait: false },
	);
	L.respond(wf, 'Answer: Pay the Call-Out Fee', 200, '$json.answer', [2640, -560]);
	wf.chain(
		valid,
		'Look Up the Customer',
		'Triage the Emergency',
		'Is It an Emergency?',
		'Price at Emergency Rates',
		'Dispatch the Nearest Crew',
		'Crew Assigned?',
		'Call-Out Fee First?',
		'Ask for the Call-Out Fee',
		'Answer: Pay the Call-Out Fee',
	);
	wf.connect('Call-Out Fee First?', 'Write the Dispatch', 1);
	wf.chain(
		'Write the Dispatch',
		'Can We Text the Customer?',
		'Text the Customer',
		'Text the Crew',
		'Record the Dispatch',
		'Answer With the Dispatch',
	);
	// After hours, or with no crew in time, and an on-call ladder set: a person must acknowledge (without delaying the answer).
	L.setRaw(
		wf,
		'The Dispatched Case',
		// The answer goes on with it: a workflow that called this one (Incoming Texts, the web form) gets it.
		"{ ...($('Write the Dispatch').isExecuted ? $('Write the Dispatch').first().json : $('Dispatch the Nearest Crew').first().json), answer: $('The Dispatch Answer').isExecuted ? $('The Dispatch Answer').first().json.answer : $('The Dispatcher Answer').isExecuted ? $('The Dispatcher Answer').first().json.answer : null }",
		[3960, -200],
	);
	L.ifTrue(
		wf,
		'A Person Must Acknowledge?',
		"($json.booking?.status !== 'confirmed' || $json.booking?.after_hours === true) && !!String($('Business Settings').first().json.on_call_ladder ?? '').trim()",
		[4180, -200],
	);
	L.callWorkflow(
		wf,
		'Ask the Person on Call',
		'onCallDispatcher',
		'Booking Agents: On-Call Dispatcher',
		[4400, -200],
		{ wait: false },
	);
	wf.chain(
		'Answer With the Dispatch',
		'The Dispatched Case',
		'A Person Must Acknowledge?',
		'Ask the Person on Call',
	);
	wf.connect('Answer: A Dispatcher Will Call', 'The Dispatched Case');
	wf.connect('Is It an Emergency?', 'Standard Job Request', 1);
	wf.chain('Standard Job Request', 'Book as a Standard Job', 'Answer: Booked as a Standard Job');
	wf.connect('Crew Assigned?', 'Alert the Dispatcher', 1);
	wf.chain(
		'Alert the Dispatcher',
		'Text: A Dispatcher Will Call',
		'Answer: A Dispatcher Will Call',
	);
	wf.connect('Text: A Dispatcher Will Call', 'Answer: A Dispatcher Will Call', 1);
	L.answerCustomer(
		wf,
		'The Dispatch Answer',
		'dispatched',
		'Write the Dispatch',
		'Answer With the Dispatch',
	);
	L.answerCustomer(
		wf,
		'The Dispatcher Answer',
		'dispatcher_will_call',
		'Dispatch the Nearest Crew',
		'Answer: A Dispatcher Will Call',
	);
	L.answerCustomer(
		wf,
		'The Call-Out Fee Answer',
		'awaiting_callout_fee',
		'Dispatch the Nearest Crew',
		'Answer: Pay the Call-Out Fee',
	);
	return wf;
}

/**
 * Call-Out Fee: called by Emergency Dispatch (without waiting) when the business asks the
 * call-out fee first. The fee is a deposit toward the visit (its own invoice); Stripe's page for
 * it goes to the customer by text and e-mail with the safety steps; the flow waits for Payments
 * to say it is paid, then sends the crew (the dispatch texts, as Emergency Dispatch sends them);
 * not paid in time, the crew is released and ops call the customer. Stripe unreachable: the
 * crew is sent at once (the fee is billed with the visit): an emergency is never held up by it.
 */
function calloutFee() {
	const wf = new L.Workflow('calloutFee', 'Booking Agents: Call-Out Fee', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Ask for the fee',
		"The emergency's case, from **Emergency Dispatch**: the crew booked, the triage, the business. The fee (`callout_fee`, Booking Business) becomes a deposit toward the visit (Contract Agent, *Invoice > Request a Deposit*, with this execution's resume address); Stripe makes its payment page (HTTP Request with the **Stripe** credential, retried 3 times); the customer gets it by text and e-mail with the safety steps.",
	);
	L.subWorkflowTrigger(wf, 'When an Emergency Needs Its Fee', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		'The Fee',
		"{ ...$('When an Emergency Needs Its Fee').first().json, deposit: { amount_cents: $('When an Emergency Needs Its Fee').first().json.business.callout_fee_cents, label: 'Emergency call-out fee' }, resume_url: $execution.resumeUrl }",
		[440, 0],
	);
	L.agent(
		wf,
		'Request the Call-Out Fee',
		'contractAgent',
		{ resource: 'invoice', operation: 'requestDeposit' },
		[660, 0],
		{ onError: 'continueErrorOutput' },
	);
	L.stripePaymentPage(
		wf,
		'Ask Stripe for a Payment Page',
		{
			productName: "'Emergency call-out fee, ' + $json.business.name",
			waitBetweenTries: 1000,
			onError: 'continueErrorOutput',
		},
		[880, 0],
	);
	L.setRaw(
		wf,
		'With the Payment Page',
		"{ ...$('Request the Call-Out Fee').item.json, payment_link: { url: $json.url, id: $json.id } }",
		[1100, 0],
	);
	L.agent(
		wf,
		'Write the Fee Request',
		'confirmationAgent',
		{ messageKind: 'callout_fee', options: { calendar: false } },
		[1320, 0],
	);
	const feeSent = deliver(wf, 'Write the Fee Request', 'Call-Out Fee', 1540, 0, null, {
		caseFlow: true,
	});
	wf.section(
		'Paid: send the crew',
		"**Payments** resumes this execution when Stripe says the fee is paid: the dispatch is written and texted to the customer and the crew (as Emergency Dispatch does), and the case records the dispatch. Not paid within `callout_fee_minutes` (20 to start): the crew's visit is cancelled (the time is free again) and ops are told to call the customer.",
	);
	L.waitForAnswer(wf, 'Wait for the Fee', 20, 'minutes', 'fee', [1980, 0]);
	wf.nodes.find((n) => n.name === 'Wait for the Fee').parameters.resumeAmount =
		"={{ $('The Fee').first().json.business.callout_fee_minutes }}";
	wf.connect(feeSent, 'Wait for the Fee');
	L.ifTrue(wf, 'Paid?', '$json.body?.paid === true', [2200, 0]);
	L.setRaw(wf, 'The Paid Case', "$('The Fee').first().json", [2420, -100]);
	L.agent(
		wf,
		'Write the Dispatch',
		'confirmationAgent',
		{ messageKind: 'emergency_dispatch', options: { email: false, calendar: false } },
		[2640, -100],
	);
	L.sendSms(
		wf,
		'Text the Customer',
		{
			from: '$json.business.sms_from',
			to: '$json.confirmation.sms.to',
			message: '$json.confirmation.sms.text',
		},
		[2860, -100],
	);
	L.sendSms(
		wf,
		'Text the Crew',
		{
			to: "$('Write the Dispatch').first().json.confirmation.crew_notice.to",
			message: "$('Write the Dispatch').first().json.confirmation.crew_notice.text",
		},
		[3080, -100],
	);
	L.recordCase(wf, 'Record the Dispatch', 'answered', 'Write the Dispatch', [3300, -100]);
	L.setRaw(wf, 'Not Paid in Time', "$('The Fee').first().json", [2420, 160]);
	L.agent(
		wf,
		'Release the Crew',
		'schedulingAgent',
		{ operation: 'cancel', reason: 'call-out fee not paid' },
		[2640, 160],
		{ onError: 'continueRegularOutput' },
	);
	L.setRaw(
		wf,
		'Ops to Call',
		"{ ...$('Not Paid in Time').first().json, handoff_reason: 'Emergency: the customer did not pay the ' + ($('The Fee').first().json.business.callout_fee_cents / 100).toFixed(2) + ' call-out fee within ' + $('The Fee').first().json.business.callout_fee_minutes + ' minutes, so the crew was not sent and their time was released. Call the customer now.' }",
		[2860, 160],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: Fee Not Paid',
		'humanQueue',
		'Booking Agents: Human Queue',
		[3080, 160],
		{
			wait: false,
		},
	);
	wf.section(
		'No payment page',
		'The fee could not be asked (the store or Stripe unreachable): the crew is sent at once and ops are told; the fee is billed with the visit.',
	);
	L.setRaw(
		wf,
		'Sent Without the Fee',
		"{ ...$('The Fee').first().json, handoff_reason: 'Emergency: the call-out fee could not be asked (' + ($json.error?.message ?? $json.error ?? 'unknown error') + '), so the crew was sent without it. Bill it with the visit.' }",
		[1100, 320],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: No Fee Asked',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1320, 320],
		{
			wait: false,
		},
	);
	wf.chain(
		'When an Emergency Needs Its Fee',
		'Business Settings',
		'The Fee',
		'Request the Call-Out Fee',
		'Ask Stripe for a Payment Page',
		'With the Payment Page',
		'Write the Fee Request',
	);
	L.setRaw(
		wf,
		'Customer Not Texted',
		"{ ...$('Write the Dispatch').first().json, handoff_reason: 'The customer paid the call-out fee but was not texted that the crew is on the way (' + ($json.error?.message ?? 'unknown error') + '). Call them: the crew is dispatched.' }",
		[2860, -300],
	);
	L.callWorkflow(
		wf,
		'Escalate: Call the Customer',
		'humanQueue',
		'Booking Agents: Human Queue',
		[3080, -300],
		{
			wait: false,
		},
	);
	L.setRaw(
		wf,
		'Crew Not Texted',
		"{ ...$('Write the Dispatch').first().json, handoff_reason: 'The call-out fee is paid, but the crew was not texted the dispatch (' + ($json.error?.message ?? 'unknown error') + '). Call the crew now.' }",
		[3300, -300],
	);
	L.callWorkflow(
		wf,
		'Escalate: Call the Crew',
		'humanQueue',
		'Booking Agents: Human Queue',
		[3520, -300],
		{
			wait: false,
		},
	);
	wf.connect('Text the Customer', 'Customer Not Texted', 1);
	wf.chain('Customer Not Texted', 'Escalate: Call the Customer', 'Text the Crew');
	wf.connect('Text the Crew', 'Crew Not Texted', 1);
	wf.chain('Crew Not Texted', 'Escalate: Call the Crew', 'Record the Dispatch');
	wf.chain(
		'Wait for the Fee',
		'Paid?',
		'The Paid Case',
		'Write the Dispatch',
		'Text the Customer',
		'Text the Crew',
		'Record the Dispatch',
	);
	wf.connect('Paid?', 'Not Paid in Time', 1);
	wf.chain('Not Paid in Time', 'Release the Crew', 'Ops to Call', 'Tell Ops: Fee Not Paid');
	wf.connect('Request the Call-Out Fee', 'Sent Without the Fee', 1);
	wf.connect('Ask Stripe for a Payment Page', 'Sent Without the Fee', 1);
	wf.connect('Sent Without the Fee', 'Tell Ops: No Fee Asked');
	wf.connect('Sent Without the Fee', 'The Paid Case');
	return wf;
}

function complexSales() {
	const wf = new L.Workflow('complexSales', 'Booking Agents: Commercial Sales', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Commercial sales',
		'Offices, shops, contracts over days. POST to `/webhook/commercial-inquiry` with the header **X-Booking-Key**:\n```\n{ "message": "Office, 3 times a week",\n  "customer": { ... } }\n```\nA qualified lead gets a quote with a reply link; the execution **waits** for the reply, negotiates, books, **waits** for the signature, onboards.',
	);
	L.webhook(wf, 'Receive Commercial Inquiry', 'commercial-inquiry', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	wf.section(
		'Check and qualify',
		'The request is checked first (a 400 names each field to fix), then the lead is qualified and routed: wants a person, not a fit, or qualified.',
	);
	const valid = L.requestCheck(
		wf,
		[
			'message',
			'customer',
			'name',
			'emailRequired',
			'phoneOptional',
			'addressRequired',
			'channel',
			'promoCode',
			'requestId',
		],
		440,
		0,
	);
	L.lookUpCustomer(wf, 'Look Up the Customer', [880, 0]);
	qualifier(wf, 'Qualify the Lead', [1100, 0], { onError: 'continueErrorOutput' });
	L.switchOn(
		wf,
		'Route the Lead',
		['wants a person', 'not qualified', 'qualified'],
		'$json.qualification.wants_human ? 0 : $json.qualification.is_qualified ? 2 : 1',
		[1320, 0],
	);
	wf.section(
		'A person',
		'**Find a Time** asks ops to call and record what came of it (a time booked, a call, not a fit).',
	);
	// wants a person: ops call and record what came of it on a page (Find a Time, not waited for)
	L.callWorkflow(wf, 'Find a Time', 'findATime', 'Booking Agents: Find a Time', [1540, -260], {
		wait: false,
	});
	L.respond(
		wf,
		'Answer: A Person Will Call',
		200,
		"{ status: 'handed_to_person', message: 'Thank you. A member of our sales team will contact you shortly.' }",
		[1760, -260],
	);
	wf.section(
		'Quote, or a polite no',
		'Not a fit: **Not a Fit** declines politely by e-mail; the caller gets `not_qualified`. Qualified: a custom quote from the Booking Rate Card table, written as an e-mail with a reply link; the caller gets `quote_sent`. The answers say what the customer may read (no lead score or pricing inputs).',
	);
	// not qualified: the polite reply and the record are their own workflow (this canvas fits one screen)
	L.callWorkflow(wf, 'Decline Politely', 'notAFit', 'Booking Agents: Not a Fit', [1540, -60], {
		wait: false,
	});
	L.respond(wf, 'Answer: Not a Fit', 200, '$json.answer', [1760, -60]);
	wf.connect('Decline Politely', 'Answer: Not a Fit');
	L.answerCustomer(wf, 'The Polite Answer', 'not_qualified', 'Route the Lead', 'Answer: Not a Fit');
	// qualified: quote and reply link
	L.agent(wf, 'Price a Custom Quote', 'pricingAgent', {}, [1540, 200], {
		onError: 'continueErrorOutput',
	});
	L.makeLink(wf, 'Make the Reply Link', 'quote_reply', 336, [1650, 100]);
	L.agent(
		wf,
		'Write the Quote',
		'confirmationAgent',
		{
			messageKind: 'quote',
			options: { sms: false, calendar: false },
		},
		[1760, 200],
		{ onError: 'continueErrorOutput' },
	);
	L.respond(wf, 'Answer: Quote Sent', 200, '$json.answer', [1980, 200]);
	wf.section(
		'Offer and reply',
		'The offer goes out with a reply link (**Make the Reply Link**: signed, single-use, 14 days) that opens the quote in a browser with *Accept* and *Ask a question or for a change*; the **Customer Links** workflow takes the answer and resumes this execution. No reply in 14 days: recorded as expired.',
	);
	// The case record says a quote is out, waiting for the customer (on the ops board); the node's output is the case the reply comes back to.
	L.recordCase(wf, 'Offer Out, Awaiting Reply', 'answered', '', [2200, 200]);
	L.sendEmail(
		wf,
		'E-mail the Offer',
		{
			to: '$json.customer.email',
			subject:
				"$json.negotiation ? 'Re: your quote from ' + $json.business.name : $json.confirmation.email.subject",
			text: "$json.negotiation ? $json.negotiation.message + '\\n\\nAccept or reply here: ' + $json.link.url + '\\n\\n' + $json.business.name : $json.confirmation.email.text",
		},
		[2420, 200],
	);
	L.waitForAnswer(wf, 'Wait for the Reply', 14, 'days', 'reply', [2640, 200]);
	L.setRaw(
		wf,
		'Read the Reply',
		"{ ...$('Offer Out, Awaiting Reply').last().json, reply: $json.body?.reply ?? $json.body?.message ?? null }",
		[2860, 200],
	);
	L.ifTrue(
		wf,
		'Did They Reply?',
		"typeof $json.reply === 'string' && $json.reply.trim().length > 0",
		[3080, 200],
	);
	// The link was used with nothing in it (an empty form, a stray click): keep waiting rather than close the quote.
	L.ifTrue(
		wf,
		'Reply Link Used Empty?',
		"$('Wait for the Reply').last().json.headers !== undefined",
		[3300, 720],
	);
	L.recordCase(wf, 'Record the Expired Quote', 'expired', '', [3520, 800], {
		reason: 'No reply to the quote within 14 days',
	});
	wf.section(
		'Negotiate',
		'**Negotiate** decides within the discount policy (Booking Business table): accept, counter (the offer goes out again), or a person decides (the customer is told).',
	);
	L.agent(wf, 'Negotiate', 'negotiationAgent', { mode: 'rules' }, [3300, 200], {
		onError: 'continueErrorOutput',
	});
	L.switchOn(
		wf,
		'What Did We Decide?',
		['accept', 'counter or stand firm', 'a person decides'],
		'({ accept: 0, counter: 1, reject: 1, escalate: 2 })[$json.negotiation.action]',
		[3520, 200],
	);
	// A counter-offer (or the offer standing after a decline) gets a new link: the last one was used.
	L.makeLink(wf, 'Make the Next Reply Link', 'quote_reply', 336, [3740, 200]);
	wf.connect('What Did We Decide?', 'Make the Next Reply Link', 1);
	wf.connect('Make the Next Reply Link', 'Offer Out, Awaiting Reply');
	wf.section(
		'A person decides',
		'A discount in the approval band (or a reply that needs a person): **Ask Ops to Decide** asks on a page (approve, decline, or counter at a price) and this execution waits for the answer. Approved: the visits are booked at that price. Otherwise the offer goes out again (the counter, or the offer that stands) with a new reply link.',
	);
	L.callWorkflow(
		wf,
		'Ask Ops to Decide',
		'opsDecision',
		'Booking Agents: Ask Ops to Decide',
		[3740, 400],
	);
	L.ifTrue(wf, 'Approved?', "$json.decision.outcome === 'approved'", [4840, 400]);
	wf.section(
		'Fall back to Simple Booking',
		'A step failing before anything is booked runs **Simple Booking** instead.',
	);
	// fallback: a failure before anything is booked runs the simple booking instead
	L.setRaw(
		wf,
		'Simple Booking Request',
		"{ body: $('Check the Request').first().json.request, headers: { 'idempotency-key': $('Check the Request').first().json.idempotency_key }, fallback_from: 'commercial sales', fallback_reason: $json.error?.message ?? null }",
		[1540, 520],
	);
	L.callWorkflow(
		wf,
		'Fall Back to Simple Booking',
		'simpleBooking',
		'Booking Agents: Simple Booking',
		[1760, 520],
	);
	L.respond(
		wf,
		'Answer: Booked by the Simple Flow',
		200,
		'{ ...$json, fallback: true }',
		[1980, 520],
	);
	L.setRaw(
		wf,
		'Simple Booking Request (After Quote)',
		"{ body: { ...$('Check the Request').first().json.request, request_id: ($('Check the Request').first().json.request.request_id ?? $execution.id) + ':fallback' }, headers: {}, fallback_from: 'commercial sales', fallback_reason: $json.error?.message ?? null }",
		[3520, 520],
	);
	L.callWorkflow(
		wf,
		'Fall Back to Simple Booking (After Quote)',
		'simpleBooking',
		'Booking Agents: Simple Booking',
		[3740, 520],
	);
	wf.inSection('Fall back to Simple Booking');
	wf.connect('Qualify the Lead', 'Simple Booking Request', 1);
	wf.connect('Price a Custom Quote', 'Simple Booking Request', 1);
	wf.connect('Write the Quote', 'Simple Booking Request', 1);
	wf.connect('Negotiate', 'Simple Booking Request (After Quote)', 1);
	wf.chain(
		'Simple Booking Request',
		'Fall Back to Simple Booking',
		'Answer: Booked by the Simple Flow',
	);
	wf.chain('Simple Booking Request (After Quote)', 'Fall Back to Simple Booking (After Quote)');
	// accepted: visits, agreement, signature, onboarding
	wf.section(
		'Book, sign, onboard',
		'Accepted: the visits are held at the agreed price; the agreement (PDF, SHA-256) goes out with a signing link (72 h) to **Agreement Signing**, where the customer signs and the visits are confirmed. **Onboarding** follows (a service in `deposit_services`: once its deposit is paid). Not signed in 72 hours: **Agreement Not Signed** releases the visits and tells ops.',
	);
	L.agent(
		wf,
		'Book the Recurring Visits',
		'schedulingAgent',
		{
			resource: 'series',
			operation: 'bookSeries',
			// From the case: the agreed cadence, and any day or time the request names; otherwise these.
			// Held until the agreement is signed (Agreement Signing confirms them), an hour past the signature's wait.
			series: { frequency: 'weekly', weekday: 'mon', time: '08:00', hold_hours: 73 },
		}, // no count: the 12-month term's visits for the agreed frequency
		[3740, 0],
		{ onError: 'continueErrorOutput' },
	);
	escalateOnFailure(wf, 'Book the Recurring Visits', 'Series', 3740, -200, { answered: true });
	L.agent(
		wf,
		'Write the Agreement',
		'contractAgent',
		{
			operation: 'generate',
			signingPage: 'signingWorkflow',
			resumeWhenSigned: true,
			terms: { term_months: 12, auto_renew: true, notice_days: 30 },
		},
		[3960, 0],
		{ credentials: L.CREDENTIALS.signingSecret },
	);
	L.agent(
		wf,
		'Write the Signing Request',
		'confirmationAgent',
		{
			messageKind: 'contract_signing',
			options: { sms: false, calendar: false },
		},
		[4180, 0],
	);
	L.sendEmail(
		wf,
		'E-mail the Agreement',
		{
			to: '$json.confirmation.email.to',
			subject: '$json.confirmation.email.subject',
			text: '$json.confirmation.email.text',
			html: '$json.confirmation.email.html',
			attachments: 'contract',
		},
		[4400, 0],
	);
	L.waitForAnswer(wf, 'Wait for the Signature', 72, 'hours', 'signature', [4620, 0]);
	// The Agreement Signing workflow checked the token and recorded the signature; it posts it here.
	L.ifTrue(wf, 'Signed?', "$json.body?.signature?.status === 'active'", [4840, 0]);
	L.setRaw(
		wf,
		'Signed Case',
		"{ ...$('Write the Agreement').first().json, contract: { ...$('Write the Agreement').first().json.contract, status: $json.body.signature.status, signature: $json.body.signature.signature }, deposit_first: $json.body.deposit_first === true }",
		[5060, 0],
	);
	// Not signed in 72 hours: Agreement Not Signed releases the held visits and tells ops to call.
	L.setRaw(wf, 'The Unsigned Case', "$('Write the Agreement').first().json", [5280, 200]);
	L.callWorkflow(
		wf,
		'Release and Tell Ops',
		'agreementNotSigned',
		'Booking Agents: Agreement Not Signed',
		[5720, 200],
		{ wait: false },
	);
	// Signed: onboarding is its own workflow, so this canvas fits one screen.
	L.callWorkflow(wf, 'Onboard the Customer', 'onboarding', 'Booking Agents: Onboarding', [5280, 0]);
	wf.section(
		'No room for the visits',
		'Accepted, but no crew has room for the visits as asked: **Find a Time for the Visits** asks ops for the first visit (this execution waits for it) and the visits are booked from it; no agreement for visits that do not exist.',
	);
	L.ifTrue(wf, 'Any Visits Booked?', '$json.booking.occurrences.length > 0', [3850, 160]);
	L.callWorkflow(
		wf,
		'Find a Time for the Visits',
		'findSeriesTime',
		'Booking Agents: Find a Time for the Visits',
		[3960, 300],
	);
	// A call, or no answer in 48 hours: the case stays with ops (on the board).
	L.ifTrue(wf, 'First Visit Chosen?', "$json.decision?.outcome === 'slot'", [4180, 300]);
	wf.connect('Find a Time for the Visits', 'First Visit Chosen?');
	wf.connect('First Visit Chosen?', 'Book the Recurring Visits', 0);
	wf.chain('Receive Commercial Inquiry', 'Business Settings', 'Check the Request');
	wf.chain(valid, 'Look Up the Customer', 'Qualify the Lead', 'Route the Lead');
	wf.connect('Route the Lead', 'Find a Time', 0);
	wf.connect('Route the Lead', 'Decline Politely', 1);
	wf.connect('Route the Lead', 'Price a Custom Quote', 2);
	wf.chain('Find a Time', 'Answer: A Person Will Call');
	wf.chain(
		'Price a Custom Quote',
		'Make the Reply Link',
		'Write the Quote',
		'Answer: Quote Sent',
		'Offer Out, Awaiting Reply',
		'E-mail the Offer',
		'Wait for the Reply',
		'Read the Reply',
		'Did They Reply?',
		'Negotiate',
		'What Did We Decide?',
		'Book the Recurring Visits',
		'Any Visits Booked?',
		'Write the Agreement',
		'Write the Signing Request',
		'E-mail the Agreement',
		'Wait for the Signature',
		'Signed?',
		'Signed Case',
		'Onboard the Customer',
	);
	wf.connect('Signed?', 'The Unsigned Case', 1);
	wf.connect('The Unsigned Case', 'Release and Tell Ops');
	wf.connect('Did They Reply?', 'Reply Link Used Empty?', 1);
	wf.connect('Reply Link Used Empty?', 'Wait for the Reply', 0);
	wf.connect('Reply Link Used Empty?', 'Record the Expired Quote', 1);
	wf.connect('What Did We Decide?', 'Ask Ops to Decide', 2);
	wf.chain('Ask Ops to Decide', 'Approved?', 'Book the Recurring Visits');
	wf.connect('Approved?', 'Make the Next Reply Link', 1);
	wf.section(
		'Messages that could not be delivered',
		'A customer e-mail that failed after its retries goes to the **Human Queue** (and the ops board) to send by hand or call.',
	);
	// One pair for every customer e-mail here: which one failed is the node it came from.
	const failed = (label, reason) =>
		`{ handoff_reason: '${reason}' + ($json.error?.message ?? 'unknown error'), delivery_failure: { channel: 'email', label: '${label}', error: String($json.error?.message ?? 'unknown error').slice(0, 300) } }`;
	L.setRaw(
		wf,
		'A Customer E-mail Failed',
		`$prevNode.name === 'E-mail the Offer' ? { ...$('Offer Out, Awaiting Reply').last().json, ...${failed('Quote', 'The quote e-mail could not be delivered: ')} } : { ...$('Write the Signing Request').first().json, ...${failed('Agreement', 'The agreement e-mail could not be delivered (send it by hand; the visits are booked): ')} }`,
		[4180, 560],
	);
	L.callWorkflow(
		wf,
		'Escalate: E-mail Not Delivered',
		'humanQueue',
		'Booking Agents: Human Queue',
		[4400, 560],
		{ wait: false },
	);
	for (const email of ['E-mail the Offer', 'E-mail the Agreement'])
		wf.connect(email, 'A Customer E-mail Failed', 1);
	wf.connect('A Customer E-mail Failed', 'Escalate: E-mail Not Delivered');
	wf.connect('Any Visits Booked?', 'Find a Time for the Visits', 1);
	L.answerCustomer(wf, 'The Quote Answer', 'quote_sent', 'Write the Quote', 'Answer: Quote Sent');
	return wf;
}

/** A lead that is not a fit: a polite reply, and the lead recorded. Called by Commercial Sales without waiting. */
function notAFit() {
	const wf = new L.Workflow('notAFit', 'Booking Agents: Not a Fit', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Not a fit',
		'Called by **Commercial Sales** for a lead that does not qualify. The lead is recorded on this execution (the Executions list of this workflow: filter by customer, e-mail, score) and gets a polite reply by e-mail (retried 3 times; a failure goes to the human queue).',
	);
	L.subWorkflowTrigger(wf, 'When a Lead Is Not a Fit', [0, 0]);
	L.setRaw(
		wf,
		'Write a Polite Reply',
		"{ ...$json, confirmation: { email: { to: $json.customer.email, subject: 'Your inquiry to ' + $json.business.name, text: 'Hi ' + ($json.customer.name ?? 'there') + ',\\n\\nThank you for thinking of us. From what you describe, we are not the right fit for this job right now, so we will not send a quote. If anything changes, reply to this e-mail and we will gladly take another look.\\n\\n' + $json.business.name, html: null }, sms: null } }",
		[1540, -60],
	);
	L.recordData(
		wf,
		'Record the Unqualified Lead',
		{
			customer: '$json.customer.name',
			email: '$json.customer.email',
			lead_score: 'String($json.qualification.lead_score)',
			reason: "$json.qualification.reasons.join('; ').slice(0, 250)",
		},
		[1760, -60],
	);
	// The case record: lost, for the weekly numbers (the execution's record above is for the Executions list).
	L.recordCase(wf, 'Record the Lost Lead', 'lost', '', [1980, -60], {
		reason: "={{ 'Not a fit: ' + $json.qualification.reasons.join('; ').slice(0, 250) }}",
	});
	deliver(wf, 'Record the Lost Lead', 'Polite Reply', 2200, -60, null, {
		sms: false,
		caseFlow: true,
	});
	wf.chain(
		'When a Lead Is Not a Fit',
		'Write a Polite Reply',
		'Record the Unqualified Lead',
		'Record the Lost Lead',
	);
	return wf;
}

/** The welcome after a commercial agreement is signed: called by Commercial Sales with the signed case. */
function onboarding() {
	const wf = new L.Workflow('onboarding', 'Booking Agents: Onboarding', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Onboarding',
		'Called by **Commercial Sales** once the agreement is signed, with the signed case (business, settings, booking, contract on it). The welcome goes out with the calendar series of the booked visits, by e-mail and text; each retries 3 times, a failure goes to the human queue.',
	);
	L.subWorkflowTrigger(wf, 'When the Agreement Is Signed', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	wf.section(
		'Deposit first',
		'A service in `deposit_services` (Agreement Signing left its visits held): **Booking Deposit** asks the deposit and this waits; paid, the visits are confirmed and the welcome follows; not paid in time, the visits are released and ops call (no welcome).',
	);
	L.ifTrue(
		wf,
		'Deposit First?',
		"$('When the Agreement Is Signed').first().json.deposit_first === true",
		[110, 200],
	);
	L.callWorkflow(
		wf,
		'Ask for the Deposit',
		'bookingDeposit',
		'Booking Agents: Booking Deposit',
		[220, 200],
	);
	L.ifTrue(wf, 'Deposit Settled?', "$json.deposit_outcome !== 'not_paid'", [330, 200]);
	L.agent(
		wf,
		'Write the Onboarding',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[220, 0],
	);
	// The customer's own page for the first visit (move, skip, or pause the visits).
	L.visitChangeLink(wf, 'Make the Change Link', [330, 0]);
	wf.section('Send it', 'E-mail with the series invite, then a text (STOP respected).');
	deliver(wf, 'Write the Onboarding', 'Onboarding', 440, 0, null, { caseFlow: true });
	L.recordCase(wf, 'Record the Win', 'won', 'When the Agreement Is Signed', [440, 0]);
	wf.chain(
		'When the Agreement Is Signed',
		'Business Settings',
		'Deposit First?',
		'Ask for the Deposit',
		'Deposit Settled?',
		'Record the Win',
		'Make the Change Link',
		'Write the Onboarding',
	);
	wf.connect('Deposit First?', 'Record the Win', 1);
	return wf;
}

function recurringService() {
	const wf = new L.Workflow('recurringService', 'Booking Agents: Recurring Service', {
		executionTimeout: 180,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
	});
	wf.section(
		'Recurring service',
		'Weekly, every other week or monthly cleaning, set up for a year in one request. POST to `/webhook/recurring` with the header **X-Booking-Key**:\n```\n{ "message": "Weekly clean of our 3 bed 2 bath",\n  "customer": { "name", "email", "phone", "address" },\n  "frequency": "weekly", "weekday": "tue", "time": "09:00",\n  "start_date": "2027-01-05" }\n```\n`frequency`, `weekday`, `time` and `start_date` are optional (the message, then Monday 09:00 after the lead time). A year of visits is booked (52 weekly, times the visits a week the message asks for, e.g. 104 for "twice a week"; 26 every other week; 12 monthly), clashes move within the day, holidays are skipped; the agreement auto-renews; the welcome e-mail carries the calendar series and the signing link. Reminders are sent by **Visit Reminders**.',
	);
	L.webhook(wf, 'Receive Recurring Request', 'recurring', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	wf.section(
		'Check and qualify',
		'The request is checked first (a 400 names each field to fix), then the lead is read: service, size, cadence, the days asked for.',
	);
	const valid = L.requestCheck(
		wf,
		[
			'message',
			'customer',
			'name',
			'emailRequired',
			'phoneOptional',
			'addressRequired',
			'channel',
			'promoCode',
			'requestId',
			'frequency',
			'weekday',
			'time',
			'startDate',
		],
		440,
		0,
	);
	L.lookUpCustomer(wf, 'Look Up the Customer', [880, 0]);
	qualifier(wf, 'Qualify the Lead', [1100, 0]);
	L.ifTrue(wf, 'Asks for a Person?', '$json.qualification.wants_human === true', [1320, 0]);
	wf.section(
		'A person takes over',
		'A customer who asks for a person, a job the rate card cannot price, or a calendar with no room for any visit: the **Human Queue** gets the case.',
	);
	L.callWorkflow(
		wf,
		'Hand to the Human Queue',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1540, -200],
	);
	L.respond(
		wf,
		'Answer: A Person Will Follow Up',
		200,
		"{ status: 'handed_to_person', reason: $json.reason, message: 'Thank you. A member of our team will contact you shortly.' }",
		[1760, -200],
	);
	wf.section(
		'Price and book a year',
		'Priced with the recurring discount (Booking Rate Card); a year of visits booked at the cadence (clashes move within the day, holidays skipped). A store failure answers 202 and ops are told.',
	);
	L.agent(
		wf,
		'Price With Recurring Discount',
		'pricingAgent',
		// A recurring service: weekly unless the request or the message says otherwise.
		{ frequencyWhenUnstated: 'weekly' },
		[1540, 100],
		{ onError: 'continueErrorOutput' },
	);
	L.agent(
		wf,
		'Book a Year of Visits',
		'schedulingAgent',
		{
			resource: 'series',
			operation: 'bookSeries',
			// From the case: the priced cadence, and the day, time and first date the request names; otherwise these.
			// Held an hour past the signing link's week: Agreement Signing confirms them; unsigned, Agreement Not Signed releases them when the wait ends.
			series: { frequency: 'weekly', weekday: 'mon', time: '09:00', hold_hours: 169 }, // no count: a year of visits
		},
		[1760, 100],
		{ onError: 'continueErrorOutput' },
	);
	escalateOnFailure(wf, 'Book a Year of Visits', 'Series', 1980, 360);
	wf.section(
		'Agreement and welcome',
		'The agreement (12 months, renews automatically; its signing link is served by **Agreement Signing**), then the welcome e-mail with the calendar series and the PDF, and a text. A failure here leaves the visits booked and tells ops.',
	);
	L.agent(
		wf,
		'Write the Agreement',
		'contractAgent',
		{
			operation: 'generate',
			signingPage: 'signingWorkflow',
			signingValidHours: 168,
			resumeWhenSigned: true,
			terms: { term_months: 12, auto_renew: true, notice_days: 30 },
		},
		[2200, 100],
		{ credentials: L.CREDENTIALS.signingSecret, onError: 'continueErrorOutput' },
	);
	L.agent(
		wf,
		'Write the Welcome',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[2420, 100],
		{ onError: 'continueErrorOutput' },
	);
	// The customer's own page for the first visit (move, skip, or pause the visits).
	L.visitChangeLink(wf, 'Make the Change Link', [2310, 100]);
	// The visits stand: the customer hears that a person will call, ops get the case.
	escalateOnFailure(wf, 'Write the Agreement', 'Agreement', 2200, 560);
	escalateOnFailure(wf, 'Write the Welcome', 'Welcome', 2640, 560);
	deliver(wf, 'Write the Welcome', 'Welcome', 2640, 100, null, { caseFlow: true });
	L.respond(wf, 'Answer With the Series', 200, '$json.answer', [4860, 100]);
	L.recordCase(wf, 'Record the Case', 'answered', 'Write the Welcome', [4640, 100]);
	wf.chain('Send the Welcome', 'Record the Case', 'Answer With the Series');
	wf.chain('Receive Recurring Request', 'Business Settings', 'Check the Request');
	wf.chain(valid, 'Look Up the Customer', 'Qualify the Lead', 'Asks for a Person?');
	wf.connect('Asks for a Person?', 'Hand to the Human Queue', 0);
	wf.connect('Asks for a Person?', 'Price With Recurring Discount', 1);
	// A service the rate card cannot price (an office without its area) goes to a person, who quotes it.
	wf.connect('Price With Recurring Discount', 'Hand to the Human Queue', 1);
	wf.chain('Hand to the Human Queue', 'Answer: A Person Will Follow Up');
	wf.inSection('Price and book a year');
	// A full calendar: no visit could be placed, so a person arranges it (nothing is signed for visits that do not exist).
	L.ifTrue(wf, 'Any Visits Booked?', '$json.booking.occurrences.length > 0', [1980, 100]);
	wf.chain(
		'Price With Recurring Discount',
		'Book a Year of Visits',
		'Any Visits Booked?',
		'Write the Agreement',
		'Make the Change Link',
		'Write the Welcome',
	);
	wf.connect('Any Visits Booked?', 'Hand to the Human Queue', 1);
	wf.section(
		'Until it is signed',
		"After the answer, this execution waits for the signature (the signing link's week; **Agreement Signing** posts it here and confirms the visits; a service in `deposit_services` is confirmed when **Booking Deposit** has its deposit paid). Not signed by then: **Agreement Not Signed** releases the held visits and tells ops to call.",
	);
	L.waitForAnswer(wf, 'Wait for the Signature', 168, 'hours', 'signature', [5080, 100]);
	L.ifTrue(wf, 'Signed?', "$json.body?.signature?.status === 'active'", [5300, 100]);
	L.setRaw(wf, 'The Unsigned Case', "$('Write the Welcome').first().json", [5520, 200]);
	L.callWorkflow(
		wf,
		'Release and Tell Ops',
		'agreementNotSigned',
		'Booking Agents: Agreement Not Signed',
		[5740, 200],
		{ wait: false },
	);
	wf.chain('Answer With the Series', 'Wait for the Signature', 'Signed?');
	// A service paid a deposit first (Agreement Signing said so): Booking Deposit asks it and confirms the visits when paid.
	L.ifTrue(wf, 'Deposit First?', '$json.body?.deposit_first === true', [5520, 0]);
	L.setRaw(wf, 'The Signed Case', "$('Write the Welcome').first().json", [5740, 0]);
	L.callWorkflow(
		wf,
		'Ask for the Deposit',
		'bookingDeposit',
		'Booking Agents: Booking Deposit',
		[5960, 0],
	);
	wf.chain('Signed?', 'Deposit First?', 'The Signed Case', 'Ask for the Deposit');
	wf.connect('Signed?', 'The Unsigned Case', 1);
	wf.connect('The Unsigned Case', 'Release and Tell Ops');
	// Answered, then waiting for the signature: both in the section that waits (the row above is full).
	L.answerCustomer(
		wf,
		'The Series Answer',
		'series_booked',
		'Write the Welcome',
		'Answer With the Series',
		{
			section: 'Until it is signed',
		},
	);
	return wf;
}

/** The case as Ask for Details received it (with the link and the decision asked). */
const ASKED = "$('Asked the Customer').item.json";

/**
 * Ask-back: the customer gets a short form for what the job lacks, one reminder after a day,
 * and the case expires after three days. The answers book the job through Simple Booking.
 */
function askForDetails() {
	const wf = new L.Workflow('askForDetails', 'Booking Agents: Ask for Details', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Ask for details',
		'**Simple Booking** calls this when a job lacks an address, rooms or area, and gets the answers back. The customer gets a signed link to a short form (72 hours; a retry reuses it), served by **Customer Links**.',
	);
	L.subWorkflowTrigger(wf, 'When a Booking Lacks Details', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.makeLink(wf, 'Make the Details Link', 'ask_back', 72, [440, 0]);
	const link = wf.nodes.find((n) => n.name === 'Make the Details Link');
	link.parameters.reuseOpen = true;
	L.ifTrue(wf, 'Asked Already?', '$json.link.reused === true', [660, 0]);
	wf.add('Nothing More to Do', 'n8n-nodes-base.noOp', 1, {}, [880, -120]);
	L.setRaw(
		wf,
		'Asked the Customer',
		"{ ...$json, decision: { kind: 'missing_info', requested_at: $now.toISO(), link: $json.link.url } }",
		[880, 60],
	);
	L.recordCase(wf, 'Record: Waiting for the Customer', 'asked', '', [1100, 60]);
	wf.section(
		'Send the form',
		'The request (e-mail and text, Booking Messages *details_request*) names what is needed and carries the link.',
	);
	L.agent(
		wf,
		'Write the Request',
		'confirmationAgent',
		{ messageKind: 'details_request', options: { calendar: false } },
		[1320, 60],
	);
	deliver(wf, 'Write the Request', 'Details Request', 1540, 60, null, { caseFlow: true });
	wf.section(
		'Wait for the form',
		'Answered: the answers join the request (address, rooms or area, a preferred time, a note) and **Simple Booking** books it and confirms.',
	);
	L.waitForAnswer(wf, 'Wait for the Details', 24, 'hours', 'Wait for the Details', [3800, 60]);
	L.ifTrue(wf, 'Details Sent?', "$json.body?.choice === 'send'", [4020, 60]);
	wf.section('Remind once', 'No answer in 24 hours: one reminder, with the same link.');
	L.setRaw(wf, 'The Case Again', ASKED, [4240, 260]);
	L.agent(
		wf,
		'Write the Reminder',
		'confirmationAgent',
		{ messageKind: 'details_reminder', options: { calendar: false } },
		[4460, 260],
	);
	deliver(wf, 'Write the Reminder', 'Details Reminder', 4680, 260, null, { caseFlow: true });
	wf.section(
		'Or expire',
		'None in the 48 hours after the reminder (the link has expired too): the case is recorded as expired.',
	);
	L.waitForAnswer(
		wf,
		'Wait After the Reminder',
		48,
		'hours',
		'Wait After the Reminder',
		[6900, 260],
	);
	L.ifTrue(wf, 'Details Sent After the Reminder?', "$json.body?.choice === 'send'", [7120, 260]);
	L.recordCase(wf, 'Record the Expired Request', 'expired', 'Asked the Customer', [7340, 400], {
		reason: 'No answer to the details asked for within 72 hours',
	});
	wf.section(
		'Book with the answers',
		'The answers go on the case (decision *missing_info*), then back to **Simple Booking** as the same request (one case, one booking).',
	);
	L.setRaw(
		wf,
		'The Answers',
		`((c, a) => ({ ...c, decision: { kind: 'missing_info', outcome: 'answered', decided_by: c.customer?.name ?? 'the customer', decided_at: $now.toISO(), answers: a.answers ?? {}, note: a.message ?? null } }))(${ASKED}, $json.body)`,
		[7340, 60],
	);
	L.recordCase(wf, 'Record the Answers', 'decided', 'The Answers', [7560, 60]);
	L.setRaw(
		wf,
		'Booking Request With the Details',
		"((c) => { const a = c.decision.answers; const r = c.request ?? {}; return { body: { ...r, customer: { ...(r.customer ?? {}), address: a.address ?? r.customer?.address ?? null }, details: { ...(r.details ?? {}), ...(a.bedrooms != null ? { bedrooms: a.bedrooms } : {}), ...(a.bathrooms != null ? { bathrooms: a.bathrooms } : {}), ...(a.square_feet != null ? { square_feet: a.square_feet } : {}) }, preference: a.preference ?? r.preference ?? null, message: c.decision.note ? r.message + '\\n\\n' + c.decision.note : r.message, details_asked: true }, headers: { 'idempotency-key': c.idempotency_key } }; })($('The Answers').item.json)",
		[7780, 60],
	);
	// The workflow that asked (Simple Booking) books with the answers: it said which one it is.
	wf.add(
		'Book It',
		'n8n-nodes-base.executeWorkflow',
		1.2,
		{
			workflowId: {
				__rl: true,
				value: "={{ $('When a Booking Lacks Details').item.json.book_with_workflow }}",
				mode: 'id',
			},
			options: { waitForSubWorkflow: true },
		},
		[8000, 60],
	);
	wf.chain(
		'When a Booking Lacks Details',
		'Business Settings',
		'Make the Details Link',
		'Asked Already?',
		'Nothing More to Do',
	);
	wf.connect('Asked Already?', 'Asked the Customer', 1);
	wf.chain('Asked the Customer', 'Record: Waiting for the Customer', 'Write the Request');
	wf.connect('Send the Details Request', 'Wait for the Details');
	wf.chain('Wait for the Details', 'Details Sent?', 'The Answers');
	wf.connect('Details Sent?', 'The Case Again', 1);
	wf.chain('The Case Again', 'Write the Reminder');
	wf.connect('Send the Details Reminder', 'Wait After the Reminder');
	wf.chain('Wait After the Reminder', 'Details Sent After the Reminder?', 'The Answers');
	wf.connect('Details Sent After the Reminder?', 'Record the Expired Request', 1);
	wf.chain('The Answers', 'Record the Answers', 'Booking Request With the Details', 'Book It');
	return wf;
}

/** The case as Find a Time asked ops about it (the offered slots, the link). */
const ASKED_OPS = "$('Ops Asked').item.json";

/**
 * No room, or a customer who asked for a person: ops pick one of the next free times or type
 * one on a decision page (or record a call back, or not a fit); a time is booked (the store
 * still refuses a clash) and the customer gets the confirmation.
 */
function findATime() {
	const wf = new L.Workflow('findATime', 'Booking Agents: Find a Time', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Find a time',
		"**Simple Booking** calls this when no crew had room, or the customer asked for a person. The next free times (without the customer's preference) go to ops on a page (24 hours), linked from the **Human Queue** e-mail and the ops board.",
	);
	L.subWorkflowTrigger(wf, 'When No Crew Had Room', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		'What Was Asked',
		'{ ...$json, no_room: { reason: $json.qualification?.wants_human ? null : ($json.booking?.reason ?? null), preference: $json.preference ?? null }, preference: null }',
		[440, 0],
	);
	L.agent(
		wf,
		'Next Free Times',
		'schedulingAgent',
		{ resource: 'slot', operation: 'findSlots', count: 3 },
		[660, 0],
	);
	L.ifTrue(wf, 'Asked for a Person?', '$json.qualification?.wants_human === true', [880, 0]);
	L.makeLink(wf, 'Make the Call-Back Link', 'wants_human', 24, [1100, -100]);
	L.makeLink(wf, 'Make the Time Link', 'no_room', 24, [1100, 100]);
	L.setRaw(
		wf,
		'Ops Asked',
		"((kind) => ({ ...$json, handoff_reason: kind === 'wants_human' ? 'The customer asked to speak to a person: call them, then record the outcome on the page (a time is booked and confirmed).' : 'No crew had room for the time asked (' + ($json.no_room.preference ?? 'any time') + '): choose a time on the page and the flow books it.', decision: { kind, requested_at: $now.toISO(), link: $json.link.url } }))($json.link.kind)",
		[1320, 0],
	);
	L.callWorkflow(wf, 'Ask Ops for a Time', 'humanQueue', 'Booking Agents: Human Queue', [1320, 0]);
	L.waitForAnswer(wf, 'Wait for the Time', 24, 'hours', 'time', [1540, 0]);
	wf.section(
		'Book the time ops chose',
		'A time: priced, booked exactly (a crew already busy then is refused) and confirmed. Not a fit: the polite reply (**Not a Fit**). Called back: the case is closed. *We will call*, or no answer in 24 hours: the case stays with ops.',
	);
	L.setRaw(
		wf,
		'The Decision',
		`((c, f) => { const slot = f.slot ?? null; return { ...c, decision: { ...c.decision, outcome: slot ? 'slot' : ({ called: 'called_back', not_a_fit: 'not_a_fit', call: 'call_customer' })[f.choice] ?? 'no_answer', decided_by: f.name ?? null, decided_at: $now.toISO(), note: f.message || null, slot } }; })(${ASKED_OPS}, $json.body ?? {})`,
		[1760, 0],
	);
	L.recordCase(wf, 'Record the Decision', 'decided', 'The Decision', [1980, 0]);
	L.switchOn(
		wf,
		'What Came of It?',
		['book the time', 'not a fit', 'called back', 'still with ops'],
		"({ slot: 0, not_a_fit: 1, called_back: 2 })[$('The Decision').item.json.decision.outcome] ?? 3",
		[2200, 0],
	);
	L.setRaw(wf, 'The Case With the Time', "$('The Decision').item.json", [2420, -80]);
	// A customer who asked for a person was not priced yet; a price that cannot be worked out leaves the confirmation without one.
	L.agent(wf, 'Price the Job', 'pricingAgent', {}, [2530, -80], {
		onError: 'continueRegularOutput',
	});
	L.setRaw(wf, 'The Case to Close', "$('The Decision').item.json", [2420, 260]);
	L.callWorkflow(wf, 'Send the Polite Reply', 'notAFit', 'Booking Agents: Not a Fit', [2420, 120], {
		wait: false,
	});
	L.recordCase(wf, 'Record the Call Back', 'closed', 'The Case to Close', [2640, 260], {
		reason:
			"={{ 'Called back by ' + ($('The Decision').item.json.decision.decided_by ?? 'ops') + ': nothing to book' }}",
	});
	L.agent(wf, 'Book the Chosen Time', 'schedulingAgent', { operation: 'book' }, [2640, -80], {
		onError: 'continueErrorOutput',
	});
	L.ifTrue(wf, 'Booked at That Time?', "$json.booking.status === 'confirmed'", [2860, -80]);
	L.setRaw(
		wf,
		'That Time Was Taken',
		"{ ...$('The Decision').item.json, handoff_reason: 'The time chosen (' + $('The Decision').item.json.decision.slot.start + ') could not be booked: ' + ($json.booking?.reason ?? $json.error?.message ?? 'unknown') + ' Book it by hand.' }",
		[3080, 120],
	);
	L.callWorkflow(wf, 'Back to Ops', 'humanQueue', 'Booking Agents: Human Queue', [3300, 120], {
		wait: false,
	});
	wf.section(
		'Confirm',
		'The confirmation as Simple Booking sends it: e-mail with the invite, then text.',
	);
	L.visitChangeLink(wf, 'Make the Change Link', [2980, -80]);
	L.agent(
		wf,
		'Write the Confirmation',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[3080, -80],
	);
	deliver(wf, 'Write the Confirmation', 'Confirmation', 3300, -80, null, { caseFlow: true });
	L.recordCase(wf, 'Record the Booking', 'answered', 'Write the Confirmation', [5500, -80]);
	wf.chain(
		'When No Crew Had Room',
		'Business Settings',
		'What Was Asked',
		'Next Free Times',
		'Asked for a Person?',
		'Make the Call-Back Link',
		'Ops Asked',
		'Ask Ops for a Time',
		'Wait for the Time',
		'The Decision',
		'Record the Decision',
		'What Came of It?',
		'The Case With the Time',
		'Price the Job',
		'Book the Chosen Time',
		'Booked at That Time?',
		'Make the Change Link',
		'Write the Confirmation',
	);
	wf.connect('What Came of It?', 'Send the Polite Reply', 1);
	wf.connect('What Came of It?', 'The Case to Close', 2);
	wf.connect('The Case to Close', 'Record the Call Back');
	wf.connect('Book the Chosen Time', 'That Time Was Taken', 1);
	wf.connect('Booked at That Time?', 'That Time Was Taken', 1);
	wf.connect('That Time Was Taken', 'Back to Ops');
	wf.connect('Asked for a Person?', 'Make the Time Link', 1);
	wf.connect('Make the Time Link', 'Ops Asked');
	wf.connect('Send the Confirmation', 'Record the Booking');
	return wf;
}

/** The case as Ask Ops to Decide asked it (later nodes carry the wait's answer). */
const DEC = "$('Decision Asked').last().json";

/**
 * A negotiation that needs a person: ops decide on a page (approve, decline, counter at a
 * price); Commercial Sales waits for this workflow and goes on with the priced answer.
 */
function opsDecision() {
	const wf = new L.Workflow('opsDecision', 'Booking Agents: Ask Ops to Decide', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Ask ops to decide',
		'**Commercial Sales** calls this and waits for it when a reply needs a person (a discount in the approval band). The **Human Queue** gets a link to decide (**Make the Decision Link**: signed, single-use, 48 hours), in the ops e-mail and on the **ops board**; the customer hears that a person will reply. The page: approve; decline (the offer stands); or counter at a price typed; a name and a note.',
	);
	L.subWorkflowTrigger(wf, 'When a Person Must Decide', [0, 0]);
	L.settingsNode(wf, [110, 0]);
	// The link ops decide at: a signed page whose answer resumes this execution; the human queue keeps it on the case record.
	L.makeLink(wf, 'Make the Decision Link', 'ops_decision', 48, [220, 0]);
	L.setRaw(
		wf,
		'Decision Asked',
		"{ ...$json, decision: { kind: $json.negotiation.pending_approval ? 'discount_approval' : 'wants_human', requested_at: $now.toISO(), link: $json.link.url } }",
		[440, 0],
	);
	L.callWorkflow(
		wf,
		'Ask a Person to Decide',
		'humanQueue',
		'Booking Agents: Human Queue',
		[660, 0],
	);
	L.sendEmail(
		wf,
		'E-mail: A Person Will Reply',
		{
			to: `${DEC}.customer.email`,
			subject: `'Re: your quote from ' + ${DEC}.business.name`,
			text: `${DEC}.negotiation.message + '\\n\\n' + ${DEC}.business.name`,
		},
		[880, 0],
	);
	L.waitForAnswer(wf, 'Wait for the Decision', 48, 'hours', 'decision', [1100, 0]);
	untoldGoesToOps(
		wf,
		'E-mail: A Person Will Reply',
		DEC,
		'The customer was not told that a person will reply (call them); the decision is still asked: ',
		'Wait for the Decision',
	);
	wf.section(
		'The decision',
		'**Apply the Decision** (Negotiation Agent) prices it: approved, the discount priced for approval; countered, the job re-priced at the price typed; declined or no answer in 48 hours, the offer stands. The decision, who took it and when go on the case record, and back to Commercial Sales.',
	);
	L.setRaw(wf, 'The Decision Taken', `{ ...${DEC}, ops_answer: $json.body ?? {} }`, [1320, 0]);
	L.agent(wf, 'Apply the Decision', 'negotiationAgent', { operation: 'applyDecision' }, [1540, 0]);
	L.setRaw(
		wf,
		'Read the Decision',
		"(({ ops_answer: f, ...c }) => ({ ...c, decision: { kind: c.decision?.kind ?? 'discount_approval', outcome: ({ approve: 'approved', decline: 'declined', counter: 'countered' })[f.choice] ?? 'no_answer', decided_by: f.name ?? null, decided_at: $now.toISO(), note: f.message || null, amount_cents: c.negotiation.quote.total_cents } }))($json)",
		[1760, 0],
	);
	L.recordCase(wf, 'Record the Decision', 'decided', 'Read the Decision', [1980, 0]);
	L.setRaw(wf, 'The Case, Decided', "$('Read the Decision').item.json", [2200, 0]);
	wf.chain(
		'When a Person Must Decide',
		'Business Settings',
		'Make the Decision Link',
		'Decision Asked',
		'Ask a Person to Decide',
		'E-mail: A Person Will Reply',
		'Wait for the Decision',
		'The Decision Taken',
		'Apply the Decision',
		'Read the Decision',
		'Record the Decision',
		'The Case, Decided',
	);
	return wf;
}

/**
 * A customer e-mail that failed after its retries, in a flow that goes on waiting for ops:
 * the **Human Queue** is told (to call the customer), then the flow waits all the same.
 */
function untoldGoesToOps(wf, emailNode, caseExpression, reason, waitNode) {
	const label = `Not Told: ${emailNode.replace(/^E-mail: /, '')}`;
	L.setRaw(
		wf,
		label,
		`{ ...${caseExpression}, handoff_reason: '${reason}' + ($json.error?.message ?? 'unknown error'), delivery_failure: { channel: 'email', label: '${emailNode}', error: String($json.error?.message ?? 'unknown error').slice(0, 300) } }`,
		[0, 0],
	);
	L.callWorkflow(wf, `Tell Ops: ${label}`, 'humanQueue', 'Booking Agents: Human Queue', [0, 0], {
		wait: false,
	});
	wf.connect(emailNode, label, 1);
	wf.chain(label, `Tell Ops: ${label}`, waitNode);
}

/** The case as Commercial Sales handed it over (later nodes carry the wait's answer). */
const NO_ROOM_ASKED = "$('Ops Asked for the First Visit').last().json";

/**
 * An accepted offer whose visits found no room: ops choose the first visit on a page and the
 * time goes back to Commercial Sales, which waits for this workflow and books the series then.
 */
function findSeriesTime() {
	const wf = new L.Workflow('findSeriesTime', 'Booking Agents: Find a Time for the Visits', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Find a time for the visits',
		'**Commercial Sales** calls this and waits for it when an accepted offer found no room for its visits. The next free times go to ops on a page (48 hours), linked from the **Human Queue** e-mail and the ops board. The first visit chosen goes back to Commercial Sales, which books the visits on that day and time and sends the agreement.',
	);
	L.subWorkflowTrigger(wf, 'When the Visits Had No Room', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		'What Was Asked',
		"((c, wanted) => ({ ...c, no_room: { series: true, reason: c.booking?.conflicts?.[0]?.reason ?? c.booking?.reason ?? null, preference: wanted ? DateTime.fromISO(wanted, { setZone: true }).toFormat(\"cccc's at' h:mm a\") + ' (' + ({ weekly: 'weekly', biweekly: 'every other week', monthly: 'monthly' })[(c.negotiation?.quote ?? c.quote)?.recurring?.frequency] + ')' : null }, preference: null }))($json, $json.booking?.conflicts?.[0]?.wanted_start)",
		[440, 0],
	);
	L.agent(
		wf,
		'Next Free Times',
		'schedulingAgent',
		{ resource: 'slot', operation: 'findSlots', count: 3 },
		[660, 0],
	);
	L.makeLink(wf, 'Make the Time Link', 'no_room', 48, [880, 0]);
	L.setRaw(
		wf,
		'Ops Asked for the First Visit',
		"{ ...$json, handoff_reason: 'The customer accepted our offer, but no crew had room for the visits as asked (' + ($json.no_room.preference ?? 'the agreed cadence') + '): choose the first visit on the page; the visits are booked from it and the agreement goes out.', decision: { kind: 'no_room', requested_at: $now.toISO(), link: $json.link.url } }",
		[1100, 0],
	);
	L.callWorkflow(wf, 'Ask Ops', 'humanQueue', 'Booking Agents: Human Queue', [1320, 0]);
	L.sendEmail(
		wf,
		'E-mail: We Will Set a Time',
		{
			to: `${NO_ROOM_ASKED}.customer.email`,
			subject: `'Re: your quote from ' + ${NO_ROOM_ASKED}.business.name`,
			text: `'Hi ' + (${NO_ROOM_ASKED}.customer.name ?? 'there') + ',\\n\\nThank you for accepting our offer. We want to give you a regular time that suits you: a member of our team will set it up and the agreement will follow shortly.\\n\\n' + ${NO_ROOM_ASKED}.business.name`,
		},
		[1430, 0],
	);
	L.waitForAnswer(wf, 'Wait for the Time', 48, 'hours', 'time', [1540, 0]);
	wf.section(
		'Back to Commercial Sales',
		'The decision (the first visit, or a call, or no answer in 48 hours) goes on the case and back to Commercial Sales: a time is booked there; otherwise the case stays with ops.',
	);
	L.setRaw(
		wf,
		'The Decision',
		`((c, f) => ({ ...c, decision: { ...c.decision, outcome: f.slot ? 'slot' : f.choice === 'call' ? 'call_customer' : 'no_answer', decided_by: f.name ?? null, decided_at: $now.toISO(), note: f.message || null, slot: f.slot ?? null } }))(${NO_ROOM_ASKED}, $json.body ?? {})`,
		[1760, 0],
	);
	L.recordCase(wf, 'Record the Decision', 'decided', 'The Decision', [1980, 0]);
	L.setRaw(wf, 'The Case, Decided', "$('The Decision').item.json", [2200, 0]);
	wf.chain(
		'When the Visits Had No Room',
		'Business Settings',
		'What Was Asked',
		'Next Free Times',
		'Make the Time Link',
		'Ops Asked for the First Visit',
		'Ask Ops',
		'E-mail: We Will Set a Time',
		'Wait for the Time',
		'The Decision',
		'Record the Decision',
		'The Case, Decided',
	);
	untoldGoesToOps(
		wf,
		'E-mail: We Will Set a Time',
		NO_ROOM_ASKED,
		'The customer was not told that we will set a time with them (call them); the time is still asked: ',
		'Wait for the Time',
	);
	return wf;
}

/**
 * An agreement nobody signed in time (Commercial Sales, Recurring Service): the visits held
 * for it are released, so no crew stays blocked, and ops are told to call the customer.
 */
function agreementNotSigned() {
	const wf = new L.Workflow('agreementNotSigned', 'Booking Agents: Agreement Not Signed', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Agreement not signed',
		'**Commercial Sales** and **Recurring Service** call this when the wait for a signature ends unsigned. The visits held for the agreement are released (other customers can book those times) and the **Human Queue** tells ops to call the customer; the case records why.',
	);
	L.subWorkflowTrigger(wf, 'When an Agreement Was Not Signed', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.agent(
		wf,
		'Release the Held Visits',
		'schedulingAgent',
		{ resource: 'series', operation: 'releaseSeries', reason: 'agreement_not_signed' },
		[440, 0],
		{ onError: 'continueRegularOutput' },
	);
	L.setRaw(
		wf,
		'Why Ops Are Told',
		"{ ...$json, handoff_reason: 'The agreement was not signed in time: ' + ($json.error ? 'its held visits could not be released (' + $json.error.message + '): cancel them by hand' : 'its ' + ($json.held_visits?.bookings?.length ?? 0) + ' held visits are released') + '. Call the customer if they still want the service.' }",
		[660, 0],
	);
	L.callWorkflow(wf, 'Tell Ops', 'humanQueue', 'Booking Agents: Human Queue', [880, 0]);
	wf.chain(
		'When an Agreement Was Not Signed',
		'Business Settings',
		'Release the Held Visits',
		'Why Ops Are Told',
		'Tell Ops',
	);
	return wf;
}

/** The case as the on-call ladder's current turn left it (the link, whose turn). */
const TURN = "$('Make the Acknowledge Link').last().json";

/**
 * After hours, an emergency must be acknowledged by a person: each on the on-call ladder in
 * turn gets a text with a link and the business's minutes to acknowledge; no acknowledgement,
 * the next is asked; nobody, ops are e-mailed. Every turn and the acknowledgement go on the case.
 */
function onCallDispatcher() {
	const wf = new L.Workflow('onCallDispatcher', 'Booking Agents: On-Call Dispatcher', {
		executionTimeout: 300,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'On-call dispatcher',
		'**Emergency Dispatch** calls this (without waiting) for an emergency dispatched while the business is closed, or one no crew could take in time, when the Booking Business table has an `on_call_ladder`. The first person gets a text with a link (**Make the Acknowledge Link**, the emergency on a page with one button) and `dispatch_ack_minutes` to press it.',
	);
	L.subWorkflowTrigger(wf, 'When an Emergency Needs a Person', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(wf, 'First on the Ladder', '{ ...$json, dispatch_rung: 0 }', [440, 0]);
	L.makeLink(wf, 'Make the Acknowledge Link', 'dispatch_ack', 2, [660, 0]);
	L.recordCase(wf, 'Record the Turn', 'asked', '', [880, 0]);
	L.sendSms(
		wf,
		'Text the Person on Call',
		{
			from: '$json.business.sms_from',
			to: `${TURN}.dispatch.to.phone`,
			message: `${TURN}.business.name + ' EMERGENCY at ' + (${TURN}.customer.address ?? 'an address to confirm') + ', ' + (${TURN}.booking.status === 'confirmed' ? (${TURN}.booking.crew_name ?? 'a crew') + ' booked' : 'NO CREW free in time: find one and call ' + (${TURN}.customer.phone ?? 'the customer')) + '. Acknowledge within ' + ${TURN}.dispatch.ack_minutes + ' min: ' + ${TURN}.link.url`,
		},
		[1100, 0],
	);
	L.waitForAnswer(
		wf,
		'Wait for the Acknowledgement',
		`={{ ${TURN}.dispatch.ack_minutes }}`,
		'minutes',
		'ack',
		[1320, 0],
	);
	wf.section(
		'Acknowledged, or the next person',
		'Acknowledged: the decision (who, when) goes on the case. Not in time, or their text failed: the next person on the ladder is asked. Nobody left: the **Human Queue** e-mails ops.',
	);
	L.ifTrue(wf, 'Acknowledged?', "$json.body?.choice === 'ack'", [1540, 0]);
	L.setRaw(
		wf,
		'The Acknowledgement',
		`{ ...${TURN}, decision: { kind: 'dispatch_ack', outcome: 'acknowledged', decided_by: $json.body.name ?? ${TURN}.dispatch.to.name, decided_at: $now.toISO() } }`,
		[1760, -100],
	);
	L.recordCase(wf, 'Record the Acknowledgement', 'decided', 'The Acknowledgement', [1980, -100]);
	L.setRaw(
		wf,
		'The Next Person',
		`{ ...${TURN}, dispatch_rung: ${TURN}.dispatch.rung + 1 }`,
		[1760, 100],
	);
	L.ifTrue(wf, 'Anyone Left?', '$json.dispatch_rung < $json.dispatch.rungs', [1980, 100]);
	L.setRaw(
		wf,
		'Nobody Acknowledged',
		`{ ...$json, handoff_reason: 'Nobody on the on-call ladder acknowledged the emergency (' + $json.dispatch.rungs + ' asked, ' + $json.dispatch.ack_minutes + ' minutes each): call the customer and the crew.', decision: { kind: 'dispatch_ack', requested_at: $now.toISO() } }`,
		[2200, 200],
	);
	L.callWorkflow(wf, 'Tell Ops', 'humanQueue', 'Booking Agents: Human Queue', [2420, 200], {
		wait: false,
	});
	wf.chain(
		'When an Emergency Needs a Person',
		'Business Settings',
		'First on the Ladder',
		'Make the Acknowledge Link',
		'Record the Turn',
		'Text the Person on Call',
		'Wait for the Acknowledgement',
		'Acknowledged?',
		'The Acknowledgement',
		'Record the Acknowledgement',
	);
	wf.connect('Text the Person on Call', 'The Next Person', 1);
	wf.connect('Acknowledged?', 'The Next Person', 1);
	wf.connect('The Next Person', 'Anyone Left?');
	// The loop: the next person gets their own link and text.
	wf.connect('Anyone Left?', 'Make the Acknowledge Link', 0);
	wf.connect('Anyone Left?', 'Nobody Acknowledged', 1);
	wf.connect('Nobody Acknowledged', 'Tell Ops');
	return wf;
}

/**
 * Booking Deposit: called by Simple Booking (without waiting) for a service that takes a deposit.
 * The visit is held for the customer; the deposit (its own invoice toward the visit) goes to
 * them with Stripe's page; paid (Payments resumes this execution), the visit's confirmation
 * follows, with its invite and change link; not paid within `deposit_hours`, the visit is
 * cancelled and the customer told. Stripe unreachable: the visit is confirmed without it and
 * ops are told (the deposit is billed with the visit).
 */
function bookingDeposit() {
	const wf = new L.Workflow('bookingDeposit', 'Booking Agents: Booking Deposit', {
		executionTimeout: 120,
		errorWorkflow: L.WORKFLOW_IDS.errorEscalation,
		callerPolicy: 'workflowsFromSameOwner',
	});
	wf.section(
		'Ask for the deposit',
		"The booked case, from **Simple Booking**. The deposit (`deposit_pct` of the quote) becomes its own invoice toward the visit (Contract Agent, *Invoice > Request a Deposit*, with this execution's resume address); Stripe makes its payment page (HTTP Request with the **Stripe** credential, retried 3 times); the customer gets it by e-mail and text, with the day the time is released.",
	);
	L.subWorkflowTrigger(wf, 'When a Booking Needs Its Deposit', [0, 0]);
	L.settingsNode(wf, [220, 0]);
	L.setRaw(
		wf,
		'The Deposit',
		// An agreement's visits (a series): deposit_pct of a month of visits; a single visit: of its quote.
		"(({ case: c }) => ({ ...c, deposit: { amount_cents: Math.max(50, Math.round(((c.booking?.series_id ? (c.quote?.recurring?.per_month_cents ?? c.quote?.total_cents) : (c.quote?.total_cents ?? c.offer?.total_cents)) ?? 0) * c.business.deposit_pct / 100)), label: 'Deposit for your ' + String(c.booking.service ?? c.quote?.service_type ?? 'visit').replace(/_/g, ' ') + (c.booking?.series_id ? ' agreement' : ''), expires_at: new Date(Date.now() + c.business.deposit_hours * 3600000).toISOString() }, resume_url: $execution.resumeUrl }))({ case: $('When a Booking Needs Its Deposit').first().json })",
		[440, 0],
	);
	L.ifTrue(wf, 'An Agreement?', '!!$json.booking?.series_id', [550, -160]);
	// An agreement's visits stay held until an hour past the deposit's deadline.
	L.agent(
		wf,
		'Hold the Visits',
		'schedulingAgent',
		{ resource: 'series', operation: 'holdSeries' },
		[550, 160],
		{ onError: 'continueRegularOutput' },
	);
	L.agent(
		wf,
		'Request the Deposit',
		'contractAgent',
		{ resource: 'invoice', operation: 'requestDeposit' },
		[660, 0],
		{ onError: 'continueErrorOutput' },
	);
	L.stripePaymentPage(
		wf,
		'Ask Stripe for a Payment Page',
		{
			productName: "$json.invoice.lines[0].label + ', ' + $json.business.name",
			waitBetweenTries: 1000,
			onError: 'continueErrorOutput',
		},
		[880, 0],
	);
	L.setRaw(
		wf,
		'With the Payment Page',
		"{ ...$('Request the Deposit').item.json, payment_link: { url: $json.url, id: $json.id } }",
		[1100, 0],
	);
	L.agent(
		wf,
		'Write the Deposit Request',
		'confirmationAgent',
		{ messageKind: 'deposit_request', options: { calendar: false } },
		[1320, 0],
	);
	const asked = deliver(wf, 'Write the Deposit Request', 'Deposit Request', 1540, 0, null, {
		caseFlow: true,
	});
	wf.section(
		'Paid: confirm',
		"**Payments** resumes this execution when Stripe says the deposit is paid: the confirmation follows (e-mail with the invite and the visit's change link, and a text), and the case records it. Not paid within `deposit_hours` (24 to start): the visit is cancelled (`deposit not paid`) and the customer told.",
	);
	L.waitForAnswer(wf, 'Wait for the Deposit', 24, 'hours', 'deposit', [1980, 0]);
	wf.nodes.find((n) => n.name === 'Wait for the Deposit').parameters.resumeAmount =
		"={{ $('The Deposit').first().json.business.deposit_hours }}";
	wf.connect(asked, 'Wait for the Deposit');
	L.ifTrue(wf, 'Paid?', '$json.body?.paid === true', [2200, 0]);
	L.setRaw(wf, 'The Paid Booking', "$('The Deposit').first().json", [2420, -100]);
	wf.section(
		'An agreement',
		'Called by **Commercial Sales** or **Recurring Service** once the agreement is signed, for a service in `deposit_services`: the deposit is `deposit_pct` of a month of visits, toward the first visit, and the held visits stay held until an hour past its deadline. Paid: the visits are confirmed and the flow that called this goes on (onboarding). Not paid in time: the held visits are released and ops are told to call.',
	);
	L.ifTrue(wf, 'Paid for an Agreement?', '!!$json.booking?.series_id', [2530, -260]);
	L.agent(
		wf,
		'Confirm the Held Visits',
		'schedulingAgent',
		{ resource: 'series', operation: 'confirmSeries' },
		[2750, -260],
	);
	// What goes back to the flow that waits for this one.
	L.setRaw(
		wf,
		'Back to the Agreement',
		"{ ...$json, deposit_outcome: $('Paid?').isExecuted ? 'paid' : 'not_asked' }",
		[2970, -260],
	);
	L.ifTrue(wf, 'Not Paid for an Agreement?', '!!$json.booking?.series_id', [2530, 300]);
	L.agent(
		wf,
		'Release the Held Visits',
		'schedulingAgent',
		{ resource: 'series', operation: 'releaseSeries', reason: 'deposit not paid' },
		[2750, 300],
		{ onError: 'continueRegularOutput' },
	);
	L.setRaw(
		wf,
		'Why Ops Call',
		"{ ...$('The Deposit').first().json, deposit_outcome: 'not_paid', handoff_reason: 'The agreement was signed but its deposit (' + $('Request the Deposit').first().json.invoice.invoice_number + ') was not paid within ' + $('The Deposit').first().json.business.deposit_hours + ' hours: ' + ($json.error ? 'its held visits could not be released (' + $json.error.message + '): cancel them by hand' : 'its ' + ($json.held_visits?.bookings?.length ?? 0) + ' held visits are released') + '. Call the customer if they still want the service.' }",
		[2970, 300],
	);
	L.callWorkflow(wf, 'Tell Ops to Call', 'humanQueue', 'Booking Agents: Human Queue', [3190, 300], {
		wait: false,
	});
	L.visitChangeLink(wf, 'Make the Change Link', [2640, -100]);
	L.agent(
		wf,
		'Write the Confirmation',
		'confirmationAgent',
		{ messageKind: 'booking_confirmation' },
		[2860, -100],
	);
	const confirmed = deliver(wf, 'Write the Confirmation', 'Confirmation', 3080, -100, null, {
		caseFlow: true,
	});
	L.recordCase(wf, 'Record the Booking', 'answered', 'Write the Confirmation', [3520, -100]);
	wf.connect(confirmed, 'Record the Booking');
	L.setRaw(wf, 'Not Paid in Time', "$('The Deposit').first().json", [2420, 160]);
	L.agent(
		wf,
		'Release the Visit',
		'schedulingAgent',
		{ operation: 'cancel', reason: 'deposit not paid' },
		[2640, 160],
		{ onError: 'continueRegularOutput' },
	);
	L.agent(
		wf,
		'Write the Release',
		'confirmationAgent',
		{ messageKind: 'cancellation', options: { calendar: false } },
		[2860, 160],
	);
	deliver(wf, 'Write the Release', 'Release', 3080, 160, null, { caseFlow: true });
	wf.section(
		'No payment page',
		'The deposit could not be asked (the store or Stripe unreachable): the visit is confirmed without it and ops are told; the deposit is billed with the visit.',
	);
	L.setRaw(
		wf,
		'Confirmed Without the Deposit',
		"{ ...$('The Deposit').first().json, handoff_reason: 'The deposit for visit ' + $('The Deposit').first().json.booking.booking_id + ' could not be asked (' + ($json.error?.message ?? $json.error ?? 'unknown error') + '), so the visit was confirmed without it. Bill it with the visit.' }",
		[1100, 320],
	);
	L.callWorkflow(
		wf,
		'Tell Ops: No Deposit Asked',
		'humanQueue',
		'Booking Agents: Human Queue',
		[1320, 320],
		{
			wait: false,
		},
	);
	wf.chain('When a Booking Needs Its Deposit', 'Business Settings', 'The Deposit', 'An Agreement?');
	wf.connect('An Agreement?', 'Hold the Visits', 0);
	wf.connect('An Agreement?', 'Request the Deposit', 1);
	wf.chain(
		'Hold the Visits',
		'Request the Deposit',
		'Ask Stripe for a Payment Page',
		'With the Payment Page',
		'Write the Deposit Request',
	);
	wf.chain('Wait for the Deposit', 'Paid?', 'The Paid Booking', 'Paid for an Agreement?');
	wf.chain('Paid for an Agreement?', 'Confirm the Held Visits', 'Back to the Agreement');
	wf.connect('Paid for an Agreement?', 'Make the Change Link', 1);
	wf.chain('Make the Change Link', 'Write the Confirmation');
	wf.connect('Paid?', 'Not Paid in Time', 1);
	wf.chain('Not Paid in Time', 'Not Paid for an Agreement?');
	wf.chain(
		'Not Paid for an Agreement?',
		'Release the Held Visits',
		'Why Ops Call',
		'Tell Ops to Call',
	);
	wf.connect('Not Paid for an Agreement?', 'Release the Visit', 1);
	wf.chain('Release the Visit', 'Write the Release');
	wf.connect('Request the Deposit', 'Confirmed Without the Deposit', 1);
	wf.connect('Ask Stripe for a Payment Page', 'Confirmed Without the Deposit', 1);
	// One after the other: what the last node gives goes back to a flow that waits for this one.
	wf.chain('Confirmed Without the Deposit', 'Tell Ops: No Deposit Asked', 'The Paid Booking');
	return wf;
}

module.exports = {
	bookingDeposit,
	calloutFee,
	onCallDispatcher,
	opsDecision,
	findSeriesTime,
	agreementNotSigned,
	findATime,
	askForDetails,
	simpleBooking,
	emergency,
	notAFit,
	onboarding,
	complexSales,
	recurringService,
};
