/**
 * Customers: one record per person or business that writes to us, whatever the channel. A
 * customer is found by the keys a case's thread already uses (`email:` in lower case, `phone:` in
 * E.164), so the same person writing from the web form today and by text next month is one
 * customer; when a message carries two keys that belong to two customers, they are merged into
 * the older one (its id stays; the other id points to it).
 *
 * Every recorded case is linked to its customer (recordCaseStep calls linkCustomer in the case's
 * own transaction); "Look Up the Customer" does the same before the agents run, so they know a
 * returning customer, the notes ops keep (gate code, pets, keys), the opt-outs and the channel the
 * customer prefers. Export and erase serve a customer's request for their data.
 *
 * The same portable SQL on SQLite and PostgreSQL; no n8n import.
 */
import { creditsOf } from './credits';
import { invoicesOf } from './invoices';
import { randomUUID } from 'node:crypto';

import { objectAt, textAt, type CaseItem } from '../case';
import { InputError } from '../errors';
import { emailKey, phoneKey } from '../intake/keys';
import type { BookingStore, SqlRunner, SqlValue } from '../store/types';
import { jsonColumn, numberColumn } from './columns';

/** What a customer id looks like: cu_ and 4 to 64 letters, digits, _ or -. */
export const CUSTOMER_ID = /^cu_[A-Za-z0-9_-]{4,64}$/;

export const CUSTOMER_CHANNELS = ['email', 'sms'] as const;
export type CustomerChannel = (typeof CUSTOMER_CHANNELS)[number];

export interface CustomerNote {
	text: string;
	at: string;
	/** The workflow or person that wrote it. */
	by: string | null;
}

export interface CustomerRecord {
	customer_id: string;
	name: string | null;
	emails: string[];
	/** E.164. */
	phones: string[];
	addresses: string[];
	notes: CustomerNote[];
	/** What the customer asked not to receive: texts (also kept per number for STOP), e-mails. */
	opt_outs: { sms: boolean; email: boolean };
	preferred_channel: CustomerChannel | null;
	created_at: string;
	updated_at: string;
	/** When the customer's personal data was erased on their request; null while it is kept. */
	erased_at: string | null;
	/** Set on a record merged into another: the id that record now lives under. */
	merged_into: string | null;
}

/** How to reach the customer, as one message gives it. */
export interface CustomerContact {
	name: string | null;
	email: string | null;
	phone: string | null;
	address: string | null;
}

/** Notes, names and addresses are kept short: they are read on a phone by a crew. */
const LIMITS = { name: 200, address: 300, note: 2_000, notes: 200, addresses: 20, keys: 20 };

const clip = (value: string | null, max: number) =>
	value === null ? null : value.replace(/\s+/g, ' ').trim().slice(0, max) || null;

/** The contact an item carries (DESIGN's `customer`): e-mail and phone as the store keys them. */
export function contactOf(item: CaseItem, country = 'US'): CustomerContact {
	const customer = objectAt(item.customer) ?? {};
	return {
		name: clip(textAt(customer, 'name'), LIMITS.name),
		email: emailKey(textAt(customer, 'email')),
		phone: phoneKey(textAt(customer, 'phone'), country),
		address: clip(textAt(customer, 'address'), LIMITS.address),
	};
}

/** The store keys of a contact, sorted (two writers take them in the same order). */
export function customerKeysOf(contact: Pick<CustomerContact, 'email' | 'phone'>): string[] {
	const keys: string[] = [];
	if (contact.email) keys.push(`email:${contact.email}`);
	if (contact.phone) keys.push(`phone:${contact.phone}`);
	return keys.sort();
}

export function checkCustomerId(value: unknown, field = 'customerId'): string {
	const id = typeof value === 'string' ? value.trim() : '';
	if (!CUSTOMER_ID.test(id))
		throw new InputError(
			field,
			`"${String(value ?? '').slice(0, 80)}" is not a customer id: customer ids look like cu_ followed by 4 to 64 letters, digits, _ or - (the item's customer.customer_id after Look Up the Customer).`,
		);
	return id;
}

// ---- rows ----

const COLUMNS = [
	'id',
	'name',
	'emails',
	'phones',
	'addresses',
	'notes',
	'opt_outs',
	'preferred_channel',
	'merged_into',
	'erased_at_ms',
	'created_at_ms',
	'updated_at_ms',
] as const;

/** The row: the record's data with its times in epoch milliseconds. */
type StoredCustomer = Pick<
	CustomerRecord,
	| 'name'
	| 'emails'
	| 'phones'
	| 'addresses'
	| 'notes'
	| 'opt_outs'
	| 'preferred_channel'
	| 'merged_into'
