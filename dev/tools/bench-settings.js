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
const { compareInterleaved, copyOf } = require('./interleaved');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const SEQUENTIAL = Number(arg('requests', 20));
const LOAD = Number(arg('load', 48));
const ROUNDS = Number(arg('rounds', 3));

const body = (tag, i) => ({
	message: '3 bed 2 bath house clean next week',
	customer: { name: 'Dana Lee', email: 'dana@example.com', address: '12 Oak St' },
	request_id: `${tag}-${i}`,
});

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
			crypto.randomUUID(),
		);
		const call = noReads.nodes.find((n) => n.name === 'Business Settings');
		call.parameters.workflowId = { ...call.parameters.workflowId, value: writtenId };

		// Fixed: a Set node with the business's values, the agents on their own fields.
		const fixed = copyOf(
			simple,
			'Bench: Simple Booking, fixed settings',
			'bench-fixed',
			crypto.randomUUID(),
		);
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

		await compareInterleaved(
			env,
			[
				{ key: 'as shipped (reads the tables)', path: 'booking' },
				{ key: 'sub-workflow, no reads', path: 'bench-no-reads' },
				{ key: 'fixed settings (before)', path: 'bench-fixed' },
			],
			{
				body,
				sequential: SEQUENTIAL,
				load: LOAD,
				rounds: ROUNDS,
				title: 'bench:settings: Simple Booking in one n8n',
				baseline: 'fixed',
			},
		);
	} finally {
		await env.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
