import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { Additions } from '../../shared/n8n/items';
import { textAt } from '../../shared/case';
import { caseOf, definedBelow } from '../../shared/n8n/inputs';
import { optionalText } from '../../shared/n8n/parameters';
import { readCardLink } from '../../shared/records/monthly';
import type { OperationContext } from './common';

export const description = updateDisplayOptions({ show: { operation: ['cardPage'] } }, [
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: definedBelow,
		description:
			"The card link's token (its ?token=...), as the customer opened it (from the case: query.token, the Webhook node's)",
	},
]);

/**
 * What a card link opens: `card_link.state` open (with the agreement's series, customer and
 * currency, and the Stripe customer kept from a card saved before), or expired, invalid or
 * ended with the words for the page. It never fails on a bad token.
 */
export async function execute(
	this: IExecuteFunctions,
	i: number,
	op: OperationContext,
): Promise<Additions[]> {
	const token =
		op.source === 'case'
			? textAt(caseOf(this, i), 'query', 'token')
			: optionalText(this, 'token', i);
	const link = await readCardLink(op.store, token, op.secret(i), Date.now());
	return [{ json: { card_link: link as unknown as IDataObject } }];
}
