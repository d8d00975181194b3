/** The booking store on the n8n side: the Store parameters, the PostgreSQL credential and its test. */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';

import { PostgresBookingStore, type PostgresConnection, type StoreConfig } from '../store';

/** Where bookings, holds and opt-outs are kept: the same choice on every node that uses the store. */
export const storeProperties: INodeProperties[] = [
	{
		displayName: 'Store',
		name: 'store',
		type: 'options',
		noDataExpression: true,
		default: 'sqlite',
		options: [
			{
				name: 'SQLite File (No Set-Up)',
				value: 'sqlite',
				description: 'A file in the n8n user folder: for one n8n process',
			},
			{
				name: 'PostgreSQL',
				value: 'postgres',
				description: 'For queue mode with workers on several hosts',
			},
		],
	},
	{
		displayName: 'SQLite File Path',
		name: 'sqlitePath',
		type: 'string',
		default: '',
		placeholder: '~/.n8n/booking-agents.sqlite',
		displayOptions: { show: { store: ['sqlite'] } },
		description: 'Leave empty for booking-agents.sqlite in the n8n user folder',
	},
];

function connectionOf(credentials: IDataObject): PostgresConnection {
	return {
		host: String(credentials.host ?? 'localhost'),
		port: Number(credentials.port ?? 5432),
		database: String(credentials.database ?? 'booking_agents'),
		user: String(credentials.user ?? 'postgres'),
		password: credentials.password ? String(credentials.password) : undefined,
		ssl: Boolean(credentials.ssl),
		ignoreSslIssues: credentials.ignoreSslIssues === true,
		// Credentials saved before the setting existed have none: the pool's default.
		maxConnections:
			credentials.maxConnections === undefined || credentials.maxConnections === ''
				? undefined
				: Number(credentials.maxConnections),
	};
}

/** The store the node's Store parameter names (the PostgreSQL one through its credential). */
export async function readStoreConfig(ctx: IExecuteFunctions): Promise<StoreConfig> {
	const backend = ctx.getNodeParameter('store', 0) as 'sqlite' | 'postgres';
	if (backend === 'postgres')
		return {
			backend,
			connection: connectionOf(
				(await ctx.getCredentials('bookingStorePostgres', 0)) as IDataObject,
			),
		};
	return { backend, path: (ctx.getNodeParameter('sqlitePath', 0, '') as string) || null };
}

/** The Booking Store PostgreSQL credential's test: connect and migrate. */
export async function bookingStorePostgresTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const store = new PostgresBookingStore({
		...connectionOf(credential.data ?? {}),
		maxConnections: 1,
	});
	try {
		await store.init();
		return { status: 'OK', message: 'Connected; the booking tables are ready' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	} finally {
		await store.close();
	}
}
