/** The secret that signs links (agreements, quote replies, decisions): one credential, one rule. */
export const MIN_SECRET_LENGTH = 16;
