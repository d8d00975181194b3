/**
 * The last few results of a pure function of a string, kept. The Triage agent and the
 * Qualifier read the same item one after the other (an execution per inquiry, or a batch of up
 * to the size kept): the second reading is the first's. Bounded, so a run over many messages
 * holds only the last few (32 texts of at most 100 KB: a few MB at worst).
 */
export function remembered<T>(size: number, compute: (key: string) => T): (key: string) => T {
	const kept = new Map<string, T>();
	return (key: string) => {
		const known = kept.get(key);
		if (known !== undefined) return known;
		const value = compute(key);
		if (kept.size >= size) kept.delete(kept.keys().next().value as string);
		kept.set(key, value);
		return value;
	};
}
