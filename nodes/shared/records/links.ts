/**
 * Links people open: a customer's reply to a quote, an ops person's decision. Each link
 * is a row in the booking store (`case_links`) holding the page to show and the waiting
 * execution to resume; the link's token is the row id and an HMAC over the row's kind,
 * case and expiry, so a link cannot be made up, changed or stretched. A link is answered
 * once: the answer is claimed in one UPDATE that only an unused row passes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { DateTime } from 'luxon';

import { InputError } from '../errors';
import { MIN_SECRET_LENGTH } from '../signing';
import type { BookingStore } from '../store';

export const LINK_KINDS = [
	'quote_reply',
	'ops_decision',
	'ask_back',
	'no_room',
	'wants_human',
	'dispatch_ack',
	'crew_visit',
	'visit_change',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface LinkChoice {
	value: string;
	label: string;
	/** What the answer says for this choice when the person writes nothing (a quote's "I accept"). */
	says?: string | null;
	/** The message box must be filled for this choice (a question). */
	needs_message?: boolean | string;
	/** Fields that must be filled for this choice (another time: the time). */
	needs_fields?: string[];
	/**
	 * A step on the way (a crew's "on my way", "started"): the answer is taken and the link stays
	 * open for the steps after it; this choice and those before it are no longer offered.
	 */
	keeps_open?: boolean;
}

/** A field the person fills in (an ask-back's address, bedrooms, area). */
export interface LinkField {
	/** The answer's key (`answers.<name>`); never choice, message or name. */
	name: string;
	label: string;
	/** A datetime is a local date and time in the page's time zone (a browser's datetime-local), read as a future instant; a date is a day (YYYY-MM-DD) from today on. */
	kind: 'text' | 'number' | 'select' | 'datetime' | 'date';
	required: boolean;
	hint?: string | null;
	/** A number's bounds (inclusive) and its step: whole, halves (1.5 bathrooms) or cents (an amount of money). */
	min?: number;
	max?: number;
	step?: 1 | 0.5 | 0.01;
	/** A select's options. */
	options?: Array<{ value: string; label: string }>;
}

/** What a link's page shows and asks; written when the link is made, so opening it reads nothing else. */
export interface LinkPage {
	business: string;
	title: string;
	paragraphs: string[];
	facts: Array<{ label: string; value: string }>;
	/** One choice is a plain Send button named by its label; more are radio buttons. */
	choices: LinkChoice[];
	/** Fields above the choices (an ask-back's questions); none on most pages. */
	fields?: LinkField[];
	/** A text box under the choices (null: none). */
	message_label: string | null;
	/** The person types their name (ops decisions say who decided). */
	ask_name: boolean;
	/** Shown once the answer is taken. */
	thanks: string;
	/** How to reach the business, on the pages of a used, expired or closed link. */
	contact: string | null;
	/** The business's time zone: every time on the page is written in it. */
	time_zone: string;
	/** Each choice is its own button, under the message box (a crew's steps); otherwise radio buttons and Send. */
	buttons?: boolean;
	/** The visit the page is about (a crew's visit), so the answer can name it. */
	booking_id?: string | null;
	/** The series that visit belongs to (a customer's visit of a series), so an answer can name it. */
	series_id?: string | null;
	/** What was answered so far on a link that stays open (a crew's steps), oldest first. */
	done_steps?: Array<{ label: string; at_ms: number }>;
}

export interface LinkAnswer {
	choice: string;
	choice_label: string;
	/** The choice's words and the message, as one reply (what a person would have written). */
	reply: string;
	message: string | null;
	name: string | null;
	/** The fields' answers, by field name (numbers as numbers); empty when the page has no fields. */
	answers: Record<string, string | number>;
	answered_at_ms: number;
}

export interface LinkRecord {
	id: string;
	case_id: string;
	kind: LinkKind;
	page: LinkPage;
	resume_url: string | null;
	created_at_ms: number;
	expires_at_ms: number;
	used_at_ms: number | null;
	answer: LinkAnswer | null;
}

export type LinkState = 'open' | 'used' | 'expired' | 'invalid';

export interface LinkProblem {
	field: string;
	fix: string;
}

/** The longest a link may stay open: 90 days. */
export const MAX_LINK_HOURS = 24 * 90;
const MESSAGE_MAX = 2000;
const NAME_MAX = 120;
const FIELD_TEXT_MAX = 300;
const RESERVED_FIELDS = new Set(['choice', 'message', 'name', 't']);

function mac(secret: string, link: Pick<LinkRecord, 'id' | 'kind' | 'case_id' | 'expires_at_ms'>) {
	return createHmac('sha256', secret)
		.update(`link|${link.id}|${link.kind}|${link.case_id}|${link.expires_at_ms}`)
		.digest('base64url');
}

