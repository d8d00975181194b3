import { createHash } from 'node:crypto';

import { PDFDocument } from 'pdf-lib';

import {
	contractsDue,
	generateContract,
	recordSignature,
	renewContract,
	lastDayUnderNotice,
	signingToken,
	type GenerateInput,
} from '../../nodes/ContractAgent/contract';
import { priceSync } from '../../nodes/PricingAgent/price';
import {
	PostgresBookingStore,
	SqliteBookingStore,
	type BookingStore,
} from '../../nodes/shared/store';
import { createTestDatabase } from '../../dev/postgres';

jest.setTimeout(60_000);

const NOW = '2026-11-25T12:00:00Z';
const SECRET = 'test-signing-secret-0123456789';
const quote = priceSync(
	{ service_type: 'commercial_cleaning', square_feet: 7200, frequency: 'weekly' },
	{ now: NOW },
);
const input: GenerateInput = {
	customer: { name: 'Dana Lee <CEO>', address: '1 Main St', email: 'dana@example.com' },
	business: { name: 'Bright Clean' },
	quote,
	booking: { series_id: 'sr_1', start: '2026-12-07T09:00:00-05:00', time_zone: 'America/New_York' },
	signingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting/42',
};

describe.each(['SQLite', 'PostgreSQL'])('Contract Agent on %s', (backend) => {
	let store: BookingStore;
	let drop: (() => Promise<void>) | null = null;
	beforeEach(async () => {
		if (backend === 'PostgreSQL') {
			const db = await createTestDatabase();
			store = new PostgresBookingStore(db.connection);
			drop = db.drop;
		} else store = new SqliteBookingStore(':memory:');
		await store.init();
	});
	afterEach(async () => {
		await store.close();
		await drop?.();
	});
	const o = (now = NOW) => ({ store, signingSecret: SECRET, now });

	it('writes the agreement from the quote and booking, as HTML, PDF and a SHA-256', async () => {
		const { contract, pdf } = await generateContract(input, o());
		expect(contract.text).toContain('$576.00 per visit, $2,496.00 a month.');
		expect(contract.text).toContain(
			'runs for 12 months, from December 7, 2026 to December 6, 2027',
		);
		expect(contract.text).toContain('unless either party gives notice before November 6, 2027');
		expect(contract.html).toContain('Dana Lee &lt;CEO&gt;');
		// Both parties with what is known of them, and what the signature will carry.
		expect(contract.text).toContain(
			'The Company: Bright Clean.\nThe Customer: Dana Lee <CEO>, 1 Main St, dana@example.com.',
		);
		expect(contract.text).toMatch(
			/Signatures\. For the Customer: the name typed on the signing page, with the time, the address it was signed from and this document's SHA-256/,
		);
		const full = await generateContract(
			{
				...input,
				business: {
					name: 'Bright Clean',
					address: '100 Broadway, New York',
					email: 'hello@brightclean.example',
					phone: '+1 212 555 0100',
				},
			},
			o(),
		);
		expect(full.contract.text).toContain(
			'The Company: Bright Clean, 100 Broadway, New York, hello@brightclean.example, +1 212 555 0100.',
		);
		expect(contract.document_sha256).toBe(createHash('sha256').update(contract.html).digest('hex'));
		expect(contract).toMatchObject({
			status: 'awaiting_signature',
			start_date: '2026-12-07',
			end_date: '2027-12-06',
			renews_on: '2027-12-07',
		});
		expect(contract.signing_url).toBe(
			`http://127.0.0.1:5678/webhook-waiting/42?token=${encodeURIComponent(contract.signing_token)}`,
		);
		const doc = await PDFDocument.load(pdf);
		expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
		expect(doc.getTitle()).toBe(`Service agreement ${contract.contract_id}`);
		expect((await store.getContract(contract.contract_id))?.document_sha256).toBe(
			contract.document_sha256,
		);
	});

	it('says how many visits a week the agreement covers', async () => {
		const thrice = priceSync(
			{
				service_type: 'commercial_cleaning',
				square_feet: 7200,
				frequency: 'weekly',
				visits_per_week: 3,
			},
			{ now: NOW },
		);
		const { contract } = await generateContract({ ...input, quote: thrice }, o());
		expect(contract.text).toContain('3 times a week, starting on');
		expect(contract.text).toContain('$576.00 per visit, $7,488.00 a month.');
	});

	it('records a signature against the document hash, once', async () => {
		const { contract } = await generateContract(input, o());
		const signed = await recordSignature(
			{
				token: contract.signing_token,
				name: 'Dana Lee',
				ip: '203.0.113.7',
				user_agent: 'Mozilla/5.0',
			},
			o('2026-11-26T10:00:00Z'),
		);
		expect(signed).toMatchObject({
			status: 'active',
			already_signed: false,
			signature: {
				name: 'Dana Lee',
				ip: '203.0.113.7',
				user_agent: 'Mozilla/5.0',
				document_sha256: contract.document_sha256,
				signed_at_ms: Date.parse('2026-11-26T10:00:00Z'),
			},
		});
		const again = await recordSignature(
			{ token: contract.signing_token, name: 'Someone Else' },
			o('2026-11-26T11:00:00Z'),
		);
		expect(again).toMatchObject({ already_signed: true, signature: { name: 'Dana Lee' } });
	});

	it('refuses a forged, foreign, expired or malformed token', async () => {
		const { contract } = await generateContract(input, o());
		const { contract: other } = await generateContract(
			{ ...input, customer: { name: 'Other' } },
			o(),
		);
		const [id, expires, mac] = contract.signing_token.split('.');
		// A changed MAC byte (the second-to-last character carries only data bits).
		const forged = `${id}.${expires}.${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
		// The same MAC bytes spelled otherwise: the last character's two spare bits flipped (it once passed, 1 run in ~4, when the test changed the last two characters).
		const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		const respelled = [1, 2, 3].map(
			(bits) => `${id}.${expires}.${mac.slice(0, -1)}${B64URL[B64URL.indexOf(mac.at(-1)!) ^ bits]}`,
		);
		for (const token of respelled)
			expect(
				Buffer.from(token.split('.')[2], 'base64url').equals(Buffer.from(mac, 'base64url')),
			).toBe(true);
		const longer = `${id}.${(parseInt(expires, 36) + 86_400_000).toString(36)}.${mac}`;
		const foreign = `${other.signing_token.split('.')[0]}.${expires}.${mac}`;
		const wrongSecret = signingToken(
			contract.contract_id,
			contract.document_sha256,
			parseInt(expires, 36),
			'another-secret-of-some-length',
		);
		for (const token of [forged, longer, foreign, wrongSecret, ...respelled]) {
			await expect(recordSignature({ token, name: 'Mallory' }, o())).rejects.toMatchObject({
				field: 'token',
				message: expect.stringMatching(/altered, or it belongs to another document/),
			});
		}
		await expect(
			recordSignature({ token: contract.signing_token, name: 'Dana' }, o('2026-12-30T00:00:00Z')),
		).rejects.toMatchObject({ field: 'token', message: expect.stringMatching(/expired/) });
		await expect(
			recordSignature({ token: 'not a token', name: 'Dana' }, o()),
		).rejects.toMatchObject({ field: 'token' });
		// Other spellings of the expiry (a leading zero) or of the id (its last character changed) are refused too.
		await expect(
			recordSignature({ token: `${id}.0${expires}.${mac}`, name: 'Mallory' }, o()),
		).rejects.toMatchObject({ field: 'token', message: expect.stringMatching(/malformed/) });
		for (const bits of [1, 2, 3]) {
			const token = `${id.slice(0, -1)}${B64URL[B64URL.indexOf(id.at(-1)!) ^ bits]}.${expires}.${mac}`;
			await expect(recordSignature({ token, name: 'Mallory' }, o())).rejects.toMatchObject({
				field: 'token',
				message: expect.stringMatching(/malformed|altered/),
			});
		}
		await expect(
			recordSignature({ token: contract.signing_token, name: ' ' }, o()),
		).rejects.toMatchObject({ field: 'name' });
		expect((await store.getContract(contract.contract_id))?.signature).toBeNull();
	});

	it('lists contracts due, renews with a price change, or marks one as ending', async () => {
		const { contract } = await generateContract(input, o());
		await recordSignature({ token: contract.signing_token, name: 'Dana' }, o());
		expect(await contractsDue(30, o())).toEqual([]);
		const due = await contractsDue(30, o('2027-11-20T12:00:00Z'));
		expect(due).toEqual([
			expect.objectContaining({
				contract_id: contract.contract_id,
				end_date: '2027-12-06',
				renews_on: '2027-12-07',
			}),
		]);
		const renewed = await renewContract(
			contract.contract_id,
			{ action: 'renew', price_change_pct: 3 },
			o('2027-11-20T12:00:00Z'),
		);
		expect(renewed).toMatchObject({
			status: 'renewed',
			start_date: '2027-12-07',
			end_date: '2028-12-06',
			price: { total_cents: 59328, recurring: { per_month_cents: 257088 } },
		});
		expect((await store.getContract(renewed.renewed_contract_id!))?.status).toBe('active');
		const ended = await renewContract(
			renewed.renewed_contract_id!,
			{ action: 'end' },
			o('2027-11-21T12:00:00Z'),
		);
		expect(ended).toMatchObject({ status: 'ending', end_date: '2028-12-06', asked_last_day: null });
		await expect(
			renewContract(contract.contract_id, { action: 'renew' }, o()),
		).rejects.toMatchObject({ field: 'contractId' });
	});

	it('ends an agreement on the day asked for, but not before its notice period and not after its term; found by its series', async () => {
		const seriesInput = { ...input, booking: { ...input.booking, series_id: 'sr_notice-test' } };
		const { contract } = await generateContract(seriesInput, o());
		await recordSignature({ token: contract.signing_token, name: 'Dana' }, o());
		expect((await store.contractsForSeries('sr_notice-test')).map((c) => c.id)).toEqual([
			contract.contract_id,
		]);
		expect(await store.contractsForSeries('sr_other')).toEqual([]);
		const stored = (await store.getContract(contract.contract_id))!;
		const at = Date.parse('2027-03-01T15:00:00Z');
		// Notice is 30 days: asked for tomorrow, it ends 30 days on; asked for later, on that day; past the term, at its end.
		expect(lastDayUnderNotice(stored, '2027-03-02', at)).toEqual({
			last_day: '2027-03-31',
			notice_days: 30,
		});
		expect(lastDayUnderNotice(stored, '2027-06-15', at).last_day).toBe('2027-06-15');
		expect(lastDayUnderNotice(stored, '2029-01-01', at).last_day).toBe('2027-12-06');
		expect(lastDayUnderNotice(stored, null, at).last_day).toBe('2027-12-06');
		expect(() => lastDayUnderNotice(stored, 'soon', at)).toThrow(
			expect.objectContaining({ field: 'lastDay' }),
		);
		const ended = await renewContract(
			contract.contract_id,
			{ action: 'end', last_day: '2027-03-02' },
			o('2027-03-01T15:00:00Z'),
		);
		expect(ended).toMatchObject({
			status: 'ending',
			end_date: '2027-03-31',
			notice_days: 30,
			asked_last_day: '2027-03-02',
			series_id: 'sr_notice-test',
		});
		expect(await store.getContract(contract.contract_id)).toMatchObject({
			status: 'ending',
			end_date: '2027-03-31',
			auto_renew: false,
		});
		// Ending no longer renews: it is not listed as due.
		expect(await contractsDue(60, o('2027-03-10T12:00:00Z'))).toEqual([]);
	});

	it('names bad input', async () => {
		await expect(generateContract(input, { store, signingSecret: 'short' })).rejects.toMatchObject({
			field: 'signingSecret',
		});
		await expect(generateContract({ ...input, quote: null }, o())).rejects.toMatchObject({
			field: 'quote',
		});
		await expect(
			generateContract({ ...input, terms: { term_months: 0 } }, o()),
		).rejects.toMatchObject({ field: 'terms.term_months' });
	});
});
