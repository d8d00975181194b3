'use strict';
/**
 * Variants of one template compared in one n8n, interleaved so that the machine's drift
 * falls on all of them alike: sequential requests (latency), then rounds with requests
 * in flight (throughput), and a table of ratios against the last variant (the baseline).
 * Used by bench:settings and bench:records.
 */

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const p95 = (list) =>
	[...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.ceil(list.length * 0.95) - 1)];

/** A copy of a workflow under another name, its webhook on another path. */
function copyOf(workflow, name, path, webhookId) {
	const wf = structuredClone(workflow);
	wf.name = name;
	for (const node of wf.nodes)
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = path;
			node.webhookId = webhookId;
		}
	return wf;
}

/**
 * Measures `variants` ({ key, path }, the baseline last) with `body(tag, i)` requests that
 * must answer 200 with `status: expect`; prints the table under `title` and returns it.
 */
async function compareInterleaved(
	env,
	variants,
	{
		body,
		expect = 'booked',
		sequential = 20,
		load = 48,
		rounds = 3,
		concurrency = 8,
		title,
		baseline,
	},
) {
	for (const v of variants) {
		await env.n8n.waitForWebhook(v.path, { probeBody: {} });
		const probe = await env.post(v.path, body(`probe-${v.path}`, 0));
		if (probe.status !== 200 || probe.body.status !== expect)
			throw new Error(`${v.key}: ${probe.status} ${JSON.stringify(probe.body).slice(0, 300)}`);
		v.latency = [];
		v.rates = [];
	}
	for (let i = 0; i < sequential; i++)
		for (const v of variants) {
			const started = Date.now();
			await env.post(v.path, body(`seq-${v.path}`, i));
			v.latency.push(Date.now() - started);
		}
	for (let round = 0; round < rounds; round++)
		for (const v of variants) {
			let next = 0;
			const started = Date.now();
			await Promise.all(
				Array.from({ length: concurrency }, async () => {
					while (next < load) {
						const i = next++;
						const answer = await env.post(v.path, body(`load-${round}-${v.path}`, i));
						if (answer.status !== 200) throw new Error(`${v.key}: ${answer.status}`);
					}
				}),
			);
			v.rates.push(load / ((Date.now() - started) / 1000));
		}
	const base = variants.at(-1);
	console.log(
		`\n${title}, ${sequential} sequential requests each (interleaved), ${rounds} rounds of ${load} with ${concurrency} in flight`,
	);
	console.log(
		`variant                          median     p95   req/s  vs ${baseline} (each round)`,
	);
	for (const v of variants)
		console.log(
			`${v.key.padEnd(32)} ${String(median(v.latency)).padStart(4)} ms ${String(p95(v.latency)).padStart(4)} ms ${median(v.rates).toFixed(2).padStart(6)}  ${Math.round((100 * median(v.rates)) / median(base.rates))}% (${v.rates.map((r, i) => `${Math.round((100 * r) / base.rates[i])}%`).join(' ')})`,
		);
	return variants;
}

module.exports = { compareInterleaved, copyOf, median, p95 };
