/** Values shared by the Latchkey the global setup starts and the tests that use it. */
export const GOOD_API_KEY = 'good-key';
export const BASIC_USER = { username: 'ada', password: 'correct horse battery staple' };
export const SUBDOMAIN_PATTERN = '^[a-z0-9-]+$';
/** The WSSE (SIGNATURE) user the simulated API knows, and the Ghost-like admin key (id and hex secret) of the JWT one. */
export const WSSE_USER = { username: 'widget_api001', password: '0d5c7a1e-2f4b-4c8d-9e6f-a1b2c3d4e5f6' };
export const CMS_KEY = { id: '65a1b2c3d4e5f60718293a4b', secret: 'c0ffee'.repeat(10).concat('c0ff') };
