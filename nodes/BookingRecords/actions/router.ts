/** Booking Records' operations on the n8n side: the store opened once, each item's result paired with it. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { caseOf, nodeOutputJson } from '../../shared/n8n/inputs';
import { runPerItem } from '../../shared/n8n/items';
import { readSettingsSource, settingsRowsOf } from '../../shared/n8n/settings';
import { readStoreConfig } from '../../shared/n8n/store';
import {
	CASE_STEPS,
	caseIdOf,
	caseOnItem,
	recordCaseStep,
	type CaseStep,
} from '../../shared/records/cases';
import {
	claimLink,
	createLink,
	findLink,
	readLinkAnswer,
	type LinkKind,
} from '../../shared/records/links';
import { readBusinessSettings, readCalendarSettings } from '../../shared/settings';
import { openStore, type BookingStore } from '../../shared/store';
import { checkTimeZone, type CalendarConfig } from '../../SchedulingAgent/calendar';
import { boardHtml, readBoard } from '../board';
import { EXPORTS, exportCsv, reportMessage, type ExportKind } from '../exports';
import { periodOf, weeklyNumbers, type PeriodChoice } from '../report';
import {
	decisionPage,
	linkPageHtml,
	linkPageStatus,
	quoteReplyPage,
	type LinkPageView,
} from '../pages';

/** The operations that sign or check links (they need the Booking Agents Signing Secret credential). */
export const LINK_OPERATIONS = ['createLink', 'openLink', 'answerLink'];

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const store = await openStore(await readStoreConfig(this));
	const ctx = this;
	if (operation === 'recordCase') {
		const workflow = this.getWorkflow();
		const executionId = this.getExecutionId() ?? null;
		const base = this.getInstanceBaseUrl?.() ?? '';
		return await runPerItem(this, async (i) => {
			const step = this.getNodeParameter('step', i) as CaseStep;
			if (!(CASE_STEPS as readonly string[]).includes(step))
				throw new NodeOperationError(this.getNode(), `"${step}" is not a step of a case`, {
					itemIndex: i,
					description: `Set "What Happened" to one of: ${CASE_STEPS.join(', ')}.`,
				});
			const reason = ((this.getNodeParameter('reason', i, '') as string) || '').trim() || null;
			const { record, events } = await recordCaseStep(
				store,
				caseFromNode(ctx, i),
				step,
				{
					workflow: workflow.name ?? null,
					executionId,
					executionUrl:
						executionId && workflow.id
							? `${base.replace(/\/$/, '')}/workflow/${workflow.id}/executions/${executionId}`
							: null,
				},
				Date.now(),
				reason,
			);
			return [{ json: { case: caseOnItem(record, events) as IDataObject } }];
		});
	}
	if (LINK_OPERATIONS.includes(operation)) {
		const credential = await this.getCredentials<{ secret?: string }>('bookingAgentsSigningSecret');
		const secret = String(credential.secret ?? '');
		return await runPerItem(this, async (i) => {
			if (operation === 'createLink')
				return [{ json: { link: await makeLink(ctx, i, store, secret) } }];
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
			const answered = { ...link, used_at_ms: nowMs, answer: read.answer };
			return [
				{
					json: {
						link_page: {
							...pageOf({ state: 'answered', link: answered }),
							closed_html: linkPageHtml({ state: 'closed', link: answered }),
						},
						link_answer: {
							...read.answer,
							link_id: link.id,
							kind: link.kind,
							case_id: link.case_id,
							resume_url: link.resume_url,
						},
					},
				},
			];
		});
	}
	return await runPerItem(this, async (i) => {
		const settings = readSettings(ctx, i);
		if (operation === 'board') return [{ json: await board(ctx, i, store, settings) }];
		if (operation === 'report') return [{ json: await report(ctx, i, store, settings) }];
		if (operation === 'export') return [await exportFile(ctx, i, store, settings)];
		throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported`, {
			itemIndex: i,
			description:
				'Choose Record the Case, Ops Board Page, Weekly Numbers, Export CSV, or one of the link operations.',
		});
	});
}

/** The case: the incoming item, or the paired item of the node named in "Case From Node". */
function caseFromNode(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	const name = String(ctx.getNodeParameter('caseNode', i, '') ?? '').trim();
	if (!name) return caseOf(ctx, i);
	const json = nodeOutputJson(ctx, i, name);
	if (json) return json;
	throw new NodeOperationError(ctx.getNode(), `No case on the output of "${name}"`, {
		itemIndex: i,
		description: `"Case From Node" names "${name}", but no node of that name ran before this one in this execution. Name the node whose output is the case (for example the Confirmation Agent's), or leave the field empty to use the incoming item.`,
	});
}

interface BoardSettings {
	business: string;
	timeZone: string;
	calendar: Partial<CalendarConfig>;
}