> & { id: string; erased_at_ms: number | null; created_at_ms: number; updated_at_ms: number };

function fromRow(row: Record<string, unknown>): StoredCustomer {
	return {
		id: String(row.id),
		name: (row.name as string | null) ?? null,
		emails: jsonColumn(row.emails, []),
		phones: jsonColumn(row.phones, []),
		addresses: jsonColumn(row.addresses, []),
		notes: jsonColumn(row.notes, []),
		opt_outs: { sms: false, email: false, ...jsonColumn(row.opt_outs, {}) },
		preferred_channel: (row.preferred_channel as CustomerChannel | null) ?? null,
		merged_into: (row.merged_into as string | null) ?? null,
		erased_at_ms: numberColumn(row.erased_at_ms),
		created_at_ms: Number(row.created_at_ms),
		updated_at_ms: Number(row.updated_at_ms),
	};
}

function rowOf(c: StoredCustomer): SqlValue[] {
	return [
		c.id,
		c.name,
		JSON.stringify(c.emails),
		JSON.stringify(c.phones),
		JSON.stringify(c.addresses),
		JSON.stringify(c.notes),
		JSON.stringify(c.opt_outs),
		c.preferred_channel,
		c.merged_into,
		c.erased_at_ms,
		c.created_at_ms,
		c.updated_at_ms,
	];
}

/** A time kept as epoch milliseconds (a number, or BIGINT text on PostgreSQL), as ISO text. */
const iso = (value: unknown) =>
	value === null || value === undefined ? null : new Date(Number(value)).toISOString();

export function customerOf(c: StoredCustomer): CustomerRecord {
	return {
		customer_id: c.id,
		name: c.name,
		emails: c.emails,
		phones: c.phones,
		addresses: c.addresses,
		notes: c.notes,
		opt_outs: c.opt_outs,
		preferred_channel: c.preferred_channel,
		created_at: iso(c.created_at_ms)!,
		updated_at: iso(c.updated_at_ms)!,
		erased_at: iso(c.erased_at_ms),
		merged_into: c.merged_into,
	};
}

