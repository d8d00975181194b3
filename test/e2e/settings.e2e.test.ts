/**
 * Settings in one place, in a real n8n: ops staff keep the rate card, crews,
 * hours, holidays and the business's details in n8n's Data Tables; each change
 * is made the way the Data Tables grid makes it (n8n's REST API, as the editor
 * calls it) and the next booking uses it, with no workflow edited or published
 * again. A bad row stops the case with an error naming the table, the row id
 * and the column, in the ops e-mail and on the failed node.
 */
import path from 'node:path';

import { startBookingEnv } from '../../dev/booking-env';
import { SqliteBookingStore } from '../../nodes/shared/store';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;
let store: SqliteBookingStore;

beforeAll(async () => {
	env = await startBookingEnv({
		only: ['support-error-escalation.json', 'support-human-queue.json', 'booking-simple.json'],
	});
	await env.n8n.waitForWebhook('booking', { probeBody: {} });
	store = new SqliteBookingStore(path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'));
	await store.init();
});

afterAll(async () => {
	await store?.close();
	await env?.stop();
});

let requests = 0;
/** A booking request for a 3-bedroom, 2-bath home clean (its base price comes from residential_base). */
const book = async (name: string, extra: Record<string, unknown> = {}) =>
	await env.post('booking', {
		message: 'Could you clean our 3 bedroom, 2 bath house next week?',
		customer: {
			name,
			email: `${name.split(' ')[0].toLowerCase()}@example.com`,
			address: '12 Oak St',
		},
		request_id: `settings-${++requests}`,
		...extra,
	});

/** A row edit as the Data Tables grid makes it. */
const edit = async (
	table: keyof Env['tables'],
	match: Record<string, unknown>,
	data: Record<string, unknown>,
) => await env.n8n.updateDataTableRows(env.tables[table].id, match, data);

/** The simple booking workflow as n8n has it now: its version changes with any edit or publish. */
const workflowVersion = async () =>
	(await env.n8n.rest('GET', `/workflows/${env.workflows['booking-simple.json'].id}`)).versionId;

it('seeds the seven settings tables with the package defaults, each row with an id ops can find', async () => {
	const names = (await env.n8n.dataTables()).map((t: { name: string }) => t.name).sort();
	expect(names).toEqual(
		[
			'Booking Business',
			'Booking Crews',
			'Booking Holidays',
			'Booking Hours',
			'Booking Messages',
			'Booking Promo Codes',
			'Booking Rate Card',
		].sort(),
	);
	const rates = await env.n8n.dataTableRows(env.tables.rate_card.id);
	expect(rates.find((r: { rate: string }) => r.rate === 'residential_base')).toMatchObject({
		amount: 99,
		id: expect.any(Number),
	});
	const business = await env.n8n.dataTableRows(env.tables.business.id);
	expect(business.find((r: { setting: string }) => r.setting === 'public_url').value).toBe(
		`${env.n8n.baseUrl}/`,
	);
});

it('a price changed in the Rate Card table is on the next quote, with no workflow edited', async () => {
	const version = await workflowVersion();
	const before = await book('Ana Silva');
	expect(before.status).toBe(200);
	const base = before.body.quote.line_items.find((l: { code: string }) => l.code === 'base');
	expect(base.amount_cents).toBe(9900);

	await edit('rate_card', { rate: 'residential_base' }, { amount: 135 });
	const after = await book('Ben Okafor');
	expect(after.status).toBe(200);
	expect(after.body.status).toBe('booked');
	const newBase = after.body.quote.line_items.find((l: { code: string }) => l.code === 'base');
	expect(newBase.amount_cents).toBe(13500);
	expect(after.body.quote.total_cents - before.body.quote.total_cents).toBe(3600);
	expect(await workflowVersion()).toBe(version);
	await edit('rate_card', { rate: 'residential_base' }, { amount: 99 });
});

it('a crew marked inactive and a holiday are honoured by the next booking', async () => {
	const first = await book('Cy Moreau', { preference: 'Tuesday morning' });
	// The answer names no crew id: the store has it.
	const crewOf = async (answer: { body: { booking: { booking_id: string } } }) =>
		(await store.getBooking(answer.body.booking.booking_id))?.crew_id;
	expect(await crewOf(first)).toBe('crew-a');
	const day = first.body.booking.start.slice(0, 10);

	await edit('crews', { crew_id: 'crew-a' }, { active: false });
	await env.n8n.insertDataTableRows(env.tables.holidays.id, [
		{ date: day, name: 'Company day off' },
	]);
	try {
		const second = await book('Di Park', { preference: 'Tuesday morning' });
		expect(second.status).toBe(200);
		expect(await crewOf(second)).not.toBe('crew-a');
		expect(second.body.booking.start.slice(0, 10)).not.toBe(day);
	} finally {
		await edit('crews', { crew_id: 'crew-a' }, { active: true });
		await env.n8n.deleteDataTableRows(env.tables.holidays.id, { date: day });
	}
	expect(await env.n8n.dataTableRows(env.tables.holidays.id)).toEqual([]);
});

it('a bad Rate Card row stops the quote: the customer hears a person will call, ops get the table, row and column', async () => {
	const [row] = (await env.n8n.dataTableRows(env.tables.rate_card.id)).filter(
		(r: { rate: string }) => r.rate === 'extra_bedroom',
	);
	await edit('rate_card', { rate: 'extra_bedroom' }, { rate: 'extra_bedrooms' });
	try {
		const response = await book('Eli Novak');
		expect(response.status).toBe(200);
		expect(response.body.status).toBe('handed_to_person');
		const ops = await env.smtp.waitFor('ops@brightclean.example', 30_000, (m) =>
			/Eli Novak/.test(m.subject ?? ''),
		);
		const where = `Data table "Booking Rate Card", row ${row.id}, column "rate": there is no rate "extra_bedrooms"`;
		expect(ops.text).toContain(where);
		const [execution] = await env.n8n.executions(env.workflows['booking-simple.json'].id, {
			limit: 1,
		});
		const failed = execution.data.resultData.runData['Price the Job'][0].data.main[1][0].json;
		expect(failed.error.message).toContain(where);
		expect(failed.error.description).toMatch(
			new RegExp(`Overview > Data tables > Booking Rate Card \\(the row with id ${row.id}\\)`),
		);
	} finally {
		await edit('rate_card', { rate: 'extra_bedrooms' }, { rate: 'extra_bedroom' });
	}
	expect((await book('Flo Adams')).body.status).toBe('booked');
});

it('a bad Business row stops the booking with the row named, and nothing is booked', async () => {
	const [row] = (await env.n8n.dataTableRows(env.tables.business.id)).filter(
		(r: { setting: string }) => r.setting === 'time_zone',
	);
	await edit('business', { setting: 'time_zone' }, { value: 'America/Gotham' });
	try {
		const response = await book('Gus Lind');
		expect(response.body.status).not.toBe('booked');
		// n8n saves the execution after answering: wait for the one whose pricing failed.
		let failed: { error: { message: string } } | undefined;
		for (let tries = 0; !failed && tries < 100; tries++) {
			if (tries) await new Promise((resolve) => setTimeout(resolve, 300));
			const executions = await env.n8n.executions(env.workflows['booking-simple.json'].id, {
				limit: 3,
			});
			failed = executions
				.map(
					(e: any) =>
						e.data?.resultData?.runData?.['Price the Job']?.[0]?.data?.main?.[1]?.[0]?.json,
				)
				.find((json: any) => /America\/Gotham/.test(json?.error?.message ?? ''));
		}
		expect(failed?.error.message).toBe(
			`Data table "Booking Business", row ${row.id}, column "value": time_zone: "America/Gotham" is not a time zone.`,
		);
	} finally {
		await edit('business', { setting: 'time_zone' }, { value: 'America/New_York' });
	}
});

it('a wording changed in the Messages table is in the next confirmation; a placeholder the agent does not fill is refused, naming the row', async () => {
	const subject = { message: 'booking_confirmation', part: 'subject' };
	const [row] = (await env.n8n.dataTableRows(env.tables.messages.id)).filter(
		(r: { message: string; part: string }) =>
			r.message === subject.message && r.part === subject.part,
	);
	await edit('messages', subject, { wording: 'All set, {name}: your {service} on {date}' });
	try {
		expect((await book('Hana Ito')).body.status).toBe('booked');
		const mail = await env.smtp.waitFor('hana@example.com');
		expect(mail.subject).toMatch(/^All set, Hana Ito: your standard cleaning on \w+day, \w+ \d+$/);

		await edit('messages', subject, { wording: 'Booked, {nmae}' });
		const refused = await book('Ivo Petrov');
		expect(refused.status).toBe(202); // booked, but not confirmed automatically: ops are told
		const ops = await env.smtp.waitFor('ops@brightclean.example', 30_000, (m) =>
			/Ivo Petrov/.test(m.text ?? ''),
		);
		expect(ops.text).toContain(
			`Data table "Booking Messages", row ${row.id}, column "wording": {nmae} is not a placeholder the agent fills.`,
		);
		expect(env.smtp.to('ivo@example.com')).toHaveLength(0);
	} finally {
		await edit('messages', subject, { wording: 'Your {service} is booked for {date}' });
	}
});

it('a promo code added to the Promo Codes table is taken from the request, in any case; a malformed one gets a 400', async () => {
	await env.n8n.insertDataTableRows(env.tables.promo_codes.id, [
		{ code: 'SPRING10', type: 'percent', value: 10, expires: '', first_time_only: false },
	]);
	try {
		const plain = await book('Hal Berg');
		const promo = await book('Ida Cole', { promo_code: ' spring10 ' });
		expect(promo.status).toBe(200);
		expect(promo.body.status).toBe('booked');
		const line = promo.body.quote.line_items.find((l: { label: string }) =>
			/Promo SPRING10/.test(l.label),
		);
		expect(line).toBeDefined();
		expect(promo.body.quote.total_cents).toBeLessThan(plain.body.quote.total_cents);
		const bad = await book('Jo Diaz', { promo_code: 10 });
		expect(bad.status).toBe(400);
		expect(bad.body.problems.map((p: { field: string }) => p.field)).toEqual(['promo_code']);
	} finally {
		await env.n8n.deleteDataTableRows(env.tables.promo_codes.id, { code: 'SPRING10' });
	}
});
