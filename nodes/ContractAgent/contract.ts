import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import { DateTime } from 'luxon';
import { PDFDocument, StandardFonts } from 'pdf-lib';

import { InputError } from '../shared/errors';
import { escapeHtml } from '../shared/html';
import { formatMoney, roundCents } from '../shared/money';
import { cadenceText } from '../shared/wording';
import {
	openStore,
	type BookingStore,
	type ContractRecord,
	type StoreConfig,
} from '../shared/store';

/** Bad input to the Contract agent: names the field and the fix. */
export class ContractInputError extends InputError {}

/** The agreement's wording; placeholders in braces are filled from the quote, the booking and the business. */
export const DEFAULT_CONTRACT_TEMPLATE = `SERVICE AGREEMENT

This agreement is made on {date} between {business} ("the Company") and {customer_name} ("the Customer").

The Company: {business}{business_details}.
The Customer: {customer_name}{customer_details}.

1. Services. The Company will provide {service} at {address}, {frequency_text}, starting on {start_date}.

2. Price. {price_text}

3. Term and renewal. This agreement runs for {term_months} months, from {start_date} to {end_date}. {renewal_text}

4. Cancellation and notice. Either party may end this agreement with {notice_days} days' written notice. A visit cancelled with less than 24 hours' notice may be charged in full.

5. Payment. {payment_terms}

6. Liability. {liability}

7. Reference. Quote {quote_id}{booking_text}.

The Customer accepts this agreement by signing it electronically. The signature, its time and the document's fingerprint (SHA-256) are kept on record.

Signatures. For the Customer: the name typed on the signing page, with the time, the address it was signed from and this document's SHA-256, recorded by the Company when it is signed. For the Company: {business}, {date}.`;

export interface ContractTerms {
	term_months: number;
	auto_renew: boolean;
	notice_days: number;
	payment_terms: string;
	liability: string;
}

export const DEFAULT_TERMS: ContractTerms = {
	term_months: 12,
	auto_renew: true,
	notice_days: 30,
	payment_terms: 'Invoices are sent after each visit and are due within 15 days.',
	liability:
		"The Company is insured and is liable for damage it causes through negligence, up to the value of the affected visit's price unless the law says otherwise. The Company is not liable for pre-existing damage or wear.",
};

export interface GenerateInput {
	customer: {
		name?: string | null;
		email?: string | null;
		phone?: string | null;
		address?: string | null;
	};
	/** The Company's details printed on the agreement (name required; the rest when known). */
	business: {
		name: string;
		address?: string | null;
		email?: string | null;
		phone?: string | null;
	};
	quote: {
		quote_id?: string;
		total_cents?: number;
		currency?: string;
		service_type?: string;
		recurring?: {
			frequency: string;
			visits_per_week?: number | null;
			per_visit_cents: number;
			per_month_cents: number;
		} | null;
	} | null;
	booking?: {
		booking_id?: string | null;
		series_id?: string | null;
		start?: string | null;
		time_zone?: string | null;
	} | null;
	terms?: Partial<ContractTerms>;
	/** Where the customer signs: usually the Wait node's {{ $execution.resumeUrl }}; the token is added to it. */
	signingBaseUrl?: string | null;
	signingValidHours?: number;
	/** An execution to resume when the customer signs (a Wait node resumed On Webhook Call); the signing page posts the signature to it. */
	resumeUrl?: string | null;
	template?: string | null;
}

export interface ContractOptions {
	/** The key that signs and checks signing links; keep it secret and stable. */
	signingSecret: string;
	store?: BookingStore | StoreConfig;
	now?: Date | string;
	timeZone?: string;
}

async function storeOf(store: ContractOptions['store']): Promise<BookingStore> {
	return store && 'write' in store
		? store
		: await openStore((store as StoreConfig | undefined) ?? { backend: 'sqlite' });
}

