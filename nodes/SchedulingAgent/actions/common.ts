/**
 * What the Scheduling Agent's operations share on the n8n side: the inputs
 * several of them read (job, priority, preference, customer, booking, key),
 * each readable from the case or from a mapped parameter, and the business
 * calendar every operation runs on.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SchedulingInputError, type CalendarConfig, type JobFacts } from '../calendar';
import type { ScheduleRequest } from '../schedule';
import {
	bookingInputsFromCase,
	decidedSlotFromCase,
	idempotencyKeyFromCase,
	jobFromCase,
	priorityFromCase,
} from '../case';
import { aiOptionsProperty, modeProperty, readAiSettings } from '../../shared/n8n/ai';
import { knownCaseIdOf } from '../../shared/records/cases';
import {
	caseOf,
	definedBelow,
	missingFromCase,
	runIndex,
	type InputSource,
} from '../../shared/n8n/inputs';
import {
	collectionParameter,
	jsonListParameter,
	jsonParameter,
	optionalText,
	optionalValue,
} from '../../shared/n8n/parameters';
import type { AgentMode } from '../../shared/modes';
import {
	readSettingsSource,
	settingsOnNode,
	settingsRowsOf,
	settingsNodeProperty,
	settingsSourceProperty,
} from '../../shared/n8n/settings';
import {
	crewsFromRows,
	hoursFromRows,
	readCalendarSettings,
	SETTINGS_TABLES,
	SettingsError,
} from '../../shared/settings';
import type { ScheduleOptions } from '../schedule';

/** What the router hands each operation. */
export interface OperationContext {
	source: InputSource;
	store: ScheduleOptions['store'];
}

const numberOrNull = (value: unknown): number | null => {
	if (value === null || value === undefined || value === '') return null;
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : (value as number);
};

// ---- properties, each given the operations it shows for by the operation's description ----

export const jobProperties: INodeProperties[] = [
	{
		displayName: 'Service Type',
		name: 'serviceType',
		type: 'string',
		default: '={{ $json.qualification?.service_type ?? $json.quote?.service_type }}',
		displayOptions: definedBelow,
		description:
			'Sets the job length and the skill needed (restoration work needs a restoration crew)',
	},
	{
		displayName: 'Job Facts',
		name: 'jobFacts',
		type: 'json',
		default:
			'={{ { bedrooms: $json.qualification?.bedrooms, bathrooms: $json.qualification?.bathrooms, square_feet: $json.qualification?.square_feet, is_emergency: $json.triage?.is_emergency ?? $json.qualification?.is_emergency ?? false, estimated_hours: $json.quote?.estimated_hours } }}',
		displayOptions: definedBelow,
		description:
			'Size and kind of job, for its length: bedrooms, bathrooms, square_feet, is_emergency, estimated_hours, or duration_minutes to set it outright',
	},
];

export const priorityProperties: INodeProperties[] = [
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'string',
		default: '={{ $json.triage?.priority ?? $json.qualification?.priority }}',
		displayOptions: definedBelow,
		description:
			'10 books the earliest suitable crew (on-call crews included, any hour) within the response deadline',
	},
	{
		displayName: 'Respond Within (Minutes)',
		name: 'respondWithinMinutes',
		type: 'string',
		default: '={{ $json.triage?.respond_within_minutes ?? 120 }}',
		displayOptions: definedBelow,
		description: 'The deadline for priority bookings',
	},
];

export const preferenceProperties: INodeProperties[] = [
	{
		displayName: 'Preference',
		name: 'preference',
		type: 'string',
		default: '={{ $json.preference }}',
		displayOptions: definedBelow,
		description:
			'The customer\'s words: "Monday morning", "after 3pm", "next week", "any weekday but Friday", "Dec 3"',
	},
	{
		...modeProperty,
		description:
			'How the Preference is read: built-in rules, or a model whose constraints code checks (dates, weekdays, times) with the rules as fallback. Slots and bookings are always decided by code.',
	},
	{ ...aiOptionsProperty },
];

