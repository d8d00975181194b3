/**
 * The links people open (a quote reply, an ops decision) and the agreement's signing page:
 * made, opened, answered once, refused when changed, made up, expired or used, on SQLite
 * and PostgreSQL; the pages each state shows, and what a bad submission is told.
 */
import {
	contractPdf,
	documentText,
	generateContract,
	recordSignature,
	signingState,
} from '../../nodes/ContractAgent/contract';
import { signingPageHtml, signingPageStatus } from '../../nodes/ContractAgent/signing-page';
import { priceSync } from '../../nodes/PricingAgent/price';
import {
	askBackPage,
	crewVisitPage,
	decisionPage,
	linkPageHtml,
	linkPageStatus,
	noRoomPage,
	quoteReplyPage,
	slotOfChoice,
	visitChangePage,
} from '../../nodes/BookingRecords/pages';
import {
	claimLink,
	createLink,
	findLink,
	linkToken,
	readLinkAnswer,
	type LinkPage,
} from '../../nodes/shared/records/links';
import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingStore,
} from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(60_000);

const SECRET = 'test-signing-secret-0123456789';
const NOW = Date.parse('2026-12-05T15:00:00Z');
const HOUR = 3_600_000;
const BASE = 'https://n8n.example/webhook/link';
const RESUME = 'https://n8n.example/webhook-waiting/42?signature=abc';

const quote = priceSync(
	{ service_type: 'commercial_cleaning', square_feet: 7200, frequency: 'weekly' },
	{ now: '2026-12-05T15:00:00Z' },
);
const item = {
	business: {
		name: 'Bright Clean Co.',
		email: 'hello@brightclean.example',
		phone: '+1 212 555 0100',
		time_zone: 'America/New_York',
	},
	customer: { name: 'Jo <Banks>', email: 'jo@warehouse.example', phone: '+12125550150' },
	quote,
};

