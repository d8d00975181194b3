/**
 * Intake: Twilio's request signature, the keys a follow-up is matched by, and where an incoming
 * message goes (one case per conversation), against both stores.
 */
import { createLink, findLink } from '../../nodes/shared/records/links';
import { recordCaseStep } from '../../nodes/shared/records/cases';
import {
	readIncoming,
	lookupKeys,
	withoutQuotedReply,
	routeIncoming,
	cleanText,
	type RouteOptions,
} from '../../nodes/shared/intake/route';
import { emailKey, messageIdsIn, phoneKey, threadKeysOf } from '../../nodes/shared/intake/keys';
import { smsKeyword } from '../../nodes/shared/intake/keywords';
import { checkFormDefences, takeRateLimit } from '../../nodes/shared/intake/form';
import {
	isTwilioSignatureValid,
	signedUrl,
	twilioParams,
	twilioSignature,
	twimlReply,
} from '../../nodes/shared/intake/twilio';
import type { BookingStore } from '../../nodes/shared/store';
import { bookingAgentsTwilioWebhookTest } from '../../nodes/shared/n8n/signing';
import { storeBackends } from '../support/stores';

describe("Twilio's request signature", () => {
	// Twilio's own documented example (its signature-validation snippets).
	const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
	const params = {
		CallSid: 'CA1234567890ABCDE',
		Caller: '+14158675310',
		Digits: '1234',
		From: '+14158675310',
		To: '+18005551212',
	};

	it('matches the example Twilio publishes', () => {
		expect(twilioSignature('12345', url, params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
		expect(isTwilioSignatureValid('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', url, params)).toBe(true);
	});

	it('refuses a changed parameter, address, token or a missing signature', () => {
		const good = twilioSignature('12345', url, params);
		expect(isTwilioSignatureValid('12345', good, url, { ...params, Digits: '1235' })).toBe(false);
		expect(isTwilioSignatureValid('12345', good, url.replace('foo=1', 'foo=2'), params)).toBe(
			false,
		);
		expect(isTwilioSignatureValid('54321', good, url, params)).toBe(false);
		expect(isTwilioSignatureValid('12345', undefined, url, params)).toBe(false);
		expect(isTwilioSignatureValid('12345', '', url, params)).toBe(false);
		expect(isTwilioSignatureValid('', good, url, params)).toBe(false);
		expect(isTwilioSignatureValid('12345', ['x'], url, params)).toBe(false);
	});

	it('accepts the address with or without its default port, as Twilio may sign either', () => {
		const withPort = twilioSignature(
			'12345',
			'https://mycompany.com:443/myapp.php?foo=1&bar=2',
			params,
		);
		expect(isTwilioSignatureValid('12345', withPort, url, params)).toBe(true);
		const plain = twilioSignature('12345', url, params);
		expect(
			isTwilioSignatureValid(
				'12345',
				plain,
				'https://mycompany.com:443/myapp.php?foo=1&bar=2',
				params,
			),
		).toBe(true);
	});

	it('signs a repeated parameter once per value, values sorted', () => {
		const one = twilioSignature('t', 'https://x.test/sms', { MediaUrl: ['b', 'a'] });
		expect(one).toBe(twilioSignature('t', 'https://x.test/sms', { MediaUrl: ['a', 'b'] }));
		expect(one).not.toBe(twilioSignature('t', 'https://x.test/sms', { MediaUrl: 'ab' }));
	});

	it("the credential test knows a Twilio Auth Token's shape", async () => {
		const check = (authToken: string) =>
			bookingAgentsTwilioWebhookTest.call({} as never, {
				id: '1',
				name: 'Twilio Webhook',
				type: 'bookingAgentsTwilioWebhook',
				data: { authToken },
			});
		expect(await check('0123456789abcdef0123456789ABCDEF')).toMatchObject({ status: 'OK' });
		expect(await check('AC0123')).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/32 letters a-f and digits; this has 6 characters/),
		});
	});

	it('signs the address Twilio called with its query string, and the form fields as text', () => {
		expect(signedUrl(' https://n8n.example/webhook/sms ', { a: '1', b: ['2', '3'] })).toBe(
			'https://n8n.example/webhook/sms?a=1&b=2&b=3',
		);
		expect(signedUrl('https://n8n.example/webhook/sms?x=1', { a: '1' })).toBe(
			'https://n8n.example/webhook/sms?x=1',
		);
		expect(signedUrl('https://n8n.example/webhook/sms', {})).toBe(
			'https://n8n.example/webhook/sms',
		);
		expect(signedUrl('https://n8n.example/webhook/sms', undefined)).toBe(
			'https://n8n.example/webhook/sms',
		);
		expect(twilioParams({ NumMedia: 0, MediaUrl: ['a', 'b'], Gone: null })).toEqual({
			NumMedia: '0',
			MediaUrl: ['a', 'b'],
			Gone: null,
		});
		expect(twilioParams('Body=hi')).toEqual({});
	});

	it('answers in TwiML, escaping the text', () => {
		expect(twimlReply(null)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
		expect(twimlReply('A & B <c> "d"')).toContain(
			'<Message>A &amp; B &lt;c&gt; &quot;d&quot;</Message>',
		);
	});
});

