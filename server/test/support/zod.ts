/** zod for the end-to-end package (`test/`), which has no dependency of its own on it: resolved from `server/`. */
export { z } from 'zod';
