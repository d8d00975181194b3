/** What `read` gives once `done` holds, polled every `pollMs` for up to `timeoutMs`: n8n writes after it answers. */
export async function eventually<T>(
	read: () => Promise<T>,
	done: (value: T) => boolean,
	timeoutMs = 30_000,
	pollMs = 250,
): Promise<T> {
	for (const deadline = Date.now() + timeoutMs; ;) {
		const value = await read();
		if (done(value) || Date.now() > deadline) return value;
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}
