/**
 * The page's colours from the tenant's branding. Only hex colours reach the CSS (Auth0's branding
 * takes hex colours too), so nothing the branding holds can break out of the <style>. Colours
 * derived from the primary keep WCAG AA: the button text is whichever of white or ink contrasts
 * more, links and the focus ring are darkened until they read on white.
 */

export const DEFAULT_PRIMARY = '#635dff';
export const DEFAULT_PAGE_BACKGROUND = '#f1f2f6';
const WHITE = '#ffffff';
const INK = '#1e212a';

export interface Branding {
  logo_url?: string;
  primary_color?: string;
  page_background?: string;
}

export interface Theme {
  primary: string;
  onPrimary: string;
  primaryHover: string;
  link: string;
  focus: string;
  pageBackground: string;
}

export function themeFrom(branding: Branding | undefined): Theme {
  const brand = hexColor(branding?.primary_color) ?? DEFAULT_PRIMARY;
  const best = contrastRatio(brand, WHITE) >= contrastRatio(brand, INK) ? WHITE : INK;
  // A mid-tone (pure red: 4.0 against both) reaches AA with neither: darken it under white text.
  const [primary, onPrimary] = contrastRatio(brand, best) >= 4.5 ? [brand, best] : [readableOn(brand, WHITE, 4.5), WHITE];
  return {
    primary,
    onPrimary,
    primaryHover: mix(primary, onPrimary === WHITE ? '#000000' : WHITE, 0.12),
    link: readableOn(brand, WHITE, 4.5),
    focus: readableOn(brand, WHITE, 3),
    pageBackground: hexColor(branding?.page_background) ?? DEFAULT_PAGE_BACKGROUND,
  };
}

/** `#rgb` or `#rrggbb`, as lower-case `#rrggbb`; anything else undefined. */
export function hexColor(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m?.[1]) return undefined;
  const hex = m[1].toLowerCase();
  return hex.length === 3 ? `#${[...hex].map((c) => c + c).join('')}` : `#${hex}`;
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour, darkened towards black in small steps until it reaches `ratio` against `background`. */
export function readableOn(color: string, background: string, ratio: number): string {
  let current = color;
  for (let step = 1; step <= 20 && contrastRatio(current, background) < ratio; step++) current = mix(color, '#000000', step * 0.05);
  return current;
}

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function mix(a: string, b: string, weightOfB: number): string {
  const ca = channels(a);
  const cb = channels(b);
  const out = ca.map((c, i) => Math.round(c * (1 - weightOfB) + (cb[i] ?? 0) * weightOfB));
  return `#${out.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
