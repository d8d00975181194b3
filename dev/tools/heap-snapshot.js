'use strict';
/**
 * Where the objects that stay alive in a running n8n hang: two V8 heap snapshots over the
 * inspector, some thousand requests apart. V8 keeps an object's id from one snapshot to the
 * next and gives new objects higher ids, so the objects of the second snapshot with an id above
 * the first's highest are the ones allocated in between and still alive after a full
 * collection. Each is followed up its shortest path from the roots to the first object that
 * already existed at the first snapshot: that object (and the edge from it) is where the
 * growth hangs, e.g. a Map of n8n's that gains an entry per execution. Grouped by that anchor
 * with the bytes hung under it and the anchor's own path from the roots.
 *
 * The snapshot of a 300 MB heap is a JSON text of about half a gigabyte, longer than a
 * JavaScript string can be, so the file is read as bytes and its three arrays parsed by hand.
 */
const fs = require('node:fs');

/** Streams a heap snapshot of the process behind `inspector` (see heap-sampler's connect) to `file`. */
async function takeSnapshot(inspector, file) {
	const out = fs.openSync(file, 'w');
	const onChunk = (message) => {
		if (message.method === 'HeapProfiler.addHeapSnapshotChunk')
			fs.writeSync(out, message.params.chunk);
	};
	inspector.on(onChunk);
	try {
		await inspector.send('HeapProfiler.enable');
		await inspector.send('HeapProfiler.takeHeapSnapshot', {
			reportProgress: false,
			captureNumericValue: false,
		});
	} finally {
		inspector.off(onChunk);
		fs.closeSync(out);
	}
	return file;
}

/** The integers of the JSON array that starts after `key` in `bytes`, as a Float64Array. */
function numbersAfter(bytes, key, count) {
	let at = bytes.indexOf(key) + key.length;
	const values = new Float64Array(count);
	let n = 0;
	let value = 0;
	let inNumber = false;
	for (; at < bytes.length; at++) {
		const c = bytes[at];
		if (c >= 48 && c <= 57) {
			value = value * 10 + (c - 48);
			inNumber = true;
		} else {
			if (inNumber) values[n++] = value;
			value = 0;
			inNumber = false;
			if (c === 93) break; // ]
		}
	}
	if (n !== count) throw new Error(`${key}: read ${n} numbers, the header says ${count}`);
	return values;
}

/** The JSON strings of the array after `"strings":[`, one JSON.parse each. */
function stringsOf(bytes) {
	const key = Buffer.from('"strings":[');
	let at = bytes.lastIndexOf(key) + key.length;
	const strings = [];
	while (at < bytes.length) {
		const c = bytes[at];
		if (c === 93) break;
		if (c !== 34) {
			at++;
			continue;
		}
		let end = at + 1;
		while (bytes[end] !== 34) end += bytes[end] === 92 ? 2 : 1;
		strings.push(JSON.parse(bytes.toString('utf8', at, end + 1)));
		at = end + 1;
	}
	return strings;
}

/** A parsed snapshot: nodes and edges as flat arrays with their field offsets, and the strings. */
function readSnapshot(file, { withEdges = true } = {}) {
	const bytes = fs.readFileSync(file);
	const nodesKey = Buffer.from('"nodes":[');
	const headerEnd = bytes.indexOf(nodesKey);
	const header = JSON.parse(
		`${bytes.toString('utf8', 0, headerEnd).replace(/,\s*$/, '')}}`,
	).snapshot;
	const meta = header.meta;
	const nodeFields = meta.node_fields.length;
	const edgeFields = meta.edge_fields.length;
	const snapshot = {
		meta,
		nodeFields,
		edgeFields,
		nodes: numbersAfter(bytes, nodesKey, header.node_count * nodeFields),
		field: Object.fromEntries(meta.node_fields.map((name, i) => [name, i])),
		edgeField: Object.fromEntries(meta.edge_fields.map((name, i) => [name, i])),
	};
	if (withEdges) {
		snapshot.edges = numbersAfter(bytes, Buffer.from('"edges":['), header.edge_count * edgeFields);
		snapshot.strings = stringsOf(bytes);
	}
	return snapshot;
}

/** The highest object id in a snapshot file: everything above it in a later snapshot is new. */
function highestId(file) {
	const { nodes, nodeFields, field } = readSnapshot(file, { withEdges: false });
	let highest = 0;
	for (let i = field.id; i < nodes.length; i += nodeFields) highest = Math.max(highest, nodes[i]);
	return highest;
}