export const startProperty: INodeProperties = {
	displayName: 'Start',
	name: 'start',
	type: 'string',
	default: '',
	placeholder: '2026-12-01T09:00:00-05:00',
	description:
		'An exact start (ISO 8601) instead of a preference, for example a slot the customer picked from Find Slots',
};

export const offeredTimesOnlyProperty: INodeProperties = {
	displayName: 'Only a Time Find Slots Offers',
	name: 'offeredTimesOnly',
	type: 'boolean',
	default: false,
	description:
		'Whether the Start must be a time Find Slots would offer (working hours, no holiday, after the lead time, free). Turn on when someone other than ops picks the Start, such as an AI Agent using this node as a tool.',
};

export const crewIdProperty: INodeProperties = {
	displayName: 'Crew ID',
	name: 'crewId',
	type: 'string',
	default: '',
	description: 'Book this crew only (empty: any suitable crew)',
};

export const bookingIdProperty: INodeProperties = {
	displayName: 'Booking ID',
	name: 'bookingId',
	type: 'string',
	default: '={{ $json.booking?.booking_id }}',
	displayOptions: definedBelow,
};

export const customerProperty: INodeProperties = {
	displayName: 'Customer',
	name: 'customer',
	type: 'json',
	default: '={{ $json.customer ?? {} }}',
	displayOptions: definedBelow,
	description: 'Stored with the booking (name, phone, address...)',
};

export const idempotencyKeyProperty: INodeProperties = {
	displayName: 'Idempotency Key',
	name: 'idempotencyKey',
	type: 'string',
	default:
		'={{ $json.idempotency_key ?? $json.headers?.["idempotency-key"] ?? $execution.id + ":" + $runIndex + ":" + $itemIndex }}',
	displayOptions: definedBelow,
	description:
		'The same key books once, however often the node or the webhook is retried. Use a key from the request when the caller sends one.',
};

// ---- reading them for item i ----

function caseInputs(ctx: IExecuteFunctions, i: number) {
	return bookingInputsFromCase(caseOf(ctx, i));
}

export function readJob(ctx: IExecuteFunctions, i: number, source: InputSource): JobFacts {
	if (source === 'case') return jobFromCase(caseOf(ctx, i));
	const job = jsonParameter(ctx, 'jobFacts', 'Job Facts', i);
	return {
		service_type: optionalText(ctx, 'serviceType', i),
		bedrooms: numberOrNull(job.bedrooms),
		bathrooms: numberOrNull(job.bathrooms),
		square_feet: numberOrNull(job.square_feet),
		is_emergency: job.is_emergency === true || job.is_emergency === 'true',
		estimated_hours: numberOrNull(job.estimated_hours),
		duration_minutes: numberOrNull(job.duration_minutes),
	};
}

export function readPriority(
	ctx: IExecuteFunctions,
	i: number,
	source: InputSource,
): Pick<ScheduleRequest, 'priority' | 'respond_within_minutes'> {
	if (source === 'case') return priorityFromCase(caseOf(ctx, i));
	return {
		priority: numberOrNull(optionalValue(ctx, 'priority', i)),
		respond_within_minutes: numberOrNull(optionalValue(ctx, 'respondWithinMinutes', i)),
	};
}

export function readPreference(ctx: IExecuteFunctions, i: number, source: InputSource) {
	return source === 'case' ? caseInputs(ctx, i).preference : optionalText(ctx, 'preference', i);
}

export function readCustomer(ctx: IExecuteFunctions, i: number, source: InputSource) {
	return source === 'case'
		? caseInputs(ctx, i).customer
		: jsonParameter(ctx, 'customer', 'Customer', i);
}

/** The booking to act on; the case must name it. */
export function readBookingId(ctx: IExecuteFunctions, i: number, source: InputSource) {
	if (source === 'define') return optionalText(ctx, 'bookingId', i);
	const item = caseOf(ctx, i);
	const id = bookingInputsFromCase(item).booking_id;
	if (!id)
		throw missingFromCase(ctx, i, 'booking.booking_id', 'the booking to act on', item.booking);
	return id;
}

