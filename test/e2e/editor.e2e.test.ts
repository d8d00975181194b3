/**
 * The editor in a real browser (Debian's Chromium driven by playwright-core):
 * an ops person logs in and finds every agent in the node panel, and the
 * commercial sales template, imported exactly as shipped (its credentials still
 * placeholders), opens with our nodes recognised; and the settings tables are
 * set up the way the Business Settings workflow tells ops to: open it, click
 * Execute workflow.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { OWNER, startN8n, type N8nInstance } from '../../dev/n8n';

import { settingsSeedRows, SETTINGS_TABLES } from '../../nodes/api';
import salesTemplate from '../../workflows-templates/booking-commercial-sales.json';
import settingsTemplate from '../../workflows-templates/support-business-settings.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ORDER } = require('../../scripts/templates/build');
const TEMPLATES = path.join(__dirname, '..', '..', 'workflows-templates');

jest.setTimeout(240_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'test-results');

let n8n: N8nInstance;
let browser: Browser;
let page: Page;
let templateId: string;
let settingsId: string;

const byTestId = (id: string) => `[data-test-id="${id}"]`;

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH. .ci/run installs it.`,
		);
	}
	fs.mkdirSync(SHOTS, { recursive: true });
	n8n = await startN8n();
	await n8n.setupOwner();
	templateId = await n8n.importWorkflow(salesTemplate, { publish: false });
	settingsId = await n8n.importWorkflow(settingsTemplate, { publish: false });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.locator(`${byTestId('emailOrLdapLoginId')} input`).fill(OWNER.email);
	await page.locator(`${byTestId('password')} input`).fill(OWNER.password);
	await page.locator(byTestId('form-submit-button')).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
});

afterAll(async () => {
	await browser?.close();
	await n8n?.stop();
});

/** Opens the node panel in a workflow that has a trigger (an empty one offers triggers only). */
async function searchNodePanel(term: string) {
	await page.goto(`${n8n.baseUrl}/workflow/${templateId}`);
	await page.getByText('Qualify the Lead', { exact: true }).first().waitFor({ timeout: 60_000 });
	await page.locator(byTestId('node-creator-plus-button')).click();
	const search = page.locator(byTestId('node-creator-search-bar'));
	await search.waitFor({ timeout: 30_000 });
	await search.fill(term);
	return page.locator(`${byTestId('node-creator')} ${byTestId('item-iterator-item')}`);
}

describe('the n8n editor with the package installed', () => {
	it.each([
		['Qualifier', 'Qualifier Agent'],
		['Triage', 'Triage Agent'],
		['emergency', 'Triage Agent'],
		['Pricing', 'Pricing Agent'],
		['quote', 'Pricing Agent'],
		['Negotiation', 'Negotiation Agent'],
		['Scheduling', 'Scheduling Agent'],
		['appointment', 'Scheduling Agent'],
		['Confirmation', 'Confirmation Agent'],
		['reminder', 'Confirmation Agent'],
		['Contract', 'Contract Agent'],
		['signature', 'Contract Agent'],
	])('finds "%s" in the node panel as %s', async (term, displayName) => {
		const items = await searchNodePanel(term);
		const item = items.filter({ hasText: displayName }).first();
		await item.waitFor({ timeout: 30_000 });
		expect(await item.textContent()).toContain(displayName);
		await page.screenshot({ path: path.join(SHOTS, `node-panel-${term}.png`) });
	});

	it('opens the commercial sales template with its agents recognised (no unknown-node placeholders)', async () => {
		await page.goto(`${n8n.baseUrl}/workflow/${templateId}`);
		await page.getByText('Qualify the Lead', { exact: true }).first().waitFor({ timeout: 60_000 });
		for (const name of [
			'Price a Custom Quote',
			'Negotiate',
			'Book the Recurring Visits',
			'Write the Agreement',
			'Onboard the Customer',
		])
			await page.getByText(name, { exact: true }).first().waitFor();
		expect(await page.getByText(/install this node|node is not currently installed/i).count()).toBe(
			0,
		);
		await page.screenshot({ path: path.join(SHOTS, 'commercial-sales-template.png') });
	});
});

