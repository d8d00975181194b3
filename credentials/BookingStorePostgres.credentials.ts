import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** Where the booking store lives in queue mode: one PostgreSQL database shared by every worker. */
export class BookingStorePostgres implements ICredentialType {
	name = 'bookingStorePostgres';

	displayName = 'Booking Store PostgreSQL';

	icon = { light: 'file:../nodes/SchedulingAgent/schedulingAgent.svg', dark: 'file:../nodes/SchedulingAgent/schedulingAgent.dark.svg' } as const;

	documentationUrl = 'https://www.postgresql.org/docs/current/libpq-connect.html';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'booking_agents', description: 'The tables are created in it on first use (it needs the btree_gist extension, which PostgreSQL ships)' },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false, description: 'Whether to connect with TLS (managed databases usually need it)' },
	];
}
