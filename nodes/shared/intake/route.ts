/**
 * Where an incoming message goes (a text, an e-mail, a chat line): one case per conversation.
 * The sender's phone, e-mail and the channel's thread (an e-mail's References, a chat session)
 * find the case they already have open; a message then answers what that case waits for (the
 * customer's reply to a quote resumes the waiting execution), points the customer back to the
 * page that case waits on (details asked, a visit to move), goes to the person handling it, or
 * joins it as a new request. A sender with no open case starts a new one. Texts' keywords
 * (STOP, START, HELP and the carriers' variants) are answered first, as carriers require.
 *
 * No n8n import: the node reads the request, this decides, the template routes.
 */
import { claimLink, linkFromRow, linkUrl, type LinkAnswer, type LinkKind } from '../records/links';
import { caseFromRow, type CaseRecord } from '../records/cases';
import type { BookingStore } from '../store';
import { splitReply } from '../email';
import { InputError } from '../errors';
import { withoutInvisible } from '../text';
import { emailKey, messageIdKey, messageIdsIn, phoneKey } from './keys';
import { keywordReply, smsKeyword } from './keywords';

export const INTAKE_CHANNELS = ['sms', 'email', 'chat', 'web_form'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

/** A message's text is capped at the door: a form or text never needs more, and an e-mail's quoted history is cut first. */
export const MAX_MESSAGE_CHARS = 5000;

export interface IncomingMessage {
	channel: IntakeChannel;
	text: string;
	phone?: string | null;
	email?: string | null;
	name?: string | null;
	/** The channel's own ids: an e-mail's Message-ID and the ids it answers, a chat session. */
	message_id?: string | null;
	references?: string[] | string | null;
	chat_session?: string | null;
}

export interface KnownCustomer {
	name: string | null;
	email: string | null;
	phone: string | null;
	address: string | null;
}

export type IncomingRoute =
	| { route: 'keyword'; keyword: string; action: 'opt_out' | 'opt_in' | 'help'; reply: string }
	| { route: 'answer'; case_id: string; link_answer: LinkAnswer & LinkAnswerTarget; reply: string }
	| { route: 'page'; case_id: string; link_kind: LinkKind; link_url: string; reply: string }
	| { route: 'ops'; case_id: string; reply: string }
	| { route: 'inquiry'; case_id: string | null; joined: boolean; reply: null };

interface LinkAnswerTarget {
	link_id: string;
	kind: LinkKind;
	case_id: string;
	booking_id: string | null;
	resume_url: string | null;
}

/** The message read and cleaned: who, what, and the thread keys it is looked up by. */
export interface ReadMessage {
	channel: IntakeChannel;
	text: string;
	phone: string | null;
	email: string | null;
	name: string | null;
	thread: { phone?: string; email?: string; message_id?: string; chat_session?: string };
	/** Keys of the conversation this message continues (an e-mail's References), beside the sender's. */
	answers_keys: string[];
}

export function cleanText(raw: unknown, max = MAX_MESSAGE_CHARS): string {
	if (typeof raw !== 'string') return '';
	// Control and direction-override characters never reach a case (a crew text, an ops e-mail).
	return withoutInvisible(raw.slice(0, max * 2))
		.replace(/\r\n?/g, '\n')
		.trim()
		.slice(0, max);
}

/**
 * An e-mail's own words: the quoted history of the thread is cut ("On ... wrote:", "> " lines);
 * a forwarded message is kept, since it is what is being sent.
 */
export function withoutQuotedReply(text: string): string {
	const head = text.slice(0, MAX_MESSAGE_CHARS * 4);
	// A message that is all quote (a forward with no words) keeps its text.
	return splitReply(head).own || head.trim();
}

/** Checks and normalises an incoming message; names the field to fix. */
export function readIncoming(input: IncomingMessage, country = 'US'): ReadMessage {
	if (!(INTAKE_CHANNELS as readonly string[]).includes(input.channel))
		throw new InputError('channel', `The channel is one of: ${INTAKE_CHANNELS.join(', ')}.`);
	const text = cleanText(
		input.channel === 'email' && typeof input.text === 'string'
			? withoutQuotedReply(input.text)
			: input.text,
	);
	const phone = input.phone ? phoneKey(String(input.phone), country) : null;
	if (input.phone && !phone)
		throw new InputError(
			'phone',
			`"${String(input.phone).slice(0, 40)}" is not a phone number: give it with its country code (+1...).`,
		);
	const email = input.email ? emailKey(String(input.email)) : null;
	if (input.email && !email)
		throw new InputError(
			'email',
			`"${String(input.email).slice(0, 80)}" is not one e-mail address: give a single address like name@example.com.`,
		);
	const chat = typeof input.chat_session === 'string' ? cleanText(input.chat_session, 200) : '';
	// A chat line's sender is its session: the chat knows no phone or e-mail until the customer gives one.
	if (!phone && !email && !(input.channel === 'chat' && chat))
		throw new InputError(
			'from',
			input.channel === 'chat'
				? "A chat line needs its chat session ID (the Chat Trigger's sessionId)."
				: 'A message needs its sender: a phone number or an e-mail address.',
		);
	const messageId = messageIdKey(input.message_id ?? null);
	const thread: ReadMessage['thread'] = {};
	if (phone) thread.phone = phone;
	if (email) thread.email = email;
	if (messageId) thread.message_id = messageId;
	if (chat) thread.chat_session = chat;
	const answers = messageIdsIn(input.references ?? null)
		.filter((id) => id !== messageId)
		.map((id) => `message_id:${id}`);
	return {
		channel: input.channel,
		text,
		phone,
		email,
		name: cleanText(input.name, 120) || null,
		thread,
		answers_keys: answers,
	};
}

/** Keys of the sender and of the conversation, most specific first. */
export function lookupKeys(message: ReadMessage): string[] {
	const keys = [...message.answers_keys];
	if (message.thread.chat_session) keys.push(`chat_session:${message.thread.chat_session}`);
	if (message.email) keys.push(`email:${message.email}`);
	if (message.phone) keys.push(`phone:${message.phone}`);
	return keys;
}

/** A case still takes follow-ups while it is not over and has moved in the last 90 days. */
const FOLLOW_UP_DAYS = 90;
const OPEN_STATUSES = ['open', 'waiting_customer', 'waiting_ops', 'booked'];
/** The links a customer answers; a text answers a quote in words, the others on their page. */
const CUSTOMER_LINKS: LinkKind[] = ['quote_reply', 'ask_back', 'visit_change'];

/**
 * The cases these keys lead to, newest first: the open one a follow-up joins (a key of the
 * conversation itself, like an e-mail's References, before the sender's), and the latest of
 * any status for what is known of the customer.
 */
export async function findCases(
	store: BookingStore,
	keys: string[],
	nowMs: number,
): Promise<{ open: CaseRecord | null; latest: CaseRecord | null }> {
	if (!keys.length) return { open: null, latest: null };
	const marks = keys.map((_, i) => `$${i + 1}`).join(', ');
	const rows = await store.read(
		`SELECT c.*, t.thread_key FROM case_threads t JOIN cases c ON c.id = t.case_id WHERE t.thread_key IN (${marks}) ORDER BY c.updated_at_ms DESC LIMIT 50`,
		keys,
	);
	const since = nowMs - FOLLOW_UP_DAYS * 86_400_000;
	const rank = (row: Record<string, unknown>) => keys.indexOf(String(row.thread_key));
	const open = rows
		.filter(
			(row) => OPEN_STATUSES.includes(String(row.status)) && Number(row.updated_at_ms) >= since,
		)
		// The conversation's own keys first; within a key, the newest case (the rows are newest first).
		.sort((a, b) => rank(a) - rank(b))[0];
	return {
		open: open ? caseFromRow(open) : null,
		latest: rows.length ? caseFromRow(rows[0]) : null,
	};
}

export interface RouteOptions {
	/** Signs the page links a reply points back to (the Signing Secret credential). */
	secret: string;
	/** The Customer Links workflow's address (public_url + webhook/link). */
	linksUrl: string;
	business: { name: string; phone?: string | null; email?: string | null };
	nowMs: number;
	/**
	 * Whether the text reads as an emergency (the Triage Agent's rules): an emergency is never
	 * taken as a reply to what a case waits for; it starts its own case at once.
	 */
	readsAsEmergency?: (text: string) => boolean;
	/** A text's keywords (STOP, START, HELP) are read only on the SMS channel. */
	recordOptOut?: (phone: string, optedOut: boolean, keyword: string) => Promise<void>;
}

/** A message about moving, skipping or cancelling a visit (English and Spanish), not a new request. */
const ABOUT_THE_VISIT =
	/\b(move|moving|reschedul\w*|change|cancel\w*|skip|pause|postpone|another (day|time)|different (day|time)|can'?t make|cannot make|cambiar|cancelar|mover|reprogramar|posponer|otro d[ií]a|otra hora)\b/i;

/** What the customer reads when a page is waiting for them. */
const PAGE_REPLY: Partial<Record<LinkKind, string>> = {
	ask_back: 'To book it we need a few details; it takes a minute here:',
	visit_change: 'To move, skip or cancel your visit, open:',
};

/** Decides where the message goes, and takes a quote reply's answer (once). */
export async function routeIncoming(
	store: BookingStore,
	message: ReadMessage,
	options: RouteOptions,
): Promise<IncomingRoute & { known: KnownCustomer; case: CaseRecord | null }> {
	const { nowMs, business } = options;
	const keyword = message.channel === 'sms' ? smsKeyword(message.text) : null;
	const cases =
		keyword?.action === 'help'
			? { open: null, latest: null }
			: await findCases(store, lookupKeys(message), nowMs);
	const known: KnownCustomer = {
		name: message.name ?? cases.latest?.customer.name ?? null,
		email: message.email ?? cases.latest?.customer.email ?? null,
		phone: message.phone ?? cases.latest?.customer.phone ?? null,
		address: cases.latest?.customer.address ?? null,
	};
	if (keyword) {
		if (keyword.action !== 'help' && message.phone)
			await options.recordOptOut?.(message.phone, keyword.action === 'opt_out', keyword.keyword);
		return {
			route: 'keyword',
			...keyword,
			reply: keywordReply(keyword.action, business),
			known,
			case: cases.open,
		};
	}
	if (!message.text)
		throw new InputError('text', 'The message is empty: there is nothing to read.');
	if (options.readsAsEmergency?.(message.text))
		return { route: 'inquiry', case_id: null, joined: false, reply: null, known, case: cases.open };
	const open = cases.open;
	if (!open)
		return { route: 'inquiry', case_id: null, joined: false, reply: null, known, case: null };
	// A web form is a new request: it answers nothing a case waits for (a quote is answered on its page).
	const [waiting] =
		message.channel === 'web_form'
			? []
			: await store.read(
					`SELECT * FROM case_links WHERE case_id = $1 AND used_at_ms IS NULL AND expires_at_ms > $2 AND kind IN (${CUSTOMER_LINKS.map((_, i) => `$${i + 3}`).join(', ')}) ORDER BY created_at_ms DESC LIMIT 1`,
					[open.case_id, nowMs, ...CUSTOMER_LINKS],
				);
	if (waiting) {
		const link = linkFromRow(waiting);
		if (link.kind === 'quote_reply' && link.resume_url) {
			// A reply in words, as the page's "Ask a question or for a change" takes it.
			const choice = link.page.choices.find((c) => c.value === 'question') ?? link.page.choices[0];
			const answer: LinkAnswer = {
				choice: choice.value,
				choice_label: choice.label,
				reply: message.text,
				message: message.text,
				name: known.name,
				answers: {},
				answered_at_ms: nowMs,
			};
			if (await claimLink(store, link, answer))
				return {
					route: 'answer',
					case_id: open.case_id,
					link_answer: {
						...answer,
						link_id: link.id,
						kind: link.kind,
						case_id: link.case_id,
						booking_id: null,
						resume_url: link.resume_url,
					},
					reply: `${business.name}: thank you, we have your reply and will answer shortly.`,
					known,
					case: open,
				};
		} else if (
			PAGE_REPLY[link.kind] &&
			(link.kind !== 'visit_change' || ABOUT_THE_VISIT.test(message.text))
		) {
			const url = linkUrl(options.linksUrl, link, options.secret);
			return {
				route: 'page',
				case_id: open.case_id,
				link_kind: link.kind,
				link_url: url,
				reply: `${business.name}: thank you. ${PAGE_REPLY[link.kind]} ${url}`,
				known,
				case: open,
			};
		}
	}
	if (open.status === 'waiting_ops')
		return {
			route: 'ops',
			case_id: open.case_id,
			reply: `${business.name}: thank you, a member of our team is on your request and has your message.`,
			known,
			case: open,
		};
	return { route: 'inquiry', case_id: open.case_id, joined: true, reply: null, known, case: open };
}