/**
 * The case a booking is for, kept on the booking: from the case, the id it carries or derives
 * from the request's key (what Booking Records records it under); none when fields are given directly.
 */
export function readCaseId(ctx: IExecuteFunctions, i: number, source: InputSource): string | null {
	if (source !== 'case') return null;
	try {
		return knownCaseIdOf(caseOf(ctx, i));
	} catch {
		// A case id Booking Records would refuse: that step names it; the booking just does not keep it.
		return null;
	}
}

/**
 * The write's idempotency key, scoped to this node (two Scheduling nodes in one
 * workflow never share a key). From the case: the request's key, else this
 * execution, run and item, so a retried node books once.
 */
export function readIdempotencyKey(ctx: IExecuteFunctions, i: number, source: InputSource) {
	let key: string | null;
	if (source === 'define') key = optionalText(ctx, 'idempotencyKey', i);
	else {
		const item = caseOf(ctx, i);
		key = idempotencyKeyFromCase(item);
		key ??= `${ctx.getExecutionId()}:${runIndex(ctx, i)}:${i}`;
		// A time a person chose is its own request: another choice for the same case is another booking.
		const decided = decidedSlotFromCase(item);
		if (decided) key = `${key}:slot:${decided.start}`;
	}
	return key ? `${ctx.getNode().id}:${key}` : null;
}

/** The preference's reader and the business calendar, from the node's settings (and the case's time zone). */
export async function readScheduleOptions(
	ctx: IExecuteFunctions,
	i: number,
	operation: OperationContext,
	readsPreference: boolean,
): Promise<ScheduleOptions> {
	const mode = readsPreference ? (ctx.getNodeParameter('mode', i, 'rules') as AgentMode) : 'rules';
	const calendar = readCalendar(ctx, i);
	if (operation.source === 'case') {
		const zone = caseInputs(ctx, i).time_zone;
		if (zone) calendar.timeZone = zone;
	}
	return { store: operation.store, calendar, mode, ai: await readAiSettings(ctx, i, mode) };
}

// ---- the business calendar (every operation) ----

/** The days of the week in the week's order, as ops staff read them (not alphabetical). */
const WEEKDAY_OPTIONS = [
	{ name: 'Monday', value: 'mon' },
	{ name: 'Tuesday', value: 'tue' },
	{ name: 'Wednesday', value: 'wed' },
	{ name: 'Thursday', value: 'thu' },
	{ name: 'Friday', value: 'fri' },
	{ name: 'Saturday', value: 'sat' },
	{ name: 'Sunday', value: 'sun' },
];

const BLACKOUTS_JSON: INodeProperties = {
	displayName: 'Blackouts',
	name: 'blackouts',
	type: 'json',
	default: '[]',
	description:
		'Periods with no bookings at all: [{"start": "2026-12-24T12:00:00-05:00", "end": "2026-12-26"}]',
};