describe('link pages (pure)', () => {
	it('a quote reply page shows the offer in the business zone and offers Accept or a question', () => {
		const page = quoteReplyPage(item);
		expect(page.title).toBe('Your quote from Bright Clean Co.');
		expect(page.facts).toEqual(
			expect.arrayContaining([
				{ label: 'Service', value: 'commercial cleaning' },
				{ label: 'Price per visit', value: '$576.00' },
				{ label: 'A month', value: '$2,496.00 (weekly visits)' },
				{ label: 'Valid until', value: 'December 19, 2026' },
			]),
		);
		expect(page.choices.map((c) => c.value)).toEqual(['accept', 'question']);
		expect(page.contact).toBe('call us on +1 212 555 0100 or write to hello@brightclean.example');
		// The customer's name is text on the page, never markup.
		const html = linkPageHtml({
			state: 'open',
			link: {
				id: 'lk_x',
				case_id: 'cs_x',
				kind: 'quote_reply',
				page,
				resume_url: null,
				created_at_ms: NOW,
				expires_at_ms: NOW + HOUR,
				used_at_ms: null,
				answer: null,
			},
		});
		expect(html).toContain('Hi Jo &lt;Banks&gt;');
		expect(html).not.toContain('<Banks>');
		expect(html).toContain('<form method="post">');
		expect(html).not.toMatch(/<script/i);
	});

	it('a counter-offer page shows the negotiated price, not the first one', () => {
		const page = quoteReplyPage({
			...item,
			negotiation: { message: 'Our best is 5% off.', quote: { ...quote, total_cents: 54720 } },
		});
		expect(page.facts).toContainEqual({ label: 'Price per visit', value: '$547.20' });
		expect(page.paragraphs[0]).toMatch(/after your reply/);
	});

	it('a decision page says who asks for what, what approving gives, and asks for a name', () => {
		const page = decisionPage({
			...item,
			reply: 'Can you do 15% off?',
			negotiation: {
				quote,
				reason: 'a 15% discount needs approval',
				pending_approval: { discount_pct: 15, total_cents: 48960 },
			},
		});
		expect(page.title).toBe('Decide: Jo <Banks> asks for 15% off');
		expect(page.facts).toEqual(
			expect.arrayContaining([
				{ label: 'Our offer', value: '$576.00 per visit' },
				{ label: 'Approving gives', value: '$489.60 per visit (15% off)' },
				{ label: 'Their reply', value: 'Can you do 15% off?' },
			]),
		);
		expect(page.ask_name).toBe(true);
		expect(page.choices.map((c) => c.label)).toEqual([
			'Approve 15% off',
			'Decline: our offer stands',
			'Counter at another price (type it below)',
		]);
	});

	it('a counter needs a price per visit in dollars and cents, below the offer', () => {
		const page = decisionPage({ ...item, negotiation: { quote } });
		expect(page.fields).toEqual([
			expect.objectContaining({ name: 'counter_amount', kind: 'number', step: 0.01, max: 575.99 }),
		]);
		const answer = (counter_amount: string) =>
			readLinkAnswer(page, { choice: 'counter', name: 'Mo', counter_amount }, NOW);
		expect(answer('').problems).toEqual([
			{ field: 'counter_amount', fix: 'Fill in "Counter at (per visit)".' },
		]);
		expect(answer('500.125').problems[0].fix).toMatch(
			/is an amount \(cents are fine, like 1,250.50\)/,
		);
		expect(answer('576').problems[0].fix).toMatch(/between 1 and 575.99/);
		expect(answer('1,250').problems[0].fix).toMatch(/between 1 and 575.99/);
		expect(answer('$499').problems[0].fix).toMatch(/is an amount/);
		expect(answer('499.5').answer?.answers).toEqual({ counter_amount: 499.5 });
		expect(answer('500.12').answer?.answers).toEqual({ counter_amount: 500.12 });
		// Approving or declining needs no amount.
		expect(readLinkAnswer(page, { choice: 'decline', name: 'Mo' }, NOW).answer?.answers).toEqual(
			{},
		);
	});

	it('reads a submitted page, and names each field to fix', () => {
		const page = decisionPage(item);
		expect(readLinkAnswer(page, {}, NOW).problems).toEqual([
			{
				field: 'choice',
				fix: 'Choose one: Approve, Decline: our offer stands, Counter at another price (type it below).',
			},
			{ field: 'name', fix: 'Type your name: the answer says who gave it.' },
		]);
		expect(readLinkAnswer(page, { choice: 'maybe', name: 'Mo' }, NOW).problems[0].field).toBe(
			'choice',
		);
		expect(
			readLinkAnswer(page, { choice: 'approve', name: 'Mo', message: 'x'.repeat(2001) }, NOW)
				.problems,
		).toEqual([{ field: 'message', fix: expect.stringMatching(/under 2000 characters/) }]);
		expect(
			readLinkAnswer(page, { choice: 'approve', name: ' Mo ', message: ' ok ' }, NOW).answer,
		).toEqual({
			choice: 'approve',
			choice_label: 'Approve',
			answers: {},
			reply: 'ok',
			message: 'ok',
			name: 'Mo',
			answered_at_ms: NOW,
		});
		const quotePage = quoteReplyPage(item);
		// A question needs words; Accept says so itself.
		expect(readLinkAnswer(quotePage, { choice: 'question', message: '  ' }, NOW).problems).toEqual([
			{
				field: 'message',
				fix: 'Write your question or the change you would like in the "Your message" box.',
			},
		]);
		expect(readLinkAnswer(quotePage, { choice: 'accept' }, NOW).answer?.reply).toBe(
			'Yes, I accept the quote.',
		);
		// Hostile shapes are only text: arrays take their first value, objects are nothing.
		expect(readLinkAnswer(quotePage, { choice: ['accept', 'question'] }, NOW).answer?.choice).toBe(
			'accept',
		);
		expect(readLinkAnswer(quotePage, { choice: { $ne: 1 } }, NOW).problems[0].field).toBe('choice');
		expect(readLinkAnswer(quotePage, null, NOW).problems[0].field).toBe('choice');
	});

	it('each state has its status and says what happened', () => {
		expect(linkPageStatus({ state: 'open' })).toBe(200);
		expect(linkPageStatus({ state: 'open', problems: [{ field: 'choice', fix: 'x' }] })).toBe(400);
		expect(linkPageStatus({ state: 'invalid' })).toBe(404);
		expect(linkPageStatus({ state: 'used' })).toBe(410);
		expect(linkPageStatus({ state: 'expired' })).toBe(410);
		expect(linkHtml('invalid')).toMatch(/This link is not valid/);
		expect(linkHtml('expired')).toMatch(/This link has expired.*December 5, 2026 at 11:00 AM/s);
		expect(linkHtml('closed')).toMatch(/This has moved on/);
		expect(linkHtml('used')).toMatch(
			/already used.*Accept the quote.*December 5, 2026 at 10:30 AM/s,
		);
	});
});

function linkHtml(state: 'invalid' | 'expired' | 'closed' | 'used') {
	const page: LinkPage = quoteReplyPage(item);
	return linkPageHtml({
		state,
		link:
			state === 'invalid'
				? null
				: {
						id: 'lk_x',
						case_id: 'cs_x',
						kind: 'quote_reply',
						page,
						resume_url: null,
						created_at_ms: NOW - HOUR,
						expires_at_ms: NOW + HOUR,
						used_at_ms: state === 'used' ? NOW + HOUR / 2 : null,
						answer:
							state === 'used'
								? {
										choice: 'accept',
										choice_label: 'Accept the quote',
										reply: 'Yes',
										message: null,
										name: null,
										answers: {},
										answered_at_ms: NOW + HOUR / 2,
									}
								: null,
					},
	});
}

