import * as z from 'zod';
import { httpsUrlOrEmpty } from '#shared/management/branding/https-url';

/**
 * PATCH /api/v2/branding, as Auth0's spec has it: colours are #rgb or #rrggbb, the page
 * background a colour or a linear gradient, the URLs https. `null` clears a field. Unknown fields
 * (and keys such as `__proto__`) are refused.
 */
export const COLOR_PATTERN = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

const color = z.string().refine((v) => COLOR_PATTERN.test(v), {
  error: (i) => `String does not match pattern ${COLOR_PATTERN.source}: ${String(i.input).slice(0, 80)}`,
});

const gradient = z
  .object({
    type: z.literal('linear-gradient').describe('Gradient type'),
    start: color.describe('Gradient start color'),
    end: color.describe('Gradient end color'),
    angle_deg: z.number().min(0).max(360).describe('Gradient angle in degrees'),
  })
  .strict();

const colors = z
  .object({
    primary: color.nullable().optional().describe('Accent color'),
    page_background: z.union([color, gradient]).nullable().optional().describe('Page Background Color or Gradient'),
  })
  .strict();

export const UpdateBrandingBody = z
  .object({
    colors: colors.nullable().optional().describe('Custom color settings'),
    favicon_url: httpsUrlOrEmpty.nullable().optional().describe('URL for the favicon. Must use HTTPS'),
    logo_url: httpsUrlOrEmpty.nullable().optional().describe('URL for the logo. Must use HTTPS'),
    font: z
      .object({ url: httpsUrlOrEmpty.nullable().optional().describe('URL for the custom font. Must use HTTPS') })
      .strict()
      .nullable()
      .optional()
      .describe('Custom font settings'),
  })
  .strict();
export type UpdateBrandingBody = z.output<typeof UpdateBrandingBody>;
