// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';

export const JobIdParams = z.object({
  id: z.string().min(1).max(128).describe('ID of the job'),
});