describe('the ask-back page (pure)', () => {
	const asking = {
		...item,
		message: 'Deep clean of our house next week please',
		qualification: {
			service_type: 'deep_cleaning',
			ask_before_booking: ['address', 'bedrooms', 'bathrooms'],
		},
	};
	const page = askBackPage(asking);
	const link = {
		id: 'lk_ask',
		case_id: 'cs_ask',
		kind: 'ask_back' as const,
		page,
		resume_url: RESUME,
		created_at_ms: NOW,
		expires_at_ms: NOW + 72 * HOUR,
		used_at_ms: null,
		answer: null,
	};

	it('asks for what the Qualifier lists, then a preferred time when none was given', () => {
		expect(page.title).toBe('A few details to book your deep cleaning');
		expect(page.fields!.map((f) => [f.name, f.required])).toEqual([
			['address', true],
			['bedrooms', true],
			['bathrooms', true],
			['preference', false],
		]);
		expect(page.choices).toEqual([{ value: 'send', label: 'Send the details' }]);
		// A preference already given is not asked again; an unknown fact is not a field.
		const given = askBackPage({
			...asking,
			preference: 'Tuesday',
			qualification: {
				service_type: 'commercial_cleaning',
				ask_before_booking: ['square_feet', 'x'],
			},
		});
		expect(given.fields!.map((f) => f.name)).toEqual(['square_feet']);
	});

	it('shows the fields, one Send button named by its choice, and keeps what was typed with the problem', () => {
		const html = linkPageHtml({ state: 'open', link });
		expect(html).toContain('<input type="hidden" name="choice" value="send">');
		expect(html).toContain('<button type="submit">Send the details</button>');
		expect(html).not.toContain('type="radio"');
		expect(html).toMatch(/<label for="f_bedrooms">Bedrooms<\/label>/);
		expect(html).toMatch(/When would suit you\? \(optional\)/);
		expect(html).toContain('inputmode="decimal"');
		const form = { choice: 'send', address: '1 <b>Elm</b> St', bedrooms: 'three', bathrooms: '2' };
		const read = readLinkAnswer(page, form, NOW);
		expect(read.problems).toEqual([
			{ field: 'bedrooms', fix: '"Bedrooms" is a whole number; got "three".' },
		]);
		const again = linkPageHtml({ state: 'open', link, problems: read.problems, form });
		expect(linkPageStatus({ state: 'open', problems: read.problems })).toBe(400);
		expect(again).toContain('value="1 &lt;b&gt;Elm&lt;/b&gt; St"');
		expect(again).toContain('&quot;Bedrooms&quot; is a whole number');
	});

	it('reads numbers as people type them and refuses what is out of range or missing', () => {
		const read = (form: Record<string, unknown>) =>
			readLinkAnswer(page, { choice: 'send', ...form }, NOW);
		expect(
			read({ address: ' 22  Elm St ', bedrooms: '3 bedrooms', bathrooms: '1.5', preference: '' })
				.answer,
		).toMatchObject({
			choice: 'send',
			answers: { address: '22 Elm St', bedrooms: 3, bathrooms: 1.5 },
			reply: '',
		});
		const sqft = askBackPage({
			...asking,
			qualification: { service_type: 'commercial_cleaning', ask_before_booking: ['square_feet'] },
		});
		expect(
			readLinkAnswer(sqft, { choice: 'send', square_feet: '1,800 sq ft' }, NOW).answer?.answers,
		).toEqual({ square_feet: 1800 });
		expect(readLinkAnswer(sqft, { choice: 'send', square_feet: '12' }, NOW).problems).toEqual([
			{ field: 'square_feet', fix: '"Area (square feet)" is between 100 and 2,000,000; got 12.' },
		]);
		const problems = read({
			address: '',
			bedrooms: '2.5',
			bathrooms: '1.25',
			preference: 'x'.repeat(301),
		}).problems;
		expect(problems.map((p) => p.field)).toEqual([
			'address',
			'bedrooms',
			'bathrooms',
			'preference',
		]);
		expect(problems[0].fix).toBe('Fill in "Address of the visit".');
		expect(problems[2].fix).toMatch(/halves are fine/);
		// Hostile shapes: arrays take their first value, objects are not text.
		expect(
			read({ address: ['9 Oak Rd', 'x'], bedrooms: [2], bathrooms: { $gt: 1 } }).problems,
		).toEqual([expect.objectContaining({ field: 'bathrooms' })]);
	});
});

