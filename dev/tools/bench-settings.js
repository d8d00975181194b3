'use strict';
/**
 * npm run bench:settings: what reading the settings tables costs a template, in one
 * real n8n. The Simple Booking template three ways, measured in the same run,
 * interleaved: as shipped (Business Settings reads the six Data Tables in its
 * sub-workflow), "no reads" (the same sub-workflow call, the rows written into it),
 * and "fixed" (the settings written into the template itself, no sub-workflow:
 * how the templates worked before the settings tables). Sequential latency and
 * throughput with 8 in flight; ratios against "fixed".
 */
const crypto = require('node:crypto');

const { startBookingEnv } = require('../booking-env');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const SEQUENTIAL = Number(arg('requests', 20));
const LOAD = Number(arg('load', 48));
const ROUNDS = Number(arg('rounds', 3));
const CONCURRENCY = 8;

const body = (tag, i) => ({
	message: '3 bed 2 bath house clean next week',
	customer: { name: 'Dana Lee', email: 'dana@example.com', address: '12 Oak St' },
	request_id: `${tag}-${i}`,
});

/** A copy of a workflow under another name and webhook path. */
function copyOf(workflow, name, path) {
	const wf = structuredClone(workflow);
	wf.name = name;
	for (const node of wf.nodes)
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = path;
			node.webhookId = crypto.randomUUID();
		}
	return wf;
}

async function main() {
	const { settingsSeedRows } = require('../../dist/nodes/api.js');
	const env = await startBookingEnv({ parseMail: false, only: ['booking-simple.json'] });
	try {
		const simple = env.workflows['booking-simple.json'].workflow;
		const settings = env.workflows['support-business-settings.json'].workflow;
		const seeds = settingsSeedRows({ public_url: `${env.n8n.baseUrl}/` });
		const business = Object.fromEntries(seeds.business.map((r) => [r.setting, r.value]));
		const rows = Object.fromEntries(
			Object.entries(seeds).map(([k, list]) => [k, list.map((r, i) => ({ ...r, id: i + 1 }))]),
		);

		// No reads: the settings sub-workflow with its rows written in.
		const written = structuredClone(settings);
		written.name = 'Bench: Business Settings without reads';
		written.nodes = written.nodes.filter((n) => !/^Read /.test(n.name));
		const put = written.nodes.find((n) => n.name === 'Put the Settings on the Item');
		put.parameters.jsonOutput = `={{ { ...$('When Called by a Booking Workflow').first().json, ...${JSON.stringify(business)}, settings: ${JSON.stringify(rows)} } }}`;
		written.connections = {
			'When Called by a Booking Workflow': {
				main: [[{ node: 'Put the Settings on the Item', type: 'main', index: 0 }]],
			},
		};
		const writtenId = await env.n8n.importWorkflow(written);
		const noReads = copyOf(
			simple,
			'Bench: Simple Booking, settings without reads',
			'bench-no-reads',
		);
		const call = noReads.nodes.find((n) => n.name === 'Business Settings');
		call.parameters.workflowId = { ...call.parameters.workflowId, value: writtenId };

		// Fixed: a Set node with the business's values, the agents on their own fields.
		const fixed = copyOf(simple, 'Bench: Simple Booking, fixed settings', 'bench-fixed');
		Object.assign(
			fixed.nodes.find((n) => n.name === 'Business Settings'),
			{
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				parameters: {
					mode: 'manual',
					includeOtherFields: true,
					options: {},
					assignments: {
						assignments: Object.entries(business).map(([name, value], i) => ({
							id: `bench-${i}`,
							name,
							value: String(value),
							type: 'string',
						})),
					},
				},
			},
		);
		for (const node of fixed.nodes)
			if (node.parameters?.settingsFrom) node.parameters.settingsFrom = 'node';
		await env.n8n.importWorkflow(noReads);
		await env.n8n.importWorkflow(fixed);

		const variants = [
			{ key: 'as shipped (reads six tables)', path: 'booking' },
			{ key: 'sub-workflow, no reads', path: 'bench-no-reads' },
			{ key: 'fixed settings (before)', path: 'bench-fixed' },
		];
		for (const v of variants) {
			await env.n8n.waitForWebhook(v.path, { probeBody: {} });
			const probe = await env.post(v.path, body(`probe-${v.path}`, 0));
			if (probe.status !== 200 || probe.body.status !== 'booked')
				throw new Error(`${v.key}: ${probe.status} ${JSON.stringify(probe.body).slice(0, 300)}`);
			v.latency = [];
			v.rates = [];
		}
		for (let i = 0; i < SEQUENTIAL; i++)
			for (const v of variants) {
				const started = Date.now();
				await env.post(v.path, body(`seq-${v.path}`, i));
				v.latency.push(Date.now() - started);
			}
		for (let round = 0; round < ROUNDS; round++)
			for (const v of variants) {
				let next = 0;
				const started = Date.now();
				await Promise.all(
					Array.from({ length: CONCURRENCY }, async () => {
						while (next < LOAD) {
							const i = next++;
							const answer = await env.post(v.path, body(`load-${round}-${v.path}`, i));
							if (answer.status !== 200) throw new Error(`${v.key}: ${answer.status}`);
						}
					}),
				);
				v.rates.push(LOAD / ((Date.now() - started) / 1000));
			}
		const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
		const p95 = (list) =>
			[...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.ceil(list.length * 0.95) - 1)];
		const base = variants.at(-1);
		console.log(
			`\nbench:settings: Simple Booking in one n8n, ${SEQUENTIAL} sequential requests each (interleaved), ${ROUNDS} rounds of ${LOAD} with ${CONCURRENCY} in flight`,
		);
		console.log('variant                          median     p95   req/s  vs fixed (each round)');
		for (const v of variants)
			console.log(
				`${v.key.padEnd(32)} ${String(median(v.latency)).padStart(4)} ms ${String(p95(v.latency)).padStart(4)} ms ${median(v.rates).toFixed(2).padStart(6)}  ${Math.round((100 * median(v.rates)) / median(base.rates))}% (${v.rates.map((r, i) => `${Math.round((100 * r) / base.rates[i])}%`).join(' ')})`,
			);
	} finally {
		await env.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
