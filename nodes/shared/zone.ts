import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

const HOUR_MS = 3_600_000;
const MAX_REMEMBERED_HOURS = 200_000;

/**
 * An IANA time zone that remembers its UTC offset per hour. luxon asks the
 * zone for its offset on every date-time it makes or moves, and an IANA zone
 * answers through Intl each time; scheduling a year of visits asks thousands
 * of times. An hour whose offset changes inside it (a daylight-saving switch)
 * is never remembered, so every answer is the zone's own.
 */
class RememberedZone extends Zone {
	private readonly offsets = new Map<number, number>();

	constructor(private readonly zone: IANAZone) {
		super();
	}

	get type(): string {
		return 'iana';
	}

	get name(): string {
		return this.zone.name;
	}

	get ianaName(): string {
		return this.zone.name;
	}

	get isUniversal(): boolean {
		return false;
	}

	get isValid(): boolean {
		return this.zone.isValid;
	}

	offsetName(ts: number, options: ZoneOffsetOptions): string | null {
		return this.zone.offsetName(ts, options);
	}

	formatOffset(ts: number, format: ZoneOffsetFormat): string {
		return this.zone.formatOffset(ts, format);
	}

	offset(ts: number): number {
		const hour = Math.floor(ts / HOUR_MS);
		const known = this.offsets.get(hour);
		if (known !== undefined) return known;
		const atStart = this.zone.offset(hour * HOUR_MS);
		if (atStart !== this.zone.offset(hour * HOUR_MS + HOUR_MS - 1)) return this.zone.offset(ts);
		if (this.offsets.size >= MAX_REMEMBERED_HOURS) this.offsets.clear();
		this.offsets.set(hour, atStart);
		return atStart;
	}

	equals(other: Zone): boolean {
		return other.type === 'iana' && other.name === this.name;
	}
}

const zones = new Map<string, Zone>();

/** The zone named `name` (an IANA name, checked by the caller), remembering its offsets. */
export function zoneNamed(name: string): Zone {
	let zone = zones.get(name);
	if (!zone) {
		const iana = IANAZone.create(name);
		zone = iana.isValid ? new RememberedZone(iana) : iana;
		zones.set(name, zone);
	}
	return zone;
}
