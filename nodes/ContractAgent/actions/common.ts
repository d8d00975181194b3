/** What the Contract Agent's operations share on the n8n side: the store and the signing secret. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Additions } from '../../shared/n8n/items';
import type { BookingStore } from '../../shared/store';
import type { InputSource } from '../../shared/n8n/inputs';

export interface OperationContext {
	source: InputSource;
	store: BookingStore;
	/** The key that signs and checks the links, for item i. */
	secret: (i: number) => string;
}

export type Execute = (
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
) => Promise<Additions[]>;