async function save(sql: SqlRunner, c: StoredCustomer): Promise<void> {
	const marks = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
	const updates = COLUMNS.slice(1)
		.map((column) => `${column} = excluded.${column}`)
		.join(', ');
	await sql.query(
		`INSERT INTO customers (${COLUMNS.join(', ')}) VALUES (${marks}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
		rowOf(c),
	);
}

async function readStored(sql: SqlRunner, id: string): Promise<StoredCustomer | null> {
	// A merged record points to the one it lives in now (one hop: merges re-point older ones).
	for (let hop = 0, next: string | null = id; next && hop < 3; hop++) {
		const rows = await sql.query('SELECT * FROM customers WHERE id = $1', [next]);
		if (!rows.length) return null;
		const stored = fromRow(rows[0]);
		if (!stored.merged_into) return stored;
		next = stored.merged_into;
	}
	return null;
}

const marksFrom = (start: number, count: number) =>
	Array.from({ length: count }, (_, i) => `$${start + i}`).join(', ');

/** Waits for any other writer holding these keys' rows (PostgreSQL; SQLite has one writer at a time). */
async function lockKeys(sql: SqlRunner, keys: string[]): Promise<void> {
	if (keys.length)
		await sql.query(
			`UPDATE customer_keys SET customer_id = customer_id WHERE key IN (${marksFrom(1, keys.length)})`,
			keys,
		);
}

async function idsForKeys(sql: SqlRunner, keys: string[]): Promise<string[]> {
	if (!keys.length) return [];
	const rows = await sql.query(
		`SELECT DISTINCT customer_id FROM customer_keys WHERE key IN (${marksFrom(1, keys.length)})`,
		keys,
	);
	return rows.map((row) => String(row.customer_id));
}

const union = <T>(a: T[], b: T[], same: (x: T, y: T) => boolean = (x, y) => x === y) => [
	...a,
	...b.filter((y) => !a.some((x) => same(x, y))),
];

/** The others' data moved into the survivor; their ids point to it from now on. */
async function merge(
	sql: SqlRunner,
	survivor: StoredCustomer,
	others: StoredCustomer[],
	nowMs: number,
): Promise<void> {
	for (const other of others) {
		survivor.name ??= other.name;
		survivor.emails = union(survivor.emails, other.emails);
		survivor.phones = union(survivor.phones, other.phones);
		survivor.addresses = union(survivor.addresses, other.addresses).slice(0, LIMITS.addresses);
		survivor.notes = union(survivor.notes, other.notes, (x, y) => x.text === y.text)
			.sort((x, y) => x.at.localeCompare(y.at))
			.slice(-LIMITS.notes);
		survivor.opt_outs = {
			sms: survivor.opt_outs.sms || other.opt_outs.sms,
			email: survivor.opt_outs.email || other.opt_outs.email,
		};
		survivor.preferred_channel ??= other.preferred_channel;
	}
	const ids = others.map((o) => o.id);
	const marks = marksFrom(2, ids.length);
	await sql.query(`UPDATE customer_keys SET customer_id = $1 WHERE customer_id IN (${marks})`, [
		survivor.id,
		...ids,
	]);
	await sql.query(`UPDATE cases SET customer_id = $1 WHERE customer_id IN (${marks})`, [
		survivor.id,
		...ids,
	]);
	await sql.query(`UPDATE customers SET merged_into = $1 WHERE merged_into IN (${marks})`, [
		survivor.id,
		...ids,
	]);
	for (const other of others)
		await save(sql, {
			...other,
			name: null,
			emails: [],
			phones: [],
			addresses: [],
			notes: [],
			merged_into: survivor.id,
			updated_at_ms: nowMs,
		});
}

export interface LinkedCustomer {
	customer: StoredCustomer;
	created: boolean;
	/** The ids merged into this customer by this call. */
	merged: string[];
}

/**
 * The customer a contact belongs to, found by its keys (or by `knownId`, the id the item already
 * carries), created when there is none, merged when the keys lead to several; the contact's new
 * e-mail, phone and address are added. Runs inside the caller's write transaction. Null when the
 * contact has no e-mail or phone to know the customer by, and no known id.
 */
export async function linkCustomer(
	sql: SqlRunner,
	contact: CustomerContact,
	nowMs: number,
	knownId: string | null = null,
): Promise<LinkedCustomer | null> {
	const keys = customerKeysOf(contact);
	const known = knownId && CUSTOMER_ID.test(knownId) ? await readStored(sql, knownId) : null;
	const usable = known && known.erased_at_ms === null ? known : null;
	if (!keys.length && !usable) return null;

	// Every writer takes the keys' rows before reading them, so that what it reads (which
	// customer a key leads to, and that customer) is what the last writer committed.
	await lockKeys(sql, keys);
	const held = await sql.query(
		`SELECT key, customer_id FROM customer_keys WHERE key IN (${marksFrom(1, keys.length || 1)})`,
		keys.length ? keys : [''],
	);
	const ids = new Set(held.map((row) => String(row.customer_id)));
	// Keys no customer had yet: cases recorded under them before may join this customer.
	const newKeys = keys.filter((key) => !held.some((row) => row.key === key));
	if (usable) ids.add(usable.id);
	let createdId: string | null = null;
	if (!ids.size) {
		createdId = `cu_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
		await save(sql, {
			id: createdId,
			name: null,
			emails: [],
			phones: [],
			addresses: [],
			notes: [],
			opt_outs: { sms: false, email: false },
			preferred_channel: null,
			merged_into: null,
			erased_at_ms: null,
			created_at_ms: nowMs,
			updated_at_ms: nowMs,
		});
		ids.add(createdId);
	}
	// Claim the keys no one has; one another writer is claiming at this moment (the same person's
	// second message) waits here for it, and the two customers are merged below.
	if (newKeys.length) {
		const mine = [...ids][0];
		for (const key of newKeys)
			await sql.query(
				'INSERT INTO customer_keys (key, customer_id) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
				[key, mine],
			);
		await lockKeys(sql, newKeys);
		for (const id of await idsForKeys(sql, newKeys)) ids.add(id);
	}
	await sql.query(
		`UPDATE customers SET updated_at_ms = updated_at_ms WHERE id IN (${marksFrom(1, ids.size)})`,
		[...ids],
	);

	const records: StoredCustomer[] = [];
	for (const id of ids) {
		const stored = await readStored(sql, id);
		if (stored && !records.some((r) => r.id === stored.id)) records.push(stored);
	}
	if (!records.length) return null;
	// The customer who was there first keeps the id; one made by this call only if none was.
	records.sort(
		(a, b) =>
			Number(a.id === createdId) - Number(b.id === createdId) ||
			a.created_at_ms - b.created_at_ms ||
			a.id.localeCompare(b.id),
	);
	const [survivor, ...others] = records;
	const before = JSON.stringify(survivor);
	// The others' keys (each key leads to one of these records) now lead to the survivor.
	if (others.length) await merge(sql, survivor, others, nowMs);

	survivor.name ??= contact.name;
	if (contact.email) survivor.emails = union(survivor.emails, [contact.email]);
	if (contact.phone) survivor.phones = union(survivor.phones, [contact.phone]);
	if (contact.address)
		survivor.addresses = union(
			survivor.addresses,
			[contact.address],
			(x, y) => x.toLowerCase() === y.toLowerCase(),
		).slice(0, LIMITS.addresses);
	// A customer the message tells nothing new about is not written again.
	if (JSON.stringify(survivor) !== before) {
		survivor.updated_at_ms = nowMs;
		await save(sql, survivor);
	}
	// Cases recorded under a key before any customer had it (before customers were kept) join
	// this one. Written so that both stores look the cases up by id, not by the missing customer.
	if (newKeys.length)
		await sql.query(
			`UPDATE cases SET customer_id = $1 WHERE id IN (SELECT case_id FROM case_threads WHERE thread_key IN (${marksFrom(2, newKeys.length)})) AND COALESCE(customer_id, '') = ''`,
			[survivor.id, ...newKeys],
		);
	return {
		customer: survivor,
		created: survivor.id === createdId,
		merged: others.map((o) => o.id),
	};
}