export const calendarProperties: INodeProperties[] = [
	settingsSourceProperty('Crews, opening hours, holidays and the booking calendar'),
	settingsNodeProperty,
	{
		displayName: 'Business Calendar',
		name: 'calendar',
		type: 'collection',
		placeholder: 'Change the calendar',
		default: {},
		displayOptions: settingsOnNode,
		options: [
			{ displayName: 'Booking Horizon (Days)', name: 'horizonDays', type: 'number', default: 30 },
			{
				displayName: 'Buffer Between Jobs (Minutes)',
				name: 'bufferMinutes',
				type: 'number',
				default: 30,
				description: 'Travel and set-up time after each job',
			},
			{
				displayName: 'Holidays',
				name: 'holidays',
				type: 'string',
				default: '',
				placeholder: '2026-12-25, 2027-01-01',
				description:
					'Local dates with no regular work, comma-separated (on-call crews still take emergencies)',
			},
			{
				displayName: 'Lead Time (Minutes)',
				name: 'leadTimeMinutes',
				type: 'number',
				default: 120,
				description: 'The earliest a normal booking can start from now',
			},
			{ displayName: 'Slot Step (Minutes)', name: 'slotStepMinutes', type: 'number', default: 30 },
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: 'America/New_York',
				description:
					"IANA name of the business's time zone. From the case, the case's business.time_zone wins when it has one.",
			},
		],
	},
	// Version 3 sets crews and hours in fields; JSON stays as an advanced choice. Versions 1 and 2 keep their JSON.
	{
		displayName: 'Crews and Hours As',
		name: 'calendarEntry',
		type: 'hidden',
		default: 'json',
		displayOptions: { show: { '@version': [1, 2] } },
	},
	{
		displayName: 'Crews and Hours As',
		name: 'calendarEntry',
		type: 'options',
		noDataExpression: true,
		default: 'fields',
		options: [
			{
				name: 'Fields',
				value: 'fields',
				description: 'A form for each crew and each opening window',
			},
			{
				name: 'JSON (Advanced)',
				value: 'json',
				description: 'The crews and opening hours as JSON, for example mapped from another node',
			},
		],
		displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }], settingsFrom: ['node'] } },
	},
	{
		displayName: 'Crews',
		name: 'crewList',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Crew',
		default: {
			crew: [
				{ id: 'crew-a', name: 'Crew A', skills: ['cleaning'], onCall: false },
				{ id: 'crew-b', name: 'Crew B', skills: ['cleaning', 'restoration'], onCall: false },
				{
					id: 'on-call',
					name: 'On-call restoration crew',
					skills: ['cleaning', 'restoration'],
					onCall: true,
				},
			],
		},
		description: 'The crews that can be booked, in the order they are offered',
		displayOptions: { show: { settingsFrom: ['node'], calendarEntry: ['fields'] } },
		options: [
			{
				name: 'crew',
				displayName: 'Crew',
				values: [
					{
						displayName: 'Crew ID',
						name: 'id',
						type: 'string',
						default: '',
						placeholder: 'crew-a',
						description: 'Short and fixed: bookings keep it',
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'Crew A',
					},
					{
						displayName: 'On Call for Emergencies',
						name: 'onCall',
						type: 'boolean',
						default: false,
						description: 'Whether the crew takes emergencies at any hour',
					},
					{
						displayName: 'Phone',
						name: 'phone',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Service Area',
						name: 'serviceArea',
						type: 'string',
						default: '',
						placeholder: '100, 112, Brooklyn',
						description:
							'Postcodes (or their first digits) and town names, comma-separated; empty: everywhere',
					},
					{
						displayName: 'Skills',
						name: 'skills',
						type: 'multiOptions',
						default: [],
						options: [
							{
								name: 'Cleaning',
								value: 'cleaning',
							},
							{
								name: 'Restoration (Water, Fire, Mould)',
								value: 'restoration',
							},
						],
					},
					{
						displayName: 'Time Off',
						name: 'timeOff',
						type: 'string',
						default: '',
						placeholder: '2026-12-24 .. 2026-12-31, 2027-01-15',
						description: 'Days off: dates and ranges, comma-separated',
					},
					{
						displayName: 'Working Days',
						name: 'workingDays',
						type: 'multiOptions',
						default: [],
						options: WEEKDAY_OPTIONS,
						description: 'None chosen: every day the business opens',
					},
				],
			},
		],
	},
	{
		displayName: 'Opening Hours',
		name: 'hourList',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Opening Window',
		default: {
			window: [
				...['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
					day,
					opens: '08:00',
					closes: '18:00',
				})),
				{ day: 'sat', opens: '09:00', closes: '14:00' },
			],
		},
		description: 'One window per row; two rows for a split day; a day with none is closed',
		displayOptions: { show: { settingsFrom: ['node'], calendarEntry: ['fields'] } },
		options: [
			{
				name: 'window',
				displayName: 'Opening Window',
				values: [
					{
						displayName: 'Day',
						name: 'day',
						type: 'options',
						default: 'mon',
						options: WEEKDAY_OPTIONS,
					},
					{
						displayName: 'Opens',
						name: 'opens',
						type: 'string',
						default: '08:00',
						placeholder: '08:00',
					},
					{
						displayName: 'Closes',
						name: 'closes',
						type: 'string',
						default: '18:00',
						placeholder: '18:00',
					},
				],
			},
		],
	},
	{
		displayName: 'Business Hours',
		name: 'businessHours',
		type: 'json',
		default:
			'{"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]], "wed": [["08:00", "18:00"]], "thu": [["08:00", "18:00"]], "fri": [["08:00", "18:00"]], "sat": [["09:00", "14:00"]], "sun": []}',
		description: 'Local opening windows per weekday',
		displayOptions: { show: { settingsFrom: ['node'], calendarEntry: ['json'] } },
	},
	{
		displayName: 'Crews',
		name: 'crews',
		type: 'json',
		default:
			'[{"id": "crew-a", "name": "Crew A", "skills": ["cleaning"], "on_call": false}, {"id": "crew-b", "name": "Crew B", "skills": ["cleaning", "restoration"], "on_call": false}, {"id": "on-call", "name": "On-call restoration crew", "skills": ["cleaning", "restoration"], "on_call": true}]',
		description:
			'Each crew: ID, name, skills (restoration for restoration work), on_call, and optionally working_days, time_off, service_area',
		displayOptions: { show: { settingsFrom: ['node'], calendarEntry: ['json'] } },
	},
	{
		displayName: 'Blackouts',
		name: 'blackoutList',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add a blackout',
		default: {},
		description:
			'Periods with no bookings at all (a company day off, an afternoon off), on top of holidays',
		displayOptions: {
			show: { '@version': [{ _cnd: { gte: 3 } }] },
			hide: { calendarEntry: ['json'] },
		},
		options: [
			{
				displayName: 'Blackout',
				name: 'blackout',
				values: [
					{
						displayName: 'Start',
						name: 'start',
						type: 'string',
						default: '',
						placeholder: '2026-12-24T12:00',
						description: 'A date, or a date and time, in the business time zone',
					},
					{
						displayName: 'End',
						name: 'end',
						type: 'string',
						default: '',
						placeholder: '2026-12-26',
						description: 'A date (the whole day is included) or a date and time',
					},
					{
						displayName: 'Reason',
						name: 'reason',
						type: 'string',
						default: '',
						placeholder: 'Staff party',
					},
				],
			},
		],
	},
	// The JSON blackouts: versions 1 and 2, and version 3 with crews and hours as JSON (n8n shows one of the two).
	{ ...BLACKOUTS_JSON, displayOptions: { show: { '@version': [{ _cnd: { lt: 3 } }] } } },
	{
		...BLACKOUTS_JSON,
		displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }], calendarEntry: ['json'] } },
	},
];

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$/;

