import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class BookingAgentsOpenAiApi implements ICredentialType {
	name = 'bookingAgentsOpenAiApi';

	displayName = 'Booking Agents OpenAI-Compatible API';

	icon = {
		light: 'file:../nodes/QualifierAgent/qualifierAgent.svg',
		dark: 'file:../nodes/QualifierAgent/qualifierAgent.dark.svg',
	} as const;

	documentationUrl = 'https://platform.openai.com/docs/api-reference/chat';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.openai.com/v1',
			description:
				'Any OpenAI-compatible endpoint (Azure OpenAI, OpenRouter, vLLM, Ollama, LM Studio...), ending in /v1',
		},
		{
			displayName: 'Organization ID',
			name: 'organization',
			type: 'string',
			default: '',
			description: 'Only for OpenAI accounts in several organizations',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/models',
		},
	};
}
