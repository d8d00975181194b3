/**
 * Invoices on both stores: a visit the crew marked done is billed with the lines, discount and
 * tax of the quote the customer agreed (kept on the case when it was booked); billing it again
 * gives the same invoice; numbers run per series without a gap, also when many visits are
 * billed at once and when one fails; a void keeps its number; a series visit in a renewed term
 * is billed at the renewed price; the PDF passes `qpdf --check` and reads the same amounts.
 * Bad input names the field.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	generateContract,
	recordSignature,
	renewContract,
} from '../../nodes/ContractAgent/contract';
import {
	getInvoice,
	invoicePdf,
	invoiceText,
	invoiceVisit,
	voidInvoice,
} from '../../nodes/ContractAgent/invoice';
import { price } from '../../nodes/PricingAgent/price';
import { getCase, recordCaseStep } from '../../nodes/shared/records/cases';
import { eraseCustomer, getCustomer } from '../../nodes/shared/records/customers';
import { schedule } from '../../nodes/SchedulingAgent/schedule';
import type { BookingStore } from '../../nodes/shared/store';
import { storeBackends } from '../support/stores';

jest.setTimeout(120_000);

const NOW = '2026-11-25T10:00:00-05:00';
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;
const BY = { workflow: 'test', executionId: 'exec-1', executionUrl: null };
const SECRET = 'a-test-signing-secret-of-enough-length-0123456789';
const business = {
	name: 'Bright Clean Co.',
	email: 'billing@brightclean.example',
	address: '1 Main St',
};
const customer = {
	name: 'Ana Ruiz',
	email: 'ana@example.com',
	phone: '+12125550123',
	address: '12 Elm St',
};

const facts = {
	service_type: 'standard_cleaning',
	bedrooms: 2,
	bathrooms: 1,
	promo_code: null,
};

describe.each(storeBackends('invoices'))('%s', (_name, open) => {
	let store: BookingStore;
	let done: () => Promise<void>;
	beforeEach(async () => ({ store, done } = await open()));
	afterEach(async () => await done?.());

	/** A case priced, booked and recorded; the visit done by the crew. */
	async function visitDone(caseId: string, start: string, crew = 'crew-a') {
		const quote = await price(facts as never, { now: NOW, rateCard: { tax_rate_pct: 8.875 } });
		const booking = await schedule(
			{
				operation: 'book',
				job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
				crew_id: crew,
				start,
				case_id: caseId,
				customer,
			},
			{ store, now: NOW },
		);
		await recordCaseStep(
			store,
			{ case: { case_id: caseId }, customer, quote, booking: { ...booking, status: 'confirmed' } },
			'answered',
			BY,
			NOW_MS,
		);
		await schedule(
			{ operation: 'progress', booking_id: booking.booking_id, step: 'done' },
			{ store, now: new Date(Date.parse(start) + 3 * 3_600_000) },
		);
		return { quote, booking };
	}

	it('bills a visit done at the agreed quote, once, with a number, a due date and a PDF qpdf accepts', async () => {
		const { quote, booking } = await visitDone('cs_invoice0001', '2026-11-27T09:00:00-05:00');
		expect((await getCase(store, 'cs_invoice0001'))?.quote_terms?.total_cents).toBe(
			quote.total_cents,
		);
		const { invoice, created } = await invoiceVisit(
			store,
			{ booking_id: booking.booking_id!, business, due_days: 15 },
			NOW_MS + 3 * DAY,
		);
		expect(created).toBe(true);
		expect(invoice).toMatchObject({
			invoice_number: 'INV-000001',
			status: 'open',
			currency: 'USD',
			subtotal_cents: quote.subtotal_cents,
			discount_cents: quote.discount_cents,
			tax_cents: quote.tax_cents,
			total_cents: quote.total_cents,
			paid_cents: 0,
			due_date: '2026-12-13',
			case_id: 'cs_invoice0001',
			booking_id: booking.booking_id,
			customer: { name: 'Ana Ruiz', email: 'ana@example.com', address: '12 Elm St' },
		});
		expect(invoice.lines.map((l) => l.amount_cents)).toEqual(
			quote.line_items.map((l) => l.amount_cents),
		);
		expect(invoice.customer_id).toMatch(/^cu_/);
		// Again (a retried flow): the same invoice, no second number.
		const again = await invoiceVisit(
			store,
			{ booking_id: booking.booking_id!, business },
			NOW_MS + 4 * DAY,
		);
		expect(again).toMatchObject({ created: false, invoice: { invoice_id: invoice.invoice_id } });
		expect(await getInvoice(store, 'INV-000001')).toEqual(invoice);
		// The PDF: a valid file whose text carries the number and the total.
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-invoice-'));
		try {
			const file = path.join(dir, 'invoice.pdf');
			fs.writeFileSync(file, await invoicePdf(invoice));
			expect(execFileSync('qpdf', ['--check', file]).toString()).toContain(
				'No syntax or stream encoding errors',
			);
			const text = execFileSync('pdftotext', [file, '-']).toString();
			expect(text).toContain('Invoice INV-000001');
			expect(text).toContain(`Total: $${(quote.total_cents / 100).toFixed(2)}`);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
		expect(invoiceText(invoice)).toContain('Due: December 13, 2026.');
		// The customer's record lists it; erasing them keeps it, as tax law asks.
		const { history } = await getCustomer(store, invoice.customer_id!);
		expect(history.invoices).toEqual([
			expect.objectContaining({
				invoice_number: 'INV-000001',
				status: 'open',
				total_cents: quote.total_cents,
			}),
		]);
		const erased = await eraseCustomer(store, invoice.customer_id!, 'ops', NOW_MS + 5 * DAY);
		expect(erased.kept).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ what: 'invoices (with the name and address billed)', count: 1 }),
			]),
		);
		expect((await getInvoice(store, invoice.invoice_id))?.customer.name).toBe('Ana Ruiz');
	});

	it('numbers without a gap per series: twelve visits billed at once, a failure in between, a void keeps its number', async () => {
		const visits = [];
		for (let i = 0; i < 12; i++)
			visits.push(
				(
					await visitDone(
						`cs_gapless${String(i).padStart(4, '0')}`,
						`2026-12-${String(1 + i).padStart(2, '0')}T${i % 2 ? '13' : '09'}:00:00-05:00`,
						i % 2 ? 'crew-b' : 'crew-a',
					)
				).booking,
			);
		// A visit not done yet fails in the middle of the run: it takes no number.
		const notDone = await schedule(
			{
				operation: 'book',
				job: { service_type: 'standard_cleaning', bedrooms: 1, bathrooms: 1 },
				crew_id: 'crew-a',
				start: '2026-12-20T09:00:00-05:00',
			},
			{ store, now: NOW },
		);
		const results = await Promise.allSettled([
			...visits.map((b) =>
				invoiceVisit(
					store,
					{ booking_id: b.booking_id!, series: 'bc', business },
					NOW_MS + 30 * DAY,
				),
			),
			invoiceVisit(
				store,
				{ booking_id: notDone.booking_id!, series: 'BC', business },
				NOW_MS + 30 * DAY,
			),
		]);
		const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
		expect(failed.map((f) => [f.reason.field, f.reason.message])).toEqual([
			['booking_id', expect.stringContaining('is confirmed, not done')],
		]);
		const numbers = results
			.filter((r) => r.status === 'fulfilled')
			.map(
				(r) =>
					(r as PromiseFulfilledResult<Awaited<ReturnType<typeof invoiceVisit>>>).value.invoice
						.invoice_number,
			)
			.sort();
		expect(numbers).toEqual(
			Array.from({ length: 12 }, (_, i) => `BC-${String(i + 1).padStart(6, '0')}`),
		);
		// Another series has its own sequence.
		const other = await visitDone('cs_otherser01', '2026-12-22T09:00:00-05:00');
		expect(
			(await invoiceVisit(store, { booking_id: other.booking.booking_id!, business }, NOW_MS))
				.invoice.invoice_number,
		).toBe('INV-000001');
		const voided = await voidInvoice(store, 'BC-000003', NOW_MS + 31 * DAY);
		expect(voided).toMatchObject({ status: 'void', invoice_number: 'BC-000003' });
		expect(invoiceText(voided)).toContain('(VOID)');
		const next = await visitDone('cs_aftervoid1', '2026-12-23T09:00:00-05:00');
		expect(
			(
				await invoiceVisit(
					store,
					{ booking_id: next.booking.booking_id!, series: 'BC', business },
					NOW_MS,
				)
			).invoice.invoice_number,
		).toBe('BC-000013');
		const rows = await store.read(
			"SELECT number FROM invoices WHERE series = 'BC' ORDER BY number",
		);
		expect(rows.map((r) => Number(r.number))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
	});

	it('bills a series visit in a renewed term at the renewed price, the tax inside it', async () => {
		const quote = await price({ ...facts, frequency: 'weekly' } as never, {
			now: NOW,
			rateCard: { tax_rate_pct: 10 },
		});
		const series = await schedule(
			{
				operation: 'bookSeries',
				job: { service_type: 'standard_cleaning', bedrooms: 2, bathrooms: 1 },
				customer,
				case_id: 'cs_weekly0001',
				series: {
					frequency: 'weekly',
					weekday: 'mon',
					time: '09:00',
					start_date: '2026-11-30',
					count: 60,
				},
			},
			{ store, now: NOW },
		);
		await recordCaseStep(
			store,
			{ case: { case_id: 'cs_weekly0001' }, customer, quote, booking: series },
			'answered',
			BY,
			NOW_MS,
		);
		const { contract } = await generateContract(
			{
				customer,
				business,
				quote: quote as never,
				booking: {
					series_id: series.series_id,
					start: series.occurrences[0].start,
					time_zone: 'America/New_York',
				},
				terms: { term_months: 12, auto_renew: true },
			},
			{ store, signingSecret: SECRET, now: NOW },
		);
		await recordSignature(
			{ token: contract.signing_token!, name: 'Ana Ruiz' },
			{ store, signingSecret: SECRET, now: NOW },
		);
		await renewContract(
			contract.contract_id,
			{ action: 'renew', price_change_pct: 10 },
			{ store, now: '2027-11-10T12:00:00Z' },
		);
		const firstVisit = series.occurrences[0];
		const inRenewedTerm = series.occurrences.find((o) => o.start >= '2027-12-01')!;
		for (const visit of [firstVisit, inRenewedTerm])
			await schedule(
				{ operation: 'progress', booking_id: visit.booking_id, step: 'done' },
				{ store, now: new Date(Date.parse(visit.start) + 3 * 3_600_000) },
			);
		const first = (
			await invoiceVisit(store, { booking_id: firstVisit.booking_id, business }, NOW_MS + 7 * DAY)
		).invoice;
		expect(first.total_cents).toBe(quote.total_cents);
		const renewed = (
			await invoiceVisit(
				store,
				{ booking_id: inRenewedTerm.booking_id, business },
				Date.parse('2027-12-10T12:00:00Z'),
			)
		).invoice;
		const renewedTotal = Math.round(quote.total_cents * 1.1);
		expect(renewed).toMatchObject({
			total_cents: renewedTotal,
			discount_cents: 0,
			contract_id: expect.stringMatching(/^ct_/),
		});
		expect(renewed.tax_cents).toBe(Math.round((renewedTotal * 10) / 110));
		expect(renewed.lines.reduce((s, l) => s + l.amount_cents, 0)).toBe(renewedTotal);
	});

	it('bad input names the field; a visit without an agreed quote is not billed', async () => {
		const tried: Array<[Parameters<typeof invoiceVisit>[1], string]> = [
			[{ booking_id: 'nope' }, 'booking_id'],
			[{ booking_id: 'bk_missing-visit' }, 'booking_id'],
			[{ booking_id: 'bk_missing-visit', series: 'has space' }, 'series'],
			[{ booking_id: 'bk_missing-visit', due_days: -1 }, 'due_days'],
			[{ booking_id: 'bk_missing-visit', due_days: 1.5 }, 'due_days'],
		];
		for (const [input, field] of tried)
			await expect(invoiceVisit(store, input, NOW_MS)).rejects.toMatchObject({ field });
		const bare = await schedule(
			{
				operation: 'book',
				job: { service_type: 'standard_cleaning', bedrooms: 1, bathrooms: 1 },
				crew_id: 'crew-a',
				start: '2026-11-27T09:00:00-05:00',
			},
			{ store, now: NOW },
		);
		await schedule(
			{ operation: 'progress', booking_id: bare.booking_id, step: 'done' },
			{ store, now: '2026-11-27T12:00:00-05:00' },
		);
		await expect(
			invoiceVisit(store, { booking_id: bare.booking_id! }, NOW_MS),
		).rejects.toMatchObject({
			field: 'booking_id',
			message: expect.stringContaining('no agreed quote on record'),
		});
		expect(await store.read('SELECT * FROM invoice_numbers')).toEqual([]);
		await expect(voidInvoice(store, 'INV-999999', NOW_MS)).rejects.toMatchObject({
			field: 'invoice',
		});
	});
});