/** The blackouts: the list on version 3 (unless crews and hours are entered as JSON), else the JSON. */
function readBlackouts(ctx: IExecuteFunctions, i: number): unknown[] {
	const v3 = ctx.getNode().typeVersion >= 3;
	const entry = ctx.getNodeParameter('calendarEntry', i, v3 ? 'fields' : 'json');
	if (!v3 || entry === 'json') return jsonListParameter(ctx, 'blackouts', 'Blackouts', i);
	const list =
		((ctx.getNodeParameter('blackoutList', i, {}) as IDataObject).blackout as
			IDataObject[] | undefined) ?? [];
	return list.map((b, k) => {
		const where = `Blackouts, blackout ${k + 1}`;
		const start = String(b.start ?? '').trim();
		const end = String(b.end ?? '').trim();
		for (const [field, value] of [
			['Start', start],
			['End', end],
		] as const)
			if (!LOCAL_DATE_TIME.test(value))
				throw new SchedulingInputError(
					`${where} > ${field}`,
					`${where}, ${field}: ${value ? `"${value}" is not a date or date-time` : 'empty'}. Write a date such as 2026-12-24, or a date and time such as 2026-12-24T12:00.`,
				);
		return { start, end };
	});
}

function readCalendar(ctx: IExecuteFunctions, i: number): Partial<CalendarConfig> {
	const blackouts = readBlackouts(ctx, i);
	if (readSettingsSource(ctx, i) === 'tables') {
		const fromTables: Partial<CalendarConfig> = { ...readCalendarSettings(settingsRowsOf(ctx, i)) };
		if (blackouts.length) fromTables.blackouts = blackouts as CalendarConfig['blackouts'];
		return fromTables;
	}
	const c: IDataObject = collectionParameter(ctx, 'calendar', i);
	const out: Partial<CalendarConfig> = {};
	if (c.timeZone) out.timeZone = String(c.timeZone);
	if (typeof c.holidays === 'string')
		out.holidays = c.holidays
			.split(',')
			.map((h) => h.trim())
			.filter(Boolean);
	// Version 3 enters crews and hours in fields unless set otherwise; earlier versions in JSON.
	const entry = ctx.getNodeParameter(
		'calendarEntry',
		i,
		ctx.getNode().typeVersion >= 3 ? 'fields' : 'json',
	);
	if (entry === 'fields') {
		Object.assign(out, readCalendarFields(ctx, i));
		return withCalendarNumbers(out, c, blackouts);
	}
	const hours = jsonParameter(ctx, 'businessHours', 'Business Hours', i);
	if (Object.keys(hours).length)
		out.businessHours = hours as unknown as CalendarConfig['businessHours'];
	const crews = jsonListParameter(ctx, 'crews', 'Crews', i);
	if (crews.length) out.crews = crews as CalendarConfig['crews'];
	return withCalendarNumbers(out, c, blackouts);
}