/** The agreement of a series that is in force (active), else its newest; null when it has none. */
export async function contractForSeries(
	seriesId: string,
	store: ContractOptions['store'],
): Promise<ContractRecord | null> {
	const all = await (await storeOf(store)).contractsForSeries(seriesId);
	return all.find((c) => c.status === 'active') ?? all[0] ?? null;
}

export { MIN_SECRET_LENGTH } from '../shared/signing';
import { MIN_SECRET_LENGTH } from '../shared/signing';

function requireSecret(secret: string) {
	if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
		throw new ContractInputError(
			'signingSecret',
			'A signing secret of at least 16 characters is needed to make and check signing links. Set the secret in the Booking Agents Signing Secret credential (or "Signing Secret" when it comes from a parameter).',
		);
}

const b64url = (buffer: Buffer) => buffer.toString('base64url');

/** An unguessable, expiring link token: the contract, its expiry and an HMAC over the contract, its document hash and the expiry. */
export function signingToken(
	contractId: string,
	documentSha256: string,
	expiresMs: number,
	secret: string,
): string {
	const mac = createHmac('sha256', secret)
		.update(`${contractId}|${documentSha256}|${expiresMs}`)
		.digest();
	return `${b64url(Buffer.from(contractId))}.${expiresMs.toString(36)}.${b64url(mac)}`;
}

/** A token's parts, each only in the one spelling signingToken writes (base64url has spare bits: another spelling of the same bytes is refused). */
function readToken(token: unknown): { contractId: string; expiresMs: number; mac: string } {
	const malformed = () =>
		new ContractInputError('token', 'The signing link is not valid (malformed token).');
	if (typeof token !== 'string' || !/^[\w-]+\.[0-9a-z]+\.[\w-]+$/.test(token)) throw malformed();
	const [id, expires, mac] = token.split('.');
	const contractId = Buffer.from(id, 'base64url').toString('utf8');
	const expiresMs = parseInt(expires, 36);
	if (b64url(Buffer.from(contractId)) !== id || expiresMs.toString(36) !== expires)
		throw malformed();
	return { contractId, expiresMs, mac };
}

/** The agreement's text back from its stored HTML (documentFor writes one <h1> or <p> per paragraph). */
export function documentText(html: string): string {
	const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? '';
	const unescape = (t: string) =>
		t
			.replace(/<br>/g, '\n')
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>')
			.replace(/&quot;/g, '"')
			.replace(/&#39;/g, "'")
			.replace(/&amp;/g, '&');
	return [...body.matchAll(/<(h1|p)>([\s\S]*?)<\/\1>/g)].map((m) => unescape(m[2])).join('\n\n');
}

/** The PDF of a stored agreement, as the e-mail carried it (same text, title and date). */
export async function contractPdf(contract: ContractRecord): Promise<Uint8Array> {
	return await renderPdf(
		documentText(contract.document_html),
		`Service agreement ${contract.id}`,
		new Date(contract.created_at_ms),
	);
}

/** Plain text to a simple PDF: Helvetica, wrapped lines, as many pages as needed. */
export async function renderPdf(text: string, title: string, created: Date): Promise<Uint8Array> {
	const pdf = await PDFDocument.create();
	pdf.setTitle(title);
	pdf.setProducer('n8n-nodes-booking-agents');
	pdf.setCreationDate(created);
	pdf.setModificationDate(created);
	const font = await pdf.embedFont(StandardFonts.Helvetica);
	const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
	const size = 11;
	const margin = 56;
	const width = 595.28 - margin * 2;
	let page = pdf.addPage([595.28, 841.89]);
	let y = 841.89 - margin;
	// WinAnsi (the standard fonts' encoding) cannot show every character: others become "?".
	const printable = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff€]/g, '?');
	for (const [index, paragraph] of text.split('\n').entries()) {
		const f = index === 0 ? bold : font;
		const words = printable(paragraph).split(' ');
		const lines: string[] = [];
		let current = '';
		for (const word of words) {
			const trial = current ? `${current} ${word}` : word;
			if (f.widthOfTextAtSize(trial, size) > width && current) {
				lines.push(current);
				current = word;
			} else current = trial;
		}
		lines.push(current);
		for (const line of lines) {
			if (y < margin + size) {
				page = pdf.addPage([595.28, 841.89]);
				y = 841.89 - margin;
			}
			page.drawText(line, { x: margin, y, size, font: f });
			y -= size * 1.45;
		}
	}
	return await pdf.save();
}

