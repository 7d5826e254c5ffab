import * as z from 'zod';

/** Auth0's query-string booleans: exactly `true` or `false`. */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');
