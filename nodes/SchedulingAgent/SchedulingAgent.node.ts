import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { AgentMode } from '../shared/modes';
import {
	aiOptionsProperty,
	bookingStorePostgresTest,
	collectionValue,
	hasParameter,
	jsonListParameter,
	jsonParameter,
	modeProperty,
	optionalText,
	optionalValue,
	readAiSettings,
	readStoreConfig,
	runAgentPerItem,
	storeProperties,
} from '../shared/n8n';
import type { CalendarConfig } from './calendar';
import { schedule, type Operation, type ScheduleRequest } from './schedule';

function numberOrNull(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : (value as number);
}

function readCalendar(c: IDataObject, ctx: IExecuteFunctions, i: number): Partial<CalendarConfig> {
	const out: Partial<CalendarConfig> = {};
	if (c.timeZone) out.timeZone = String(c.timeZone);
	const hours = jsonParameter(ctx, 'businessHours', 'Business Hours', i);
	if (Object.keys(hours).length)
		out.businessHours = hours as unknown as CalendarConfig['businessHours'];
	if (typeof c.holidays === 'string')
		out.holidays = c.holidays
			.split(',')
			.map((h) => h.trim())
			.filter(Boolean);
	const crews = jsonListParameter(ctx, 'crews', 'Crews', i);
	if (crews.length) out.crews = crews as CalendarConfig['crews'];
	const blackouts = jsonListParameter(ctx, 'blackouts', 'Blackouts', i);
	if (blackouts.length) out.blackouts = blackouts as CalendarConfig['blackouts'];
	for (const key of ['bufferMinutes', 'slotStepMinutes', 'leadTimeMinutes', 'horizonDays'] as const)
		if (typeof c[key] === 'number') out[key] = c[key] as number;
	return out;
}