function fill(template: string, values: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
		key in values ? values[key] : whole,
	);
}

export interface GeneratedContract {
	contract_id: string;
	status: ContractRecord['status'];
	document_sha256: string;
	html: string;
	text: string;
	start_date: string;
	end_date: string;
	renews_on: string | null;
	terms: Record<string, unknown>;
	signing_token: string;
	signing_url: string | null;
	signing_expires_at: string;
}

/** ", address, e-mail, phone" for a party, as far as known; empty when none is. */
function details(party: {
	address?: string | null;
	email?: string | null;
	phone?: string | null;
}): string {
	const known = [party.address, party.email, party.phone]
		.map((value) => (typeof value === 'string' ? value.trim() : ''))
		.filter(Boolean);
	return known.length ? `, ${known.join(', ')}` : '';
}

function documentFor(
	input: GenerateInput,
	terms: ContractTerms,
	start: DateTime,
	end: DateTime,
	now: DateTime,
	template: string,
) {
	const quote = input.quote ?? {};
	const currency = quote.currency ?? 'USD';
	const recurring = quote.recurring ?? null;
	const cadence = recurring ? cadenceText(recurring) : 'as a single visit';
	const values: Record<string, string> = {
		date: now.toFormat('LLLL d, yyyy'),
		business: input.business.name,
		customer_name: input.customer.name?.trim() || 'the Customer',
		business_details: details(input.business),
		customer_details: details(input.customer),
		service: (quote.service_type ?? 'cleaning').replace(/_/g, ' '),
		address: input.customer.address?.trim() || 'the address agreed',
		frequency_text: cadence,
		start_date: start.toFormat('LLLL d, yyyy'),
		end_date: end.toFormat('LLLL d, yyyy'),
		term_months: String(terms.term_months),
		price_text: recurring
			? `${formatMoney(recurring.per_visit_cents, currency)} per visit, ${formatMoney(recurring.per_month_cents, currency)} a month.`
			: `${formatMoney(quote.total_cents ?? 0, currency)} for the service.`,
		renewal_text: terms.auto_renew
			? `It renews automatically for another ${terms.term_months} months unless either party gives notice before ${end.minus({ days: terms.notice_days }).toFormat('LLLL d, yyyy')}.`
			: 'It ends on that date unless both parties agree to renew it.',
		notice_days: String(terms.notice_days),
		payment_terms: terms.payment_terms,
		liability: terms.liability,
		quote_id: quote.quote_id ?? 'n/a',
		booking_text: input.booking?.series_id
			? `, recurring booking ${input.booking.series_id}`
			: input.booking?.booking_id
				? `, booking ${input.booking.booking_id}`
				: '',
	};
	const text = fill(template, values).replace(/\r\n/g, '\n');
	const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>Service agreement</title></head><body style="font-family: Georgia, serif; max-width: 720px; margin: 2em auto; line-height: 1.5;">\n${text
		.split(/\n{2,}/)
		.map((p, i) =>
			i === 0 ? `<h1>${escapeHtml(p)}</h1>` : `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`,
		)
		.join('\n')}\n</body></html>`;
	return { text, html, sha256: createHash('sha256').update(html, 'utf8').digest('hex') };
}

/** Generates the agreement (HTML, text, PDF, SHA-256), stores it awaiting signature, and makes its signing link. */
export async function generateContract(
	input: GenerateInput,
	options: ContractOptions,
): Promise<{ contract: GeneratedContract; pdf: Uint8Array }> {
	requireSecret(options.signingSecret);
	if (!input?.business?.name)
		throw new ContractInputError('business', 'The business name is needed for the agreement.');
	if (!input.quote || typeof input.quote.total_cents !== 'number')
		throw new ContractInputError(
			'quote',
			'The agreement needs the accepted quote (from the Pricing or Negotiation Agent), e.g. {{ $json.negotiation.quote ?? $json.quote }}.',
		);
	const terms = { ...DEFAULT_TERMS, ...(input.terms ?? {}) };
	if (!(Number.isInteger(terms.term_months) && terms.term_months >= 1 && terms.term_months <= 120))
		throw new ContractInputError('terms.term_months', 'The term must be 1 to 120 whole months.');
	if (!(terms.notice_days >= 0 && terms.notice_days <= 365))
		throw new ContractInputError('terms.notice_days', 'The notice period must be 0 to 365 days.');
	const zone = input.booking?.time_zone ?? options.timeZone ?? 'America/New_York';
	const now = (options.now ? DateTime.fromJSDate(new Date(options.now)) : DateTime.now()).setZone(
		zone,
	);
	const start = input.booking?.start
		? DateTime.fromISO(input.booking.start, { setZone: true }).setZone(zone).startOf('day')
		: now.startOf('day');
	if (!start.isValid)
		throw new ContractInputError(
			'booking.start',
			`The booking start is not a date: ${JSON.stringify(input.booking?.start)}.`,
		);
	const end = start.plus({ months: terms.term_months }).minus({ days: 1 });
	const { text, html, sha256 } = documentFor(
		input,
		terms,
		start,
		end,
		now,
		input.template?.trim() ? input.template : DEFAULT_CONTRACT_TEMPLATE,
	);
	const contractId = `ct_${randomUUID()}`;
	const validHours = input.signingValidHours ?? 72;
	if (!(validHours > 0 && validHours <= 24 * 90))
		throw new ContractInputError(
			'signingValidHours',
			'The signing link must be valid for between 1 hour and 90 days.',
		);
	const expiresMs = now.toMillis() + validHours * 3_600_000;
	const token = signingToken(contractId, sha256, expiresMs, options.signingSecret);
	const record: ContractRecord = {
		id: contractId,
		status: 'awaiting_signature',
		document_sha256: sha256,
		document_html: html,
		customer: input.customer as Record<string, unknown>,
		terms: {
			...terms,
			quote: input.quote,
			booking: input.booking ?? null,
			business: input.business,
			time_zone: zone,
		},
		start_date: start.toISODate()!,
		end_date: end.toISODate()!,
		auto_renew: terms.auto_renew,
		renewal_of: null,
		signature: null,
		resume_url: input.resumeUrl?.trim() || null,
		created_at_ms: now.toMillis(),
		updated_at_ms: now.toMillis(),
	};
	await (await storeOf(options.store)).saveContract(record);
	const pdf = await renderPdf(text, `Service agreement ${contractId}`, now.toJSDate());
	const base = input.signingBaseUrl?.trim();
	return {
		contract: {
			contract_id: contractId,
			status: record.status,
			document_sha256: sha256,
			html,
			text,
			start_date: record.start_date,
			end_date: record.end_date,
			renews_on: terms.auto_renew ? end.plus({ days: 1 }).toISODate() : null,
			terms: { ...terms },
			signing_token: token,
			signing_url: base
				? `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`
				: null,
			signing_expires_at: DateTime.fromMillis(expiresMs, { zone }).toISO({
				suppressMilliseconds: true,
			})!,
		},
		pdf,
	};
}

export interface SignatureInput {
	token: string;
	name: string;
	ip?: string | null;
	user_agent?: string | null;
}

/** Records a signature against the document hash; refuses an expired, forged or foreign token. Signing twice with the same token returns the first signature. */
export async function recordSignature(
	input: SignatureInput,
	options: ContractOptions,
): Promise<{
	contract_id: string;
	status: ContractRecord['status'];
	signature: NonNullable<ContractRecord['signature']>;
	already_signed: boolean;
	/** The execution waiting for this signature (set when the agreement was written), once, on the first signature. */
	resume_url: string | null;
	/** The series booked with the agreement (its visits held until now), on the first signature. */
	series_id: string | null;
	/** The service agreed (the quote's service type): whether a deposit comes before the visits are confirmed. */
	service: string | null;
}> {
	requireSecret(options.signingSecret);
	const { contractId, expiresMs, mac } = readToken(input?.token);
	if (typeof input.name !== 'string' || !input.name.trim())
		throw new ContractInputError('name', "The signer's full name is needed to sign.");
	const store = await storeOf(options.store);
	const contract = await store.getContract(contractId);
	if (!contract || !macMatches(contract, contractId, expiresMs, mac, options.signingSecret)) {
		throw new ContractInputError(
			'token',
			'The signing link is not valid: it was altered, or it belongs to another document.',
		);
	}
	const now = options.now ? new Date(options.now).getTime() : Date.now();
	if (contract.signature)
		return {
			contract_id: contractId,
			status: contract.status,
			signature: contract.signature,
			already_signed: true,
			resume_url: null,
			series_id: null,
			service: serviceOf(contract),
		};
	if (now > expiresMs)
		throw new ContractInputError(
			'token',
			'The signing link has expired. Send a new one (generate the agreement again).',
		);
	if (contract.status !== 'awaiting_signature')
		throw new ContractInputError(
			'token',
			`This agreement is ${contract.status} and cannot be signed.`,
		);
	const signature = {
		name: input.name.trim().slice(0, 200),
		signed_at_ms: now,
		ip: input.ip ?? null,
		user_agent: input.user_agent?.slice(0, 500) ?? null,
		document_sha256: contract.document_sha256,
	};
	await store.saveContract({ ...contract, status: 'active', signature, updated_at_ms: now });
	return {
		contract_id: contractId,
		status: 'active',
		signature,
		already_signed: false,
		resume_url: contract.resume_url ?? null,
		series_id: seriesOf(contract),
		service: serviceOf(contract),
	};
}

const serviceOf = (contract: ContractRecord): string | null => {
	const quote = contract.terms?.quote as { service_type?: unknown } | null | undefined;
	return typeof quote?.service_type === 'string' ? quote.service_type : null;
};

const seriesOf = (contract: ContractRecord): string | null => {
	const booking = contract.terms?.booking as { series_id?: unknown } | null | undefined;
	return typeof booking?.series_id === 'string' ? booking.series_id : null;
};

/** The MAC a token carries, checked against the stored document: compared as text, so no other spelling of its bytes passes. */
function macMatches(
	contract: ContractRecord,
	contractId: string,
	expiresMs: number,
	mac: string,
	secret: string,
): boolean {
	const expected = Buffer.from(
		b64url(
			createHmac('sha256', secret)
				.update(`${contractId}|${contract.document_sha256}|${expiresMs}`)
				.digest(),
		),
	);
	const given = Buffer.from(mac);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

export type SigningState = 'open' | 'signed' | 'expired' | 'closed' | 'invalid';

/** What a signing link opens: the agreement and whether it can still be signed (never throws on a bad token). */
export async function signingState(
	token: unknown,
	options: ContractOptions,
): Promise<{ state: SigningState; contract: ContractRecord | null; expires_at_ms: number | null }> {
	requireSecret(options.signingSecret);
	let parts;
	try {
		parts = readToken(token);
	} catch {
		return { state: 'invalid', contract: null, expires_at_ms: null };
	}
	const contract = await (await storeOf(options.store)).getContract(parts.contractId);
	if (
		!contract ||
		!macMatches(contract, parts.contractId, parts.expiresMs, parts.mac, options.signingSecret)
	)
		return { state: 'invalid', contract: null, expires_at_ms: null };
	const now = options.now ? new Date(options.now).getTime() : Date.now();
	const state: SigningState = contract.signature
		? 'signed'
		: contract.status !== 'awaiting_signature'
			? 'closed'
			: now > parts.expiresMs
				? 'expired'
				: 'open';
	return { state, contract, expires_at_ms: parts.expiresMs };
}

/** Active contracts whose term ends within `days` days. */
export async function contractsDue(days: number, options: Omit<ContractOptions, 'signingSecret'>) {
	if (!(days >= 0 && days <= 3650))
		throw new ContractInputError('withinDays', '"withinDays" must be 0 to 3650.');
	const now = options.now ? DateTime.fromJSDate(new Date(options.now)) : DateTime.now();
	const contracts = await (
		await storeOf(options.store)
	).contractsEndingBy(now.plus({ days }).toISODate()!);
	return contracts.map((c) => ({
		contract_id: c.id,
		customer: c.customer,
		end_date: c.end_date,
		auto_renew: c.auto_renew,
		status: c.status,
		renews_on: c.auto_renew ? DateTime.fromISO(c.end_date).plus({ days: 1 }).toISODate() : null,
		// The series booked with the agreement: a renewal books its next term.
		series_id: seriesOf(c),
	}));
}

/** Renews for a new term (optionally at a new price), or marks the contract as ending. */
export async function renewContract(
	contractId: string,
	change: {
		action: 'renew' | 'end';
		price_change_pct?: number | null;
		/** end: at the end of the term (the default), as soon as the notice allows, or on last_day. */
		ends?: 'termEnd' | 'soonest' | 'date';
		/** end, on a day: the last day asked for (YYYY-MM-DD). */
		last_day?: string | null;
	},
	options: Omit<ContractOptions, 'signingSecret'>,
): Promise<{
	contract_id: string;
	status: ContractRecord['status'];
	renewed_contract_id: string | null;
	start_date: string | null;
	end_date: string | null;
	price: Record<string, unknown> | null;
	/** The series booked with the agreement (its visits follow the agreement). */
	series_id: string | null;
	/** end: the agreement's notice (days) and the last day asked for, when one was. */
	notice_days: number | null;
	asked_last_day: string | null;
}> {
	const store = await storeOf(options.store);
	const contract = await store.getContract(contractId);
	if (!contract) throw new ContractInputError('contractId', `No contract with id ${contractId}.`);
	if (contract.status !== 'active')
		throw new ContractInputError(
			'contractId',
			`Contract ${contractId} is ${contract.status}; only active contracts can be renewed or ended.`,
		);
	const now = options.now ? new Date(options.now).getTime() : Date.now();
	if (change.action === 'end') {
		const zone = (contract.terms as { time_zone?: string }).time_zone ?? 'UTC';
		const asked =
			change.ends === 'soonest'
				? DateTime.fromMillis(now, { zone }).toISODate()!
				: change.ends === 'date' || (!change.ends && change.last_day)
					? (change.last_day ?? null)
					: null;
		if (change.ends === 'date' && !asked)
			throw new ContractInputError(
				'lastDay',
				'"Last Day Asked For" is empty: give the day (YYYY-MM-DD), or choose another Ends.',
			);
		const endDate = lastDayUnderNotice(contract, asked, now);
		await store.saveContract({
			...contract,
			status: 'ending',
			auto_renew: false,
			end_date: endDate.last_day,
			updated_at_ms: now,
		});
		return {
			contract_id: contractId,
			status: 'ending',
			renewed_contract_id: null,
			start_date: null,
			end_date: endDate.last_day,
			price: null,
			series_id: seriesOf(contract),
			notice_days: endDate.notice_days,
			asked_last_day: asked,
		};
	}
	const pct = change.price_change_pct ?? 0;
	if (!(pct >= -50 && pct <= 100))
		throw new ContractInputError(
			'priceChangePct',
			'A renewal price change must be between -50% and +100%.',
		);
	const t = contract.terms as unknown as ContractTerms & {
		quote: GenerateInput['quote'];
		booking: GenerateInput['booking'];
		business: GenerateInput['business'];
		time_zone: string;
	};
	const scale = (c: number) => roundCents(c * (1 + pct / 100));
	// The renewed price: the old one changed by the percentage, in whole cents.
	const quote = t.quote
		? {
				quote_id: `${t.quote.quote_id ?? 'Q'}-R`,
				currency: t.quote.currency ?? 'USD',
				service_type: t.quote.service_type,
				total_cents: scale(t.quote.total_cents ?? 0),
				recurring: t.quote.recurring
					? {
							frequency: t.quote.recurring.frequency,
							visits_per_week: t.quote.recurring.visits_per_week ?? null,
							per_visit_cents: scale(t.quote.recurring.per_visit_cents),
							per_month_cents: scale(t.quote.recurring.per_month_cents),
						}
					: null,
			}
		: null;
	const start = DateTime.fromISO(contract.end_date, { zone: t.time_zone }).plus({ days: 1 });
	const end = start.plus({ months: t.term_months }).minus({ days: 1 });
	const input: GenerateInput = {
		customer: contract.customer ?? {},
		business: t.business,
		quote,
		booking: t.booking,
	};
	const { html, sha256 } = documentFor(
		input,
		t,
		start,
		end,
		DateTime.fromMillis(now, { zone: t.time_zone }),
		DEFAULT_CONTRACT_TEMPLATE,
	);
	const renewed: ContractRecord = {
		...contract,
		id: `ct_${randomUUID()}`,
		status: 'active',
		document_sha256: sha256,
		document_html: html,
		terms: { ...contract.terms, quote },
		start_date: start.toISODate()!,
		end_date: end.toISODate()!,
		renewal_of: contract.id,
		signature: null,
		created_at_ms: now,
		updated_at_ms: now,
	};
	await store.saveContract(renewed);
	await store.saveContract({ ...contract, status: 'renewed', updated_at_ms: now });
	return {
		contract_id: contractId,
		status: 'renewed',
		renewed_contract_id: renewed.id,
		start_date: renewed.start_date,
		end_date: renewed.end_date,
		price: quote as Record<string, unknown> | null,
		series_id: seriesOf(contract),
		notice_days: null,
		asked_last_day: null,
	};
}

/**
 * The agreement's last day when it is ended: the day asked for (or the end of the term), but
 * not before today plus its notice period, and not after the end of the term.
 */
export function lastDayUnderNotice(
	contract: ContractRecord,
	asked: string | null,
	nowMs: number,
): { last_day: string; notice_days: number } {
	const t = contract.terms as unknown as Partial<ContractTerms> & { time_zone?: string };
	const zone = t.time_zone ?? 'UTC';
	const noticeDays = typeof t.notice_days === 'number' ? t.notice_days : DEFAULT_TERMS.notice_days;
	if (asked !== null && !(/^\d{4}-\d{2}-\d{2}$/.test(asked) && DateTime.fromISO(asked).isValid))
		throw new ContractInputError(
			'lastDay',
			`The last day asked for must be a date like 2027-03-31; got ${JSON.stringify(asked)}.`,
		);
	const earliest = DateTime.fromMillis(nowMs, { zone }).plus({ days: noticeDays }).toISODate()!;
	const wanted = asked ?? contract.end_date;
	const lastDay = [wanted < earliest ? earliest : wanted, contract.end_date].sort()[0];
	return { last_day: lastDay, notice_days: noticeDays };
}
