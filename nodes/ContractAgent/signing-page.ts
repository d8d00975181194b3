/**
 * The page a signing link opens: the agreement itself, the name to type and a Sign
 * button (a form that posts back to the same address), or, when it cannot be signed,
 * why (signed already, expired, no longer open, not a valid link). Pure: no n8n.
 */
import { DateTime } from 'luxon';

import { escapeHtml as h, personPage } from '../shared/html';
import type { ContractRecord } from '../shared/store';
import type { SigningState } from './contract';

export interface SigningPageView {
	state: SigningState;
	contract: ContractRecord | null;
	expires_at_ms: number | null;
	/** What to fix before signing (the name was missing), shown above the form. */
	problem?: string | null;
	/** The link's token: the page links its own PDF with it. */
	token?: string | null;
}

/** What the agreement's page adds to the shared page style: the document in its own scrolling frame. */
const STYLE = `.card{margin-bottom:16px}.doc{font-family:Georgia,serif;line-height:1.5;border:1px solid #eceef2;border-radius:8px;padding:8px 18px;max-height:60vh;overflow:auto}
.doc h1{font-size:1.2rem}`;

const businessOf = (contract: ContractRecord | null) => {
	const business = (contract?.terms?.business ?? {}) as Record<string, unknown>;
	return {
		name: typeof business.name === 'string' && business.name ? business.name : 'Service agreement',
		contact: [business.phone, business.email]
			.filter((v) => typeof v === 'string' && v)
			.join(' or '),
	};
};

const zoneOf = (contract: ContractRecord | null) =>
	typeof contract?.terms?.time_zone === 'string' ? contract.terms.time_zone : 'America/New_York';

/** The agreement's own body (its HTML is a whole document). */
function documentBody(html: string): string {
	const match = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
	return match ? match[1] : '';
}

const shell = (business: string, title: string, body: string) =>
	personPage({ business, title, body, widthPx: 760, style: STYLE });

/** The HTTP status each state answers with. */
export function signingPageStatus(view: Pick<SigningPageView, 'state' | 'problem'>): number {
	if (view.state === 'open') return view.problem ? 400 : 200;
	if (view.state === 'signed') return 200;
	if (view.state === 'invalid') return 404;
	return 410;
}

export function signingPageHtml(view: SigningPageView): string {
	const { contract } = view;
	const business = businessOf(contract);
	const zone = zoneOf(contract);
	const when = (ms: number | null | undefined) =>
		ms ? DateTime.fromMillis(ms, { zone }).toFormat("LLLL d, yyyy 'at' h:mm a ZZZZ") : '';
	const reach = business.contact ? `<p>To reach us: ${h(business.contact)}.</p>` : '';
	// A relative link: the same address with the PDF asked for.
	const pdfLink = view.token
		? `<p><a href="?token=${encodeURIComponent(view.token)}&amp;format=pdf" download>Download the PDF</a></p>`
		: '';
	switch (view.state) {
		case 'invalid':
			return shell(
				business.name,
				'This signing link is not valid',
				'<p>The link was changed or belongs to another document, so nothing was signed. Open the link exactly as it is in the e-mail we sent you, or ask us for a new one.</p>',
			);
		case 'expired':
			return shell(
				business.name,
				'This signing link has expired',
				`<p class="notice">It could be used until ${h(when(view.expires_at_ms))}; nothing was signed.</p><p>Ask us for a new agreement link and we will send one.</p>${reach}`,
			);
		case 'closed':
			return shell(
				business.name,
				'This agreement is no longer open for signing',
				`<p class="notice">It is ${h(String(contract?.status ?? 'closed').replace(/_/g, ' '))}, so nothing was signed.</p>${reach}`,
			);
		case 'signed': {
			const signature = contract!.signature!;
			return shell(
				business.name,
				'Your agreement is signed',
				`<p class="notice">Signed by <b>${h(signature.name)}</b> on ${h(when(signature.signed_at_ms))}. Thank you.</p><p class="muted">Agreement ${h(contract!.id)} · document fingerprint (SHA-256) <code>${h(signature.document_sha256)}</code></p>${pdfLink}<div class="doc">${documentBody(contract!.document_html)}</div>`,
			);
		}
		case 'open':
			return shell(
				business.name,
				'Your service agreement',
				`<p>Please read the agreement below (the same as the PDF attached to our e-mail). To accept it, type your full name and press Sign.</p>${pdfLink}<div class="doc">${documentBody(contract!.document_html)}</div>
<form method="post"><p><label for="name">Your full name</label></p>${view.problem ? `<p class="problem" role="alert">${h(view.problem)}</p>` : ''}<input type="text" id="name" name="name" maxlength="200" autocomplete="name" required><p><label><input type="checkbox" name="agree" value="yes" required> I have read the agreement and accept it.</label></p><p><button type="submit">Sign</button></p></form>
<p class="muted">This link can be used until ${h(when(view.expires_at_ms))}. Signing records your name, the time, your address and browser, and the document's fingerprint (SHA-256) <code>${h(contract!.document_sha256)}</code>.</p>`,
			);
	}
}