export class SchedulingAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scheduling Agent',
		name: 'schedulingAgent',
		icon: { light: 'file:schedulingAgent.svg', dark: 'file:schedulingAgent.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Finds slots and books, holds, confirms, cancels, reschedules and lists crew bookings in the booking store, with no double booking; priority (emergency) and recurring series too',
		defaults: { name: 'Scheduling Agent' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'bookingStorePostgres',
				required: true,
				displayOptions: { show: { store: ['postgres'] } },
				testedBy: 'bookingStorePostgresTest',
			},
			{
				name: 'bookingAgentsOpenAiApi',
				required: true,
				displayOptions: { show: { mode: ['aiWithFallback', 'aiOnly'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'booking',
				options: [
					{ name: 'Booking', value: 'booking' },
					{ name: 'Recurring Booking', value: 'series' },
					{ name: 'Slot', value: 'slot' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'book',
				displayOptions: { show: { resource: ['booking'] } },
				options: [
					{
						name: 'Book',
						value: 'book',
						action: 'Book a crew',
						description:
							'Book the earliest slot that fits (or an exact start); priority 10 books the earliest crew within the deadline',
					},
					{
						name: 'Cancel',
						value: 'cancel',
						action: 'Cancel a booking',
						description: 'Cancel a booking',
					},
					{
						name: 'Confirm Hold',
						value: 'confirmHold',
						action: 'Confirm a held booking',
						description: 'Turn a hold into a confirmed booking (if it has not expired)',
					},
					{ name: 'Get', value: 'get', action: 'Get a booking', description: 'Read one booking' },
					{
						name: 'Hold',
						value: 'hold',
						action: 'Hold a slot',
						description: 'Reserve a slot for a while (for example until the customer signs)',
					},
					{
						name: 'List',
						value: 'list',
						action: 'List bookings',
						description:
							'Confirmed bookings starting within the next hours, and optionally those that started lately (for reminders and review requests)',
					},
					{
						name: 'Reschedule',
						value: 'reschedule',
						action: 'Reschedule a booking',
						description: 'Move a booking to a new start or a new preference',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'findSlots',
				displayOptions: { show: { resource: ['slot'] } },
				options: [
					{
						name: 'Find',
						value: 'findSlots',
						action: 'Find free slots',
						description:
							"The best free slots for the job and the customer's preference, without booking",
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'bookSeries',
				displayOptions: { show: { resource: ['series'] } },
				options: [
					{
						name: 'Book',
						value: 'bookSeries',
						action: 'Book a recurring series',
						description:
							'Book every visit of a weekly, every-other-week or monthly series in one go',
					},
				],
			},
			...storeProperties,
			{
				displayName: 'Service Type',
				name: 'serviceType',
				type: 'string',
				default: '={{ $json.qualification?.service_type ?? $json.quote?.service_type }}',
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold', 'bookSeries'] } },
				description:
					'Sets the job length and the skill needed (restoration work needs a restoration crew)',
			},
			{
				displayName: 'Job Facts',
				name: 'jobFacts',
				type: 'json',
				default:
					'={{ { bedrooms: $json.qualification?.bedrooms, bathrooms: $json.qualification?.bathrooms, square_feet: $json.qualification?.square_feet, is_emergency: $json.triage?.is_emergency ?? $json.qualification?.is_emergency ?? false, estimated_hours: $json.quote?.estimated_hours } }}',
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold', 'bookSeries'] } },
				description:
					'Size and kind of job, for its length: bedrooms, bathrooms, square_feet, is_emergency, estimated_hours, or duration_minutes to set it outright',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'string',
				default: '={{ $json.triage?.priority ?? $json.qualification?.priority }}',
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold'] } },
				description:
					'10 books the earliest suitable crew (on-call crews included, any hour) within the response deadline',
			},
			{
				displayName: 'Respond Within (Minutes)',
				name: 'respondWithinMinutes',
				type: 'string',
				default: '={{ $json.triage?.respond_within_minutes ?? 120 }}',
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold'] } },
				description: 'The deadline for priority bookings',
			},
			{
				displayName: 'Preference',
				name: 'preference',
				type: 'string',
				default: '={{ $json.preference }}',
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold', 'reschedule'] } },
				description:
					'The customer\'s words: "Monday morning", "after 3pm", "next week", "any weekday but Friday", "Dec 3"',
			},
			{
				...modeProperty,
				displayOptions: { show: { operation: ['findSlots', 'book', 'hold', 'reschedule'] } },
				description:
					'How the Preference is read: built-in rules, or a model whose constraints code checks (dates, weekdays, times) with the rules as fallback. Slots and bookings are always decided by code.',
			},
			{
				displayName: 'Start',
				name: 'start',
				type: 'string',
				default: '',
				placeholder: '2026-12-01T09:00:00-05:00',
				displayOptions: { show: { operation: ['book', 'hold', 'reschedule'] } },
				description:
					'An exact start (ISO 8601) instead of a preference, for example a slot the customer picked from Find Slots',
			},
			{
				displayName: 'Crew ID',
				name: 'crewId',
				type: 'string',
				default: '',
				displayOptions: {
					show: { operation: ['findSlots', 'book', 'hold', 'reschedule', 'bookSeries'] },
				},
				description: 'Book this crew only (empty: any suitable crew)',
			},
			{
				displayName: 'Booking ID',
				name: 'bookingId',
				type: 'string',
				default: '={{ $json.booking?.booking_id }}',
				displayOptions: { show: { operation: ['confirmHold', 'cancel', 'reschedule', 'get'] } },
			},
			{
				displayName: 'Cancel Reason',
				name: 'reason',
				type: 'string',
				default: 'cancelled by customer',
				displayOptions: { show: { operation: ['cancel'] } },
			},
			{
				displayName: 'Hold For (Minutes)',
				name: 'holdMinutes',
				type: 'number',
				default: 30,
				displayOptions: { show: { operation: ['hold'] } },
			},
			{
				displayName: 'Number of Slots',
				name: 'count',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 50 },
				displayOptions: { show: { operation: ['findSlots'] } },
			},
			{
				displayName: 'Starting Within (Hours)',
				name: 'withinHours',
				type: 'number',
				default: 24,
				displayOptions: { show: { operation: ['list'] } },
				description: 'Confirmed bookings that start between now and this many hours from now',
			},
			{
				displayName: 'Look Back (Hours)',
				name: 'lookBackHours',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0 },
				displayOptions: { show: { operation: ['list'] } },
				description:
					'Also list bookings that started up to this many hours ago (e.g. 120, so that review requests can follow the visits). 0 lists only bookings still to start.',
			},
			{
				displayName: 'Series',
				name: 'series',
				type: 'collection',
				placeholder: 'Set the series',
				default: {},
				displayOptions: { show: { operation: ['bookSeries'] } },
				options: [
					{
						displayName: 'Clash Window (Minutes)',
						name: 'clash_window_minutes',
						type: 'number',
						default: 120,
						description: 'How far a visit may move on its day when its time is taken',
					},
					{
						displayName: 'First Date',
						name: 'start_date',
						type: 'string',
						default: '',
						placeholder: '2026-12-07',
						description: 'Empty: the first matching day after the lead time',
					},
					{
						displayName: 'Frequency',
						name: 'frequency',
						type: 'options',
						default: 'weekly',
						options: [
							{ name: 'Weekly', value: 'weekly' },
							{ name: 'Every Other Week', value: 'biweekly' },
							{ name: 'Monthly', value: 'monthly' },
						],
					},
					{
						displayName: 'RRULE',
						name: 'rrule',
						type: 'string',
						default: '',
						placeholder: 'FREQ=WEEKLY;BYDAY=MO;COUNT=52',
						description: 'An RFC 5545 rule; overrides frequency, weekday and visits',
					},
					{
						displayName: 'Time',
						name: 'time',
						type: 'string',
						default: '09:00',
						description: 'Local start time; stays the same across daylight-saving changes',
					},
					{
						displayName: 'Visits',
						name: 'count',
						type: 'number',
						default: 52,
						description:
							'Not set: a year of visits (52 weekly, times the visits a week; 26 every other week; 12 monthly)',
					},
					{
						displayName: 'Visits a Week',
						name: 'visits_per_week',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 7 },
						default: 1,
						description:
							'Weekly series only: 2 is the weekday and 3 days on, 3 is every other day (Mon, Wed, Fri from Monday), 5 is five days in a row; without a weekday the week starts on Monday',
					},
					{
						displayName: 'Weekday',
						name: 'weekday',
						type: 'options',
						default: 'mon',
						options: [
							{ name: 'Friday', value: 'fri' },
							{ name: 'Monday', value: 'mon' },
							{ name: 'Saturday', value: 'sat' },
							{ name: 'Sunday', value: 'sun' },
							{ name: 'Thursday', value: 'thu' },
							{ name: 'Tuesday', value: 'tue' },
							{ name: 'Wednesday', value: 'wed' },
						],
					},
					{
						displayName: 'Weekdays',
						name: 'weekdays',
						type: 'string',
						default: '',
						placeholder: 'mon,thu',
						description:
							"Weekly series: the days of each week's visits (a list or comma-separated mon..sun). Used instead of Weekday when as many as Visits a Week (or Visits a Week is not set).",
					},
				],
			},
			{
				displayName: 'Customer',
				name: 'customer',
				type: 'json',
				default: '={{ $json.customer ?? {} }}',
				displayOptions: { show: { operation: ['book', 'hold', 'bookSeries'] } },
				description: 'Stored with the booking (name, phone, address...)',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default:
					'={{ $json.idempotency_key ?? $json.headers?.["idempotency-key"] ?? $execution.id + ":" + $runIndex + ":" + $itemIndex }}',
				displayOptions: {
					show: {
						operation: ['book', 'hold', 'confirmHold', 'cancel', 'reschedule', 'bookSeries'],
					},
				},
				description:
					'The same key books once, however often the node or the webhook is retried. Use a key from the request when the caller sends one.',
			},
			{
				...aiOptionsProperty,
				displayOptions: {
					show: {
						operation: ['findSlots', 'book', 'hold', 'reschedule'],
						mode: ['aiWithFallback', 'aiOnly'],
					},
				},
			},
			{
				displayName: 'Business Calendar',
				name: 'calendar',
				type: 'collection',
				placeholder: 'Change the calendar',
				default: {},
				options: [
					{
						displayName: 'Booking Horizon (Days)',
						name: 'horizonDays',
						type: 'number',
						default: 30,
					},
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
					{
						displayName: 'Slot Step (Minutes)',
						name: 'slotStepMinutes',
						type: 'number',
						default: 30,
					},
					{
						displayName: 'Time Zone',
						name: 'timeZone',
						type: 'string',
						default: 'America/New_York',
						description: "IANA name of the business's time zone",
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
			},
			{
				displayName: 'Crews',
				name: 'crews',
				type: 'json',
				default:
					'[{"id": "crew-a", "name": "Crew A", "skills": ["cleaning"], "on_call": false}, {"id": "crew-b", "name": "Crew B", "skills": ["cleaning", "restoration"], "on_call": false}, {"id": "on-call", "name": "On-call restoration crew", "skills": ["cleaning", "restoration"], "on_call": true}]',
				description:
					'Each crew: ID, name, skills (restoration for restoration work) and whether it is on call for emergencies at any hour',
			},
			{
				displayName: 'Blackouts',
				name: 'blackouts',
				type: 'json',
				default: '[]',
				description:
					'Periods with no bookings at all: [{"start": "2026-12-24T12:00:00-05:00", "end": "2026-12-26"}]',
			},
		],
	};

	methods = { credentialTest: { bookingStorePostgresTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const storeConfig = await readStoreConfig(this);
		const nodeId = this.getNode().id;
		return await runAgentPerItem(this, 'booking', async (i) => {
			// Parameters hidden for this operation are absent; null is their fallback.
			const has = (name: string) => hasParameter(this, name);
			const key = has('idempotencyKey') ? optionalText(this, 'idempotencyKey', i) : null;
			const job = has('jobFacts') ? jsonParameter(this, 'jobFacts', 'Job Facts', i) : {};
			const request: ScheduleRequest = {
				operation,
				job: {
					service_type: has('serviceType') ? optionalText(this, 'serviceType', i) : null,
					bedrooms: numberOrNull(job.bedrooms),
					bathrooms: numberOrNull(job.bathrooms),
					square_feet: numberOrNull(job.square_feet),
					is_emergency: job.is_emergency === true || job.is_emergency === 'true',
					estimated_hours: numberOrNull(job.estimated_hours),
					duration_minutes: numberOrNull(job.duration_minutes),
				},
				priority: has('priority') ? numberOrNull(optionalValue(this, 'priority', i)) : null,
				respond_within_minutes: has('respondWithinMinutes')
					? numberOrNull(optionalValue(this, 'respondWithinMinutes', i))
					: null,
				preference: has('preference') ? optionalText(this, 'preference', i) : null,
				start: has('start') ? optionalText(this, 'start', i) : null,
				crew_id: has('crewId') ? optionalText(this, 'crewId', i) : null,
				booking_id: has('bookingId') ? optionalText(this, 'bookingId', i) : null,
				reason: has('reason') ? optionalText(this, 'reason', i) : null,
				hold_minutes: has('holdMinutes')
					? (this.getNodeParameter('holdMinutes', i) as number)
					: null,
				count: has('count') ? (this.getNodeParameter('count', i) as number) : null,
				within_hours: has('withinHours')
					? (this.getNodeParameter('withinHours', i) as number)
					: null,
				look_back_hours: has('lookBackHours')
					? (this.getNodeParameter('lookBackHours', i, 0) as number)
					: null,
				series: has('series')
					? (collectionValue(this, 'series', i) as ScheduleRequest['series'])
					: null,
				customer: has('customer') ? jsonParameter(this, 'customer', 'Customer', i) : null,
				// Scoped to this node, so two Scheduling nodes in one workflow never share a key.
				idempotency_key: key ? `${nodeId}:${key}` : null,
			};
			const mode = this.getNodeParameter('mode', i, 'rules') as AgentMode;
			const result = await schedule(request, {
				store: storeConfig,
				calendar: readCalendar(collectionValue(this, 'calendar', i), this, i),
				mode,
				ai: await readAiSettings(this, i, mode),
			});
			return result as unknown as IDataObject;
		});
	}
}
