'use strict';
/**
 * Lays a template out so it reads at a glance: each section's nodes left to
 * right by dagre (the layered layout n8n's own "Tidy up" uses, which keeps wires
 * from crossing where it can), framed by a coloured sticky note whose heading
 * and text sit above its nodes; sections side by side in rows, never
 * overlapping. The same geometry is what test/unit/layout.test.ts checks.
 */
const dagre = require('@dagrejs/dagre');

/** n8n draws a node as a 100 x 100 box; its name is written under it. */
const NODE = 100;
/** Room for a node's name (two lines) under it, and between ranks for the wires. */
const LABEL = 40;
const RANK_GAP = 80;
const ROW_GAP = 40;
/** Inside a note: around its nodes, and between notes. */
const PAD = 30;
const NOTE_GAP = 40;
const MIN_NOTE_WIDTH = 420;
/**
 * n8n's "zoom to fit" in a 1440 x 900 window: the canvas left by its side bar and header
 * (about 1380 x 800) holds the workflow with a tenth of margin on each side (measured in
 * the editor test: its zoom is this to within 1%).
 */
const VIEW = { width: 1380, height: 800, fitMargin: 1.2 };

/** The zoom n8n's "zoom to fit" gives a canvas of this size (never above 100%). */
const fitZoom = (width, height) =>
	Math.min(1, VIEW.width / (width * VIEW.fitMargin), VIEW.height / (height * VIEW.fitMargin));
/** Sticky notes' text, measured at 100% in n8n 2.40's editor: 14 px type, about 7.4 px a character (8.4 in code), 19 px a line. */
const CHAR_PX = 7.4;
const CODE_PX = 8.4;
const LINE_PX = 19;
const TITLE_PX = 44;
const GRID = 20;

/** n8n's sticky note colours, one per section in turn (1 yellow, 2 brown, 3 red, 4 green, 5 blue, 6 purple, 7 grey). */
const PALETTE = [7, 5, 4, 6, 2, 3, 1];

const snap = (v) => Math.round(v / GRID) * GRID;

/** Lines inside ``` fences: shown as they are, never wrapped. */
function codeLines(text) {
	let fenced = false;
	const out = [];
	for (const line of text.split('\n')) {
		if (line.startsWith('```')) fenced = !fenced;
		else if (fenced) out.push(line);
	}
	return out;
}

/** The width a note needs for its longest code line (monospace is a little wider). */
const codeWidth = (text) => Math.max(0, ...codeLines(text).map((l) => l.length * CODE_PX + 2 * 16));

/** The height a note's text takes at this width (the heading and each wrapped line). */
function textHeight(text, width) {
	const perLine = Math.max(20, Math.floor((width - 2 * 16) / CHAR_PX));
	const code = new Set(codeLines(text));
	let lines = 0;
	for (const line of text.split('\n'))
		lines += code.has(line) ? 1 : Math.max(1, Math.ceil(line.length / perLine));
	return TITLE_PX + lines * LINE_PX + 16;
}

/**
 * Positions for one section's nodes (top-left corners, from 0,0) and the size of
 * the box they take, by dagre on the wires between them.
 */
