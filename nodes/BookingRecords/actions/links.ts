/** Booking Records' link operations: make a link, show its page, take its answer (one per item). */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runPerItem } from '../../shared/n8n/items';
import { caseIdOf } from '../../shared/records/cases';
import {
	claimLink,
	createLink,
	findLink,
	readLinkAnswer,
	type LinkKind,
} from '../../shared/records/links';
import type { BookingStore } from '../../shared/store';
import {
	askBackPage,
	crewVisitPage,
	dispatchAckPage,
	decisionPage,
	linkPageHtml,
	linkPageStatus,
	noRoomPage,
	quoteReplyPage,
	slotOfChoice,
	visitChangePage,
	wantsHumanPage,
	type LinkPageView,
} from '../pages';
import { settingsRowsOf } from '../../shared/n8n/settings';
import { readBusinessSettings } from '../../shared/settings';
import { caseFromNode } from './case';
import { runIncoming } from './incoming';

/** The operations that sign or check links (they need the Booking Agents Signing Secret credential). */
export const LINK_OPERATIONS = ['createLink', 'openLink', 'answerLink', 'routeMessage'];

export async function runLinkOperation(
	ctx: IExecuteFunctions,
	operation: string,
	store: BookingStore,
): Promise<INodeExecutionData[][]> {
	const credential = await ctx.getCredentials<{ secret?: string }>('bookingAgentsSigningSecret');
	const secret = String(credential.secret ?? '');
	if (operation === 'routeMessage') return await runIncoming(ctx, store, secret);
	return await runPerItem(ctx, async (i) => {
		if (operation === 'createLink') return [{ json: await makeLink(ctx, i, store, secret) }];
		const nowMs = Date.now();
		const token = ctx.getNodeParameter('token', i, '');
		const found = await findLink(store, token, secret, nowMs);
		if (operation === 'openLink' || found.state !== 'open')
			return [
				{
					json: {
						link_page: pageOf({ state: found.state, link: found.link }),
						link_answer: null,
					},
				},
			];
		const form = formOf(ctx.getNodeParameter('form', i, {}));
		const read = readLinkAnswer(found.link!.page, form, nowMs);
		if (!read.answer)
			return [
				{
					json: {
						link_page: pageOf({ state: 'open', link: found.link, problems: read.problems, form }),
						link_answer: null,
					},
				},
			];
		if (!(await claimLink(store, found.link!, read.answer))) {
			const again = await findLink(store, token, secret, nowMs);
			return [
				{
					json: {
						link_page: pageOf({ state: again.state, link: again.link }),
						link_answer: null,
					},
				},
			];
		}
		const link = found.link!;
		const step = link.page.choices.find((c) => c.value === read.answer.choice)?.keeps_open;
		// A step on the way (a crew's "on my way"): the page again, with it done and the steps after it.
		const after = step ? await findLink(store, token, secret, nowMs) : null;
		const answered = { ...link, used_at_ms: nowMs, answer: read.answer };
		return [
			{
				json: {
					link_page: {
						...(after ? pageOf(after) : pageOf({ state: 'answered', link: answered })),
						closed_html: linkPageHtml({ state: 'closed', link: answered }),
					},
					link_answer: {
						...read.answer,
						// A time for a job with no room: the offered slot or the typed time, ready to book.
						...(link.kind === 'no_room' || link.kind === 'wants_human'
							? { slot: slotOfChoice(read.answer.choice, read.answer.answers.start) }
							: {}),
						// A customer's free time picked from those offered (a typed time stays in answers.start).
						...(link.kind === 'visit_change'
							? { slot: slotOfChoice(read.answer.choice, null) }
							: {}),
						link_id: link.id,
						kind: link.kind,
						case_id: link.case_id,
						booking_id: link.page.booking_id ?? null,
						series_id: link.page.series_id ?? null,
						resume_url: link.resume_url,
					},
				},
			},
		];
	});
}