/** The token a link's address carries: its id and the MAC over what the row says. */
export function linkToken(
	link: Pick<LinkRecord, 'id' | 'kind' | 'case_id' | 'expires_at_ms'>,
	secret: string,
): string {
	return `${link.id}.${mac(secret, link)}`;
}

/** A link's address: the links workflow's address with the token added as ?t=. */
export function linkUrl(
	baseUrl: string,
	link: Pick<LinkRecord, 'id' | 'kind' | 'case_id' | 'expires_at_ms'>,
	secret: string,
): string {
	const base = baseUrl.trim();
	return `${base}${base.includes('?') ? '&' : '?'}t=${linkToken(link, secret)}`;
}

function requireSecret(secret: string) {
	if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
		throw new InputError(
			'secret',
			'A secret of at least 16 characters signs the links: set it in the Booking Agents Signing Secret credential.',
		);
}

export interface NewLink {
	caseId: string;
	kind: LinkKind;
	page: LinkPage;
	/** The waiting execution's resume address (n8n's $execution.resumeUrl); null: nothing to resume. */
	resumeUrl: string | null;
	/** Where the links workflow answers (its webhook address); the token is added as ?t=. */
	baseUrl: string;
	validHours: number;
	/**
	 * Give back the case's open link of this kind, if it has one, instead of making another
	 * (a retried request must not ask the customer twice). Its page and resume address stay.
	 */
	reuseOpen?: boolean;
}

/** Writes the link and returns its address. */
export async function createLink(
	store: BookingStore,
	input: NewLink,
	secret: string,
	nowMs: number,
): Promise<{ id: string; url: string; expires_at_ms: number; reused: boolean }> {
	requireSecret(secret);
	if (!(LINK_KINDS as readonly string[]).includes(input.kind))
		throw new InputError('kind', `A link is one of: ${LINK_KINDS.join(', ')}.`);
	if (typeof input.caseId !== 'string' || !input.caseId.trim())
		throw new InputError('case', 'The link belongs to a case: the item needs a case id.');
	if (!(
		Number.isFinite(input.validHours) &&
		input.validHours > 0 &&
		input.validHours <= MAX_LINK_HOURS
	))
		throw new InputError('validHours', 'A link stays valid between 1 hour and 90 days.');
	if (!/^https?:\/\/\S+$/.test(input.baseUrl ?? ''))
		throw new InputError(
			'linksUrl',
			'The links address must be an http(s) URL: the webhook of the Customer Links workflow (public_url in the Booking Business table, then webhook/link).',
		);
	if (input.resumeUrl !== null && !/^https?:\/\/\S+$/.test(input.resumeUrl))
		throw new InputError(
			'resumeUrl',
			'The resume address must be an http(s) URL ({{ $execution.resumeUrl }} in a workflow that then waits on a Wait node resumed by webhook), or empty.',
		);
	if (!input.page?.choices?.length)
		throw new InputError('page', 'A link page offers at least one choice.');
	for (const field of input.page.fields ?? [])
		if (!/^[a-z][a-z0-9_]{0,39}$/.test(field?.name ?? '') || RESERVED_FIELDS.has(field.name))
			throw new InputError(
				'page.fields',
				`A field is named in lower case letters, digits and _ (not choice, message, name or t); got ${JSON.stringify(field?.name)}.`,
			);
	const link: LinkRecord = {
		id: `lk_${randomBytes(12).toString('base64url')}`,
		case_id: input.caseId,
		kind: input.kind,
		page: input.page,
		resume_url: input.resumeUrl,
		created_at_ms: nowMs,
		expires_at_ms: nowMs + Math.round(input.validHours * 3_600_000),
		used_at_ms: null,
		answer: null,
	};
	// One lock per case and kind when reusing, so two requests at once make one link.
	const lockKey = input.reuseOpen ? `links:${link.case_id}:${link.kind}` : `link:${link.id}`;
	const reused = await store.lockedWrite(lockKey, async (sql) => {
		if (input.reuseOpen) {
			const open = await sql.query(
				'SELECT * FROM case_links WHERE case_id = $1 AND kind = $2 AND used_at_ms IS NULL AND expires_at_ms > $3 ORDER BY created_at_ms DESC LIMIT 1',
				[link.case_id, link.kind, nowMs],
			);
			if (open.length) return linkFromRow(open[0]);
		}
		await sql.query(
			'INSERT INTO case_links (id, case_id, kind, page, resume_url, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
			[
				link.id,
				link.case_id,
				link.kind,
				JSON.stringify(link.page),
				link.resume_url,
				link.created_at_ms,
				link.expires_at_ms,
			],
		);
		return null;
	});
	const made = reused ?? link;
	return {
		id: made.id,
		url: linkUrl(input.baseUrl, made, secret),
		expires_at_ms: made.expires_at_ms,
		reused: reused !== null,
	};
}

