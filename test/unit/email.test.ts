/**
 * An e-mail as the rules read it (nodes/shared/email.ts): the thread's quoted history first and
 * the newest words last, a forwarded message kept (it is what is sent), and the signature,
 * confidentiality notices and mail-app lines left out. Tried here: each mail client's quote
 * and forward markers in English and Spanish, closings with and without a postscript, the
 * mail standard's "-- ", notices, plain text, and long or odd inputs.
 */
import { inReadingOrder, splitReply, withoutMailClutter } from '../../nodes/shared/email';
import { qualifyRules } from '../../nodes/QualifierAgent/qualify';
import { triageRules } from '../../nodes/TriageAgent/triage';

describe('splitReply', () => {
	it('cuts the quoted history under the newest words, in the forms mail clients write it', () => {
		expect(splitReply('Yes, Tuesday.\n\nOn Mon, Mar 1, Bright Clean wrote:\n> quote')).toEqual({
			own: 'Yes, Tuesday.',
			history: 'On Mon, Mar 1, Bright Clean wrote:\n> quote',
		});
		expect(splitReply('Sí.\n\nEl lun, 1 mar, Bright Clean escribió:\n> cita').own).toBe('Sí.');
		expect(splitReply('Ok\n-----Original Message-----\nFrom: x\nold').own).toBe('Ok');
		expect(splitReply('Fine by me\n> earlier\n> more')).toEqual({
			own: 'Fine by me',
			history: '> earlier\n> more',
		});
	});

	it("keeps a forwarded message: its header's From: line is not a reply's", () => {
		const forward =
			'FYI, can you go today?\n\n---------- Forwarded message ---------\nFrom: Tenant 4B\nWater is pouring in!';
		expect(splitReply(forward)).toEqual({ own: forward, history: '' });
		const spanish = 'Reenvío:\n\n---------- Mensaje reenviado ----------\nDe: Inquilino\nHay agua';
		expect(splitReply(spanish).own).toBe(spanish);
		// A forward inside the quoted history is history.
		expect(
			splitReply('Thanks!\n\nOn Mon, Ann wrote:\n> ---------- Forwarded message ---------\n> x')
				.own,
		).toBe('Thanks!');
	});
});

describe('withoutMailClutter', () => {
	it('leaves out a signature after a closing, and keeps a postscript', () => {
		expect(
			withoutMailClutter(
				'Windows inside and out, please.\n\nWarmly,\nBeth\nFlood Claims Desk\n\nP.S. No rush at all.',
			),
		).toBe('Windows inside and out, please.\n\nP.S. No rush at all.');
	});

	it('leaves out the mail standard\'s "-- " signature across its paragraphs, up to a forward', () => {
		expect(
			withoutMailClutter(
				'Weekly clean please.\n\n--\nMark | Flood & Fire Claims\n\n555-0143\n\n---------- Forwarded message ---------\nFrom: Tenant\nWater everywhere',
			),
		).toBe(
			'Weekly clean please.\n\n---------- Forwarded message ---------\nFrom: Tenant\nWater everywhere',
		);
	});

	it('leaves out notices and mail-app lines, in English and Spanish', () => {
		for (const notice of [
			'CONFIDENTIALITY NOTICE: This e-mail is intended only for the recipient. If received in error, delete it.',
			'The information in this message may be privileged. Any flood of unauthorized copies is prohibited.',
			'This message was scanned for viruses and malware.',
			'AVISO DE CONFIDENCIALIDAD: Este mensaje es confidencial. En caso de emergencia llame al 911.',
			'Sent from my iPhone',
			'Enviado desde mi Android',
		])
			expect(withoutMailClutter(`Clean the office Friday.\n\n${notice}`)).toBe(
				'Clean the office Friday.',
			);
	});

	it('keeps what is not clutter', () => {
		const text = 'Thanks for the quote.\nThe basement flooded again last night.';
		expect(withoutMailClutter(text)).toBe(text);
	});
});

describe('inReadingOrder', () => {
	it('puts the thread first and the newest words last', () => {
		expect(
			inReadingOrder(
				'All dried out now, a regular clean please.\n\n> On Mon, Sam wrote:\n> Basement flooded, come ASAP!',
			),
		).toBe(
			'On Mon, Sam wrote:\nBasement flooded, come ASAP!\n\nAll dried out now, a regular clean please.',
		);
	});

	it('returns plain one-line text as it is, and never returns nothing', () => {
		expect(inReadingOrder('burst pipe in the kitchen')).toBe('burst pipe in the kitchen');
		expect(inReadingOrder('Sent from my iPhone')).toBe('Sent from my iPhone');
	});

	it('keeps time in proportion to length on long and odd inputs', () => {
		for (const text of [
			'> x\n'.repeat(25_000),
			'On '.repeat(30_000),
			'Regards,\n'.repeat(10_000),
			'confidential '.repeat(8_000),
			'\n\n'.repeat(50_000),
			' '.repeat(100_000) + 'x',
			'Thanks' + ' '.repeat(100_000) + 'x',
			'Kind' + ' '.repeat(100_000) + 'regards x',
		]) {
			const started = performance.now();
			inReadingOrder(text);
			expect(performance.now() - started).toBeLessThan(1000);
		}
	});
});

describe('what the agents read in an e-mail (batch t32: each read wrong before)', () => {
	it("a signature's or notice's words make no emergency", () => {
		for (const message of [
			"Hi, we'd like a quote for a weekly cleaning of our home.\n\n--\nMark Delaney | Claims Adjuster\nCoastal Mutual - Property, Flood & Fire Claims",
			"We're a restaurant and need the floors deep cleaned Sunday.\n\nThe information in this message may be privileged. Any flood of unauthorized copies is prohibited.",
		]) {
			expect(triageRules(message).is_emergency).toBe(false);
			expect(qualifyRules({ message }).service_type).not.toMatch(/damage/);
		}
		expect(
			qualifyRules({
				message:
					'Could you send a quote for cleaning our office every Friday?\n\nBest regards,\nJanet\nHarbor Dental\n"Emergency appointments available same day"',
			}).urgency,
		).toBe('normal');
	});

	it("the newest words decide when the thread's emergency is over", () => {
		const q = qualifyRules({
			message:
				"Thanks, all dried out now. We'd just like a regular clean next week.\n\n> On Mon, Sam wrote:\n> Our basement flooded last night, water everywhere!",
		});
		expect(q.is_emergency).toBe(false);
		expect(q.service_type).toBe('standard_cleaning');
		const es = qualifyRules({
			message:
				'Ya quedó todo seco. Ahora queremos una limpieza profunda.\n\n> El lun, 10 nov, Carlos escribió:\n> ¡Se inundó la cocina, hay agua por todos lados!',
		});
		expect(es.is_emergency).toBe(false);
		expect(es.service_type).toBe('deep_cleaning');
	});

	it('an emergency in a forwarded message, or still the last word of a thread, stays one', () => {
		expect(
			triageRules(
				'Can you go today?\n\nRegards,\nNora\n\n---------- Forwarded message ---------\nFrom: Tenant 4B\n\nWater is pouring through my kitchen ceiling right now!',
			).is_emergency,
		).toBe(true);
		expect(
			triageRules('Any update??\n\n> On Mon, Sam wrote:\n> Water is pouring through the ceiling!')
				.is_emergency,
		).toBe(true);
	});
});