// ---- what the agents see ----

/** What the customer's earlier dealings say, in the few numbers the agents and ops use. */
export interface CustomerStanding {
	/** Earlier cases (not the one at hand). */
	previous_cases: number;
	/** Of those, cases that booked work. */
	previous_bookings: number;
	last_case_at: string | null;
	/** A customer who booked with us before. */
	returning: boolean;
}

async function standingOf(
	sql: SqlRunner,
	customerId: string,
	caseId: string | null,
): Promise<CustomerStanding> {
	const rows = await sql.query(
		'SELECT COUNT(*) AS cases, SUM(CASE WHEN booked_at_ms IS NOT NULL THEN 1 ELSE 0 END) AS booked, MAX(received_at_ms) AS last_ms FROM cases WHERE customer_id = $1 AND id <> $2',
		[customerId, caseId ?? ''],
	);
	const row = rows[0] ?? {};
	const booked = Number(row.booked ?? 0);
	return {
		previous_cases: Number(row.cases ?? 0),
		previous_bookings: booked,
		last_case_at: row.last_ms === null ? null : new Date(Number(row.last_ms)).toISOString(),
		returning: booked > 0,
	};
}

/**
 * Look Up the Customer: the item's customer found (or made) in the store, and what the agents
 * read from it: `customer.customer_id`, `returning`, the notes, opt-outs and preferred channel.
 * The contact the message gave is kept as it was written.
 */
export async function lookUpCustomer(
	store: BookingStore,
	item: CaseItem,
	nowMs: number,
	/** The case at hand (not counted as an earlier one: a retried request is not "returning"). */
	caseId: string | null = textAt(item, 'case', 'case_id'),
	country = 'US',
): Promise<Record<string, unknown> | null> {
	const contact = contactOf(item, country);
	const knownId = textAt(item, 'customer', 'customer_id') ?? textAt(item, 'case', 'customer_id');
	const keys = customerKeysOf(contact);
	// One lock per person: two messages from them at once wait for each other (PostgreSQL).
	return await store.lockedWrite(`customer:${keys[0] ?? knownId ?? 'none'}`, async (sql) => {
		const linked = await linkCustomer(sql, contact, nowMs, knownId);
		if (!linked) return null;
		const standing = await standingOf(sql, linked.customer.id, caseId);
		const c = linked.customer;
		return {
			customer_id: c.id,
			...standing,
			new_customer: linked.created,
			notes: c.notes.map((note) => note.text),
			opt_outs: c.opt_outs,
			preferred_channel: c.preferred_channel,
			known_addresses: c.addresses,
		};
	});
}

// ---- ops: read, change, export, erase ----

/** The customer ops mean: their id, or an e-mail or phone they are known by. */
async function customerIdFor(sql: SqlRunner, ref: string): Promise<string> {
	const text = String(ref ?? '').trim();
	if (text.startsWith('cu_')) return checkCustomerId(text);
	const email = emailKey(text);
	const phone = email ? null : phoneKey(text);
	if (!email && !phone)
		throw new InputError(
			'customerId',
			`"${text.slice(0, 80)}" is not a customer id, an e-mail address or a phone number: give one of them (cu_..., name@example.com, +1 212 555 0100).`,
		);
	const [id] = await idsForKeys(sql, [email ? `email:${email}` : `phone:${phone}`]);
	if (!id)
		throw new InputError(
			'customerId',
			`No customer is known by ${email ?? phone}: check the spelling, or look the customer up by their id (cu_...) or their other contact.`,
		);
	return id;
}