function layoutSection(names, connections) {
	const g = new dagre.graphlib.Graph({ multigraph: true });
	g.setGraph({ rankdir: 'LR', nodesep: ROW_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
	g.setDefaultEdgeLabel(() => ({}));
	const inSection = new Set(names);
	for (const name of names) g.setNode(name, { width: NODE, height: NODE + LABEL });
	// An AI Agent's model, memory and tools (ai_* connections) are laid in their own section.
	for (const [from, { main = [] }] of Object.entries(connections)) {
		if (!inSection.has(from)) continue;
		main.forEach((targets, output) => {
			for (const { node } of targets)
				if (inSection.has(node))
					g.setEdge(from, node, { weight: output === 0 ? 2 : 1 }, `${from}:${output}:${node}`);
		});
	}
	// Nodes without wires between them (an agent's tools): one row, as n8n draws sub-nodes.
	if (g.edgeCount() === 0)
		return {
			positions: Object.fromEntries(names.map((name, i) => [name, [i * (NODE + RANK_GAP), 0]])),
			width: names.length * (NODE + RANK_GAP) - RANK_GAP,
			height: NODE + LABEL,
		};
	dagre.layout(g);
	const positions = {};
	let width = 0;
	let height = 0;
	for (const name of names) {
		const { x, y } = g.node(name);
		const left = x - NODE / 2;
		const top = y - (NODE + LABEL) / 2;
		positions[name] = [left, top];
		width = Math.max(width, left + NODE);
		height = Math.max(height, top + NODE + LABEL);
	}
	return { positions, width, height };
}

/**
 * Sections left to right in columns, wrapping to a new row past `maxRowWidth`, like
 * lines of text; a section that fits under the last column of its row (letting the row
 * grow by at most `slack`) goes there.
 */
function pack(boxes, maxRowWidth, slack) {
	const rows = [];
	for (const box of boxes) {
		const row = rows.at(-1);
		const column = row?.columns.at(-1);
		const rowHeight = row ? Math.max(...row.columns.map((c) => c.height)) : 0;
		if (
			row &&
			!box.section.newRow &&
			box.width <= column.width &&
			column.height + NOTE_GAP + box.height <= rowHeight + slack
		) {
			column.boxes.push(box);
			column.height += NOTE_GAP + box.height;
		} else if (row && !box.section.newRow && row.width + NOTE_GAP + box.width <= maxRowWidth) {
			row.columns.push({ boxes: [box], width: box.width, height: box.height });
			row.width += NOTE_GAP + box.width;
		} else
			rows.push({
				columns: [{ boxes: [box], width: box.width, height: box.height }],
				width: box.width,
			});
	}
	return rows;
}

/**
 * The workflow's nodes placed and its notes made: `sections` in order, each
 * { title, text, color?, newRow?, nodes: [names] }. Returns the nodes with positions
 * and one sticky note per section (added before the nodes, so they draw under them).
 */
function layOut({ key, nodes, connections, sections, stableId }) {
	const byName = new Map(nodes.map((n) => [n.name, n]));
	const boxes = sections.map((section, index) => {
		const inner = layoutSection(section.nodes, connections);
		const width = snap(
			Math.max(MIN_NOTE_WIDTH, inner.width + 2 * PAD, codeWidth(section.text)) + GRID / 2,
		);
		const header = textHeight(section.text, width);
		return {
			section,
			index,
			inner,
			width,
			header,
			height: snap(header + inner.height + PAD + GRID / 2),
		};
	});
	// The row width whose canvas n8n's "zoom to fit" shows largest in a 1440 x 900 editor.
	let rows = null;
	let best = -1;
	for (let maxRowWidth = 1200; maxRowWidth <= 6000; maxRowWidth += 100)
		for (const slack of [0, 100, 200, 300, 400]) {
			const candidate = pack(boxes, maxRowWidth, slack);
			const width = Math.max(...candidate.map((r) => r.width));
			const height =
				candidate.reduce((h, r) => h + Math.max(...r.columns.map((c) => c.height)), 0) +
				NOTE_GAP * (candidate.length - 1);
			const zoom = fitZoom(width, height);
			if (zoom > best + 1e-9) {
				best = zoom;
				rows = candidate;
			}
		}
	const notes = [];
	let top = 0;
	for (const row of rows) {
		let left = 0;
		for (const column of row.columns) {
			let y = top;
			for (const box of column.boxes) {
				// A stacked section takes its column's width; its nodes are centred under its text.
				const width = column.width;
				const offsetX = left + (width - box.inner.width) / 2;
				const offsetY = y + box.header;
				for (const name of box.section.nodes) {
					const [nx, ny] = box.inner.positions[name];
					byName.get(name).position = [snap(offsetX + nx), snap(offsetY + ny)];
				}
				notes.push({
					parameters: {
						content: `## ${box.section.title}\n${box.section.text}`,
						height: box.height,
						width,
						color: box.section.color ?? PALETTE[box.index % PALETTE.length],
					},
					id: stableId(key, 'section', box.section.title),
					name: `Note: ${box.section.title}`,
					type: 'n8n-nodes-base.stickyNote',
					typeVersion: 1,
					position: [left, y],
				});
				y += box.height + NOTE_GAP;
			}
			left += column.width + NOTE_GAP;
		}
		top += Math.max(...row.columns.map((c) => c.height)) + NOTE_GAP;
	}
	return [...notes, ...nodes];
}

module.exports = { layOut, fitZoom, NODE, LABEL };
