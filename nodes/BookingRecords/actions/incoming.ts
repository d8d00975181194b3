/**
 * Booking Records' "Route an Incoming Message": a text (Twilio's webhook, its signature checked),
 * an e-mail or a chat line is read, matched to the sender's open case and routed (see
 * shared/intake/route.ts). The output's `incoming.route` says where the template sends it.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPerItem } from '../../shared/n8n/items';
import { settingsRowsOf } from '../../shared/n8n/settings';
import {
	INTAKE_CHANNELS,
	readIncoming,
	routeIncoming,
	type IncomingMessage,
	type IntakeChannel,
} from '../../shared/intake/route';
import { checkFormDefences, takeRateLimit } from '../../shared/intake/form';
import {
	isTwilioSignatureValid,
	signedUrl,
	twilioParams,
	twimlReply,
} from '../../shared/intake/twilio';
import { readBusinessSettings } from '../../shared/settings';
import type { BookingStore } from '../../shared/store';
import { triageRules } from '../../TriageAgent/triage';

const text = (ctx: IExecuteFunctions, name: string, i: number): string | null => {
	const value = ctx.getNodeParameter(name, i, '') as unknown;
	if (Array.isArray(value)) return value.map(String).join(' ');
	return typeof value === 'string' && value.trim() ? value : null;
};

/** A web form's spam defences and rate limit (shared/intake/form.ts), as the node's parameters set them. */
async function formRefusal(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
	read: ReturnType<typeof readIncoming>,
	nowMs: number,
): Promise<{ field: string; fix: string } | null> {
	const refused = checkFormDefences({
		honeypot: ctx.getNodeParameter('honeypot', i, ''),
		startedAt: ctx.getNodeParameter('formStartedAt', i, ''),
		nowMs,
		minSeconds: Number(ctx.getNodeParameter('minimumSeconds', i, 3)),
	});
	if (refused) return refused;
	const client = text(ctx, 'clientAddress', i);
	const limit = await takeRateLimit(
		store,
		[
			read.email ? `email:${read.email}` : '',
			read.phone ? `phone:${read.phone}` : '',
			client ? `client:${client.trim().slice(0, 64)}` : '',
		],
		nowMs,
		{
			max: Number(ctx.getNodeParameter('rateLimitMax', i, 5)),
			windowMinutes: Number(ctx.getNodeParameter('rateLimitMinutes', i, 60)),
		},
	);
	if (!limit.allowed)
		return {
			field: limit.key.split(':')[0],
			fix: `We already have several requests from you in the last hour. We will answer them; to add something, please call or e-mail us (or try again in ${Math.ceil(limit.retry_after_s / 60)} minutes).`,
		};
	return null;
}

