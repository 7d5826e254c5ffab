import { describe, expect, it } from 'vitest';
import { contrastRatio, hexColor, themeFrom } from '#shared/authentication/universal-login/pages/theme';

describe('themeFrom', () => {
  it("defaults to Auth0's primary colour with white text", () => {
    const theme = themeFrom({});
    expect(theme.primary).toBe('#635dff');
    expect(theme.onPrimary).toBe('#ffffff');
    expect(contrastRatio(theme.primary, theme.onPrimary)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['#ffd400', '#00ff00', '#635dff', '#0f766e', '#000000', '#ffffff', '#ff0000', '#7dd3fc'])('keeps AA contrast with primary %s', (primary) => {
    const theme = themeFrom({ primary_color: primary });
    expect(contrastRatio(theme.primary, theme.onPrimary)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(theme.link, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(theme.focus, '#ffffff')).toBeGreaterThanOrEqual(3);
  });

  it('darkens a mid-tone that reaches AA with neither white nor ink, and keeps white text', () => {
    const theme = themeFrom({ primary_color: '#ff0000' });
    expect(theme.onPrimary).toBe('#ffffff');
    expect(theme.primary).not.toBe('#ff0000');
    expect(contrastRatio(theme.primary, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('reads #rgb and #rrggbb only', () => {
    expect(hexColor('#ABC')).toBe('#aabbcc');
    expect(hexColor(' #A1B2C3 ')).toBe('#a1b2c3');
    for (const bad of ['red', '#abcd', 'rgb(0,0,0)', '#12345g', '', undefined, 12]) expect(hexColor(bad)).toBeUndefined();
  });
});
