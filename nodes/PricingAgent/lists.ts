/**
 * The Pricing Agent's add-on and promo code lists, as ops fill them in on the node, read
 * the way the Rate Card and Promo Codes tables' rows are read (one set of checks); a bad
 * entry is named by its list, its position and the field, as the panel shows them.
 */
import { InputError } from '../shared/errors';
import { SETTINGS_TABLES, SettingsError, rateCardFromRows } from '../shared/settings';
import type { RateCardOverride } from './rateCard';

type Entry = Record<string, unknown>;

const FIELD: Record<string, string> = {
	rate: 'Code',
	amount: 'Price ($)',
	code: 'Code',
	type: 'Type',
	value: 'Value',
	expires: 'Expires',
};

export function rateCardFromLists(addOns: Entry[], promos: Entry[]): RateCardOverride {
	if (!addOns.length && !promos.length) return {};
	try {
		return rateCardFromRows({
			rate_card: addOns.map((a, k) => ({
				id: k + 1,
				rate: `add_on:${String(a.code ?? '').trim()}`,
				amount: a.price,
				label: a.label,
			})),
			promo_codes: promos.map((p, k) => ({
				id: k + 1,
				code: p.code,
				type: p.type,
				value: p.value,
				expires: p.expires,
				first_time_only: p.firstTimeOnly === true,
				description: p.description,
			})),
		}) as RateCardOverride;
	} catch (error) {
		if (!(error instanceof SettingsError)) throw error;
		const addOn = error.table === SETTINGS_TABLES.rate_card.name;
		const where =
			`${addOn ? 'Add-On Prices, add-on' : 'Promo Codes, code'} ${error.row ?? ''}`.trim();
		const field = error.column ? (FIELD[error.column] ?? error.column) : null;
		throw new InputError(
			`${where}${field ? ` > ${field}` : ''}`,
			`${where}${field ? `, ${field}` : ''}: ${error.problem} ${error.hint}`,
		);
	}
}
