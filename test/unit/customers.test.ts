/**
 * Customers on both stores: a case is linked to the customer its e-mail or phone names, the
 * same person writing again (another channel, another spelling of the address) is the same
 * customer and returning once they booked; two customers one message shows to be one person
 * are merged (cases follow, the old id still reads); two first messages at the same moment
 * make one customer. Ops change notes, opt-outs (a texts opt-out also reaches the number's
 * STOP record) and the preferred channel; a data export holds everything; erasure removes the
 * personal data everywhere and keeps the books, and is refused while a visit is to come. Bad
 * ids and values name the field.
 */
import { caseEvents, getCase, recordCaseStep } from '../../nodes/shared/records/cases';
import {
	eraseCustomer,
	exportCustomer,
	getCustomer,
	lookUpCustomer,
	updateCustomer,
} from '../../nodes/shared/records/customers';
import { queueMessages } from '../../nodes/shared/records/outbox';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { everyRowWithPersonalData, storeBackends } from '../support/stores';

const NOW = '2026-11-25T10:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };
const JOB = { service_type: 'standard_cleaning', duration_minutes: 60 };

const record = async (store: BookingStore, item: Record<string, unknown>, atMs = NOW_MS) =>
	(await recordCaseStep(store, item, 'answered', BY, atMs)).record;

