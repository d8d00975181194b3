/**
 * The package's programmatic API (re-exported by index.js): each agent's pure
 * logic and the zod schemas of what it writes, for scripts, tests and
 * benchmarks outside n8n. Each agent is `async (input, options)` and returns
 * exactly the object its node writes under its key.
 */
import { DEFAULT_RATE_CARD } from './PricingAgent/rateCard';
import { DEFAULT_CALENDAR } from './SchedulingAgent/calendar';
import { DEFAULT_TEMPLATES } from './ConfirmationAgent/compose';
import { seedRows } from './shared/settings';

export {
	qualify,
	qualifyRules,
	qualificationSchema,
	qualifierAiFactsSchema,
	qualifyAndShareReading,
	QUALIFY_DEFAULTS,
} from './QualifierAgent/qualify';
export type { Qualification, QualifyInput, QualifyOptions } from './QualifierAgent/qualify';
export {
	triage,
	triageRules,
	triageSchema,
	triageAiFactsSchema,
	triageAndShareReading,
	TRIAGE_DEFAULTS,
} from './TriageAgent/triage';
export {
	messageReadingSchema,
	sharedReadingSchema,
	readingRequest,
	earlierReading,
	shareReading,
} from './shared/reading';
export type { MessageReading, SharedReading } from './shared/reading';
export { readDamageFacts } from './shared/damage';
export type { DamageFacts, Situation } from './shared/damage';
export type { TriageResult, TriageInput, TriageOptions } from './TriageAgent/triage';
export { SAFETY_INSTRUCTIONS, HAZARD_INSTRUCTIONS } from './TriageAgent/safety';
export {
	SERVICE_TYPES,
	PROPERTY_TYPES,
	FREQUENCIES,
	WEEKDAYS,
	URGENCIES,
	EMERGENCY_TYPES,
	SEVERITIES,
	HAZARDS,
	SERVICE_OF_DAMAGE,
} from './shared/vocabulary';
export type {
	ServiceType,
	PropertyType,
	Frequency,
	Weekday,
	Urgency,
	EmergencyType,
	Severity,
	Hazard,
} from './shared/vocabulary';
export { escapeHtml } from './shared/html';
export { cadenceText } from './shared/wording';
export { AGENT_MODES, SOURCES } from './shared/modes';
export type { AgentMode, AiSettings } from './shared/modes';
export {
	LlmError,
	callStructured,
	toResponseFormat,
	DEFAULT_LLM_OPTIONS,
	DEFAULT_BASE_URL,
} from './shared/llm/client';
export {
	withRetry,
	isRetryable,
	parseRetryAfter,
	backoffDelay,
	DEFAULT_RETRY,
} from './shared/llm/retry';
export {
	price,
	priceSync,
	quoteSchema,
	PricingInputError,
	VISITS_PER_MONTH,
	ROUNDING_RULE,
} from './PricingAgent/price';
export type { Quote, QuoteLine, PricingFacts, PriceOptions } from './PricingAgent/price';
export {
	DEFAULT_RATE_CARD,
	rateCardSchema,
	resolveRateCard,
	RateCardError,
} from './PricingAgent/rateCard';
export type { RateCard, RateCardOverride } from './PricingAgent/rateCard';
export {
	negotiate,
	negotiationSchema,
	DEFAULT_POLICY,
	DEFAULT_TEMPLATES,
	NegotiationInputError,
} from './NegotiationAgent/negotiate';
export type {
	Negotiation,
	NegotiateInput,
	NegotiateOptions,
	NegotiationPolicy,
} from './NegotiationAgent/negotiate';
export { readIntent, intentSchema, INTENT_TYPES } from './NegotiationAgent/intent';
export { formatMoney, moneyAmountsIn } from './shared/money';
export {
	schedule,
	bookingResultSchema,
	OPERATIONS as SCHEDULING_OPERATIONS,
} from './SchedulingAgent/schedule';
export type { ScheduleRequest, ScheduleOptions, BookingResult } from './SchedulingAgent/schedule';
export {
	DEFAULT_CALENDAR,
	resolveCalendar,
	jobDurationMinutes,
	requiredSkillFor,
	SchedulingInputError,
} from './SchedulingAgent/calendar';
export type { CalendarConfig, CrewConfig } from './SchedulingAgent/calendar';
export { parsePreference } from './SchedulingAgent/preferences';
export { findSlots, indexBusy, isFree } from './SchedulingAgent/slots';
export { SEARCH_YEARS, seriesStarts } from './SchedulingAgent/series';
export {
	openStore,
	closeAllStores,
	defaultSqlitePath,
	SqliteBookingStore,
	PostgresBookingStore,
	StoreError,
	BOOKING_STATUSES,
} from './shared/store';
export type { BookingStore, BookingRecord, StoreConfig, PostgresConnection } from './shared/store';
export {
	compose,
	confirmationSchema,
	MESSAGE_KINDS,
	MESSAGE_PLACEHOLDERS,
	DEFAULT_TEMPLATES as MESSAGE_TEMPLATES,
	headerSafe,
} from './ConfirmationAgent/compose';
export type {
	ComposeInput,
	ComposeOptions,
	Confirmation,
	MessageKind,
} from './ConfirmationAgent/compose';
export { confirm, confirmDueFollowUp, recordSmsReply } from './ConfirmationAgent/confirm';
export { dueFollowUp, followUpPlan } from './ConfirmationAgent/plan';
export type { DueFollowUp, PlannedVisit } from './ConfirmationAgent/plan';
export { smsSize, toE164, readSmsKeyword, fitSms, OPT_OUT_KEYWORDS } from './ConfirmationAgent/sms';
export { buildInvite, vtimezone } from './ConfirmationAgent/ics';
export {
	generateContract,
	recordSignature,
	contractsDue,
	renewContract,
	signingToken,
	renderPdf,
	DEFAULT_CONTRACT_TEMPLATE,
	DEFAULT_TERMS,
	ContractInputError,
} from './ContractAgent/contract';
export {
	invoiceVisit,
	getInvoice,
	voidInvoice,
	invoiceText,
	invoicePdf,
	InvoiceInputError,
	INVOICE_STATUSES,
} from './ContractAgent/invoice';
export type { Invoice, InvoiceLine, InvoiceStatus } from './ContractAgent/invoice';
export {
	billMonth,
	billingMonth,
	chargesDue,
	recordCharge,
	cardLinkUrl,
	readCardLink,
	DUNNING_DAYS,
	MonthlyBillingInputError,
} from './shared/records/monthly';
export type { BillMonthResult, DueCharge, RecordedCharge } from './shared/records/monthly';
export { applyStripeEvent, verifyStripeSignature } from './shared/records/payments';
export { giveCredit, creditBalance, CreditInputError } from './shared/records/credits';
export type { Credit, CreditInput } from './shared/records/credits';
export { requestDeposit, depositRefund, DepositInputError } from './shared/records/deposits';
export type { DepositRefund } from './shared/records/deposits';
export type {
	GenerateInput,
	ContractOptions,
	GeneratedContract,
	ContractTerms,
} from './ContractAgent/contract';