describe('setting up the settings tables from the editor', () => {
	const seeds = settingsSeedRows();

	/** Opens Business Settings and clicks Execute workflow (its manual trigger is the one offered), then waits for the run. */
	async function runSetUp(run: number) {
		const before = (await n8n.executions(settingsId, { limit: 50 }).catch(() => [] as unknown[]))
			.length;
		await page.goto(`${n8n.baseUrl}/workflow/${settingsId}`);
		await page
			.getByText('Set Up the Settings Tables', { exact: true })
			.first()
			.waitFor({ timeout: 60_000 });
		const button = page.locator(byTestId('execute-workflow-button'));
		expect(await button.textContent()).toMatch(/from Set Up the Setting/);
		await button.click();
		for (let tries = 0; tries < 120; tries++) {
			const executions = await n8n.executions(settingsId, { limit: 50 });
			if (executions.length > before && executions[0].status === 'success') break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		await page.screenshot({ path: path.join(SHOTS, `settings-set-up-run-${run}.png`) });
	}

	const rowsOf = async () => {
		const tables = await n8n.dataTables();
		return Object.fromEntries(
			await Promise.all(
				Object.entries(SETTINGS_TABLES).map(async ([key, table]) => {
					const found = tables.find((t: { name: string }) => t.name === table.name);
					return [key, found ? await n8n.dataTableRows(found.id) : null];
				}),
			),
		) as Record<string, Array<Record<string, unknown>> | null>;
	};

	it('creates the seven tables with the starting rows', async () => {
		await runSetUp(1);
		const rows = await rowsOf();
		for (const [key, list] of Object.entries(seeds)) {
			expect(rows[key]).not.toBeNull();
			expect(rows[key]!.length).toBe(list.length);
		}
		expect(rows.rate_card!.find((r) => r.rate === 'residential_base')).toMatchObject({
			amount: 99,
			label: 'Home clean: studio or one bedroom',
		});
		expect(rows.crews!.map((r) => r.crew_id)).toEqual(['crew-a', 'crew-b', 'on-call']);
	});

	it('run again, keeps what ops changed and adds back only a missing row', async () => {
		const tables = await n8n.dataTables();
		const business = tables.find((t: { name: string }) => t.name === 'Booking Business');
		const rates = tables.find((t: { name: string }) => t.name === 'Booking Rate Card');
		await n8n.updateDataTableRows(
			business.id,
			{ setting: 'business_name' },
			{ value: 'Shine Bros.' },
		);
		await n8n.updateDataTableRows(rates.id, { rate: 'residential_base' }, { amount: 115 });
		await n8n.deleteDataTableRows(business.id, { setting: 'review_url' });
		await runSetUp(2);
		const rows = await rowsOf();
		for (const [key, list] of Object.entries(seeds)) expect(rows[key]!.length).toBe(list.length);
		expect(rows.business!.find((r) => r.setting === 'business_name')!.value).toBe('Shine Bros.');
		expect(rows.rate_card!.find((r) => r.rate === 'residential_base')!.amount).toBe(115);
		expect(rows.business!.find((r) => r.setting === 'review_url')!.value).toBe(
			'https://brightclean.example/review',
		);
	});
});

describe('the settings tables where an error sends ops staff', () => {
	it('"Overview > Data tables > Booking Rate Card" opens the grid, with the row ids the errors name', async () => {
		// The tables exist: the set-up tests above created them.
		await page.goto(`${n8n.baseUrl}/home/workflows`);
		// Overview (the home page) has a Data tables tab.
		await page.getByText('Data tables', { exact: true }).first().click({ timeout: 60_000 });
		await page.getByText('Booking Rate Card', { exact: true }).first().click({ timeout: 30_000 });
		await page.getByText('residential_base', { exact: true }).first().waitFor({ timeout: 30_000 });
		// The id column the messages refer to ("the row with id 2").
		await page.getByText('id', { exact: true }).first().waitFor({ timeout: 10_000 });
		await page.getByText('Data tables', { exact: true }).first().waitFor(); // the breadcrumb
		await page.screenshot({ path: path.join(SHOTS, 'settings-rate-card-table.png') });
	});
});

describe('every template on the canvas', () => {
	it.each(ORDER as string[])(
		'%s opens with every node and section note drawn, at zoom to fit and at 100%%',
		async (file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'));
			const id = await n8n.importWorkflow(workflow, { publish: false });
			await page.goto(`${n8n.baseUrl}/workflow/${id}`);
			const drawn = page.locator('.vue-flow__node');
			await drawn.first().waitFor({ timeout: 60_000 });
			// n8n opens a workflow zoomed to fit: every node and note is drawn, inside the window.
			const ids = workflow.nodes.map((n: { id: string }) => n.id).sort();
			const boxes = async () =>
				await drawn.evaluateAll((els) =>
					els.map((el) => {
						const r = el.getBoundingClientRect();
						return {
							id: el.getAttribute('data-id'),
							left: r.left,
							top: r.top,
							right: r.right,
							bottom: r.bottom,
						};
					}),
				);
			for (let tries = 0; (await drawn.count()) < ids.length && tries < 40; tries++)
				await page.waitForTimeout(250);
			const onScreen = await boxes();
			expect(onScreen.map((b) => b.id).sort()).toEqual(ids);
			const view = page.viewportSize()!;
			for (const box of onScreen) {
				expect(box.left).toBeGreaterThanOrEqual(0);
				expect(box.right).toBeLessThanOrEqual(view.width);
				expect(box.top).toBeGreaterThanOrEqual(0);
				expect(box.bottom).toBeLessThanOrEqual(view.height);
			}
			// The zoom n8n chose to fit it: names stay readable (14 px type, about 6 px on screen at 0.4).
			const zoom = Number(
				/scale\(([\d.]+)\)/.exec(
					(await page.locator('.vue-flow__transformationpane').getAttribute('style')) ?? '',
				)?.[1],
			);
			expect(zoom).toBeGreaterThanOrEqual(0.4);
			const nodes = page.locator(byTestId('canvas-node'));
			const name = file.replace(/\.json$/, '');
			await page.screenshot({ path: path.join(SHOTS, `template-${name}-fit.png`) });
			await nodes.first().click();
			await page.keyboard.press('0');
			await page.waitForTimeout(500);
			await page.screenshot({ path: path.join(SHOTS, `template-${name}-100.png`) });
		},
	);
});

describe('the Scheduling Agent panel an ops person fills in', () => {
	it('shows crews and opening hours as fields, with JSON only as an advanced choice', async () => {
		const id = await n8n.importWorkflow(
			{
				name: 'Panel check',
				nodes: [
					{
						parameters: {},
						id: 'p1',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
					},
					{
						parameters: { resource: 'slot', operation: 'findSlots' },
						id: 'p2',
						name: 'Find Slots',
						type: 'n8n-nodes-booking-agents.schedulingAgent',
						typeVersion: 3,
						position: [240, 0],
					},
				],
				connections: { Start: { main: [[{ node: 'Find Slots', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			},
			{ publish: false },
		);
		await page.goto(`${n8n.baseUrl}/workflow/${id}`);
		const node = page.locator(`.vue-flow__node[data-id="p2"] ${byTestId('canvas-node')}`);
		await node.waitFor({ timeout: 60_000 });
		await node.dblclick({ force: true });
		const panel = page.locator(byTestId('node-parameters'));
		await panel.waitFor({ timeout: 30_000 });
		for (const label of ['Settings From', 'Crews and Hours As', 'Crews', 'Opening Hours'])
			await panel.getByText(label, { exact: true }).first().waitFor({ timeout: 10_000 });
		// The default crews are there to edit, field by field.
		const crewIds = panel.locator(`${byTestId('parameter-input-id')} input`);
		expect(await crewIds.count()).toBe(3);
		expect(await crewIds.first().inputValue()).toBe('crew-a');
		// No JSON editor for crews or hours unless asked for.
		expect(await panel.getByText('Business Hours', { exact: true }).count()).toBe(0);
		await page.screenshot({
			path: path.join(SHOTS, 'scheduling-panel-fields.png'),
			fullPage: true,
		});
	});
});
