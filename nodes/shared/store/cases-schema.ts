/**
 * The case records' tables, in SQL both backends run as written: what the ops board
 * and the weekly numbers read. JSON is kept as text (never queried inside), times as
 * epoch milliseconds, yes/no as 0/1, so every report query is the same on SQLite and
 * PostgreSQL.
 *
 * cases: one row per case (the item's `case`), the facts the numbers need as columns:
 *   when it arrived, was first answered, was dispatched (emergencies) and was booked.
 * case_events: what happened, when and by whom; `key` makes a retried step write once.
 */
export const CASES_SQL = `
CREATE TABLE cases (
  id TEXT PRIMARY KEY, customer_id TEXT, channel TEXT NOT NULL, thread TEXT, status TEXT NOT NULL,
  customer TEXT, service_type TEXT, is_emergency INTEGER NOT NULL DEFAULT 0, emergency_type TEXT,
  qualified INTEGER, lead_score INTEGER, quote_id TEXT, quote_cents BIGINT, currency TEXT, quote_valid_until TEXT,
  booked_cents BIGINT, booking_ids TEXT, contract_id TEXT, decision TEXT, summary TEXT,
  received_at_ms BIGINT NOT NULL, first_answer_at_ms BIGINT, dispatched_at_ms BIGINT, booked_at_ms BIGINT,
  closed_at_ms BIGINT, workflow TEXT, execution_url TEXT, updated_at_ms BIGINT NOT NULL,
  CHECK (status IN ('open','waiting_customer','waiting_ops','booked','lost','expired','closed')),
  CHECK (channel IN ('web_form','sms','email','chat','webhook')));
CREATE INDEX cases_received ON cases (received_at_ms);
CREATE INDEX cases_status ON cases (status, updated_at_ms);
CREATE INDEX cases_booked ON cases (booked_at_ms);
CREATE TABLE case_events (
  case_id TEXT NOT NULL REFERENCES cases(id), key TEXT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL,
  by_whom TEXT, data TEXT, PRIMARY KEY (case_id, key));
CREATE INDEX case_events_kind ON case_events (kind, at_ms);
`;

/**
 * case_links: the links a person opens (a quote reply, an ops decision). `page` is what the
 * page shows (JSON); `resume_url` the waiting execution to go on; `used_at_ms` and `answer`
 * are written once, by the first answer (see records/links.ts).
 */
export const LINKS_SQL = `
CREATE TABLE case_links (
  id TEXT PRIMARY KEY, case_id TEXT NOT NULL, kind TEXT NOT NULL, page TEXT NOT NULL, resume_url TEXT,
  created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL, used_at_ms BIGINT, answer TEXT);
CREATE INDEX case_links_case ON case_links (case_id);
`;

/**
 * case_threads: the keys that route a follow-up to its case (DESIGN's `thread`): the customer's
 * phone in E.164 (`phone:+1...`), e-mail in lower case (`email:...`), an e-mail's Message-ID
 * (`message_id:...`) and a chat session (`chat_session:...`). A key may lead to several cases
 * over time; the newest open one takes the follow-up (records/threads.ts).
 */
export const THREADS_SQL = `
CREATE TABLE case_threads (
  thread_key TEXT NOT NULL, case_id TEXT NOT NULL REFERENCES cases(id), PRIMARY KEY (thread_key, case_id));
CREATE INDEX case_threads_case ON case_threads (case_id);
`;

/** The keys of the cases recorded before case_threads, from their thread (JSON text), per backend. */
export const threadsBackfill = (field: (name: string) => string) =>
	['email', 'phone', 'message_id', 'chat_session']
		.map(
			(name) =>
				`INSERT INTO case_threads (thread_key, case_id) SELECT '${name}:' || ${name === 'email' ? `lower(${field(name)})` : field(name)}, id FROM cases WHERE ${field(name)} IS NOT NULL${name === 'phone' ? ` AND ${field(name)} LIKE '+%'` : ''} ON CONFLICT DO NOTHING;`,
		)
		.join('\n');