const PAGE_BUILDERS: Record<
	LinkKind,
	(item: Record<string, unknown>) => ReturnType<typeof quoteReplyPage>
> = {
	quote_reply: quoteReplyPage,
	ops_decision: decisionPage,
	ask_back: askBackPage,
	no_room: noRoomPage,
	wants_human: wantsHumanPage,
	dispatch_ack: dispatchAckPage,
	crew_visit: crewVisitPage,
	visit_change: visitChangePage,
};

async function makeLink(ctx: IExecuteFunctions, i: number, store: BookingStore, secret: string) {
	const kind = ctx.getNodeParameter('linkKind', i, 'quote_reply') as LinkKind;
	const build = PAGE_BUILDERS[kind];
	if (!build)
		throw new NodeOperationError(ctx.getNode(), `"${kind}" is not a kind of link`, {
			itemIndex: i,
			description:
				'Set "Link For" to The Customer’s Reply to the Quote, An Ops Decision, Details the Customer Is Asked For, A Time for a Job With No Room, The Outcome of a Call Back, An Emergency to Acknowledge, A Crew’s Visit or A Customer’s Own Visit.',
		});
	let item = caseFromNode(ctx, i);
	// An emergency to acknowledge: the person whose turn it is on the on-call ladder (Booking Business).
	const dispatch = kind === 'dispatch_ack' ? onCallTurn(ctx, i, item) : null;
	if (dispatch) item = { ...item, dispatch };
	const resume = String(ctx.getNodeParameter('resumeUrl', i, '') ?? '').trim();
	const made = await createLink(
		store,
		{
			caseId: caseIdOf(item),
			kind,
			page: build(item),
			resumeUrl: resume || null,
			baseUrl: String(ctx.getNodeParameter('linksUrl', i, '') ?? '').trim(),
			validHours: Number(ctx.getNodeParameter('validHours', i, 336)),
			reuseOpen: ctx.getNodeParameter('reuseOpen', i, false) as boolean,
		},
		secret,
		Date.now(),
	);
	const link = { ...made, kind, expires_at: new Date(made.expires_at_ms).toISOString() };
	return dispatch ? { link, dispatch } : { link };
}

/** Whose turn it is (the case's `dispatch_rung`, from 0) on the on-call ladder, and how long they have. */
function onCallTurn(ctx: IExecuteFunctions, i: number, item: Record<string, unknown>) {
	const business = readBusinessSettings(settingsRowsOf(ctx, i));
	const ladder = business.on_call_ladder;
	const rung = Number(item.dispatch_rung ?? 0);
	if (!ladder.length)
		throw new NodeOperationError(ctx.getNode(), 'Nobody is on the on-call ladder', {
			itemIndex: i,
			description:
				'Fill in on_call_ladder in the Booking Business table (names and phones in order, separated by ;), or do not ask for an acknowledgement.',
		});
	if (!Number.isInteger(rung) || rung < 0 || rung >= ladder.length)
		throw new NodeOperationError(ctx.getNode(), `There is no rung ${rung} on the on-call ladder`, {
			itemIndex: i,
			description: `dispatch_rung on the item counts from 0 and the ladder has ${ladder.length} people.`,
		});
	return {
		rung,
		rungs: ladder.length,
		to: ladder[rung],
		ack_minutes: business.dispatch_ack_minutes ?? 10,
	};
}

/** The submitted fields as an object (a JSON parameter may arrive as text). */
function formOf(value: unknown): Record<string, unknown> {
	if (typeof value === 'string') {
		try {
			return formOf(JSON.parse(value));
		} catch {
			return {};
		}
	}
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

function pageOf(view: LinkPageView) {
	return {
		state: view.state,
		status: linkPageStatus(view),
		kind: view.link?.kind ?? null,
		case_id: view.link?.case_id ?? null,
		html: linkPageHtml(view),
	};
}
