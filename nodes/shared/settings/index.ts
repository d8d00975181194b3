/** The business's settings, kept by ops staff in n8n Data Tables: the tables, their seed rows, and reading them. */
export * from './tables';
export * from './read';
