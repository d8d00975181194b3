'use strict';
/**
 * Long and degenerate messages for the linear-time check: e-mail intake can hand the agents
 * 100 KB of text, and a rule whose time grows with the square of the length would block
 * n8n's main thread for seconds. Used by npm run bench (times) and by a unit test (answers).
 */

/** Repeats a piece until the text is exactly `length` characters long. */
function fill(piece, length) {
	return piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
}

const LONG_MESSAGE_KINDS = {
	'one letter': (n) => fill('a', n),
	digits: (n) => fill('7', n),
	spaces: (n) => `${fill(' ', n - 1)}x`,
	newlines: (n) => `${fill('\n', n - 1)}x`,
	'repeated emergency phrase': (n) => fill('water is pouring through the ceiling right now. ', n),
	'repeated Spanish phrase': (n) => fill('se reventó un tubo y se está inundando el sótano. ', n),
	'money amounts': (n) => fill('$1,250.00 ', n),
	'sizes and rooms': (n) => fill('2,400 sq ft 4 bed 3 bath ', n),
	'spaced digits': (n) => fill('1 2 3 4 5 6 7 8 9 ', n),
	'e-mail-like runs': (n) => fill('a.b+c@', n),
	punctuation: (n) => fill('.,;:!?-()/', n),
	'one long word': (n) => `help ${fill('x', n - 10)} now`,
	'form dump': (n) =>
		fill(
			'Name: Ana | Bedrooms: 4 | Bathrooms: 3 | Sq ft: 2400 | Budget: $300 | Notes: weekly\n',
			n,
		),
	'forwarded thread': (n) =>
		fill('> On Monday, Ops wrote:\n> > the leak was fixed last week, all dried out.\n', n),
};

/** One message of each kind, `length` characters long. */
function longMessages(length) {
	return Object.entries(LONG_MESSAGE_KINDS).map(([kind, make]) => ({
		kind,
		message: make(length),
	}));
}

module.exports = { LONG_MESSAGE_KINDS, longMessages };
