/**
 * Bad input to an agent: names the field and says how to fix it. The node glue
 * turns it into a NodeOperationError whose description points at the field.
 */
export class InputError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = new.target.name;
		this.field = field;
	}
}
