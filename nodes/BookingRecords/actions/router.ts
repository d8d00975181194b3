/** Booking Records' operations on the n8n side: the store opened once, each item's result paired with it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPerItem } from '../../shared/n8n/items';
import { readSettingsSource, settingsRowsOf } from '../../shared/n8n/settings';
import { readStoreConfig } from '../../shared/n8n/store';
import { CASE_STEPS, caseOnItem, recordCaseStep, type CaseStep } from '../../shared/records/cases';
import { readBusinessSettings, readCalendarSettings } from '../../shared/settings';
import { openStore, SqliteBookingStore, type BookingStore } from '../../shared/store';
import { checkTimeZone, type CalendarConfig } from '../../SchedulingAgent/calendar';
import { boardHtml, readBoard } from '../board';
import { EXPORTS, exportCsv, reportMessage, type ExportKind } from '../exports';
import { periodOf, weeklyNumbers, type PeriodChoice } from '../report';
import { caseFromAgent, caseFromNode } from './case';
import { LINK_OPERATIONS, runLinkOperation } from './links';
import { runAnswer } from './answer';
import { OUTBOX_OPERATIONS, runOutboxOperation } from './outbox';
import { findStranded } from './stranded';
import { CUSTOMER_OPERATIONS, runCustomerOperation } from './customers';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'answerCustomer') return await runAnswer(this);
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
	if (operation === 'caseFromAgent')
		return await runPerItem(this, async (i) => [
			{ json: (await caseFromAgent(ctx, i, store)) as IDataObject },
		]);
	if (operation === 'strandedBookings')
		return await runPerItem(this, async (i) => await findStranded(ctx, i, store));
	if (operation === 'backup')
		return await runPerItem(this, async (i) => [await backUp(ctx, i, store)]);
	if (CUSTOMER_OPERATIONS.includes(operation))
		return await runCustomerOperation(this, operation, store);
	if (LINK_OPERATIONS.includes(operation)) return await runLinkOperation(this, operation, store);
	if (OUTBOX_OPERATIONS.includes(operation))
		return await runOutboxOperation(this, operation, store);
	return await runPerItem(this, async (i) => {
		const settings = readSettings(ctx, i);
		if (operation === 'board') return [{ json: await board(ctx, i, store, settings) }];
		if (operation === 'report') return [{ json: await report(ctx, i, store, settings) }];
		if (operation === 'export') return [await exportFile(ctx, i, store, settings)];
		throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported`, {
			itemIndex: i,
			description:
				'Choose Record the Case, Read an AI Agent’s Work, Ops Board Page, Weekly Numbers, Export CSV, one of the customer, outbox or link operations.',
		});
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

/**
 * Back Up the Store: a consistent copy of the SQLite store, taken while n8n goes on booking, as
 * a file on the item (write it to disk or upload it). A PostgreSQL store is backed up by
 * PostgreSQL's own tools.
 */
async function backUp(
	ctx: IExecuteFunctions,
	i: number,
	store: BookingStore,
): Promise<{
	json: IDataObject;
	binary: Record<string, Awaited<ReturnType<IExecuteFunctions['helpers']['prepareBinaryData']>>>;
}> {
	if (!(store instanceof SqliteBookingStore))
		throw new NodeOperationError(ctx.getNode(), 'A PostgreSQL store is backed up by PostgreSQL', {
			itemIndex: i,
			description:
				'Run pg_dump -Fc on the store’s database where PostgreSQL runs (your database service’s backups do the same), and pg_restore to restore it; see the package’s docs (ops: backups).',
		});
	const takenAt = new Date();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ba-backup-'));
	try {
		const file = path.join(dir, 'backup.sqlite');
		await store.backUpTo(file);
		const data = fs.readFileSync(file);
		const [version] = await store.read('SELECT MAX(version) AS version FROM schema_migrations');
		const fileName = `booking-agents-${takenAt.toISOString().replace(/[:.]/g, '-')}.sqlite`;
		const field = (ctx.getNodeParameter('binaryProperty', i, 'data') as string) || 'data';
		return {
			json: {
				backup: {
					store: 'sqlite',
					file_name: fileName,
					bytes: data.length,
					schema_version: Number(version?.version ?? 0),
					taken_at: takenAt.toISOString(),
				},
			},
			binary: {
				[field]: await ctx.helpers.prepareBinaryData(data, fileName, 'application/vnd.sqlite3'),
			},
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
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