async function mustRead(sql: SqlRunner, ref: string): Promise<StoredCustomer> {
	const id = await customerIdFor(sql, ref);
	const stored = await readStored(sql, id);
	if (!stored)
		throw new InputError(
			'customerId',
			`No customer ${id} in the booking store: check the id (the item's customer.customer_id after Look Up the Customer), and that this node uses the same store as the flows.`,
		);
	return stored;
}

export interface CustomerHistory {
	cases: Array<Record<string, unknown>>;
	quotes: Array<Record<string, unknown>>;
	bookings: Array<Record<string, unknown>>;
	agreements: Array<Record<string, unknown>>;
	/** The visits billed (the Contract Agent's Invoice operations): number, status, amounts. */
	invoices: Array<Record<string, unknown>>;
	/** Credits their next invoices use first (given by ops, or a deposit given back as credit). */
	credits: Array<Record<string, unknown>>;
	messages: Array<Record<string, unknown>>;
}

async function historyOf(sql: SqlRunner, customerId: string): Promise<CustomerHistory> {
	const cases = await sql.query(
		'SELECT id, channel, status, service_type, is_emergency, quote_id, quote_cents, currency, booked_cents, booking_ids, contract_id, received_at_ms, booked_at_ms, closed_at_ms FROM cases WHERE customer_id = $1 ORDER BY received_at_ms',
		[customerId],
	);
	const caseIds = cases.map((row) => String(row.id));
	const bookingIds = cases.flatMap((row) => jsonColumn<string[]>(row.booking_ids, []));
	const bookings = bookingIds.length
		? await sql.query(
				`SELECT id, crew_id, start_ms, end_ms, time_zone, status, series_id, service FROM bookings WHERE id IN (${marksFrom(1, bookingIds.length)}) ORDER BY start_ms`,
				bookingIds,
			)
		: [];
	const contractIds = [
		...new Set(cases.map((row) => row.contract_id).filter((id): id is string => !!id)),
	];
	const agreements = contractIds.length
		? await sql.query(
				`SELECT id, status, end_date, updated_at_ms FROM contracts WHERE id IN (${marksFrom(1, contractIds.length)})`,
				contractIds,
			)
		: [];
	const messages = caseIds.length
		? await sql.query(
				`SELECT id, case_id, label, channel, status, attempts, created_at_ms, sent_at_ms FROM outbox WHERE case_id IN (${marksFrom(1, caseIds.length)}) ORDER BY created_at_ms`,
				caseIds,
			)
		: [];
	return {
		cases: cases.map((row) => ({
			case_id: row.id,
			channel: row.channel,
			status: row.status,
			service_type: row.service_type,
			is_emergency: Number(row.is_emergency) === 1,
			received_at: iso(row.received_at_ms),
			booked_at: iso(row.booked_at_ms),
			closed_at: iso(row.closed_at_ms),
			booked_cents: numberColumn(row.booked_cents),
		})),
		quotes: cases
			.filter((row) => row.quote_id)
			.map((row) => ({
				quote_id: row.quote_id,
				case_id: row.id,
				total_cents: numberColumn(row.quote_cents),
				currency: row.currency,
			})),
		bookings: bookings.map((row) => ({
			booking_id: row.id,
			crew_id: row.crew_id,
			start: iso(row.start_ms),
			end: iso(row.end_ms),
			time_zone: row.time_zone,
			status: row.status,
			series_id: row.series_id ?? null,
			service: row.service ?? null,
		})),
		agreements: agreements.map((row) => ({
			contract_id: row.id,
			status: row.status,
			end_date: row.end_date,
			updated_at: iso(row.updated_at_ms),
		})),
		invoices: (await invoicesOf(sql, customerId)).map((invoice) => ({
			invoice_id: invoice.invoice_id,
			invoice_number: invoice.invoice_number,
			status: invoice.status,
			total_cents: invoice.total_cents,
			paid_cents: invoice.paid_cents,
			currency: invoice.currency,
			due_date: invoice.due_date,
			issued_at: invoice.issued_at,
			booking_id: invoice.booking_id,
		})),
		credits: (await creditsOf(sql, customerId)).map((credit) => ({ ...credit })),
		messages: messages.map((row) => ({
			message_id: row.id,
			case_id: row.case_id,
			label: row.label,
			channel: row.channel,
			status: row.status,
			attempts: Number(row.attempts),
			created_at: iso(row.created_at_ms),
			sent_at: iso(row.sent_at_ms),
		})),
	};
}

