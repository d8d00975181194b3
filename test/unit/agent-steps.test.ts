/**
 * A chat's case from an AI Agent's steps: what our tools returned (the Qualifier's reading, the
 * Pricing quote, the booked visit) and never what the model wrote itself.
 */
import { caseFromAgentSteps } from '../../nodes/shared/records/agentSteps';
import { applyCaseStep } from '../../nodes/shared/records/cases';

const conversation = {
	message: 'Deep clean of a 3 bed 2 bath house',
	channel: 'chat',
	customer: { name: null, email: null, phone: null, address: null },
	case: { case_id: 'cs_chat_steps_1', thread: { chat_session: 'session-1' } },
};

const step = (tool: string, output: unknown, toolInput: Record<string, unknown> = {}) => ({
	action: { tool, toolInput },
	observation: JSON.stringify([output]),
});

const qualification = { lead_score: 72, is_qualified: true, service_type: 'deep_cleaning' };
const firstQuote = { quote_id: 'q_1', total_cents: 26000, currency: 'USD' };
const secondQuote = { quote_id: 'q_2', total_cents: 31000, currency: 'USD' };
const slots = {
	status: 'available',
	slots: [{ start: '2026-12-08T09:00:00-05:00', crew_id: 'crew-a' }],
};
const booked = {
	name: 'Ana Ruiz',
	email: 'ana@example.com',
	phone: '+12125550111',
	address: '1 Elm St',
};
// A Scheduling Agent booking result: the visit it holds carries the customer.
const visit = {
	booking_id: 'bk_1',
	status: 'confirmed',
	start: '2026-12-08T09:00:00-05:00',
	bookings: [{ booking_id: 'bk_1', status: 'confirmed', customer: booked }],
};

describe('caseFromAgentSteps', () => {
	it('keeps the last reading, quote and visit the tools returned, in order', () => {
		const item = caseFromAgentSteps(conversation, [
			step('Read_the_Inquiry', { chatInput: 'hi', qualification }),
			step('Price_the_Job', { quote: firstQuote }),
			step('Price_the_Job', { quote: secondQuote }),
			step('Find_Open_Times', { booking: slots }),
			step('Book_a_Time', { booking: visit }),
			step('Find_Open_Times', { booking: slots }),
		]);
		expect(item.qualification).toEqual(qualification);
		expect(item.quote).toEqual(secondQuote);
		// Find Slots' list after the visit does not replace the visit.
		expect(item.booking).toEqual(visit);
		expect(item.case).toEqual(conversation.case);
		expect(item.customer).toEqual(booked);
	});

	it('skips what is not our tools’ JSON: errors, plain text, a quote without an id', () => {
		const item = caseFromAgentSteps(conversation, [
			{ action: { tool: 'Price_the_Job' }, observation: '{"error":"Bedrooms is not a number"}' },
			{ action: { tool: 'Book_a_Time' }, observation: 'Booked for you! Total $1' },
			step('Price_the_Job', { quote: { total_cents: 100 } }),
			step('Book_a_Time', { booking: { status: 'no_room', booking_id: null } }),
			{ observation: 42 },
			null,
		]);
		expect(item.quote).toBeUndefined();
		expect(item.booking).toBeUndefined();
		expect(item.qualification).toBeUndefined();
	});

	it('keeps the customer the conversation already knows over the booking’s copy', () => {
		const item = caseFromAgentSteps(
			{ ...conversation, customer: { name: 'Ana R.', email: null } },
			[step('Book_a_Time', { booking: visit })],
		);
		expect(item.customer).toEqual({
			name: 'Ana R.',
			email: 'ana@example.com',
			phone: '+12125550111',
			address: '1 Elm St',
		});
	});

	it('no steps: the conversation as it is', () => {
		expect(caseFromAgentSteps(conversation, undefined)).toEqual(conversation);
	});

	it('a case recorded from the steps is booked, with the quote and the chat session', () => {
		const item = caseFromAgentSteps(conversation, [
			step('Price_the_Job', { quote: firstQuote }),
			step('Book_a_Time', { booking: visit }),
		]);
		const { record } = applyCaseStep(
			null,
			item,
			'answered',
			{ workflow: 'chat', executionId: '1', executionUrl: null },
			Date.parse('2026-12-06T12:00:00Z'),
		);
		expect(record.status).toBe('booked');
		expect(record.channel).toBe('chat');
		expect(record.quote_cents).toBe(26000);
		expect(record.booking_ids).toEqual(['bk_1']);
		expect(record.thread.chat_session).toBe('session-1');
		expect(record.booked_cents).toBe(26000);
	});
});
