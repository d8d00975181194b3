import { openStore, type BookingStore, type StoreConfig } from '../shared/store';
import { compose, type ComposeInput, type ComposeOptions, type Confirmation } from './compose';
import { readSmsKeyword, toE164 } from './sms';

export interface ConfirmOptions extends ComposeOptions {
	/** Where opt-outs are recorded (the booking store; SQLite by default). */
	store?: BookingStore | StoreConfig;
}

async function storeOf(store: ConfirmOptions['store']): Promise<BookingStore> {
	return store && 'write' in store ? store : await openStore((store as StoreConfig | undefined) ?? { backend: 'sqlite' });
}

/** Composes a message, leaving out SMS for a number that replied STOP. */
export async function confirm(input: ComposeInput, options: ConfirmOptions = {}): Promise<Confirmation> {
	let optedOut = options.smsOptedOut ?? false;
	if (!optedOut && input?.customer?.phone && options.channels?.sms !== false) {
		const store = await storeOf(options.store);
		optedOut = await store.isSmsOptedOut(toE164(input.customer.phone, options.smsDefaultCountry ?? 'US'));
	}
	return compose(input, { ...options, smsOptedOut: optedOut });
}

export interface SmsReplyResult {
	phone: string;
	action: 'opt_out' | 'opt_in' | 'none';
	keyword: string | null;
	opted_out: boolean;
	/** What to answer (carriers expect a confirmation of STOP and START), or null. */
	reply: string | null;
}

/** Records an SMS reply: STOP, QUIT, END, REVOKE, OPT OUT, CANCEL, UNSUBSCRIBE opt out; START opts back in. */
export async function recordSmsReply(input: { phone: string; text: string; business?: string | null }, options: { store?: ConfirmOptions['store']; smsDefaultCountry?: string; now?: Date | string } = {}): Promise<SmsReplyResult> {
	const phone = toE164(input.phone, options.smsDefaultCountry ?? 'US');
	const { action, keyword } = readSmsKeyword(input.text);
	const store = await storeOf(options.store);
	const now = options.now ? new Date(options.now).getTime() : Date.now();
	const business = input.business ?? 'We';
	if (action === 'opt_out') {
		await store.setSmsOptOut(phone, true, keyword, now);
		return { phone, action, keyword, opted_out: true, reply: `${business}: you are unsubscribed and will get no more texts. Reply START to subscribe again.` };
	}
	if (action === 'opt_in') {
		await store.setSmsOptOut(phone, false, keyword, now);
		return { phone, action, keyword, opted_out: false, reply: `${business}: you are subscribed to texts again. Reply STOP to opt out.` };
	}
	return { phone, action, keyword, opted_out: await store.isSmsOptedOut(phone), reply: null };
}
