/**
 * The Scheduling Agent inside a real n8n: bookings through a webhook on the
 * default SQLite store (a file in n8n's user folder) and on PostgreSQL (the
 * Booking Store PostgreSQL credential), racing webhooks included.
 */
import path from 'node:path';

import { PostgresBookingStore, SqliteBookingStore } from '../../nodes/shared/store';
import { startN8n, type N8nInstance } from '../../dev/n8n';
import { createTestDatabase } from '../../dev/postgres';

jest.setTimeout(240_000);

let n8n: N8nInstance;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

function bookingWorkflow(
	name: string,
	pathName: string,
	store: Record<string, unknown>,
	credentials?: Record<string, unknown>,
) {
	return {
		name,
		nodes: [
			{
				parameters: {
					httpMethod: 'POST',
					path: pathName,
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
				id: `${pathName}-hook`,
				name: 'Booking Request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${pathName}-hook-id`,
			},
			{
				parameters: {
					operation: 'book',
					...store,
					serviceType: '={{ $json.body.service_type }}',
					jobFacts:
						'={{ { bedrooms: $json.body.bedrooms, bathrooms: $json.body.bathrooms, is_emergency: $json.body.is_emergency ?? false } }}',
					priority: '={{ $json.body.priority }}',
					preference: '={{ $json.body.preference }}',
					start: '={{ $json.body.start ?? "" }}',
					customer: '={{ $json.body.customer ?? {} }}',
					idempotencyKey: '={{ $json.body.request_id }}',
				},
				id: `${pathName}-book`,
				name: 'Book Crew',
				type: 'n8n-nodes-booking-agents.schedulingAgent',
				typeVersion: 1,
				position: [220, 0],
				...(credentials ? { credentials } : {}),
			},
		],
		connections: { 'Booking Request': { main: [[{ node: 'Book Crew', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	db = await createTestDatabase('booking_agents_e2e');
	n8n = await startN8n({ env: { GENERIC_TIMEZONE: 'America/New_York' } });
	await n8n.setupOwner();
	const credentialId = await n8n.createCredential({
		name: 'Booking store',
		type: 'bookingStorePostgres',
		data: { ...db.connection, password: '', ssl: false },
	});
	await n8n.importWorkflow(
		bookingWorkflow('E2E: book on SQLite', 'e2e-book-sqlite', { store: 'sqlite' }),
	);
	await n8n.importWorkflow(
		bookingWorkflow(
			'E2E: book on PostgreSQL',
			'e2e-book-pg',
			{ store: 'postgres' },
			{ bookingStorePostgres: { id: credentialId, name: 'Booking store' } },
		),
	);
	await n8n.waitForWebhook('e2e-book-sqlite', {
		probeBody: {
			service_type: 'standard_cleaning',
			preference: 'next month',
			request_id: 'warm-up-1',
		},
	});
	await n8n.waitForWebhook('e2e-book-pg', {
		probeBody: {
			service_type: 'standard_cleaning',
			preference: 'next month',
			request_id: 'warm-up-2',
		},
	});
});

afterAll(async () => {
	await n8n?.stop();
	await db?.drop();
});

describe.each([
	['SQLite (default, a file in the n8n user folder)', 'e2e-book-sqlite'],
	['PostgreSQL (credential)', 'e2e-book-pg'],
])('booking through a webhook on %s', (_label, hook) => {
	it('books a crew at the asked time and refuses a second booking of the same crew time', async () => {
		const body = {
			service_type: 'standard_cleaning',
			bedrooms: 2,
			bathrooms: 1,
			start: '2031-03-03T09:00:00-05:00',
			customer: { name: 'Kim' },
		};
		const first = await n8n.webhook(hook, { ...body, request_id: `${hook}-a` });
		expect(first.status).toBe(200);
		expect(first.body.booking).toMatchObject({
			status: 'confirmed',
			start: '2031-03-03T09:00:00-05:00',
			end: '2031-03-03T11:00:00-05:00',
			crew_id: 'crew-a',
		});
		const replay = await n8n.webhook(hook, { ...body, request_id: `${hook}-a` });
		expect(replay.body.booking).toMatchObject({
			booking_id: first.body.booking.booking_id,
			replayed: true,
		});
		// Crew A is busy; Crew B takes the same time; a third request finds every cleaning crew busy.
		const second = await n8n.webhook(hook, { ...body, request_id: `${hook}-b` });
		expect(second.body.booking).toMatchObject({ status: 'confirmed', crew_id: 'crew-b' });
		const third = await n8n.webhook(hook, { ...body, request_id: `${hook}-c` });
		expect(third.body.booking.status).toBe('confirmed');
		expect(third.body.booking.crew_id).toBe('on-call');
		const fourth = await n8n.webhook(hook, { ...body, request_id: `${hook}-d` });
		expect(fourth.body.booking.status).toBe('taken');
		expect(fourth.body.booking.alternatives.length).toBeGreaterThan(0);
	});

	it('10 racing webhooks for one slot book once per crew, never twice', async () => {
		const body = {
			service_type: 'standard_cleaning',
			bedrooms: 1,
			bathrooms: 1,
			start: '2031-03-04T13:00:00-05:00',
		};
		const results = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				n8n.webhook(hook, { ...body, request_id: `${hook}-race-${i}` }),
			),
		);
		const confirmed = results.filter((r) => r.body.booking.status === 'confirmed');
		expect(confirmed).toHaveLength(3);
		expect(new Set(confirmed.map((r) => r.body.booking.crew_id)).size).toBe(3);
		expect(results.filter((r) => r.body.booking.status === 'taken')).toHaveLength(7);
	});
});

describe('the stores behind n8n', () => {
	it('the SQLite default lives in the n8n user folder and holds the bookings', async () => {
		const store = new SqliteBookingStore(
			path.join(n8n.userFolder, '.n8n', 'booking-agents.sqlite'),
		);
		const bookings = await store.listBookings(
			{ fromMs: Date.parse('2031-01-01T00:00:00Z') },
			Date.now(),
		);
		expect(bookings.length).toBe(6);
		await store.close();
	});

	it("the PostgreSQL store holds its own bookings, and n8n's credential test reaches it", async () => {
		const store = new PostgresBookingStore(db.connection);
		expect(
			(await store.listBookings({ fromMs: Date.parse('2031-01-01T00:00:00Z') }, Date.now())).length,
		).toBe(6);
		await store.close();
		const credentials = {
			name: 'probe',
			type: 'bookingStorePostgres',
			data: { ...db.connection, password: '', ssl: false },
		};
		const id = await n8n.createCredential(credentials);
		expect(
			await n8n.rest('POST', '/credentials/test', { credentials: { id, ...credentials } }),
		).toMatchObject({ status: 'OK' });
		const badId = await n8n.createCredential({
			...credentials,
			name: 'bad',
			data: { ...credentials.data, port: 1 },
		});
		const bad = await n8n.rest('POST', '/credentials/test', {
			credentials: {
				id: badId,
				...credentials,
				name: 'bad',
				data: { ...credentials.data, port: 1 },
			},
		});
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/Could not connect to PostgreSQL/);
	});
});
