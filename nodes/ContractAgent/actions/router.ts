/** Runs the chosen operation over every item, with the store and the signing secret opened once. */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { readInputSource } from '../../shared/n8n/inputs';
import { runPerItem } from '../../shared/n8n/items';
import { readStoreConfig } from '../../shared/n8n/store';
import { openStore } from '../../shared/store';
import type { Execute, OperationContext } from './common';
import * as applyPaymentEvent from './applyPaymentEvent.operation';
import * as billMonth from './billMonth.operation';
import * as cardPage from './cardPage.operation';
import * as chargesDue from './chargesDue.operation';
import * as recordCharge from './recordCharge.operation';
import * as refundDeposit from './refundDeposit.operation';
import * as requestDeposit from './requestDeposit.operation';
import * as end from './end.operation';
import * as getInvoice from './getInvoice.operation';
import * as invoiceVisit from './invoiceVisit.operation';
import * as voidInvoice from './voidInvoice.operation';
import * as generate from './generate.operation';
import * as giveCredit from './giveCredit.operation';
import * as listDue from './listDue.operation';
import * as recordSignature from './recordSignature.operation';
import * as renew from './renew.operation';
import * as showAgreement from './showAgreement.operation';

const OPERATIONS: Record<string, Execute> = {
	generate: generate.execute,
	recordSignature: recordSignature.execute,
	showAgreement: showAgreement.execute,
	listDue: listDue.execute,
	renew: renew.execute,
	end: end.execute,
	invoiceVisit: invoiceVisit.execute,
	getInvoice: getInvoice.execute,
	voidInvoice: voidInvoice.execute,
	applyPaymentEvent: applyPaymentEvent.execute,
	billMonth: billMonth.execute,
	chargesDue: chargesDue.execute,
	recordCharge: recordCharge.execute,
	cardPage: cardPage.execute,
	requestDeposit: requestDeposit.execute,
	refundDeposit: refundDeposit.execute,
	giveCredit: giveCredit.execute,
};

/** The operations that make or check a signed link (signing, card links). */
export const SIGNING_OPERATIONS = [
	'generate',
	'recordSignature',
	'showAgreement',
	'billMonth',
	'recordCharge',
	'cardPage',
];

/** The key that signs the links: from the credential (read once), or from the parameter per item. */
async function readSecret(ctx: IExecuteFunctions, operation: string) {
	if (!SIGNING_OPERATIONS.includes(operation)) return () => '';
	if (ctx.getNodeParameter('signingSecretFrom', 0, 'credential') === 'credential') {
		const credential = await ctx.getCredentials<{ secret?: string }>('bookingAgentsSigningSecret');
		const secret = String(credential.secret ?? '');
		return () => secret;
	}
	return (i: number) => String(ctx.getNodeParameter('signingSecret', i, '') ?? '');
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS[operation];
	if (!execute)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`, {
			description: `Choose one of: ${Object.keys(OPERATIONS).join(', ')}.`,
		});
	const store = await openStore(await readStoreConfig(this));
	if (operation === 'listDue' && this.getNode().typeVersion < 2)
		return await listDue.listDueVersion1(this, { store });
	const context: OperationContext = {
		source: readInputSource(this),
		store,
		secret: await readSecret(this, operation),
	};
	return await runPerItem(this, async (i) => await execute.call(this, i, context));
}
