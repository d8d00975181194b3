/**
 * Every shipped canvas reads at a glance: no two nodes overlap, every node sits
 * inside exactly one section note (a sticky note framing its nodes), no note
 * overlaps another note or a node of another section, and n8n's "zoom to fit" shows
 * the whole canvas in a 1440 x 900 editor at a zoom where node names can be read.
 */
import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render } = require('../../scripts/templates/build');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NODE, fitZoom } = require('../../scripts/templates/layout');

interface Node {
	name: string;
	type: string;
	position: [number, number];
	parameters: { width?: number; height?: number };
}
interface Box {
	name: string;
	left: number;
	top: number;
	right: number;
	bottom: number;
}

const STICKY = 'n8n-nodes-base.stickyNote';
/**
 * The least zoom at which node names stay readable: n8n writes them in 14 px type at 100%,
 * so about 6 px on screen at 0.4. The editor test reads the zoom n8n really chooses.
 */
const READABLE_ZOOM = 0.4;

const boxOfNode = (n: Node): Box => ({
	name: n.name,
	left: n.position[0],
	top: n.position[1],
	right: n.position[0] + NODE,
	bottom: n.position[1] + NODE,
});
const boxOfNote = (n: Node): Box => ({
	name: n.name,
	left: n.position[0],
	top: n.position[1],
	right: n.position[0] + n.parameters.width!,
	bottom: n.position[1] + n.parameters.height!,
});
const overlap = (a: Box, b: Box) =>
	a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a: Box, outer: Box) =>
	a.left >= outer.left && a.right <= outer.right && a.top >= outer.top && a.bottom <= outer.bottom;

/** The zoom n8n's "zoom to fit" would use for these boxes. */
function zoomToFit(boxes: Box[]): number {
	const width = Math.max(...boxes.map((b) => b.right)) - Math.min(...boxes.map((b) => b.left));
	const height = Math.max(...boxes.map((b) => b.bottom)) - Math.min(...boxes.map((b) => b.top));
	return fitZoom(width, height);
}

const files: Array<{ file: string; text: string }> = render();

describe.each(files.map(({ file, text }) => [file, JSON.parse(text)]))('%s', (_file, wf) => {
	const nodes = (wf.nodes as Node[]).filter((n) => n.type !== STICKY).map(boxOfNode);
	const notes = (wf.nodes as Node[]).filter((n) => n.type === STICKY).map(boxOfNote);

	it('has no two nodes on top of each other', () => {
		const clashes = nodes.flatMap((a, i) =>
			nodes
				.slice(i + 1)
				.filter((b) => overlap(a, b))
				.map((b) => `${a.name} / ${b.name}`),
		);
		expect(clashes).toEqual([]);
	});

	it('frames every node in exactly one section note', () => {
		const wrong = nodes
			.map(
				(n) => [n.name, notes.filter((note) => inside(n, note)).map((note) => note.name)] as const,
			)
			.filter(([, around]) => around.length !== 1);
		expect(wrong).toEqual([]);
	});

	it('has notes that overlap no other note and no node of another section', () => {
		const clashes = notes.flatMap((a, i) => [
			...notes
				.slice(i + 1)
				.filter((b) => overlap(a, b))
				.map((b) => `${a.name} / ${b.name}`),
			...nodes.filter((n) => overlap(n, a) && !inside(n, a)).map((n) => `${a.name} / ${n.name}`),
		]);
		expect(clashes).toEqual([]);
	});

	it(`fits one screen at a readable zoom (at least ${READABLE_ZOOM})`, () => {
		expect(zoomToFit([...nodes, ...notes])).toBeGreaterThanOrEqual(READABLE_ZOOM);
	});
});

it('is checked on every shipped file', () => {
	const shipped = fs
		.readdirSync(path.join(__dirname, '..', '..', 'workflows-templates'), { recursive: true })
		.filter((f) => String(f).endsWith('.json'));
	expect(files.map((f) => f.file).sort()).toEqual(shipped.map(String).sort());
});