describe('the no-room page (pure)', () => {
	const noRoom = {
		...item,
		qualification: { service_type: 'standard_cleaning' },
		customer: { ...item.customer, address: '3 Full St' },
		no_room: {
			preference: 'Sunday',
			reason: 'No free slot matches the request within the booking horizon.',
		},
		booking: {
			status: 'slots',
			duration_minutes: 150,
			slots: [
				{ start: '2026-12-07T08:00:00-05:00', crew_id: 'crew-a', crew_name: 'Crew A' },
				{ start: '2026-12-07T13:00:00-05:00', crew_id: 'crew-b', crew_name: 'Crew B' },
			],
		},
	};
	const page = noRoomPage(noRoom);

	it('offers the next free times in the business zone, another time to type, or a call, and asks who decides', () => {
		expect(page.title).toBe('Find a time: Jo <Banks>');
		expect(page.choices.map((c) => [c.value, c.label])).toEqual([
			['slot:2026-12-07T08:00:00-05:00|crew-a', 'Monday, December 7 at 8:00 AM (Crew A)'],
			['slot:2026-12-07T13:00:00-05:00|crew-b', 'Monday, December 7 at 1:00 PM (Crew B)'],
			['typed', 'Another time (type it below)'],
			['call', 'No time works: we will call the customer'],
		]);
		expect(page.facts).toEqual(
			expect.arrayContaining([
				{ label: 'Takes', value: '2 h 30 min' },
				{ label: 'They asked for', value: 'Sunday' },
				{ label: 'Address', value: '3 Full St' },
			]),
		);
		expect(page.ask_name).toBe(true);
		const html = linkPageHtml({
			state: 'open',
			link: {
				id: 'lk_nr',
				case_id: 'cs_nr',
				kind: 'no_room',
				page,
				resume_url: RESUME,
				created_at_ms: NOW,
				expires_at_ms: NOW + 24 * HOUR,
				used_at_ms: null,
				answer: null,
			},
		});
		// The time to type comes under the choices, as a date and time picker.
		expect(html.indexOf('type="datetime-local"')).toBeGreaterThan(html.indexOf('value="call"'));
		expect(noRoomPage({ ...noRoom, booking: { slots: [] } }).choices.map((c) => c.value)).toEqual([
			'typed',
			'call',
		]);
	});

	it('reads the time typed in the business zone; it is needed only for "another time", and must be to come', () => {
		const answer = (form: Record<string, unknown>) =>
			readLinkAnswer(page, { name: 'Morgan', ...form }, NOW);
		expect(answer({ choice: 'typed', start: '2026-12-15T14:30' }).answer?.answers).toEqual({
			start: '2026-12-15T14:30:00-05:00',
		});
		expect(answer({ choice: 'typed', start: '' }).problems).toEqual([
			{ field: 'start', fix: 'Fill in "Another time".' },
		]);
		expect(answer({ choice: 'typed', start: 'next tuesday' }).problems[0].fix).toMatch(
			/is a date and time, like 2026-12-08 14:30/,
		);
		expect(answer({ choice: 'typed', start: '2026-12-01T09:00' }).problems[0].fix).toMatch(
			/is in the past \(December 1 at 9:00 AM\)/,
		);
		expect(answer({ choice: 'typed', start: '2026-02-30T09:00' }).problems[0].field).toBe('start');
		expect(answer({ choice: 'call' }).problems).toEqual([]);
		expect(slotOfChoice('slot:2026-12-07T08:00:00-05:00|crew-a', '')).toEqual({
			start: '2026-12-07T08:00:00-05:00',
			crew_id: 'crew-a',
		});
		expect(slotOfChoice('typed', '2026-12-15T14:30:00-05:00')).toEqual({
			start: '2026-12-15T14:30:00-05:00',
			crew_id: null,
		});
		expect(slotOfChoice('call', '2026-12-15T14:30:00-05:00')).toBeNull();
		expect(slotOfChoice('typed', '')).toBeNull();
	});
});

