import { config, managementAudience } from '#shared/platform/config';

/** The APIs a token can be issued for; custom resource servers arrive with their own issue. */
export const userinfoAudience = `${config.ISSUER}userinfo`;

export const isKnownAudience = (audience: string) => audience === managementAudience;
