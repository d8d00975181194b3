/**
 * 30 emergencies and 30 simple bookings sent at the same moment to the
 * templates in one real n8n (executions run concurrently, all writing to the
 * same booking store). Every request must be answered, and no crew may end up
 * with two overlapping confirmed jobs.
 */
import path from 'node:path';

import { SqliteBookingStore } from '../../nodes/shared/store';
import { startBookingEnv } from '../../dev/booking-env';

jest.setTimeout(300_000);

type Env = Awaited<ReturnType<typeof startBookingEnv>>;
let env: Env;

beforeAll(async () => {
	env = await startBookingEnv({
		only: [
			'support-error-escalation.json',
			'support-human-queue.json',
			'booking-simple.json',
			'booking-emergency.json',
		],
	});
	for (const p of ['booking', 'emergency']) await env.n8n.waitForWebhook(p, { probeBody: {} });
});

afterAll(async () => {
	await env?.stop();
});

it('answers 30 concurrent emergencies and 30 concurrent bookings without a double booking', async () => {
	const phone = (i: number) => `+1 212 736 ${String(6000 + i)}`;
	const emergencies = Array.from({ length: 30 }, (_, i) =>
		env.post('emergency', {
			message: [
				'Pipe burst, water pouring through the ceiling!',
				'Sewage backing up into the basement now',
				'Kitchen fire, smoke damage everywhere',
			][i % 3],
			customer: { name: `Emergency ${i}`, phone: phone(i), address: `${i} Flood Ln` },
			request_id: `em-${i}`,
		}),
	);
	const bookings = Array.from({ length: 30 }, (_, i) =>
		env.post('booking', {
			message: `Standard clean, ${1 + (i % 4)} bedroom ${1 + (i % 2)} bath`,
			customer: {
				name: `Booking ${i}`,
				email: `b${i}@example.com`,
				phone: phone(100 + i),
				address: `${i} Load St`,
			},
			request_id: `bk-${i}`,
		}),
	);
	const answers = await Promise.all([...emergencies, ...bookings]);

	const emergencyAnswers = answers.slice(0, 30);
	const bookingAnswers = answers.slice(30);
	for (const a of emergencyAnswers) {
		expect(a.status).toBe(200);
		expect(['dispatched', 'dispatcher_will_call']).toContain(a.body.status);
	}
	for (const a of bookingAnswers) {
		expect(a.status).toBe(200);
		expect(a.body.status).toBe('booked');
	}
	const dispatched = emergencyAnswers.filter((a) => a.body.status === 'dispatched');
	// Two restoration-skilled crews (one on call): at least one emergency is covered; the rest go to a dispatcher.
	expect(dispatched.length).toBeGreaterThanOrEqual(1);

	const store = new SqliteBookingStore(
		path.join(env.n8n.userFolder, '.n8n', 'booking-agents.sqlite'),
	);
	const confirmed = await store.listBookings({ statuses: ['confirmed'] }, Date.now());
	await store.close();
	expect(confirmed).toHaveLength(dispatched.length + 30);
	const byCrew = new Map<string, typeof confirmed>();
	for (const b of confirmed) byCrew.set(b.crew_id, [...(byCrew.get(b.crew_id) ?? []), b]);
	for (const [crew, jobs] of byCrew) {
		const sorted = [...jobs].sort((a, b) => a.start_ms - b.start_ms);
		for (let i = 1; i < sorted.length; i++) {
			expect({ crew, overlaps: sorted[i].start_ms < sorted[i - 1].busy_until_ms }).toEqual({
				crew,
				overlaps: false,
			});
		}
	}
	const ids = new Set([...dispatched, ...bookingAnswers].map((a) => a.body.booking.booking_id));
	expect(ids.size).toBe(dispatched.length + 30);
	// Every emergency customer got a text: a dispatch or a "dispatcher will call".
	for (let i = 0; i < 30; i++)
		expect(
			env.twilio.messages.some(
				(m: { form: Record<string, string> }) => m.form.To === `+1212736${6000 + i}`,
			),
		).toBe(true);
});
