/**
 * The soak's memory tools (npm run soak -- --snapshots / --sample-heap) on a process whose growth
 * is known: a class keeps a Map that gains an entry every millisecond. The snapshot analysis must
 * put the growth on that Map, with the path from the roots that names the class and the field.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { connect, freePort } = require('../../dev/tools/heap-sampler');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { growthSince, highestId, takeSnapshot } = require('../../dev/tools/heap-snapshot');

const GROWING = `
class ExecutionKeeper { constructor() { this.kept = new Map(); } }
globalThis.keeper = new ExecutionKeeper();
let i = 0;
setInterval(() => keeper.kept.set('e' + i++, { data: 'x'.repeat(500) + i, list: [1, 2, 3] }), 1);
`;

describe('heap snapshots: where the growth hangs', () => {
	let child: ChildProcess | undefined;
	let folder: string;

	beforeAll(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-agents-heap-'));
	});

	afterAll(() => {
		child?.kill('SIGKILL');
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('finds the Map that gained entries between two snapshots, and its owner', async () => {
		const port = await freePort();
		child = spawn(process.execPath, [`--inspect=127.0.0.1:${port}`, '-e', GROWING], {
			stdio: 'ignore',
		});
		const inspector = await connect(port);
		// The keeper exists before the first snapshot: only its entries are new.
		await new Promise((resolve) => setTimeout(resolve, 300));
		try {
			const first = path.join(folder, 'first.heapsnapshot');
			await takeSnapshot(inspector, first);
			const since = highestId(first);
			await new Promise((resolve) => setTimeout(resolve, 1500));
			const second = path.join(folder, 'second.heapsnapshot');
			await takeSnapshot(inspector, second);
			const growth = growthSince(second, since, { top: 3 });
			expect(growth.new_objects).toBeGreaterThan(500);
			const [top] = growth.groups;
			expect(top.anchor).toBe('(object) Map');
			expect(top.mb).toBeGreaterThan(growth.new_mb * 0.9);
			expect(top.path.join(' ')).toContain('.keeper (object) ExecutionKeeper .kept (object) Map');
		} finally {
			inspector.close();
		}
	}, 60_000);
});