/** intake_attempts: when each sender (e-mail, phone, client address) last wrote through a public form: the rate limit's memory. */
export const ATTEMPTS_SQL = `
CREATE TABLE intake_attempts (key TEXT NOT NULL, at_ms BIGINT NOT NULL);
CREATE INDEX intake_attempts_key ON intake_attempts (key, at_ms);
`;

/**
 * outbox: every e-mail and text to a customer, kept until it is sent (records/outbox.ts). `key`
 * makes a message written twice (a retried step) one row; `content` is the message itself (JSON:
 * from, subject, text, html, attachments as base64), so a retry needs nothing else. `status`:
 * queued (waiting for its next try at `next_attempt_at_ms`), sending (a sender holds it until
 * `lease_until_ms`), sent, failed (tries used up; ops were told). `case_item` is the item the
 * message was written from, for the handoff when it fails.
 */
export const OUTBOX_SQL = `
CREATE TABLE outbox (
  id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, case_id TEXT, label TEXT NOT NULL, channel TEXT NOT NULL,
  recipient TEXT NOT NULL, content TEXT NOT NULL, quiet_hours TEXT, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at_ms BIGINT, lease_until_ms BIGINT, last_error TEXT,
  case_item TEXT, created_at_ms BIGINT NOT NULL, sent_at_ms BIGINT, updated_at_ms BIGINT NOT NULL,
  CHECK (channel IN ('email','sms')), CHECK (status IN ('queued','sending','sent','failed')));
CREATE INDEX outbox_due ON outbox (status, next_attempt_at_ms);
CREATE INDEX outbox_case ON outbox (case_id);
`;

/**
 * customers: one row per customer (records/customers.ts); lists and notes as JSON text.
 * `merged_into` points a merged record at the one it lives in now; `erased_at_ms` marks one
 * whose personal data was erased on request. customer_keys: the e-mail (`email:...`) and phone
 * (`phone:+1...`) a customer is known by, each leading to one customer.
 */
export const CUSTOMERS_SQL = `
CREATE TABLE customers (
  id TEXT PRIMARY KEY, name TEXT, emails TEXT NOT NULL, phones TEXT NOT NULL, addresses TEXT NOT NULL,
  notes TEXT NOT NULL, opt_outs TEXT NOT NULL, preferred_channel TEXT, merged_into TEXT, erased_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,
  CHECK (preferred_channel IS NULL OR preferred_channel IN ('email','sms')));
CREATE TABLE customer_keys (key TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id));
CREATE INDEX customer_keys_customer ON customer_keys (customer_id);
CREATE INDEX cases_customer ON cases (customer_id, received_at_ms);
`;

/**
 * invoices: one per visit billed (`booking_id` unique: billing a visit twice gives the same
 * invoice), numbered per business (`series`, the number's prefix) without gaps: the next
 * number is taken from `invoice_numbers` in the invoice's own transaction, and a voided
 * invoice keeps its number. Amounts in cents; `record` keeps the lines, the customer and
 * the business as billed, and the payment provider's ids beside ours.
 */
export const INVOICES_SQL = `
ALTER TABLE cases ADD COLUMN quote_terms TEXT;
CREATE TABLE invoice_numbers (series TEXT PRIMARY KEY, last_number BIGINT NOT NULL);
CREATE TABLE invoices (
  id TEXT PRIMARY KEY, series TEXT NOT NULL, number BIGINT NOT NULL, invoice_number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL, customer_id TEXT, case_id TEXT, booking_id TEXT UNIQUE, contract_id TEXT,
  currency TEXT NOT NULL, subtotal_cents BIGINT NOT NULL, discount_cents BIGINT NOT NULL, tax_cents BIGINT NOT NULL,
  total_cents BIGINT NOT NULL, paid_cents BIGINT NOT NULL DEFAULT 0, due_date TEXT NOT NULL,
  issued_at_ms BIGINT NOT NULL, paid_at_ms BIGINT, voided_at_ms BIGINT, record TEXT NOT NULL, updated_at_ms BIGINT NOT NULL,
  UNIQUE (series, number),
  CHECK (status IN ('draft','open','paid','void','uncollectible')));
CREATE INDEX invoices_customer ON invoices (customer_id, issued_at_ms);
CREATE INDEX invoices_status ON invoices (status, due_date);
`;