describe('the keys a follow-up is matched by', () => {
	it('reads phones to E.164, e-mails in lower case, Message-IDs without brackets', () => {
		expect(phoneKey('(212) 555-0100')).toBe('+12125550100');
		expect(phoneKey('+44 20 7946 0958')).toBe('+442079460958');
		expect(phoneKey('not a phone')).toBeNull();
		expect(phoneKey('1'.repeat(100))).toBeNull();
		expect(emailKey(' Dana@Example.COM ')).toBe('dana@example.com');
		expect(emailKey('a@b.com, c@d.com')).toBeNull();
		expect(emailKey('a@b.com\r\nBcc: x@y.com')).toBeNull();
		expect(messageIdsIn('<a1@mail.test> <b2@mail.test>')).toEqual(['a1@mail.test', 'b2@mail.test']);
		expect(messageIdsIn('a1@mail.test')).toEqual(['a1@mail.test']);
		expect(messageIdsIn(['<x@y>', '<z@w>'])).toEqual(['x@y', 'z@w']);
		expect(threadKeysOf({ phone: '+12125550100', email: 'A@B.com', other: 'x' })).toEqual([
			'phone:+12125550100',
			'email:a@b.com',
		]);
	});

	it('reads a message: keywords, unsafe characters, a missing sender or channel named', () => {
		expect(smsKeyword(' stop. ')).toEqual({ action: 'opt_out', keyword: 'STOP' });
		expect(smsKeyword('Unsubscribe!')).toEqual({ action: 'opt_out', keyword: 'UNSUBSCRIBE' });
		expect(smsKeyword('start')).toEqual({ action: 'opt_in', keyword: 'START' });
		expect(smsKeyword('help')).toEqual({ action: 'help', keyword: 'HELP' });
		expect(smsKeyword('please stop the visit on Tuesday')).toBeNull();
		expect(cleanText('a\u202Eb\u0007c')).toBe('abc');
		expect(cleanText('x'.repeat(100_000))).toHaveLength(5000);
		expect(() => readIncoming({ channel: 'sms', text: 'hi' })).toThrow(
			expect.objectContaining({ field: 'from' }),
		);
		expect(() =>
			readIncoming({ channel: 'fax' as never, text: 'hi', phone: '+12125550100' }),
		).toThrow(expect.objectContaining({ field: 'channel' }));
		expect(() => readIncoming({ channel: 'email', text: 'hi', email: 'a@b.com, c@d.com' })).toThrow(
			expect.objectContaining({ field: 'email' }),
		);
		expect(() => readIncoming({ channel: 'sms', text: 'hi', phone: '12' })).toThrow(
			expect.objectContaining({ field: 'phone' }),
		);
	});

	it('reads a chat line by its session: no phone or e-mail needed, none without a session', () => {
		const line = readIncoming({ channel: 'chat', text: 'hi', chat_session: 'a1b2c3' });
		expect(line.thread).toEqual({ chat_session: 'a1b2c3' });
		expect(lookupKeys(line)).toEqual(['chat_session:a1b2c3']);
		expect(() => readIncoming({ channel: 'chat', text: 'hi', chat_session: ' ' })).toThrow(
			expect.objectContaining({ field: 'from', message: expect.stringContaining('sessionId') }),
		);
		// Only a chat has a session for a sender.
		expect(() => readIncoming({ channel: 'sms', text: 'hi', chat_session: 'a1b2c3' })).toThrow(
			expect.objectContaining({ field: 'from' }),
		);
	});
});