export {
	SETTINGS_TABLES,
	BUSINESS_SETTINGS,
	RATES,
	SettingsError,
	readBusinessSettings,
	readRateCard,
	readCalendarSettings,
	readPolicySettings,
	readMessageSettings,
} from './shared/settings';
export type { SettingsRows, SettingsRow, BusinessSettings } from './shared/settings';

/** The settings tables' rows a new business starts with: the agents' defaults, with `business` overriding the demo business's details. */
export function settingsSeedRows(
	business: Parameters<typeof seedRows>[0]['business'] = {},
): ReturnType<typeof seedRows> {
	return seedRows({
		rateCard: DEFAULT_RATE_CARD,
		calendar: DEFAULT_CALENDAR,
		business,
		messages: DEFAULT_TEMPLATES,
	});
}

export {
	CASE_STATUSES,
	CASE_CHANNELS,
	CASE_STEPS,
	DECISION_KINDS,
	applyCaseStep,
	caseChannel,
	caseIdOf,
	recordCaseStep,
	getCase,
	caseEvents,
} from './shared/records/cases';
export type { CaseRecord, CaseEvent, CaseStep, CaseDecision } from './shared/records/cases';
export {
	lookUpCustomer,
	getCustomer,
	updateCustomer,
	exportCustomer,
	eraseCustomer,
} from './shared/records/customers';
export type { CustomerRecord, ErasureReport } from './shared/records/customers';
export { weeklyNumbers, periodOf, REPORT_SQL } from './BookingRecords/report';
export type { WeeklyNumbers, Period } from './BookingRecords/report';
export { readBoard, boardHtml } from './BookingRecords/board';
export { exportCsv, reportMessage, csvField } from './BookingRecords/exports';