function readSettings(ctx: IExecuteFunctions, i: number): BoardSettings {
	if (readSettingsSource(ctx, i) === 'tables') {
		const rows = settingsRowsOf(ctx, i);
		const business = readBusinessSettings(rows);
		return {
			business: business.business_name,
			timeZone: business.time_zone,
			calendar: readCalendarSettings(rows) as Partial<CalendarConfig>,
		};
	}
	const timeZone = checkTimeZone(
		ctx.getNodeParameter('timeZone', i, 'America/New_York'),
		'timeZone',
	);
	return {
		business: String(ctx.getNodeParameter('businessName', i, 'Our business') || 'Our business'),
		timeZone,
		calendar: { timeZone, crews: [] },
	};
}

function periodFor(ctx: IExecuteFunctions, i: number, timeZone: string) {
	return periodOf(
		ctx.getNodeParameter('period', i, 'lastWeek') as PeriodChoice,
		timeZone,
		Date.now(),
		{
			from: ctx.getNodeParameter('periodFrom', i, '') as string,
			to: ctx.getNodeParameter('periodTo', i, '') as string,
		},
	);
}

function goalSeconds(ctx: IExecuteFunctions, i: number): number {
	return Math.round(Number(ctx.getNodeParameter('goalMinutes', i, 2)) * 60);
}

async function board(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
	settings: BoardSettings,
) {
	const nowMs = Date.now();
	const goal = goalSeconds(ctx, i);
	const numbers = ctx.getNodeParameter('withNumbers', i, true)
		? await weeklyNumbers(store, periodOf('thisWeek', settings.timeZone, nowMs), {
				calendar: settings.calendar,
				goalSeconds: goal,
			})
		: null;
	const page = String(ctx.getNodeParameter('pageUrl', i, '') ?? '').trim();
	const data = await readBoard(store, {
		nowMs,
		business: settings.business,
		timeZone: settings.timeZone,
		crews: settings.calendar.crews ?? [],
		goalSeconds: goal,
		numbers,
		exportUrl: page ? page.split('?')[0] : null,
	});
	return {
		ops_board: {
			html: boardHtml(data),
			generated_at: data.generated_at,
			visits_today: data.crews.reduce((n, c) => n + c.today.length, 0),
			waiting_on_ops: data.waiting_on_ops.length,
			awaiting_reply: data.awaiting_reply.length,
			awaiting_signature: data.awaiting_signature.length,
			failed_deliveries: data.failed_deliveries.length,
			emergencies: data.emergencies.length,
		},
	} as IDataObject;
}

async function report(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
	settings: BoardSettings,
) {
	const numbers = await weeklyNumbers(store, periodFor(ctx, i, settings.timeZone), {
		calendar: settings.calendar,
		goalSeconds: goalSeconds(ctx, i),
	});
	return {
		report: { ...numbers, ...reportMessage(numbers, settings.business) },
	} as unknown as IDataObject;
}

async function exportFile(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
	settings: BoardSettings,
): Promise<{
	json: IDataObject;
	binary: Record<string, Awaited<ReturnType<IExecuteFunctions['helpers']['prepareBinaryData']>>>;
}> {
	const kind = ctx.getNodeParameter('exportKind', i, 'cases') as ExportKind;
	if (!(EXPORTS as readonly string[]).includes(kind))
		throw new NodeOperationError(ctx.getNode(), `"${kind}" cannot be exported`, {
			itemIndex: i,
			description: 'Set "Export" to Cases or Bookings.',
		});
	const file = await exportCsv(store, kind, periodFor(ctx, i, settings.timeZone));
	const field = (ctx.getNodeParameter('binaryProperty', i, 'data') as string) || 'data';
	const binary = await ctx.helpers.prepareBinaryData(
		Buffer.from(file.csv, 'utf8'),
		file.fileName,
		'text/csv',
	);
	return {
		json: { export: { kind, file_name: file.fileName, rows: file.rows } },
		binary: { [field]: binary },
	};
}

const PAGE_BUILDERS: Record<
	LinkKind,
	(item: Record<string, unknown>) => ReturnType<typeof quoteReplyPage>
> = {
	quote_reply: quoteReplyPage,
	ops_decision: decisionPage,
};

async function makeLink(ctx: IExecuteFunctions, i: number, store: BookingStore, secret: string) {
	const kind = ctx.getNodeParameter('linkKind', i, 'quote_reply') as LinkKind;
	const build = PAGE_BUILDERS[kind];
	if (!build)
		throw new NodeOperationError(ctx.getNode(), `"${kind}" is not a kind of link`, {
			itemIndex: i,
			description: 'Set "Link For" to The Customer’s Reply to the Quote or An Ops Decision.',
		});
	const item = caseFromNode(ctx, i);
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
		},
		secret,
		Date.now(),
	);
	return { ...made, kind, expires_at: new Date(made.expires_at_ms).toISOString() };
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