describe("an e-mail's own words", () => {
	it('cuts the quoted history of a reply, in the forms mail clients write it', () => {
		expect(
			withoutQuotedReply(
				'Yes, Tuesday works.\n\nOn Mon, Mar 1, 2027 at 9:00 AM Bright Clean <b@x.test> wrote:\n> Your quote...\n> more',
			),
		).toBe('Yes, Tuesday works.');
		expect(
			withoutQuotedReply('Sounds good\n-----Original Message-----\nFrom: Bright Clean\nquote'),
		).toBe('Sounds good');
		expect(
			withoutQuotedReply(
				'Sí, el martes.\n\nEl lun, 1 mar 2027 a las 9:00, Bright Clean escribió:\n> cita',
			),
		).toBe('Sí, el martes.');
		expect(withoutQuotedReply('Please book it\n> earlier line\n>')).toBe('Please book it');
		// A message that is only quotes keeps its text; plain text is untouched.
		expect(withoutQuotedReply('> only a quote')).toBe('> only a quote');
		expect(withoutQuotedReply('A burst pipe in the kitchen')).toBe('A burst pipe in the kitchen');
		expect(
			readIncoming({ channel: 'email', text: 'ok\nOn Tue someone wrote:\n> x', email: 'a@b.com' })
				.text,
		).toBe('ok');
	});

	it('reads a long e-mail in time that grows with its length', () => {
		const time = (n: number) => {
			const text = 'On '.repeat(n) + '> x\n'.repeat(n);
			const started = process.hrtime.bigint();
			withoutQuotedReply(text);
			return Number(process.hrtime.bigint() - started);
		};
		time(1000);
		expect(time(20_000) / time(2_000)).toBeLessThan(40);
	});
});

describe("a web form's defences", () => {
	const at = Date.parse('2027-03-01T15:00:00Z');
	const check = (honeypot: unknown, startedAt: unknown) =>
		checkFormDefences({ honeypot, startedAt, nowMs: at, minSeconds: 3 });

	it('lets a person through and refuses a filled honeypot, a page never served, or a form sent at once', () => {
		expect(check('', String(at - 20_000))).toBeNull();
		expect(check(undefined, at - 20_000)).toBeNull();
		expect(check('http://spam.example', at - 20_000)).toMatchObject({ field: 'website' });
		expect(check('', '')).toMatchObject({ field: 'started' });
		expect(check('', 'yesterday')).toMatchObject({ field: 'started' });
		expect(check('', at - 1000)).toMatchObject({
			field: 'started',
			fix: expect.stringMatching(/very fast \(1 s\)/),
		});
		expect(check('', at + 3_600_000)).toMatchObject({ field: 'started' });
		expect(check('', at - 25 * 3_600_000)).toMatchObject({
			fix: expect.stringMatching(/reload the form/),
		});
	});
});

const NOW = Date.parse('2027-03-01T15:00:00Z');
const SECRET = 'a-signing-secret-of-some-length';
const BY = { workflow: 'test', executionId: '1', executionUrl: null };