/**
 * The objects of `file` with an id above `sinceId`, grouped by the older object they hang from
 * (shortest paths from the roots, weak edges not followed). Returns the top groups by bytes.
 */
function growthSince(file, sinceId, { top = 15 } = {}) {
	const s = readSnapshot(file);
	const { nodes, edges, strings, nodeFields, edgeFields, field, edgeField } = s;
	const nodeTypes = s.meta.node_types[0];
	const edgeTypes = s.meta.edge_types[0];
	const count = nodes.length / nodeFields;
	const firstEdge = new Float64Array(count + 1);
	for (let n = 0; n < count; n++)
		firstEdge[n + 1] = firstEdge[n] + nodes[n * nodeFields + field.edge_count];
	const weak = edgeTypes.indexOf('weak');
	const shortcut = edgeTypes.indexOf('shortcut');
	const parent = new Int32Array(count).fill(-1);
	const parentEdge = new Int32Array(count).fill(-1);
	const order = new Int32Array(count);
	let head = 0;
	let tail = 0;
	order[tail++] = 0;
	parent[0] = 0;
	while (head < tail) {
		const n = order[head++];
		for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
			const type = edges[e * edgeFields + edgeField.type];
			if (type === weak || type === shortcut) continue;
			const to = edges[e * edgeFields + edgeField.to_node] / nodeFields;
			if (parent[to] !== -1) continue;
			parent[to] = n;
			parentEdge[to] = e;
			order[tail++] = to;
		}
	}
	const idOf = (n) => nodes[n * nodeFields + field.id];
	const nameOf = (n) => {
		const type = nodeTypes[nodes[n * nodeFields + field.type]];
		const name = strings[nodes[n * nodeFields + field.name]];
		return type === 'string' || type === 'concatenated string' || type === 'sliced string'
			? `(string) ${JSON.stringify(name.slice(0, 40))}`
			: `(${type}) ${name.slice(0, 60)}`;
	};
	const edgeName = (e) => {
		const type = edgeTypes[edges[e * edgeFields + edgeField.type]];
		const raw = edges[e * edgeFields + edgeField.name_or_index];
		return type === 'element' || type === 'hidden' ? `[${raw}]` : `.${strings[raw]}`;
	};
	// anchor[n]: the edge from the old object a new object hangs from (BFS order: parents first).
	const anchor = new Int32Array(count).fill(-1);
	const groups = new Map();
	let newBytes = 0;
	let newObjects = 0;
	for (let k = 0; k < tail; k++) {
		const n = order[k];
		if (idOf(n) <= sinceId || n === 0) continue;
		const p = parent[n];
		anchor[n] = idOf(p) <= sinceId ? parentEdge[n] : anchor[p];
		const bytes = nodes[n * nodeFields + field.self_size];
		newBytes += bytes;
		newObjects++;
		// Grouped by the old object; its edges' labels say which slot (a Map's table: numbered slots).
		const anchorEdge = anchor[n];
		const anchorFrom = ownerOfEdge(anchorEdge);
		let group = groups.get(anchorFrom);
		if (!group) groups.set(anchorFrom, (group = { bytes: 0, objects: 0, edges: new Map() }));
		group.bytes += bytes;
		group.objects++;
		const label = edgeName(anchorEdge).replace(/^\[\d+\]$/, '[n]');
		group.edges.set(label, (group.edges.get(label) ?? 0) + bytes);
	}
	// The node an edge leaves from (edges are stored node by node).
	function ownerOfEdge(e) {
		let lo = 0;
		let hi = count - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (firstEdge[mid] <= e) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}
	const pathOf = (n) => {
		const hops = [];
		while (n !== 0 && hops.length < 12) {
			hops.unshift(`${edgeName(parentEdge[n])} ${nameOf(n)}`);
			n = parent[n];
		}
		return hops;
	};
	const ranked = [...groups]
		.sort((a, b) => b[1].bytes - a[1].bytes)
		.slice(0, top)
		.map(([n, group]) => ({
			mb: group.bytes / 1048576,
			objects: group.objects,
			anchor: nameOf(n),
			edges: [...group.edges]
				.sort((a, b) => b[1] - a[1])
				.slice(0, 3)
				.map(([label, bytes]) => `${label} ${(bytes / 1048576).toFixed(1)} MB`),
			path: pathOf(n),
		}));
	return { new_mb: newBytes / 1048576, new_objects: newObjects, groups: ranked };
}

module.exports = { takeSnapshot, highestId, growthSince };
