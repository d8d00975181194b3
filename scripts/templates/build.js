'use strict';
/**
 * Writes workflows-templates/*.json from the builders in this folder.
 *   node scripts/templates/build.js          write the files
 *   node scripts/templates/build.js --check  exit 1 if a committed file is out of date
 * The JSON files are what users import; this script is how we keep every
 * workflow consistent (names, credentials, retries, error workflow). The same
 * workflows go to workflows-templates/postgres/ with the booking store on PostgreSQL
 * (queue mode with workers on several hosts).
 */
const fs = require('node:fs');
const path = require('node:path');

const support = require('./support');
const booking = require('./booking');
const intake = require('./intake');

/** File name -> builder, in import order (a workflow comes after those it calls). */
const TEMPLATES = {
	'support-business-settings.json': support.businessSettings,
	'support-error-escalation.json': support.errorEscalation,
	'support-human-queue.json': support.humanQueue,
	'support-outbox.json': support.outbox,
	'support-not-a-fit.json': booking.notAFit,
	// Ask for Details calls back the workflow that asked (by the id it is given), so it comes first.
	'support-ask-for-details.json': booking.askForDetails,
	'support-find-a-time.json': booking.findATime,
	'support-find-a-time-for-the-visits.json': booking.findSeriesTime,
	'support-agreement-not-signed.json': booking.agreementNotSigned,
	'support-ask-ops-to-decide.json': booking.opsDecision,
	// Simple Booking and Emergency Dispatch call these: they are published first.
	'support-booking-deposit.json': booking.bookingDeposit,
	'support-callout-fee.json': booking.calloutFee,
	'booking-simple.json': booking.simpleBooking,
	'support-on-call-dispatcher.json': booking.onCallDispatcher,
	'booking-emergency.json': booking.emergency,
	'support-onboarding.json': booking.onboarding,
	'booking-commercial-sales.json': booking.complexSales,
	'booking-recurring-service.json': booking.recurringService,
	'support-agreement-signing.json': support.agreementSigning,
	'support-crew-visits.json': support.crewVisits,
	// Customer Links hands a crew's step to Crew Steps and a customer's change to Customer Changes (by id).
	'support-crew-steps.json': support.crewSteps,
	// Customer Changes calls Deposit Back: published first.
	'support-deposit-back.json': support.depositBack,
	'support-customer-changes.json': support.customerChanges,
	'support-customer-links.json': support.customerLinks,
	'intake-texts.json': intake.incomingTexts,
	'intake-web-form.json': intake.webForm,
	'intake-email.json': intake.incomingEmail,
	'intake-chat.json': intake.chat,
	'support-visit-reminders.json': support.reminders,
	'support-contract-renewals.json': support.renewals,
	'support-payments.json': support.payments,
	'support-recurring-billing.json': support.recurringBilling,
	'ops-board.json': support.opsBoard,
	'ops-weekly-numbers.json': support.weeklyNumbers,
	'ops-customers.json': support.opsCustomers,
	'ops-regular-visits.json': support.opsRegularVisits,
};

const DIR = path.resolve(__dirname, '..', '..', 'workflows-templates');
/** The PostgreSQL set's folder inside workflows-templates/. */
const POSTGRES_SET = 'postgres';

/** Every file to write: the SQLite set, then the PostgreSQL set (paths relative to workflows-templates/). */
function render() {
	const json = (workflow) => `${JSON.stringify(workflow, null, '\t')}\n`;
	const built = Object.entries(TEMPLATES).map(([file, build]) => [file, build()]);
	return [
		...built.map(([file, wf]) => ({ file, text: json(wf.toJSON()) })),
		...built.map(([file, wf]) => ({
			file: `${POSTGRES_SET}/${file}`,
			text: json(wf.toJSON({ postgresStore: true })),
		})),
	];
}

if (require.main === module) {
	const check = process.argv.includes('--check');
	let stale = 0;
	fs.mkdirSync(path.join(DIR, POSTGRES_SET), { recursive: true });
	for (const { file, text } of render()) {
		const target = path.join(DIR, file);
		const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
		if (current === text) continue;
		if (check) {
			console.error(
				`workflows-templates/${file} is out of date: run node scripts/templates/build.js`,
			);
			stale++;
		} else {
			fs.writeFileSync(target, text);
			console.log(`wrote workflows-templates/${file}`);
		}
	}
	process.exit(stale ? 1 : 0);
}

module.exports = { TEMPLATES, render, ORDER: Object.keys(TEMPLATES), POSTGRES_SET };