const parse = <T>(value: unknown): T | null =>
	value === null || value === undefined
		? null
		: typeof value === 'string'
			? (JSON.parse(value) as T)
			: (value as T);

export function linkFromRow(row: Record<string, unknown>): LinkRecord {
	return {
		id: String(row.id),
		case_id: String(row.case_id),
		kind: row.kind as LinkKind,
		page: parse<LinkPage>(row.page)!,
		resume_url: (row.resume_url as string | null) ?? null,
		created_at_ms: Number(row.created_at_ms),
		expires_at_ms: Number(row.expires_at_ms),
		used_at_ms:
			row.used_at_ms === null || row.used_at_ms === undefined ? null : Number(row.used_at_ms),
		answer: parse<LinkAnswer>(row.answer),
	};
}

const TOKEN = /^(lk_[\w-]{16})\.([\w-]{43})$/;

/** What a token opens: the link and whether it can still be answered. A token that is malformed, unknown or altered is `invalid`. */
export async function findLink(
	store: BookingStore,
	token: unknown,
	secret: string,
	nowMs: number,
): Promise<{ state: LinkState; link: LinkRecord | null }> {
	requireSecret(secret);
	const parts = typeof token === 'string' ? TOKEN.exec(token.trim()) : null;
	if (!parts) return { state: 'invalid', link: null };
	const rows = await store.read('SELECT * FROM case_links WHERE id = $1', [parts[1]]);
	if (!rows.length) return { state: 'invalid', link: null };
	const link = linkFromRow(rows[0]);
	const expected = Buffer.from(mac(secret, link));
	const given = Buffer.from(parts[2]);
	if (given.length !== expected.length || !timingSafeEqual(given, expected))
		return { state: 'invalid', link: null };
	if (link.used_at_ms !== null) return { state: 'used', link };
	if (nowMs > link.expires_at_ms) return { state: 'expired', link };
	return { state: 'open', link };
}

const textOf = (value: unknown): string =>
	(Array.isArray(value) ? value[0] : value) === undefined || value === null
		? ''
		: String(Array.isArray(value) ? value[0] : value).trim();

/** The answer a submitted page gives, or what to fix (each problem names its field). Pure. */
export function readLinkAnswer(
	page: LinkPage,
	form: Record<string, unknown> | null | undefined,
	nowMs: number,
): { answer: LinkAnswer; problems: [] } | { answer: null; problems: LinkProblem[] } {
	const fields = form && typeof form === 'object' ? form : {};
	const problems: LinkProblem[] = [];
	const chosen = textOf(fields.choice);
	const choice = page.choices.find((c) => c.value === chosen);
	if (!choice)
		problems.push({
			field: 'choice',
			fix: `Choose one: ${page.choices.map((c) => c.label).join(', ')}.`,
		});
	const message = textOf(fields.message);
	if (message.length > MESSAGE_MAX)
		problems.push({
			field: 'message',
			fix: `Please keep the message under ${MESSAGE_MAX} characters (it has ${message.length}).`,
		});
	else if (choice?.needs_message && !message)
		problems.push({
			field: 'message',
			// A choice may say what the box is for (a crew: why the visit could not be done).
			fix:
				typeof choice.needs_message === 'string'
					? choice.needs_message
					: `Write your question or the change you would like in the "${page.message_label ?? 'Message'}" box.`,
		});
	const answers: Record<string, string | number> = {};
	for (const field of page.fields ?? []) {
		const needed = field.required || Boolean(choice?.needs_fields?.includes(field.name));
		const read = readField({ ...field, required: needed }, textOf(fields[field.name]), page, nowMs);
		if ('fix' in read) problems.push({ field: field.name, fix: read.fix });
		else if (read.value !== null) answers[field.name] = read.value;
	}
	const name = textOf(fields.name);
	if (page.ask_name && name.length < 2)
		problems.push({ field: 'name', fix: 'Type your name: the answer says who gave it.' });
	else if (name.length > NAME_MAX)
		problems.push({ field: 'name', fix: `A name of at most ${NAME_MAX} characters.` });
	if (problems.length || !choice) return { answer: null, problems };
	return {
		answer: {
			choice: choice.value,
			choice_label: choice.label,
			reply: [choice.says ?? '', message].filter(Boolean).join(' '),
			message: message || null,
			name: name || null,
			answers,
			answered_at_ms: nowMs,
		},
		problems: [],
	};
}

