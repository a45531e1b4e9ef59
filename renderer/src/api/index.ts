export { getClient, setClientForTests } from './client.ts';