/**
 * payment_events: every payment provider event taken, once (its id is the key: a replay finds
 * it and changes nothing), with what came of it. payments: the money that moved for an
 * invoice (a payment, a refund, a failed attempt), the provider's id beside ours.
 */
export const PAYMENTS_SQL = `
CREATE TABLE payment_events (
  id TEXT PRIMARY KEY, provider TEXT NOT NULL, type TEXT NOT NULL, received_at_ms BIGINT NOT NULL,
  outcome TEXT NOT NULL, invoice_id TEXT, detail TEXT);
CREATE TABLE payments (
  id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL REFERENCES invoices(id), kind TEXT NOT NULL,
  amount_cents BIGINT NOT NULL, currency TEXT NOT NULL, provider TEXT NOT NULL, provider_id TEXT,
  event_id TEXT, failure TEXT, created_at_ms BIGINT NOT NULL,
  CHECK (kind IN ('payment','refund','failed')));
CREATE INDEX payments_invoice ON payments (invoice_id, created_at_ms);
`;

/**
 * Monthly billing of agreements and their cards. `autopay`: the card a customer saved for a
 * regular service (its series, so renewals keep it; the payment provider's customer and
 * payment method ids, never a card number).
 * A month's invoice of an agreement has no visit (`booking_id` NULL) but its `period`
 * (YYYY-MM), one per agreement and month. `next_charge_at_ms`: when the saved card is to be
 * charged (next; NULL when nothing is due), `charge_attempts`: the tries so far, for dunning.
 * A deposit (an emergency's call-out fee, paid before the crew is sent) is an invoice of its
 * own for the visit it is paid toward (`deposit_for`, one per visit); the visit's invoice
 * counts it as paid.
 */
export const AUTOPAY_SQL = `
CREATE TABLE autopay (
  series_id TEXT PRIMARY KEY, contract_id TEXT, customer_id TEXT, provider TEXT NOT NULL, provider_customer TEXT NOT NULL,
  payment_method TEXT NOT NULL, status TEXT NOT NULL, saved_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,
  CHECK (status IN ('active','removed')));
ALTER TABLE invoices ADD COLUMN period TEXT;
ALTER TABLE invoices ADD COLUMN series_id TEXT;
ALTER TABLE invoices ADD COLUMN next_charge_at_ms BIGINT;
ALTER TABLE invoices ADD COLUMN charge_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN deposit_for TEXT;
CREATE UNIQUE INDEX invoices_contract_period ON invoices (contract_id, period);
CREATE UNIQUE INDEX invoices_deposit_for ON invoices (deposit_for);
CREATE INDEX invoices_next_charge ON invoices (next_charge_at_ms);
`;

/**
 * Credits: money a customer has with us that their next invoices use before any card (given by
 * ops, or a cancelled visit's deposit given back as credit). `remaining_cents` is what is left;
 * `source` makes each credit once (a deposit's, or the key ops gave). Each use is a payment on
 * the invoice that used it (provider `credit`, the credit's id beside it).
 */
export const CREDITS_SQL = `
CREATE TABLE credits (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, currency TEXT NOT NULL, amount_cents BIGINT NOT NULL,
  remaining_cents BIGINT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,
  CHECK (amount_cents > 0 AND remaining_cents >= 0 AND remaining_cents <= amount_cents));
CREATE INDEX credits_customer ON credits (customer_id, currency, created_at_ms);
`;