/** A customer and everything recorded with them. */
export async function getCustomer(
	store: BookingStore,
	id: string,
): Promise<{ customer: CustomerRecord; history: CustomerHistory }> {
	return await store.lockedWrite(`customer:${id}`, async (sql) => {
		const stored = await mustRead(sql, id);
		return { customer: customerOf(stored), history: await historyOf(sql, stored.id) };
	});
}

/** Changes ops make to a customer; what is left out stays as it is. */
export interface CustomerChanges {
	name?: string | null;
	note?: string | null;
	address?: string | null;
	smsOptOut?: boolean | null;
	emailOptOut?: boolean | null;
	preferredChannel?: CustomerChannel | 'none' | null;
}

export async function updateCustomer(
	store: BookingStore,
	id: string,
	changes: CustomerChanges,
	by: string | null,
	nowMs: number,
): Promise<CustomerRecord> {
	if (
		changes.preferredChannel &&
		!([...CUSTOMER_CHANNELS, 'none'] as string[]).includes(changes.preferredChannel)
	)
		throw new InputError(
			'preferredChannel',
			`"${String(changes.preferredChannel).slice(0, 40)}" is not a channel: use email, sms or none.`,
		);
	const note = clip(changes.note ?? null, LIMITS.note);
	const record = await store.lockedWrite(`customer:${id}`, async (sql) => {
		// Taken before it is read: a case linked at this moment does not write over the change.
		const customerId = await customerIdFor(sql, id);
		await sql.query('UPDATE customers SET updated_at_ms = updated_at_ms WHERE id = $1', [
			customerId,
		]);
		const stored = await mustRead(sql, customerId);
		if (stored.erased_at_ms !== null)
			throw new InputError(
				'customerId',
				`Customer ${stored.id} was erased on their request: nothing can be added to the record. A new message from them starts a new customer.`,
			);
		const name = clip(changes.name ?? null, LIMITS.name);
		if (name) stored.name = name;
		const address = clip(changes.address ?? null, LIMITS.address);
		if (address) stored.addresses = union(stored.addresses, [address]).slice(0, LIMITS.addresses);
		if (note)
			stored.notes = [...stored.notes, { text: note, at: new Date(nowMs).toISOString(), by }].slice(
				-LIMITS.notes,
			);
		if (typeof changes.smsOptOut === 'boolean') stored.opt_outs.sms = changes.smsOptOut;
		if (typeof changes.emailOptOut === 'boolean') stored.opt_outs.email = changes.emailOptOut;
		if (changes.preferredChannel)
			stored.preferred_channel =
				changes.preferredChannel === 'none' ? null : changes.preferredChannel;
		stored.updated_at_ms = nowMs;
		await save(sql, stored);
		return stored;
	});
	// A texts opt-out is also kept per number, where every text the package sends is checked.
	if (typeof changes.smsOptOut === 'boolean')
		for (const phone of record.phones)
			await store.setSmsOptOut(phone, changes.smsOptOut, 'ops', nowMs);
	return customerOf(record);
}

/** Everything the store holds about a customer, as one document (a data request). */
export async function exportCustomer(
	store: BookingStore,
	id: string,
	nowMs: number,
): Promise<Record<string, unknown>> {
	return await store.lockedWrite(`customer:${id}`, async (sql) => {
		const stored = await mustRead(sql, id);
		const history = await historyOf(sql, stored.id);
		const caseIds = history.cases.map((c) => String(c.case_id));
		const marks = marksFrom(1, caseIds.length);
		const cases = caseIds.length
			? await sql.query(
					`SELECT * FROM cases WHERE id IN (${marks}) ORDER BY received_at_ms`,
					caseIds,
				)
			: [];
		const events = caseIds.length
			? await sql.query(
					`SELECT case_id, kind, at_ms, by_whom, data FROM case_events WHERE case_id IN (${marks}) ORDER BY at_ms, key`,
					caseIds,
				)
			: [];
		const messages = caseIds.length
			? await sql.query(
					`SELECT id, case_id, label, channel, recipient, content, status, created_at_ms, sent_at_ms FROM outbox WHERE case_id IN (${marks}) ORDER BY created_at_ms`,
					caseIds,
				)
			: [];
		return {
			exported_at: new Date(nowMs).toISOString(),
			customer: customerOf(stored),
			cases: cases.map((row) => ({
				case_id: row.id,
				channel: row.channel,
				status: row.status,
				customer: jsonColumn(row.customer, {}),
				thread: jsonColumn(row.thread, {}),
				message_start: row.summary ?? null,
				service_type: row.service_type,
				received_at: iso(row.received_at_ms),
				events: events
					.filter((event) => event.case_id === row.id)
					.map((event) => ({
						kind: event.kind,
						at: iso(event.at_ms),
						by: event.by_whom ?? null,
						data: jsonColumn(event.data, null),
					})),
			})),
			quotes: history.quotes,
			bookings: history.bookings,
			agreements: history.agreements,
			invoices: history.invoices,
			credits: history.credits,
			messages: messages.map((row) => {
				const content = jsonColumn<Record<string, unknown>>(row.content, {});
				return {
					message_id: row.id,
					case_id: row.case_id,
					label: row.label,
					channel: row.channel,
					to: row.recipient,
					subject: content.subject ?? null,
					text: content.text ?? null,
					status: row.status,
					created_at: iso(row.created_at_ms),
					sent_at: iso(row.sent_at_ms),
				};
			}),
		};
	});
}

