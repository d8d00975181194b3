'use strict';
// A separate OS process that books against a SQLite store file: used to prove
// that two processes cannot double-book. Reads a JSON job from argv, prints results.
const { schedule, SqliteBookingStore } = require('../../index.js');

(async () => {
	const { file, requests, now, calendar, oneByOne } = JSON.parse(process.argv[2]);
	const store = new SqliteBookingStore(file);
	await store.init();
	// oneByOne: each booking its own transaction after the last, over a while (another process backs up meanwhile).
	const results = [];
	if (oneByOne)
		for (const request of requests) results.push(await schedule(request, { store, now, calendar }));
	else
		results.push(
			...(await Promise.all(
				requests.map((request) => schedule(request, { store, now, calendar })),
			)),
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