/** One field's answer as typed: its value (null when left empty and optional), or what to fix. */
function readField(
	field: LinkField,
	typed: string,
	page: LinkPage,
	nowMs: number,
): { value: string | number | null } | { fix: string } {
	const label = field.label.replace(/[?:]$/, '');
	if (!typed) return field.required ? { fix: `Fill in "${label}".` } : { value: null };
	if (field.kind === 'select') {
		const option = (field.options ?? []).find((o) => o.value === typed);
		return option
			? { value: option.value }
			: {
					fix: `Choose one for "${label}": ${(field.options ?? []).map((o) => o.label).join(', ')}.`,
				};
	}
	if (field.kind === 'datetime') {
		const when = DateTime.fromISO(typed.replace(' ', 'T'), { zone: page.time_zone });
		if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(typed) || !when.isValid)
			return {
				fix: `"${label}" is a date and time, like 2026-12-08 14:30; got "${typed.slice(0, 40)}".`,
			};
		if (when.toMillis() <= nowMs)
			return {
				fix: `"${label}" is in the past (${when.toFormat("LLLL d 'at' h:mm a")}): choose a time to come.`,
			};
		return { value: when.toISO({ suppressMilliseconds: true })! };
	}
	if (field.kind === 'date') {
		const day = DateTime.fromISO(typed, { zone: page.time_zone });
		if (!/^\d{4}-\d{2}-\d{2}$/.test(typed) || !day.isValid)
			return { fix: `"${label}" is a date, like 2027-01-15; got "${typed.slice(0, 40)}".` };
		if (day.endOf('day').toMillis() <= nowMs)
			return {
				fix: `"${label}" is in the past (${day.toFormat('LLLL d')}): choose a day to come.`,
			};
		return { value: day.toISODate()! };
	}
	if (field.kind === 'number') {
		// People type "1,800" or "2.5"; a unit after the number ("1800 sq ft") is fine too.
		const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\b/.exec(typed.replace(/\s+/g, ' '));
		const value = match
			? Number(`${match[1].replace(/,/g, '')}${match[2] ? `.${match[2]}` : ''}`)
			: NaN;
		const step = field.step ?? 1;
		// In whole steps (compared in hundredths: 0.1 + 0.2 is not 0.3 in floating point).
		const stepped = Math.round(value * 100) % Math.round(step * 100) === 0;
		if (
			!Number.isFinite(value) ||
			!stepped ||
			Math.abs(value * 100 - Math.round(value * 100)) > 1e-6
		)
			return {
				fix: `"${label}" is ${({ 1: 'a whole number', 0.5: 'a number (halves are fine, like 1.5)', 0.01: 'an amount (cents are fine, like 1,250.50)' } as const)[step]}; got "${typed.slice(0, 40)}".`,
			};
		if (
			(field.min !== undefined && value < field.min) ||
			(field.max !== undefined && value > field.max)
		)
			return {
				fix: `"${label}" is between ${field.min ?? 0} and ${(field.max ?? Infinity).toLocaleString('en-US')}; got ${typed.slice(0, 40)}.`,
			};
		return { value };
	}
	if (typed.length > FIELD_TEXT_MAX)
		return { fix: `Please keep "${label}" under ${FIELD_TEXT_MAX} characters.` };
	return { value: typed.replace(/\s+/g, ' ') };
}

/**
 * Takes the answer if the link is still unused; false when another answer came first. A choice that
 * keeps the link open (a crew's step on the way) is taken once: the page then offers only what comes
 * after it and lists it as done.
 */
export async function claimLink(
	store: BookingStore,
	link: LinkRecord,
	answer: LinkAnswer,
): Promise<boolean> {
	return await store.lockedWrite(`link:${link.id}`, async (sql) => {
		const index = link.page.choices.findIndex((c) => c.value === answer.choice);
		if (link.page.choices[index]?.keeps_open) {
			const [row] = await sql.query('SELECT * FROM case_links WHERE id = $1', [link.id]);
			const now = row ? linkFromRow(row) : null;
			const at = now?.page.choices.findIndex((c) => c.value === answer.choice) ?? -1;
			if (!now || now.used_at_ms !== null || at < 0) return false;
			const page: LinkPage = {
				...now.page,
				choices: now.page.choices.slice(at + 1),
				done_steps: [
					...(now.page.done_steps ?? []),
					{ label: answer.choice_label, at_ms: answer.answered_at_ms },
				],
			};
			await sql.query('UPDATE case_links SET page = $1, answer = $2 WHERE id = $3', [
				JSON.stringify(page),
				JSON.stringify(answer),
				link.id,
			]);
			return true;
		}
		const rows = await sql.query(
			'UPDATE case_links SET used_at_ms = $1, answer = $2 WHERE id = $3 AND used_at_ms IS NULL RETURNING id',
			[answer.answered_at_ms, JSON.stringify(answer), link.id],
		);
		return rows.length === 1;
	});
}
