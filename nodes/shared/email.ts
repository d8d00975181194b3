/**
 * An e-mail as a reader needs it. Mail brings more than the customer's words: the quoted
 * history of the thread (the older messages, newest first, under "On ... wrote:" or "> "
 * lines), a forwarded message (which is what is being sent: a tenant's "water is pouring
 * through my ceiling" forwarded by the manager), and the sender's signature, confidentiality
 * notice, "Sent from my iPhone". A signature's "Flood & Fire Claims" or "Emergency? Call 911"
 * is not the customer's situation, and a thread's "water everywhere, come ASAP" from last
 * month is not today's when the newest words say "all dried out now".
 */

/** Where a reply's quoted history starts ("On ... wrote:", an Outlook header, "El ... escribió:"). */
const QUOTE_START =
	/^(?:On\b.{0,300}\bwrote:\s*$|-{2,}\s*Original Message\s*-{2,}|_{5,}\s*$|From: .{1,300}$|El\b.{0,300}\bescribi[oó]:\s*$)/im;
/** Where a forwarded message starts: its header and text are what is sent, not history. */
const FORWARD_START =
	/^(?:-{2,}\s*(?:Forwarded message|Mensaje reenviado)\s*-{2,}|Begin forwarded message:|Inicio del mensaje reenviado:)\s*$/im;
/** Text longer than this is read only this far for the thread's structure (a bound on the work). */
const LOOKED_AT = 20_000;

/** The newest words of an e-mail (with any forwarded message) and the quoted history under them. */
export function splitReply(text: string): { own: string; history: string } {
	const head = text.slice(0, LOOKED_AT);
	const forward = FORWARD_START.exec(head);
	const quote = QUOTE_START.exec(forward ? head.slice(0, forward.index) : head);
	const top = quote ? text.slice(0, quote.index) : text;
	const history = quote ? [text.slice(quote.index)] : [];
	// "> " lines in the newest words are quoted too (a reply written between the quotes).
	const own: string[] = [];
	for (const line of top.split('\n')) (/^\s*>/.test(line) ? history : own).push(line);
	return { own: own.join('\n').trim(), history: history.join('\n').trim() };
}

/** A paragraph that is a notice, not a message: confidentiality, virus scans, "Sent from my". */
const NOTICE = [
	/\b(?:confidential\w*|privileged)\b[\s\S]{0,400}\b(?:intended|in error|unauthori[sz]ed|prohibited|notify the sender|delete)\b/i,
	/\b(?:scanned (?:for viruses|by)|think before you print|please consider the environment)\b/i,
	/\b(?:aviso de confidencialidad|(?:mensaje|correo) (?:es|puede ser) confidencial|recibi[oó] (?:este (?:mensaje|correo) )?por error)\b/i,
];
/** A line a mail app adds. */
const APP_LINE =
	/^\s*(?:sent from my \S.{0,40}|sent from (?:outlook|mail|yahoo mail).{0,40}|get outlook for \S.{0,30}|enviado desde mi \S.{0,40})\s*$/i;
/** The line a signature starts after: "-- " (the mail standard's) or a closing on its own. */
const SIGNATURE_DELIMITER = /^-- ?$/;
const CLOSING_WORDS =
	'(?:(?:(?:best|kind|warm|warmest) )?regards|best|best wishes|thanks|thank you|many thanks|sincerely|cheers|warmly|respectfully|saludos(?: cordiales)?|atentamente|un saludo|gracias|muchas gracias)';
const CLOSING = new RegExp(`^\\s*${CLOSING_WORDS}\\s*(?:[,.!]\\s*)?$`, 'i');
/** A postscript after the signature is the customer's words again. */
const POSTSCRIPT = /^\s*(?:p\.?\s?s\.?|p\.?\s?d\.?)[\s:,-]/i;
/** A signature is a few short lines. */
const SIGNATURE_LINES = 8;
const SIGNATURE_LINE_LENGTH = 100;

/** The words without the signature, notices and mail-app lines. */
export function withoutMailClutter(text: string): string {
	const out: string[] = [];
	// Lines of signature still to skip: set by a closing (to its paragraph's end) or by "-- ".
	let signatureLeft = 0;
	for (const paragraph of text.split(/\n\s*\n/)) {
		if (NOTICE.some((notice) => notice.test(paragraph.slice(0, 2000)))) continue;
		const kept: string[] = [];
		let closedHere = false;
		for (const line of paragraph.split('\n')) {
			if (POSTSCRIPT.test(line) || FORWARD_START.test(line)) signatureLeft = 0;
			if (signatureLeft > 0 && line.length <= SIGNATURE_LINE_LENGTH) {
				signatureLeft--;
				continue;
			}
			signatureLeft = 0;
			if (APP_LINE.test(line)) continue;
			const closing = CLOSING.test(line);
			if (closing || SIGNATURE_DELIMITER.test(line)) {
				signatureLeft = SIGNATURE_LINES;
				closedHere = closing;
				continue;
			}
			kept.push(line);
		}
		// A closing's signature ends with its paragraph; the mail standard's "-- " runs on.
		if (closedHere) signatureLeft = 0;
		if (kept.some((line) => line.trim())) out.push(kept.join('\n'));
	}
	return out.join('\n\n');
}

/**
 * Any mark of the above: a quote or forward marker, a closing or "-- ", a notice's or a mail
 * app's words. Text with none is returned at once (most messages: one pass of one pattern,
 * which never looks past a line's end).
 */
const MAIL_MARKS = new RegExp(
	`^[ \\t]*>|\\bwrote:|\\bescribi[oó]:|original message|^from: |^_{5,}|forwarded message|mensaje reenviado|^-- ?$|^[ \\t]*${CLOSING_WORDS}\\b|confidencial|confidential|privileged|scanned|think before you print|consider the environment|recibi[oó]|sent from|enviado desde|get outlook`,
	'im',
);

/**
 * The text as the rules read it: the thread's history first and the newest words last (so
 * what was said last is what the customer says now), without signatures and notices. Plain
 * one-line text is returned as it is.
 */
export function inReadingOrder(message: string): string {
	// One line is no thread and carries no signature: nothing to put in order or leave out.
	if (!message.includes('\n') && !/^\s*>/.test(message)) return message;
	if (!MAIL_MARKS.test(message)) return message;
	const { own, history } = splitReply(message);
	const newest = withoutMailClutter(own);
	if (!history) return newest || message;
	const older = withoutMailClutter(history.replace(/^\s*>\s?/gm, ''));
	return [older, newest].filter(Boolean).join('\n\n') || message;
}