function withCalendarNumbers(
	out: Partial<CalendarConfig>,
	c: IDataObject,
	blackouts: unknown[],
): Partial<CalendarConfig> {
	if (blackouts.length) out.blackouts = blackouts as unknown as CalendarConfig['blackouts'];
	for (const key of ['bufferMinutes', 'slotStepMinutes', 'leadTimeMinutes', 'horizonDays'] as const)
		if (typeof c[key] === 'number') out[key] = c[key] as number;
	return out;
}

const joined = (value: unknown) => (Array.isArray(value) ? value.join(', ') : (value ?? ''));

/**
 * The Crews and Opening Hours fields, read by the same checks as the settings tables; a bad
 * entry names the field and the crew or window by its place in the list.
 */
function readCalendarFields(ctx: IExecuteFunctions, i: number): Partial<CalendarConfig> {
	const list = (name: string, key: string) =>
		((ctx.getNodeParameter(name, i, {}) as IDataObject)[key] as IDataObject[] | undefined) ?? [];
	const crewRows = list('crewList', 'crew').map((c, k) => ({
		id: k + 1,
		crew_id: c.id,
		name: c.name,
		phone: c.phone,
		email: c.email,
		skills: joined(c.skills),
		on_call: c.onCall === true,
		working_days: joined(c.workingDays),
		service_area: c.serviceArea,
		time_off: c.timeOff,
		active: true,
	}));
	const hourRows = list('hourList', 'window').map((w, k) => ({ id: k + 1, ...w }));
	const FIELD: Record<string, string> = {
		crew_id: 'Crew ID',
		skills: 'Skills',
		working_days: 'Working Days',
		service_area: 'Service Area',
		time_off: 'Time Off',
		email: 'Email',
		active: 'Crews',
		day: 'Day',
		opens: 'Opens',
		closes: 'Closes',
	};
	try {
		return {
			crews: crewsFromRows(crewRows) as CalendarConfig['crews'],
			businessHours: hoursFromRows(hourRows),
		};
	} catch (error) {
		if (!(error instanceof SettingsError)) throw error;
		const crews = error.table === SETTINGS_TABLES.crews.name;
		const where = error.row
			? `${crews ? 'Crews' : 'Opening Hours'}, ${crews ? 'crew' : 'window'} ${error.row}`
			: crews
				? 'Crews'
				: 'Opening Hours';
		const field = error.column ? (FIELD[error.column] ?? error.column) : null;
		throw new SchedulingInputError(
			`${where}${field ? ` > ${field}` : ''}`,
			`${where}${field ? `, ${field}` : ''}: ${error.problem} ${error.hint}`,
		);
	}
}
