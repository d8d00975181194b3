/** An invoice as a person reads it: its text, and the PDF made from it. */
import { DateTime } from 'luxon';

import { formatMoney } from '../shared/money';
import type { Invoice } from '../shared/records/invoices';
import { renderPdf } from './contract';

export * from '../shared/records/invoices';

/** The invoice as text: what its PDF shows, line by line. */
export function invoiceText(invoice: Invoice): string {
	const money = (cents: number) => formatMoney(cents, invoice.currency);
	const zone = invoice.visit?.time_zone ?? invoice.period?.time_zone ?? 'UTC';
	const day = (isoTime: string) => DateTime.fromISO(isoTime, { zone }).toFormat('LLLL d, yyyy');
	return [
		`Invoice ${invoice.invoice_number}${invoice.status === 'void' ? ' (VOID)' : ''}`,
		[invoice.business.name, invoice.business.address, invoice.business.email]
			.filter(Boolean)
			.join(', '),
		`Billed to: ${[invoice.customer.name, invoice.customer.address, invoice.customer.email].filter(Boolean).join(', ') || 'the customer'}`,
		`Issued: ${day(invoice.issued_at)}. Due: ${DateTime.fromISO(invoice.due_date).toFormat('LLLL d, yyyy')}.`,
		invoice.visit
			? `For: ${(invoice.visit.service ?? 'service').replace(/_/g, ' ')} on ${DateTime.fromISO(invoice.visit.start, { zone }).toFormat("LLLL d, yyyy 'at' h:mm a")}${invoice.booking_id ? ` (visit ${invoice.booking_id})` : ''}.`
			: invoice.period
				? `For: ${invoice.period.visits} ${invoice.period.service} visit${invoice.period.visits === 1 ? '' : 's'} in ${invoice.period.label}${invoice.contract_id ? ` (agreement ${invoice.contract_id})` : ''}.`
				: '',
		'',
		...invoice.lines.map(
			(l) =>
				`${l.label}${l.quantity && l.quantity !== 1 ? ` x ${l.quantity}` : ''}: ${money(l.amount_cents)}`,
		),
		'',
		`Subtotal: ${money(invoice.subtotal_cents)}`,
		...(invoice.discount_cents ? [`Discounts: -${money(invoice.discount_cents)}`] : []),
		`Tax${invoice.tax_rate_pct ? ` (${invoice.tax_rate_pct}%)` : ''}: ${money(invoice.tax_cents)}`,
		`Total: ${money(invoice.total_cents)}`,
		`Paid: ${money(invoice.paid_cents)}. ${invoice.status === 'paid' ? 'Thank you.' : invoice.status === 'void' ? 'Nothing is owed.' : `Amount due: ${money(invoice.total_cents - invoice.paid_cents)}.`}`,
	]
		.filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''))
		.join('\n');
}

/** The invoice's PDF (a page per ~50 lines), dated when it was issued. */
export async function invoicePdf(invoice: Invoice): Promise<Uint8Array> {
	return await renderPdf(
		invoiceText(invoice),
		`Invoice ${invoice.invoice_number}`,
		new Date(invoice.issued_at),
	);
}
