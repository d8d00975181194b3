/**
 * The agents are peers: what two agents need lives in nodes/shared/, and an
 * agent imports another agent's folder only for a real use of its logic. The
 * uses: Negotiation re-prices an offer through the Pricing engine; Booking Records
 * reads crews' available hours through the Scheduling calendar.
 * Type-only imports (a Quote read by the Contract agent) carry no code.
 * Shared code imports no agent, and no pure core imports n8n.
 */
import fs from 'node:fs';
import path from 'node:path';

const NODES = path.resolve(__dirname, '..', '..', 'nodes');
const ALLOWED: Record<string, string[]> = {
	NegotiationAgent: ['PricingAgent'],
	// The weekly numbers count the hours crews could work on the Scheduling calendar's own rules.
	BookingRecords: [
		'SchedulingAgent',
		// An incoming text that reads as an emergency is never taken as a reply to a waiting page.
		'TriageAgent',
	],
};

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** Every import of a file that brings code: `import type` and `export type` are left out. */
function codeImports(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	const out: string[] = [];
	for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
		if (!m[1]) out.push(m[2]);
	}
	for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) out.push(m[1]);
	return out;
}

/** The top folder under nodes/ a file belongs to: an agent's name or "shared". */
const topFolder = (file: string) => path.relative(NODES, file).split(path.sep)[0];
const files = sourceFiles(NODES).filter((f) => topFolder(f) !== 'api.ts');

describe('the agents are peers', () => {
	it('no agent folder imports another agent folder, but for a real use (Negotiation re-prices through Pricing)', () => {
		const crossings: string[] = [];
		for (const file of files) {
			const from = topFolder(file);
			if (from === 'shared') continue;
			for (const spec of codeImports(file)) {
				if (!spec.startsWith('.')) continue;
				const target = path.resolve(path.dirname(file), spec);
				const to = topFolder(target);
				if (to !== from && to !== 'shared' && !(ALLOWED[from] ?? []).includes(to))
					crossings.push(`${path.relative(NODES, file)} imports ${spec}`);
			}
		}
		expect(crossings).toEqual([]);
	});

	it('shared code imports no agent', () => {
		const wrong = files
			.filter((f) => topFolder(f) === 'shared')
			.flatMap((file) =>
				codeImports(file)
					.filter((spec) => spec.startsWith('.'))
					.filter((spec) => topFolder(path.resolve(path.dirname(file), spec)) !== 'shared')
					.map((spec) => `${path.relative(NODES, file)} imports ${spec}`),
			);
		expect(wrong).toEqual([]);
	});

	it("the agents' pure cores import nothing from n8n (only node files and the n8n glue do)", () => {
		const wrong = files
			.filter((f) => !/\.node\.ts$/.test(f) && !/[\\/](?:actions|n8n)[\\/]/.test(f))
			.filter((f) => codeImports(f).some((spec) => spec === 'n8n-workflow'))
			.map((f) => path.relative(NODES, f));
		expect(wrong).toEqual([]);
	});

	it('the check sees a crossing when there is one', () => {
		const probe = path.join(NODES, 'ContractAgent', 'contract.ts');
		expect(codeImports(probe).some((s) => s.includes('shared/html'))).toBe(true);
		expect(codeImports(path.join(NODES, 'NegotiationAgent', 'negotiate.ts'))).toContain(
			'../PricingAgent/price',
		);
	});
});

describe('the package as published', () => {
	const repo = path.resolve(__dirname, '..', '..');
	const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));

	it('"types" names the declarations the build writes for the main module', () => {
		expect(pkg.types).toBe('dist/nodes/api.d.ts');
		expect(fs.readFileSync(path.join(repo, 'index.js'), 'utf8')).toContain(
			"require('./dist/nodes/api.js')",
		);
		expect(fs.existsSync(path.join(repo, pkg.types))).toBe(true);
	});

	it('every node and credential n8n loads is built', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials])
			expect({ file, built: fs.existsSync(path.join(repo, file)) }).toEqual({ file, built: true });
	});
});

describe('the docs', () => {
	const repo = path.resolve(__dirname, '..', '..');
	const pages = [
		'README.md',
		...fs
			.readdirSync(path.join(repo, 'docs'), { recursive: true, encoding: 'utf8' })
			.filter((f) => f.endsWith('.md'))
			.map((f) => path.join('docs', f)),
	];

	it('every relative link in the README and docs/ leads to a file that exists', () => {
		const broken: string[] = [];
		for (const page of pages) {
			const text = fs.readFileSync(path.join(repo, page), 'utf8');
			for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
				if (/^[a-z]+:/.test(target)) continue;
				if (!fs.existsSync(path.join(repo, path.dirname(page), target)))
					broken.push(`${page} -> ${target}`);
			}
		}
		expect(broken).toEqual([]);
	});

	it('the README states the Node.js version the package requires, and refers to no file outside the repository', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
		expect(pkg.engines.node).toBe('>=24');
		const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
		expect(readme).toMatch(/Node\.js 24/);
		for (const page of pages)
			expect({
				page,
				outside: /\.\.\/shared|DESIGN\.md/.test(fs.readFileSync(path.join(repo, page), 'utf8')),
			}).toEqual({
				page,
				outside: false,
			});
	});
});
