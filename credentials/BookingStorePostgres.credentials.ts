import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** Where the booking store lives in queue mode: one PostgreSQL database shared by every worker. */
export class BookingStorePostgres implements ICredentialType {
	name = 'bookingStorePostgres';

	displayName = 'Booking Store PostgreSQL';

	icon = {
		light: 'file:../nodes/SchedulingAgent/schedulingAgent.svg',
		dark: 'file:../nodes/SchedulingAgent/schedulingAgent.dark.svg',
	} as const;

	documentationUrl = 'https://www.postgresql.org/docs/current/libpq-connect.html';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'booking_agents',
			description:
				'The tables are created in it on first use (it needs the btree_gist extension, which PostgreSQL ships)',
		},
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'boolean',
			default: false,
			description: 'Whether to connect with TLS (managed databases usually need it)',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			displayOptions: { show: { ssl: [true] } },
			description:
				"Whether to connect even if the server's certificate cannot be verified (self-signed, or a certificate authority this machine does not trust). Anyone on the network path could then read the bookings: prefer adding the authority to NODE_EXTRA_CA_CERTS.",
		},
		{
			displayName: 'Max Connections',
			name: 'maxConnections',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 10,
			description:
				'Connections each n8n process (main or worker) keeps to the store. A booking holds one while it runs, so give at least the worker concurrency (n8n worker --concurrency, 10 by default); the server must allow this times the number of processes.',
		},
	];
}