/** Case events whose data names no one (ids, amounts, statuses): kept as they are on erasure. */
const EVENTS_WITHOUT_PERSONAL_DATA = [
	'received',
	'qualified',
	'quoted',
	'booked',
	'dispatched',
	'status',
	'answered',
	'won',
];

export interface ErasureReport {
	customer_id: string;
	erased_at: string;
	/** What was removed or made anonymous, by kind and count. */
	erased: Record<string, number>;
	/** What stays, and why. */
	kept: Array<{ what: string; count: number; why: string }>;
}

/**
 * Erases a customer's personal data on their request: the customer record (name, e-mails,
 * phones, addresses, notes), the contact, thread and message text on each case, what they
 * answered, their links, and the recipient and text of every message to them. Kept, without
 * the personal data: the cases' facts (service, dates, amounts: the business's books), the
 * visits (times, crew, service) and the signed agreements (a legal record). A texts opt-out
 * stays on its number (the law requires it to be honoured). Refused while a visit is still
 * to come: cancel it first.
 */
export async function eraseCustomer(
	store: BookingStore,
	id: string,
	by: string | null,
	nowMs: number,
): Promise<ErasureReport> {
	return await store.lockedWrite(`customer:${id}`, async (sql) => {
		const stored = await mustRead(sql, id);
		const caseRows = await sql.query(
			'SELECT id, status, booking_ids, contract_id FROM cases WHERE customer_id = $1',
			[stored.id],
		);
		const caseIds = caseRows.map((row) => String(row.id));
		const bookingIds = caseRows.flatMap((row) => jsonColumn<string[]>(row.booking_ids, []));
		const bookingMarks = marksFrom(1, bookingIds.length);
		if (bookingIds.length) {
			const upcoming = await sql.query(
				`SELECT id FROM bookings WHERE id IN (${bookingMarks}) AND status IN ('held','confirmed') AND end_ms > $${bookingIds.length + 1} ORDER BY start_ms`,
				[...bookingIds, nowMs],
			);
			if (upcoming.length)
				throw new InputError(
					'customerId',
					`Customer ${stored.id} has ${upcoming.length} visit${upcoming.length === 1 ? '' : 's'} still to come (${upcoming
						.slice(0, 5)
						.map((row) => row.id)
						.join(
							', ',
						)}${upcoming.length > 5 ? ', ...' : ''}): cancel them first (Scheduling Agent, Cancel), then erase the customer.`,
				);
		}
		const erased: Record<string, number> = {};
		const count = (what: string, n: number) => {
			if (n) erased[what] = (erased[what] ?? 0) + n;
		};
		const run = async (text: string, params: SqlValue[]) => await sql.query(text, params);

		count(
			'customer_keys',
			(await run('DELETE FROM customer_keys WHERE customer_id = $1 RETURNING key', [stored.id]))
				.length,
		);
		const keys = [
			...stored.emails.map((email) => `email:${email}`),
			...stored.phones.map((phone) => `phone:${phone}`),
		];
		if (keys.length)
			count(
				'form_attempts',
				(
					await run(
						`DELETE FROM intake_attempts WHERE key IN (${marksFrom(1, keys.length)}) RETURNING key`,
						keys,
					)
				).length,
			);
		if (caseIds.length) {
			const caseMarks = marksFrom(1, caseIds.length);
			const nobody = JSON.stringify({ name: null, email: null, phone: null, address: null });
			count(
				'cases',
				(
					await run(
						`UPDATE cases SET customer = $${caseIds.length + 1}, thread = '{}', summary = NULL, decision = NULL, execution_url = NULL,
						   status = CASE WHEN status IN ('open','waiting_customer','waiting_ops') THEN 'closed' ELSE status END,
						   closed_at_ms = CASE WHEN status IN ('open','waiting_customer','waiting_ops') THEN $${caseIds.length + 2} ELSE closed_at_ms END,
						   updated_at_ms = $${caseIds.length + 2}
						 WHERE id IN (${caseMarks}) RETURNING id`,
						[...caseIds, nobody, nowMs],
					)
				).length,
			);
			count(
				'case_threads',
				(
					await run(
						`DELETE FROM case_threads WHERE case_id IN (${caseMarks}) RETURNING case_id`,
						caseIds,
					)
				).length,
			);
			count(
				'case_event_details',
				(
					await run(
						`UPDATE case_events SET data = NULL WHERE case_id IN (${caseMarks}) AND data IS NOT NULL AND kind NOT IN (${marksFrom(caseIds.length + 1, EVENTS_WITHOUT_PERSONAL_DATA.length)}) RETURNING key`,
						[...caseIds, ...EVENTS_WITHOUT_PERSONAL_DATA],
					)
				).length,
			);
			count(
				'links',
				(await run(`DELETE FROM case_links WHERE case_id IN (${caseMarks}) RETURNING id`, caseIds))
					.length,
			);
			count(
				'messages',
				(
					await run(
						`UPDATE outbox SET recipient = 'erased', content = '{"text":""}', case_item = NULL, last_error = CASE WHEN status IN ('queued','sending') THEN 'not sent: the customer was erased' ELSE last_error END,
						   status = CASE WHEN status IN ('queued','sending') THEN 'failed' ELSE status END, updated_at_ms = $${caseIds.length + 1}
						 WHERE case_id IN (${caseMarks}) RETURNING id`,
						[...caseIds, nowMs],
					)
				).length,
			);
			await run(
				'INSERT INTO case_events (case_id, key, kind, at_ms, by_whom, data) SELECT id, $1, $2, $3, $4, NULL FROM cases WHERE customer_id = $5 ON CONFLICT (case_id, key) DO NOTHING',
				['erased', 'customer_erased', nowMs, by, stored.id],
			);
		}
		if (bookingIds.length) {
			count(
				'visits',
				(
					await run(
						`UPDATE bookings SET customer = NULL WHERE id IN (${bookingMarks}) RETURNING id`,
						bookingIds,
					)
				).length,
			);
			count(
				'series',
				(
					await run(
						`UPDATE series SET customer = NULL WHERE id IN (SELECT series_id FROM bookings WHERE id IN (${bookingMarks}) AND series_id IS NOT NULL) RETURNING id`,
						bookingIds,
					)
				).length,
			);
		}
		// A saved card: no more charges, and the payment provider's ids (which lead back to the person) are dropped.
		count(
			'saved_cards',
			(
				await run(
					"UPDATE autopay SET status = 'removed', provider_customer = 'erased', payment_method = 'erased', updated_at_ms = $2 WHERE customer_id = $1 AND provider_customer <> 'erased' RETURNING series_id",
					[stored.id, nowMs],
				)
			).length,
		);
		const phones = stored.phones.length;
		await save(sql, {
			...stored,
			name: null,
			emails: [],
			phones: [],
			addresses: [],
			notes: [],
			preferred_channel: null,
			erased_at_ms: nowMs,
			updated_at_ms: nowMs,
		});
		const agreements = new Set(caseRows.map((row) => row.contract_id).filter(Boolean)).size;
		const kept: ErasureReport['kept'] = [
			{
				what: 'cases (service, dates, amounts, statuses; no name, contact or message)',
				count: caseIds.length,
				why: "the business's books: what was quoted, booked and done",
			},
			{
				what: 'visits (times, crew, service; no customer)',
				count: bookingIds.length,
				why: 'work done is kept with the books and for the crews’ records',
			},
			{
				what: 'signed agreements',
				count: agreements,
				why: 'a signed contract is a legal record the business must keep',
			},
			{
				what: 'invoices (with the name and address billed)',
				count: Number(
					(
						await sql.query('SELECT COUNT(*) AS n FROM invoices WHERE customer_id = $1', [
							stored.id,
						])
					)[0]?.n ?? 0,
				),
				why: 'tax law keeps an invoice as it was issued, for years',
			},
			{
				what: 'texts opt-out kept per phone number',
				count: stored.opt_outs.sms ? phones : 0,
				why: 'a STOP must go on being honoured',
			},
			{
				what: 'the customer id, marked erased',
				count: 1,
				why: 'so the records above still add up; it names no one',
			},
		].filter((entry) => entry.count > 0);
		return {
			customer_id: stored.id,
			erased_at: new Date(nowMs).toISOString(),
			erased,
			kept,
		};
	});
}