describe.each(storeBackends('customers'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	it('knows a returning customer across channels and spellings, and not before they booked', async () => {
		const first = await lookUpCustomer(
			store,
			{
				customer: { name: 'Ana Ruiz', email: 'Ana.Ruiz@Example.com ' },
				case: { case_id: 'cs_first0001' },
			},
			NOW_MS,
		);
		expect(first).toMatchObject({ new_customer: true, returning: false, previous_cases: 0 });
		const booking = await schedule(
			{ operation: 'book', job: JOB, crew_id: 'crew-a', start: '2026-11-27T09:00:00-05:00' },
			{ store, now: NOW },
		);
		const firstCase = await record(store, {
			case: { case_id: 'cs_first0001' },
			customer: { name: 'Ana Ruiz', email: 'ana.ruiz@example.com', phone: '(212) 555-0123' },
			booking: { booking_id: booking.booking_id, status: 'confirmed' },
		});
		expect(firstCase.customer_id).toBe(first!.customer_id);

		// A month later, by text from the phone given on the form: the same customer, returning.
		const again = await lookUpCustomer(
			store,
			{ customer: { phone: '+12125550123' }, case: { case_id: 'cs_second001' } },
			NOW_MS + 30 * DAY,
		);
		expect(again).toMatchObject({
			customer_id: first!.customer_id,
			new_customer: false,
			returning: true,
			previous_cases: 1,
			previous_bookings: 1,
		});
		const secondCase = await record(
			store,
			{ case: { case_id: 'cs_second001' }, customer: { phone: '+1 212 555 0123' }, channel: 'sms' },
			NOW_MS + 30 * DAY,
		);
		expect(secondCase.customer_id).toBe(first!.customer_id);
		const { customer, history } = await getCustomer(store, first!.customer_id as string);
		expect(customer).toMatchObject({
			name: 'Ana Ruiz',
			emails: ['ana.ruiz@example.com'],
			phones: ['+12125550123'],
		});
		expect(history.cases.map((c) => c.case_id)).toEqual(['cs_first0001', 'cs_second001']);
		expect(history.bookings).toEqual([
			expect.objectContaining({ booking_id: booking.booking_id, status: 'confirmed' }),
		]);

		// The first request sent again (its case at hand): not an earlier case of hers.
		expect(
			await lookUpCustomer(
				store,
				{ customer: { email: 'ana.ruiz@example.com' } },
				NOW_MS,
				'cs_first0001',
			),
		).toMatchObject({ returning: false, previous_cases: 1, previous_bookings: 0 });
		// Someone else, and a message with neither e-mail nor a real phone: not this customer.
		expect(
			await lookUpCustomer(store, { customer: { email: 'someone@else.com' } }, NOW_MS),
		).toMatchObject({ new_customer: true, returning: false });
		expect(
			await lookUpCustomer(store, { customer: { name: 'Ana', phone: '555' } }, NOW_MS),
		).toBeNull();
	});

	it('merges two customers a message shows to be one person; the old id still reads', async () => {
		const byMail = await record(store, {
			case: { case_id: 'cs_mailcase1' },
			customer: { name: 'Bo Lee', email: 'bo@lee.org', address: '1 Elm St' },
		});
		const byText = await record(
			store,
			{
				case: { case_id: 'cs_textcase1' },
				customer: { phone: '+13125550188', address: '9 Oak Ave' },
			},
			NOW_MS + 1000,
		);
		expect(byMail.customer_id).not.toBe(byText.customer_id);
		await updateCustomer(store, byText.customer_id!, { note: 'Dog in the yard' }, 'ops', NOW_MS);
		// A form with both: the two are one person.
		const both = await record(
			store,
			{
				case: { case_id: 'cs_bothcase1' },
				customer: { email: 'BO@lee.org', phone: '312-555-0188' },
			},
			NOW_MS + 2000,
		);
		expect(both.customer_id).toBe(byMail.customer_id);
		const merged = await getCustomer(store, byText.customer_id!);
		expect(merged.customer).toMatchObject({
			customer_id: byMail.customer_id,
			emails: ['bo@lee.org'],
			phones: ['+13125550188'],
			addresses: ['1 Elm St', '9 Oak Ave'],
			notes: [expect.objectContaining({ text: 'Dog in the yard', by: 'ops' })],
		});
		expect(merged.history.cases.map((c) => c.case_id).sort()).toEqual([
			'cs_bothcase1',
			'cs_mailcase1',
			'cs_textcase1',
		]);
		expect((await getCase(store, 'cs_textcase1'))!.customer_id).toBe(byMail.customer_id);
	});

	it('makes one customer of two first messages at the same moment', async () => {
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, n) =>
				record(store, {
					case: { case_id: `cs_burst00${String(n).padStart(2, '0')}` },
					customer:
						n % 2
							? { email: 'cy@example.com' }
							: { email: 'cy@example.com', phone: '+14155550111' },
				}),
			),
		);
		const ids = new Set(
			await Promise.all(results.map(async (r) => (await getCase(store, r.case_id))!.customer_id)),
		);
		expect(ids.size).toBe(1);
		const { history } = await getCustomer(store, [...ids][0]!);
		expect(history.cases).toHaveLength(12);
		// Every other record made in the race was merged into it: none is left holding the address.
		const live = await store.read(
			'SELECT id, emails FROM customers WHERE merged_into IS NULL AND erased_at_ms IS NULL',
		);
		expect(live).toEqual([expect.objectContaining({ id: [...ids][0] })]);
	});

	it('keeps ops’ notes, opt-outs and preferred channel; a texts opt-out reaches the number', async () => {
		const c = await lookUpCustomer(
			store,
			{ customer: { phone: '+16175550100', email: 'di@x.io' } },
			NOW_MS,
		);
		const id = c!.customer_id as string;
		const updated = await updateCustomer(
			store,
			id,
			{
				note: '  Gate code 4411,\n key under the mat ',
				smsOptOut: true,
				preferredChannel: 'email',
			},
			'Maria (ops)',
			NOW_MS,
		);
		expect(updated).toMatchObject({
			notes: [{ text: 'Gate code 4411, key under the mat', by: 'Maria (ops)' }],
			opt_outs: { sms: true, email: false },
			preferred_channel: 'email',
		});
		expect(await store.isSmsOptedOut('+16175550100')).toBe(true);
		expect(await lookUpCustomer(store, { customer: { email: 'DI@x.io' } }, NOW_MS)).toMatchObject({
			notes: ['Gate code 4411, key under the mat'],
			opt_outs: { sms: true },
			preferred_channel: 'email',
		});
		await expect(
			updateCustomer(store, id, { preferredChannel: 'fax' as never }, null, NOW_MS),
		).rejects.toMatchObject({
			field: 'preferredChannel',
		});
		// Ops may name the customer by an e-mail or phone they are known by, in any spelling.
		expect((await getCustomer(store, ' DI@X.io')).customer.customer_id).toBe(id);
		expect((await getCustomer(store, '(617) 555-0100')).customer.customer_id).toBe(id);
		await expect(getCustomer(store, 'nobody@x.io')).rejects.toThrow(
			/No customer is known by nobody@x.io/,
		);
		await expect(getCustomer(store, 'not-an-id')).rejects.toMatchObject({ field: 'customerId' });
		await expect(getCustomer(store, 'cu_missing000')).rejects.toThrow(/No customer cu_missing000/);
	});

	it('exports everything and erases the personal data, keeping the books; refused while a visit is to come', async () => {
		const customer = {
			name: 'Eve Stone',
			email: 'eve@stone.net',
			phone: '+12065550142',
			address: '5 Pine Rd',
		};
		const past = await schedule(
			{
				operation: 'book',
				job: JOB,
				crew_id: 'crew-a',
				start: '2026-11-25T12:00:00-05:00',
				customer,
			},
			{ store, now: NOW },
		);
		const later = await schedule(
			{
				operation: 'book',
				job: JOB,
				crew_id: 'crew-a',
				start: '2026-12-10T12:00:00-05:00',
				customer,
			},
			{ store, now: NOW },
		);
		const item = {
			case: { case_id: 'cs_evecase01' },
			customer,
			message: 'Deep clean please, the code to the gate is 1234',
			quote: { quote_id: 'q_eve1', total_cents: 25000, currency: 'USD' },
			booking: { booking_id: past.booking_id, status: 'confirmed' },
		};
		const recorded = await record(store, item);
		await record(store, {
			case: { case_id: 'cs_evecase02' },
			customer,
			booking: { booking_id: later.booking_id, status: 'confirmed' },
		});
		await queueMessages(
			store,
			[
				{
					key: 'msg-eve-1',
					case_id: 'cs_evecase01',
					label: 'Confirmation',
					channel: 'email',
					recipient: 'eve@stone.net',
					content: {
						from: 'shop@x.com',
						subject: 'Booked',
						text: 'Dear Eve, see you at 5 Pine Rd',
					},
					quiet_hours: null,
					case_item: item,
				},
			],
			NOW_MS,
		);
		const id = recorded.customer_id!;
		const exported = await exportCustomer(store, id, NOW_MS);
		expect(exported).toMatchObject({
			customer: { name: 'Eve Stone', addresses: ['5 Pine Rd'] },
			cases: expect.arrayContaining([
				expect.objectContaining({
					case_id: 'cs_evecase01',
					message_start: expect.stringContaining('gate'),
				}),
			]),
			quotes: [expect.objectContaining({ quote_id: 'q_eve1', total_cents: 25000 })],
			messages: [
				expect.objectContaining({ to: 'eve@stone.net', text: 'Dear Eve, see you at 5 Pine Rd' }),
			],
		});
		expect(exported.bookings).toHaveLength(2);

		await expect(eraseCustomer(store, id, 'ops', NOW_MS + DAY)).rejects.toMatchObject({
			field: 'customerId',
			message: expect.stringContaining(later.booking_id!),
		});
		await schedule({ operation: 'cancel', booking_id: later.booking_id }, { store, now: NOW });
		const report = await eraseCustomer(store, id, 'ops', NOW_MS + DAY);
		expect(report.erased).toMatchObject({ cases: 2, visits: 2, messages: 1, customer_keys: 2 });
		expect(report.kept.map((k) => k.what)).toEqual(
			expect.arrayContaining([expect.stringMatching(/^cases/), expect.stringMatching(/^visits/)]),
		);

		// Nothing names her any more; the books still add up.
		const dump = await everyRowWithPersonalData(store);
		for (const trace of ['Eve', 'eve@stone.net', '2065550142', 'Pine', 'gate'])
			expect(dump).not.toContain(trace);
		const kept = await getCase(store, 'cs_evecase01');
		expect(kept).toMatchObject({ quote_cents: 25000, customer_id: id, service_type: null });
		expect((await store.getBooking(past.booking_id!))!.customer).toBeNull();
		expect((await caseEvents(store, 'cs_evecase01')).map((e) => e.kind)).toContain(
			'customer_erased',
		);
		const after = await getCustomer(store, id);
		expect(after.customer).toMatchObject({ name: null, emails: [], erased_at: expect.any(String) });
		await expect(updateCustomer(store, id, { note: 'x' }, null, NOW_MS)).rejects.toMatchObject({
			field: 'customerId',
		});
		// Writing again, she is a new customer.
		const back = await lookUpCustomer(
			store,
			{ customer: { email: 'eve@stone.net' } },
			NOW_MS + DAY,
		);
		expect(back).toMatchObject({ new_customer: true, returning: false });
		expect(back!.customer_id).not.toBe(id);
	});
});