describe.each(storeBackends('links'))('links in the %s store', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeAll(async () => {
		({ store, done } = await open());
	});
	afterAll(async () => await done?.());

	const make = async (validHours = 336) =>
		await createLink(
			store,
			{
				caseId: 'cs_links1',
				kind: 'quote_reply',
				page: quoteReplyPage(item),
				resumeUrl: RESUME,
				baseUrl: BASE,
				validHours,
			},
			SECRET,
			NOW,
		);
	const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;

	it('makes a link whose token opens its page until it expires', async () => {
		const link = await make();
		expect(link.url).toMatch(/^https:\/\/n8n\.example\/webhook\/link\?t=lk_[\w-]{16}\.[\w-]{43}$/);
		expect(link.expires_at_ms).toBe(NOW + 336 * HOUR);
		const opened = await findLink(store, tokenOf(link.url), SECRET, NOW + HOUR);
		expect(opened.state).toBe('open');
		expect(opened.link).toMatchObject({
			case_id: 'cs_links1',
			kind: 'quote_reply',
			resume_url: RESUME,
		});
		expect((await findLink(store, tokenOf(link.url), SECRET, NOW + 337 * HOUR)).state).toBe(
			'expired',
		);
	});

	it('refuses a token that was changed, made up, signed with another secret, or is not a token', async () => {
		const link = await make();
		const token = tokenOf(link.url);
		const [id, mac] = token.split('.');
		const flipped = `${id}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
		for (const bad of [
			flipped,
			`lk_AAAAAAAAAAAAAAAA.${mac}`,
			`${id}.${mac}x`,
			'',
			null,
			{ token },
			"lk_' OR 1=1 --.x",
			linkToken(
				{ id, kind: 'quote_reply', case_id: 'cs_links1', expires_at_ms: NOW + 999 * HOUR },
				SECRET,
			),
			linkToken(
				{ id, kind: 'ops_decision', case_id: 'cs_links1', expires_at_ms: link.expires_at_ms },
				SECRET,
			),
		])
			expect((await findLink(store, bad, SECRET, NOW)).state).toBe('invalid');
		expect((await findLink(store, token, 'another-secret-0123456789', NOW)).state).toBe('invalid');
	});

	it('takes one answer: a second one, however close, finds the link used', async () => {
		const link = await make();
		const { link: found } = await findLink(store, tokenOf(link.url), SECRET, NOW);
		const answer = readLinkAnswer(found!.page, { choice: 'accept' }, NOW + 1).answer!;
		const claims = await Promise.all(
			Array.from({ length: 8 }, () => claimLink(store, found!, answer)),
		);
		expect(claims.filter(Boolean)).toHaveLength(1);
		const used = await findLink(store, tokenOf(link.url), SECRET, NOW + 2);
		expect(used.state).toBe('used');
		expect(used.link?.answer).toEqual(answer);
		expect(used.link?.used_at_ms).toBe(NOW + 1);
	});

	it("gives back the case's open link of a kind when asked to reuse it, and a new one once it is answered", async () => {
		const ask = async (nowMs: number) =>
			await createLink(
				store,
				{
					caseId: 'cs_reuse',
					kind: 'ask_back',
					page: askBackPage({ ...item, qualification: { ask_before_booking: ['address'] } }),
					resumeUrl: RESUME,
					baseUrl: BASE,
					validHours: 72,
					reuseOpen: true,
				},
				SECRET,
				nowMs,
			);
		const first = await ask(NOW);
		expect(first.reused).toBe(false);
		const [again, atOnce] = await Promise.all([ask(NOW + 1000), ask(NOW + 1000)]);
		expect(again).toEqual({ ...first, reused: true });
		expect(atOnce).toEqual({ ...first, reused: true });
		const { link } = await findLink(store, tokenOf(first.url), SECRET, NOW + 2000);
		const answer = readLinkAnswer(link!.page, { choice: 'send', address: '1 Elm St' }, NOW + 2000);
		expect(await claimLink(store, link!, answer.answer!)).toBe(true);
		const next = await ask(NOW + 3000);
		expect(next.reused).toBe(false);
		expect(next.url).not.toBe(first.url);
		// Expired links are not given back either.
		expect((await ask(NOW + 80 * HOUR)).url).not.toBe(next.url);
	});

	it('refuses a page whose field would shadow the choice, the message, the name or the token', async () => {
		for (const name of ['choice', 'message', 'name', 't', 'Bad Name', ''])
			await expect(
				createLink(
					store,
					{
						caseId: 'cs_fields',
						kind: 'ask_back',
						page: {
							...askBackPage(item),
							fields: [{ name, label: 'x', kind: 'text', required: false }],
						},
						resumeUrl: null,
						baseUrl: BASE,
						validHours: 1,
					},
					SECRET,
					NOW,
				),
			).rejects.toMatchObject({ field: 'page.fields' });
	});

	it('refuses to make a link without a secret, a case, a time or an address, naming the field', async () => {
		const base = {
			caseId: 'cs_links1',
			kind: 'quote_reply' as const,
			page: quoteReplyPage(item),
			resumeUrl: RESUME,
			baseUrl: BASE,
			validHours: 1,
		};
		await expect(createLink(store, base, 'short', NOW)).rejects.toMatchObject({ field: 'secret' });
		await expect(createLink(store, { ...base, caseId: '' }, SECRET, NOW)).rejects.toMatchObject({
			field: 'case',
		});
		await expect(createLink(store, { ...base, validHours: 0 }, SECRET, NOW)).rejects.toMatchObject({
			field: 'validHours',
		});
		await expect(
			createLink(store, { ...base, validHours: 24 * 91 }, SECRET, NOW),
		).rejects.toMatchObject({ field: 'validHours' });
		await expect(createLink(store, { ...base, baseUrl: '' }, SECRET, NOW)).rejects.toMatchObject({
			field: 'linksUrl',
		});
		await expect(
			createLink(store, { ...base, resumeUrl: 'javascript:alert(1)' }, SECRET, NOW),
		).rejects.toMatchObject({ field: 'resumeUrl' });
		await expect(
			createLink(store, { ...base, kind: 'other' as never }, SECRET, NOW),
		).rejects.toMatchObject({ field: 'kind' });
	});
});

const visitItem = {
	business: item.business,
	booking: {
		booking_id: 'bk_crew1',
		status: 'confirmed',
		start: '2026-12-07T14:00:00Z',
		end: '2026-12-07T17:00:00Z',
		time_zone: 'America/New_York',
		service: 'deep_cleaning',
		crew_name: 'Crew A',
		customer: {
			name: 'Dana <Lee>',
			email: 'dana@example.com',
			phone: '+12125550123',
			address: '12 Elm St, Apt 3',
		},
	},
	customer: null,
};

describe("a crew's visit page", () => {
	it("shows ops' notes on the customer record (gate code, pets) to the crew", () => {
		const withNotes = {
			...visitItem,
			booking: {
				...visitItem.booking,
				customer: {
					...visitItem.booking.customer,
					notes: ['Gate code 4411', 'The dog stays in the yard', 42],
				},
			},
		};
		expect(crewVisitPage(withNotes).facts).toEqual(
			expect.arrayContaining([
				{ label: 'Notes', value: 'Gate code 4411; The dog stays in the yard' },
			]),
		);
	});

	it('shows the visit in the business zone with a button per step, the customer as text', () => {
		const page = crewVisitPage(visitItem);
		expect(page).toMatchObject({
			title: 'Visit: deep cleaning for Dana <Lee>',
			booking_id: 'bk_crew1',
			buttons: true,
			ask_name: false,
		});
		expect(page.facts).toEqual(
			expect.arrayContaining([
				{ label: 'When', value: 'Monday, December 7, 9:00 AM-12:00 PM' },
				{ label: 'Address', value: '12 Elm St, Apt 3' },
				{ label: 'Customer', value: 'Dana <Lee> · +12125550123' },
			]),
		);
		expect(page.choices.map((c) => [c.value, Boolean(c.keeps_open)])).toEqual([
			['on_my_way', true],
			['started', true],
			['done', false],
			['not_done', false],
		]);
		const html = linkPageHtml({
			state: 'open',
			link: {
				id: 'lk_c',
				case_id: 'cs_c',
				kind: 'crew_visit',
				page,
				resume_url: null,
				created_at_ms: NOW,
				expires_at_ms: NOW + 30 * HOUR,
				used_at_ms: null,
				answer: null,
			},
		});
		expect(html).toContain('Dana &lt;Lee&gt;');
		expect(html).not.toContain('<Lee>');
		expect(html.match(/<button type="submit" name="choice"/g)).toHaveLength(4);
		expect(html).not.toContain('type="radio"');
		expect(html).toContain('This link works for each step once');
		// "Could not do it" needs the note: without it the page names the message box.
		expect(readLinkAnswer(page, { choice: 'not_done' }, NOW).problems).toEqual([
			{
				field: 'message',
				fix: 'Say in the note why the visit could not be done: ops read it before they call.',
			},
		]);
	});
});

describe("a customer's own visit page", () => {
	it('offers to move a visit to a typed time and to cancel it; a series visit is skipped instead; a move needs the time', () => {
		const page = visitChangePage(visitItem);
		expect(page.title).toBe('Change your booking: deep cleaning');
		expect(page.facts).toEqual(
			expect.arrayContaining([{ label: 'Booked for', value: 'Monday, December 7 at 9:00 AM' }]),
		);
		expect(page.choices.map((c) => c.value)).toEqual(['move', 'offer', 'cancel']);
		expect(readLinkAnswer(page, { choice: 'move' }, NOW).problems).toEqual([
			{ field: 'start', fix: 'Fill in "The new time".' },
		]);
		expect(
			readLinkAnswer(page, { choice: 'move', start: '2026-12-09T10:30' }, NOW).answer?.answers,
		).toEqual({ start: '2026-12-09T10:30:00-05:00' });
		const series = visitChangePage({
			...visitItem,
			booking: { ...visitItem.booking, series_id: 'sr_1' },
		});
		expect(series.choices.map((c) => c.value)).toEqual([
			'move',
			'offer',
			'skip',
			'pause',
			'change',
			'end',
		]);
		expect(series.series_id).toBe('sr_1');
		// A new day and time from this visit on: both picked from the page's lists.
		expect(readLinkAnswer(series, { choice: 'change', weekday: 'thu' }, NOW).problems).toEqual([
			{ field: 'time', fix: 'Fill in "New time".' },
		]);
		expect(
			readLinkAnswer(series, { choice: 'change', weekday: 'thu', time: '14:00' }, NOW).answer
				?.answers,
		).toEqual({ weekday: 'thu', time: '14:00' });
		expect(
			readLinkAnswer(series, { choice: 'change', weekday: 'someday', time: '14:00' }, NOW).problems,
		).toEqual([{ field: 'weekday', fix: expect.stringMatching(/New day/) }]);
		expect(readLinkAnswer(series, { choice: 'end' }, NOW).answer?.choice).toBe('end');
		// A pause needs its last day, a day to come.
		expect(readLinkAnswer(series, { choice: 'pause' }, NOW).problems).toEqual([
			{ field: 'until', fix: 'Fill in "Pause until".' },
		]);
		expect(readLinkAnswer(series, { choice: 'pause', until: '2026-12-01' }, NOW).problems).toEqual([
			{ field: 'until', fix: expect.stringMatching(/is in the past/) },
		]);
		expect(readLinkAnswer(series, { choice: 'pause', until: 'next month' }, NOW).problems).toEqual([
			{ field: 'until', fix: expect.stringMatching(/is a date, like/) },
		]);
		expect(
			readLinkAnswer(series, { choice: 'pause', until: '2027-01-10' }, NOW).answer?.answers,
		).toEqual({ until: '2027-01-10' });
		expect(series.title).toBe('Change this visit: deep cleaning');
	});

	it("a whole series just booked (a welcome's link) is its first visit's page: move, skip or pause", () => {
		const { booking_id: _none, ...series } = visitItem.booking;
		const page = visitChangePage({
			...visitItem,
			booking: {
				...series,
				series_id: 'sr_9',
				rrule: 'RRULE:FREQ=WEEKLY;COUNT=52',
				start: '2026-12-07T14:00:00Z',
				occurrences: [
					{ booking_id: 'bk_first', start: '2026-12-07T14:00:00Z' },
					{ booking_id: 'bk_second', start: '2026-12-14T14:00:00Z' },
				],
			},
		});
		expect(page.booking_id).toBe('bk_first');
		expect(page.facts).toEqual(
			expect.arrayContaining([
				{ label: 'Booked for', value: 'Monday, December 7 at 9:00 AM' },
				{ label: 'Reference', value: 'bk_first' },
			]),
		);
		expect(page.choices.map((c) => c.value)).toEqual([
			'move',
			'offer',
			'skip',
			'pause',
			'change',
			'end',
		]);
	});

	it('offers the free times on the case (a time taken, or the free times asked for) as one tap each, read back with their crew', () => {
		const page = visitChangePage({
			...visitItem,
			booking: {
				...visitItem.booking,
				alternatives: [
					{ start: '2026-12-08T13:00:00-05:00', crew_id: 'crew-b' },
					{ start: '2026-12-09T08:00:00-05:00', crew_id: null },
					{ start: null },
				],
			},
		});
		expect(page.choices.map((c) => c.label)).toEqual([
			'Move it to Tuesday, December 8 at 1:00 PM',
			'Move it to Wednesday, December 9 at 8:00 AM',
			'Move it to the time below',
			'Cancel the visit',
		]);
		const picked = readLinkAnswer(page, { choice: page.choices[0].value }, NOW).answer!;
		expect(slotOfChoice(picked.choice, null)).toEqual({
			start: '2026-12-08T13:00:00-05:00',
			crew_id: 'crew-b',
		});
		expect(slotOfChoice(page.choices[1].value, null)).toEqual({
			start: '2026-12-09T08:00:00-05:00',
			crew_id: null,
		});
		// A typed time is not a slot: it stays in the answers.
		expect(slotOfChoice('move', '2026-12-09T10:30:00-05:00')).toBeNull();
	});
});

describe.each(storeBackends('crewlinks'))(
	"a crew's steps on one link in the %s store",
	(_name, open) => {
		let store: BookingStore;
		let done: () => Promise<void>;
		beforeAll(async () => {
			({ store, done } = await open());
		});
		afterAll(async () => await done?.());
		const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;

		it('takes each step once and stays open until done; the page lists what is done and offers what comes next', async () => {
			const made = await createLink(
				store,
				{
					caseId: 'cs_visit1',
					kind: 'crew_visit',
					page: crewVisitPage(visitItem),
					resumeUrl: null,
					baseUrl: BASE,
					validHours: 30,
				},
				SECRET,
				NOW,
			);
			const token = tokenOf(made.url);
			const step = async (choice: string, at: number, message?: string) => {
				const { state, link } = await findLink(store, token, SECRET, at);
				if (state !== 'open') return { state, taken: false };
				const read = readLinkAnswer(link!.page, { choice, message }, at);
				if (!read.answer) return { state, taken: false, problems: read.problems };
				return { state, taken: await claimLink(store, link!, read.answer) };
			};
			// Two taps on "On my way" at once: one is taken.
			const link0 = (await findLink(store, token, SECRET, NOW)).link!;
			const tap = readLinkAnswer(link0.page, { choice: 'on_my_way' }, NOW + 1).answer!;
			const taps = await Promise.all([1, 2, 3].map(() => claimLink(store, link0, tap)));
			expect(taps.filter(Boolean)).toHaveLength(1);
			const after = await findLink(store, token, SECRET, NOW + 2);
			expect(after.state).toBe('open');
			expect(after.link!.page.choices.map((c) => c.value)).toEqual(['started', 'done', 'not_done']);
			expect(after.link!.page.done_steps).toEqual([{ label: 'On my way', at_ms: NOW + 1 }]);
			expect(after.link!.answer?.choice).toBe('on_my_way');
			// A stale page's "On my way" (tapped again later) is not taken again; the page says what is done.
			expect((await step('on_my_way', NOW + 3)).taken).toBe(false);
			expect(
				linkPageHtml({ state: 'open', link: after.link }).match(/On my way: \d+:\d+ (AM|PM) ✓/),
			).not.toBeNull();
			// Done straight after on my way: "Started" is skipped, the link is used.
			expect((await step('done', NOW + HOUR, 'All done')).taken).toBe(true);
			const used = await findLink(store, token, SECRET, NOW + HOUR + 1);
			expect(used.state).toBe('used');
			expect(used.link!.answer).toMatchObject({ choice: 'done', message: 'All done' });
			expect((await step('started', NOW + HOUR + 2)).state).toBe('used');
		});
	},
);

describe('the signing page', () => {
	let store: SqliteBookingStore;
	beforeEach(async () => {
		store = new SqliteBookingStore(':memory:');
		await store.init();
	});
	afterEach(async () => await store.close());
	const now = '2026-12-05T15:00:00Z';
	const agreement = async () =>
		await generateContract(
			{
				customer: { name: 'Dana Lee', address: '1 Main St', email: 'dana@example.com' },
				business: { name: 'Bright Clean', phone: '+1 212 555 0100' },
				quote,
				booking: {
					series_id: 'sr_1',
					start: '2026-12-07T09:00:00-05:00',
					time_zone: 'America/New_York',
				},
				signingBaseUrl: 'https://n8n.example/webhook/sign-agreement',
				resumeUrl: RESUME,
			},
			{ store, signingSecret: SECRET, now },
		);

	it('shows the agreement and a form to sign while open; signed, it shows who and when, once only resuming the flow', async () => {
		const { contract } = await agreement();
		const open = await signingState(contract.signing_token, { store, signingSecret: SECRET, now });
		expect(open.state).toBe('open');
		const html = signingPageHtml(open);
		expect(html).toContain('SERVICE AGREEMENT');
		expect(html).toContain('<form method="post">');
		expect(html).toContain(contract.document_sha256);
		expect(signingPageStatus(open)).toBe(200);
		expect(
			signingPageHtml({ ...open, problem: "The signer's full name is needed to sign." }),
		).toContain('role="alert">The signer&#39;s full name is needed to sign.');

		const first = await recordSignature(
			{ token: contract.signing_token, name: 'Dana Lee' },
			{ store, signingSecret: SECRET, now },
		);
		expect(first.resume_url).toBe(RESUME);
		const again = await recordSignature(
			{ token: contract.signing_token, name: 'Someone Else' },
			{ store, signingSecret: SECRET, now },
		);
		// Signing twice: the first signature stands and nothing is resumed again.
		expect(again).toMatchObject({
			already_signed: true,
			resume_url: null,
			signature: { name: 'Dana Lee' },
		});
		const signed = await signingState(contract.signing_token, {
			store,
			signingSecret: SECRET,
			now,
		});
		expect(signed.state).toBe('signed');
		const signedHtml = signingPageHtml(signed);
		expect(signedHtml).toMatch(/Signed by <b>Dana Lee<\/b> on December 5, 2026 at 10:00 AM EST/);
		expect(signedHtml).not.toContain('<form');
	});

	it('gives the stored agreement back as the PDF the e-mail carried, and links it from the page', async () => {
		const { contract, pdf } = await agreement();
		const stored = (await store.getContract(contract.contract_id))!;
		// The text comes back from the stored HTML exactly (so the PDF says what was signed).
		expect(documentText(stored.document_html)).toBe(contract.text);
		const again = await contractPdf(stored);
		expect(Buffer.from(again).subarray(0, 5).toString()).toBe('%PDF-');
		expect(again.length).toBe(pdf.length);
		const open = await signingState(contract.signing_token, { store, signingSecret: SECRET, now });
		expect(signingPageHtml({ ...open, token: contract.signing_token })).toContain(
			`<a href="?token=${encodeURIComponent(contract.signing_token)}&amp;format=pdf" download>Download the PDF</a>`,
		);
		expect(signingPageHtml({ ...open, token: null })).not.toContain('Download the PDF');
	});

	it('says why a link cannot be signed: expired, no longer open, not valid', async () => {
		const { contract } = await agreement();
		const later = await signingState(contract.signing_token, {
			store,
			signingSecret: SECRET,
			now: '2026-12-09T15:00:00Z',
		});
		expect(later.state).toBe('expired');
		expect(signingPageHtml(later)).toMatch(/This signing link has expired.*December 8, 2026/s);
		expect(signingPageStatus(later)).toBe(410);
		const record = (await store.getContract(contract.contract_id))!;
		await store.saveContract({ ...record, status: 'ended' });
		const closed = await signingState(contract.signing_token, {
			store,
			signingSecret: SECRET,
			now,
		});
		expect(closed.state).toBe('closed');
		expect(signingPageHtml(closed)).toMatch(/no longer open for signing.*It is ended/s);
		for (const bad of [`${contract.signing_token}x`, 'nonsense', undefined, 42])
			expect((await signingState(bad, { store, signingSecret: SECRET, now })).state).toBe(
				'invalid',
			);
		expect(signingPageStatus({ state: 'invalid' })).toBe(404);
	});
});