describe.each(storeBackends('intake'))('incoming messages in the %s store', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeAll(async () => {
		({ store, done } = await open());
	});
	afterAll(async () => await done?.());

	const optOuts: Array<[string, boolean, string]> = [];
	const options: RouteOptions = {
		secret: SECRET,
		linksUrl: 'https://n8n.example/webhook/link',
		business: { name: 'Sparkle', phone: '+1 212 555 0199', email: 'hello@sparkle.test' },
		nowMs: NOW,
		recordOptOut: async (phone, optedOut, keyword) => {
			optOuts.push([phone, optedOut, keyword]);
			await store.setSmsOptOut(phone, optedOut, keyword, NOW);
		},
	};
	const route = (message: Parameters<typeof readIncoming>[0], at = NOW) =>
		routeIncoming(store, readIncoming(message), { ...options, nowMs: at });

	const quoteCase = async (id: string, phone: string, email: string | null = null) =>
		await recordCaseStep(
			store,
			{
				case: { case_id: id },
				customer: { name: 'Dana Reyes', phone, email, address: '1 Main St' },
				message: 'office cleaning, 3 times a week',
			},
			'asked',
			BY,
			NOW - 3_600_000,
		);

	it('starts a new case for a sender with none, and knows nothing of them', async () => {
		const routed = await route({
			channel: 'sms',
			text: 'Can you clean a 2 bed flat?',
			phone: '+12125550111',
		});
		expect(routed).toMatchObject({ route: 'inquiry', case_id: null, joined: false });
		expect(routed.known).toEqual({ name: null, email: null, phone: '+12125550111', address: null });
	});

	it('answers STOP, START and HELP as carriers require, recording the opt-out', async () => {
		const stop = await route({ channel: 'sms', text: 'STOP', phone: '+12125550112' });
		expect(stop).toMatchObject({ route: 'keyword', action: 'opt_out' });
		expect(stop.reply).toMatch(/unsubscribed.*START/);
		expect(await store.isSmsOptedOut('+12125550112')).toBe(true);
		const start = await route({ channel: 'sms', text: 'start', phone: '+12125550112' });
		expect(start).toMatchObject({ route: 'keyword', action: 'opt_in' });
		expect(await store.isSmsOptedOut('+12125550112')).toBe(false);
		const help = await route({ channel: 'sms', text: 'HELP', phone: '+12125550112' });
		expect(help.reply).toBe(
			'Sparkle: texts about your cleaning requests and visits. For help call +1 212 555 0199 or e-mail hello@sparkle.test. Msg & data rates may apply. Reply STOP to opt out.',
		);
		// A keyword is a whole text on the SMS channel only: in an e-mail "stop" is a word.
		const mail = await route({ channel: 'email', text: 'STOP', email: 'x@example.com' });
		expect(mail.route).toBe('inquiry');
		expect(optOuts).toEqual([
			['+12125550112', true, 'STOP'],
			['+12125550112', false, 'START'],
		]);
	});

	const quoteLink = (caseId: string) => ({
		caseId,
		kind: 'quote_reply' as const,
		page: {
			business: 'Sparkle',
			title: 'Your quote',
			paragraphs: [],
			facts: [],
			choices: [
				{ value: 'accept', label: 'Accept the quote', says: 'Yes, I accept the quote.' },
				{ value: 'question', label: 'Ask a question or for a change', needs_message: true },
			],
			message_label: 'Your message',
			ask_name: false,
			thanks: 'Thank you',
			contact: null,
			time_zone: 'America/New_York',
		},
		resumeUrl: 'https://n8n.example/webhook-waiting/42',
		baseUrl: 'https://n8n.example/webhook/link',
		validHours: 336,
	});

	it("answers the open quote with the text, once, and the link's page then says so", async () => {
		await quoteCase('cs_intake_quote', '+12125550113');
		const link = await createLink(store, quoteLink('cs_intake_quote'), SECRET, NOW - 1000);
		// The sender's number written another way is the same sender.
		const routed = await route({
			channel: 'sms',
			text: 'Could you do 5% less?',
			phone: '(212) 555-0113',
		});
		expect(routed).toMatchObject({
			route: 'answer',
			case_id: 'cs_intake_quote',
			link_answer: {
				choice: 'question',
				reply: 'Could you do 5% less?',
				resume_url: 'https://n8n.example/webhook-waiting/42',
				kind: 'quote_reply',
				name: 'Dana Reyes',
			},
		});
		const token = new URL(link.url).searchParams.get('t');
		expect((await findLink(store, token, SECRET, NOW)).state).toBe('used');
		// The quote is answered: the next text joins the case as a new request.
		const next = await route({
			channel: 'sms',
			text: 'And the windows too?',
			phone: '+12125550113',
		});
		expect(next).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_quote', joined: true });
		expect(next.known).toMatchObject({ name: 'Dana Reyes', address: '1 Main St' });
	});

	it('points the customer back to the page a case waits on (details asked)', async () => {
		await quoteCase('cs_intake_ask', '+12125550114');
		await createLink(
			store,
			{
				...quoteLink('cs_intake_ask'),
				kind: 'ask_back',
				page: {
					...quoteLink('cs_intake_ask').page,
					title: 'A few details',
					choices: [{ value: 'send', label: 'Send the details' }],
					message_label: null,
				},
				resumeUrl: 'https://n8n.example/webhook-waiting/43',
				validHours: 48,
			},
			SECRET,
			NOW - 1000,
		);
		const routed = await route({ channel: 'sms', text: 'its 12 Oak Lane', phone: '+12125550114' });
		expect(routed).toMatchObject({
			route: 'page',
			case_id: 'cs_intake_ask',
			link_kind: 'ask_back',
		});
		if (routed.route !== 'page') throw new Error('not a page');
		expect(routed.reply).toContain(routed.link_url);
		// The link it gives is the case's own, still open.
		const token = new URL(routed.link_url).searchParams.get('t');
		expect(await findLink(store, token, SECRET, NOW)).toMatchObject({ state: 'open' });
	});

	it('never takes an emergency for a reply: it starts its own case, with what is known of the customer', async () => {
		await quoteCase('cs_intake_emerg', '+12125550118');
		await createLink(store, quoteLink('cs_intake_emerg'), SECRET, NOW - 1000);
		const routed = await routeIncoming(
			store,
			readIncoming({
				channel: 'sms',
				text: 'Water pouring through the ceiling!',
				phone: '+12125550118',
			}),
			{ ...options, readsAsEmergency: (text) => /pouring/.test(text) },
		);
		expect(routed).toMatchObject({ route: 'inquiry', case_id: null, joined: false });
		expect(routed.known).toMatchObject({ name: 'Dana Reyes', address: '1 Main St' });
		// The quote still waits for its answer.
		const later = await route({ channel: 'sms', text: 'ok we accept', phone: '+12125550118' });
		expect(later.route).toBe('answer');
	});

	it("points to a visit's page only for a message about the visit; anything else joins the case", async () => {
		await quoteCase('cs_intake_visit', '+12125550119');
		await createLink(
			store,
			{ ...quoteLink('cs_intake_visit'), kind: 'visit_change', resumeUrl: null },
			SECRET,
			NOW - 1000,
		);
		const move = await route({
			channel: 'sms',
			text: 'Can we move it to Friday?',
			phone: '+12125550119',
		});
		expect(move).toMatchObject({ route: 'page', link_kind: 'visit_change' });
		expect(move.reply).toMatch(/To move, skip or cancel your visit, open: https:\/\/n8n\.example/);
		const spanish = await route({
			channel: 'sms',
			text: 'Necesito cambiar la cita',
			phone: '+12125550119',
		});
		expect(spanish.route).toBe('page');
		const more = await route({
			channel: 'sms',
			text: 'Could you also quote the windows?',
			phone: '+12125550119',
		});
		expect(more).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_visit', joined: true });
	});

	it('joins a case across channels: an e-mail from the address a text case has', async () => {
		await quoteCase('cs_intake_cross', '+12125550115', 'sam@example.com');
		const routed = await route({ channel: 'email', text: 'Any news?', email: 'SAM@example.com' });
		expect(routed).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_cross', joined: true });
	});

	it('sends a message on a case a person holds to that person', async () => {
		await recordCaseStep(
			store,
			{
				case: { case_id: 'cs_intake_ops' },
				customer: { name: 'Lee', phone: '+12125550116' },
				message: 'x',
			},
			'handedOver',
			BY,
			NOW - 1000,
			'asked for a person',
		);
		const routed = await route({ channel: 'sms', text: 'Still there?', phone: '+12125550116' });
		expect(routed).toMatchObject({ route: 'ops', case_id: 'cs_intake_ops' });
	});

	it('starts a new case when the open one has not moved in 90 days, but remembers the customer', async () => {
		await quoteCase('cs_intake_old', '+12125550117');
		const later = NOW + 91 * 86_400_000;
		const routed = await route(
			{ channel: 'sms', text: 'Hello again', phone: '+12125550117' },
			later,
		);
		expect(routed).toMatchObject({ route: 'inquiry', case_id: null, joined: false });
		expect(routed.known.name).toBe('Dana Reyes');
	});

	it('limits submissions per sender across e-mail, phone and client address, forgetting old ones', async () => {
		const limit = { max: 2, windowMinutes: 60 };
		const take = (keys: string[], at = NOW) => takeRateLimit(store, keys, at, limit);
		expect(await take(['email:a@x.test', 'client:10.0.0.1'])).toEqual({ allowed: true });
		expect(await take(['email:a@x.test'])).toEqual({ allowed: true });
		// The third from that e-mail is refused, and not counted.
		expect(await take(['email:a@x.test', 'phone:+12125550199'])).toMatchObject({
			allowed: false,
			key: 'email:a@x.test',
			retry_after_s: 3600,
		});
		// Another e-mail from the same client address: one more is allowed there, then that address is full.
		expect(await take(['email:b@x.test', 'client:10.0.0.1'])).toEqual({ allowed: true });
		expect(await take(['email:c@x.test', 'client:10.0.0.1'])).toMatchObject({
			allowed: false,
			key: 'client:10.0.0.1',
		});
		// An hour on, the window has moved.
		expect(await take(['email:a@x.test'], NOW + 61 * 60_000)).toEqual({ allowed: true });
		expect(await take([''])).toEqual({ allowed: true });
	});

	it('takes a web form as a new request, never as an answer to what the case waits for', async () => {
		await quoteCase('cs_intake_form', '+12125550120', 'form@example.com');
		await createLink(store, quoteLink('cs_intake_form'), SECRET, NOW - 1000);
		const routed = await route({
			channel: 'web_form',
			text: 'yes please',
			email: 'form@example.com',
		});
		expect(routed).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_form', joined: true });
	});

	it("follows an e-mail's References before the sender's address", async () => {
		await recordCaseStep(
			store,
			{
				case: { case_id: 'cs_intake_mail1', thread: { message_id: 'first@mail.test' } },
				customer: { name: 'Kim', email: 'kim@example.com' },
				message: 'x',
			},
			'asked',
			BY,
			NOW - 5000,
		);
		await recordCaseStep(
			store,
			{
				case: { case_id: 'cs_intake_mail2' },
				customer: { name: 'Kim', email: 'kim@example.com' },
				message: 'y',
			},
			'asked',
			BY,
			NOW - 1000,
		);
		const reply = await route({
			channel: 'email',
			text: 'About my first request',
			email: 'kim@example.com',
			message_id: '<reply@mail.test>',
			references: '<first@mail.test>',
		});
		expect(reply).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_mail1' });
		const fresh = await route({
			channel: 'email',
			text: 'Another thing',
			email: 'kim@example.com',
		});
		expect(fresh).toMatchObject({ route: 'inquiry', case_id: 'cs_intake_mail2' });
	});
});
