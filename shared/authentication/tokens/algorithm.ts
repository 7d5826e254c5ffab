/** The one signing algorithm (Auth0's default); verifiers pin it, discovery advertises it. */
export const SIGNING_ALG = 'RS256';
