/** Values shared by the Latchkey the global setup starts and the tests that use it. */
export const GOOD_API_KEY = 'good-key';
export const BASIC_USER = { username: 'ada', password: 'correct horse battery staple' };
export const SUBDOMAIN_PATTERN = '^[a-z0-9-]+$';