export async function runIncoming(
	ctx: IExecuteFunctions,
	store: BookingStore,
	secret: string,
): Promise<INodeExecutionData[][]> {
	return await runPerItem(ctx, async (i, item) => {
		const channel = ctx.getNodeParameter('incomingChannel', i, 'sms') as IntakeChannel;
		if (!(INTAKE_CHANNELS as readonly string[]).includes(channel))
			throw new NodeOperationError(ctx.getNode(), `"${channel}" is not a channel`, {
				itemIndex: i,
				description: 'Set "Channel" to Text Message (Twilio), E-Mail, Chat or Web Form.',
			});
		const business = readBusinessSettings(settingsRowsOf(ctx, i));
		const nowMs = Date.now();
		let message: IncomingMessage;
		let twilio: IDataObject | null = null;
		if (channel === 'sms') {
			const body = twilioParams(item.json.body);
			if (ctx.getNodeParameter('checkSignature', i, true) as boolean) {
				const credential = await ctx.getCredentials<{ authToken?: string }>(
					'bookingAgentsTwilioWebhook',
				);
				const token = String(credential.authToken ?? '');
				if (!token)
					throw new NodeOperationError(
						ctx.getNode(),
						'The Twilio Webhook credential has no Auth Token',
						{
							itemIndex: i,
							description:
								'Twilio signs its requests with the account’s primary Auth Token: put it in the Booking Agents Twilio Webhook credential.',
						},
					);
				const headers = (item.json.headers ?? {}) as Record<string, unknown>;
				const url = signedUrl(
					text(ctx, 'requestUrl', i) ?? String(item.json.webhookUrl ?? ''),
					item.json.query,
				);
				if (!isTwilioSignatureValid(token, headers['x-twilio-signature'], url, body))
					return [
						{
							json: {
								incoming: {
									route: 'refused',
									reason: headers['x-twilio-signature']
										? 'The X-Twilio-Signature does not match this request: it was not sent by Twilio with this account’s Auth Token, or the address Twilio calls differs from this webhook’s (set WEBHOOK_URL behind a proxy).'
										: 'No X-Twilio-Signature header: only Twilio may post here.',
									reply: null,
								},
							},
						},
					];
			}
			message = {
				channel,
				text: String(body.Body ?? ''),
				phone: typeof body.From === 'string' ? body.From : null,
			};
			twilio = {
				message_sid: typeof body.MessageSid === 'string' ? body.MessageSid : null,
				to: typeof body.To === 'string' ? body.To : null,
			};
		} else {
			message = {
				channel,
				text: text(ctx, 'messageText', i) ?? '',
				phone: text(ctx, 'fromPhone', i),
				email: text(ctx, 'fromEmail', i),
				name: text(ctx, 'senderName', i),
				message_id: text(ctx, 'messageId', i),
				references: text(ctx, 'references', i),
				chat_session: text(ctx, 'chatSession', i),
			};
		}
		const read = readIncoming(message);
		if (channel === 'web_form') {
			const refusal = await formRefusal(ctx, i, store, read, nowMs);
			if (refusal)
				return [
					{
						json: {
							incoming: {
								route: 'refused',
								reason: refusal.fix,
								field: refusal.field,
								reply: refusal.fix,
							},
						},
					},
				];
		}
		const routed = await routeIncoming(store, read, {
			secret,
			linksUrl: `${business.public_url}webhook/link`,
			business: {
				name: business.business_name,
				phone: business.business_phone,
				email: business.business_email,
			},
			nowMs,
			readsAsEmergency: (words) => triageRules(words).is_emergency,
			recordOptOut: (phone, optedOut, keyword) =>
				store.setSmsOptOut(phone, optedOut, keyword, nowMs),
		});
		const { known, case: openCase, ...route } = routed;
		// A later answer by text is not sent to a number that opted out (a keyword's own reply is).
		const optedOut =
			channel === 'sms' && read.phone ? await store.isSmsOptedOut(read.phone) : false;
		return [
			{
				json: {
					incoming: {
						...route,
						channel,
						text: read.text,
						from: { phone: read.phone, email: read.email, name: read.name },
						thread: read.thread,
						...(twilio ? { twilio } : {}),
						sms_opted_out: optedOut,
						// A text is answered in TwiML, the body the webhook sends back to Twilio.
						...(channel === 'sms' ? { twiml: twimlReply(route.reply) } : {}),
					},
					// The request a new or joined case starts with, in the shape the booking webhooks take.
					...(route.route === 'inquiry'
						? {
								request: {
									message: read.text,
									// The booking webhooks' own spelling of the channel.
									channel: channel === 'web_form' ? 'web' : channel,
									customer: {
										name: known.name,
										email: known.email,
										phone: known.phone,
										address: known.address,
									},
									case: { case_id: route.case_id, thread: read.thread },
									request_id: twilio?.message_sid ?? read.thread.message_id ?? null,
								},
								known_case: openCase
									? { case_id: openCase.case_id, status: openCase.status }
									: null,
							}
						: {}),
				} as IDataObject,
			},
		];
	});
}
