'use strict';
// A separate OS process that books against a SQLite store file: used to prove
// that two processes cannot double-book. Reads a JSON job from argv, prints results.
const { schedule, SqliteBookingStore } = require('../../index.js');

(async () => {
	const { file, requests, now, calendar } = JSON.parse(process.argv[2]);
	const store = new SqliteBookingStore(file);
	await store.init();
	const results = await Promise.all(
		requests.map((request) => schedule(request, { store, now, calendar })),
	);
	await store.close();
	process.stdout.write(
		JSON.stringify(
			results.map((r) => ({
				status: r.status,
				start: r.start,
				crew_id: r.crew_id,
				alternatives: r.alternatives.length,
			})),
		),
	);
})().catch((error) => {
	process.stderr.write(String(error.stack || error));
	process.exit(1);
});
