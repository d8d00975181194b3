import { DateTime, IANAZone } from 'luxon';

import { zoneNamed } from '../../nodes/shared/zone';

describe('zoneNamed: an IANA zone that remembers offsets per hour', () => {
	const zones = [
		'America/New_York',
		'Europe/London',
		'Australia/Lord_Howe',
		'America/St_Johns',
		'Asia/Kathmandu',
		'Pacific/Chatham',
		'UTC',
	];

	it.each(zones)(
		"%s gives the zone's own offset at every minute around each daylight-saving switch of 2026-2027",
		(name) => {
			const zone = zoneNamed(name);
			const iana = IANAZone.create(name);
			const from = Date.UTC(2026, 0, 1);
			const to = Date.UTC(2028, 0, 1);
			let switches = 0;
			for (let hour = from; hour < to; hour += 3_600_000) {
				if (iana.offset(hour - 1) === iana.offset(hour + 3_599_999)) continue;
				switches++;
				for (let t = hour - 3_600_000; t <= hour + 7_200_000; t += 60_000)
					expect(zone.offset(t)).toBe(iana.offset(t));
			}
			if (name !== 'UTC' && name !== 'Asia/Kathmandu') expect(switches).toBe(4);
			// And anywhere else, asked in any order.
			for (let i = 0; i < 2000; i++) {
				const t = from + Math.floor(Math.random() * (to - from));
				expect(zone.offset(t)).toBe(iana.offset(t));
			}
		},
	);

	it('makes the same local times as the zone name does, across a switch (9:00 stays 9:00)', () => {
		for (const day of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-11-01', '2026-11-02']) {
			const viaName = DateTime.fromISO(`${day}T09:00`, { zone: 'America/New_York' });
			const viaZone = DateTime.fromISO(`${day}T09:00`, { zone: zoneNamed('America/New_York') });
			expect(viaZone.toISO()).toBe(viaName.toISO());
			expect(viaZone.plus({ days: 1 }).toISO()).toBe(viaName.plus({ days: 1 }).toISO());
			expect(viaZone.startOf('day').plus({ minutes: 150 }).toISO()).toBe(
				viaName.startOf('day').plus({ minutes: 150 }).toISO(),
			);
		}
		// 02:30 does not exist on 2026-03-08 in New York: both move it the same way.
		expect(
			DateTime.fromISO('2026-03-08T02:30', { zone: zoneNamed('America/New_York') }).toISO(),
		).toBe(DateTime.fromISO('2026-03-08T02:30', { zone: 'America/New_York' }).toISO());
		expect(zoneNamed('America/New_York').equals(IANAZone.create('America/New_York'))).toBe(true);
		expect(
			DateTime.fromISO('2026-07-01T09:00', { zone: zoneNamed('America/New_York') }).zoneName,
		).toBe('America/New_York');
	});

	it('an unknown name stays invalid, as luxon makes it', () => {
		expect(zoneNamed('Mars/Olympus_Mons').isValid).toBe(false);
	});
});
