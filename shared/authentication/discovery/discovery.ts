import { config } from '#shared/platform/config';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';

/**
 * OpenID Provider metadata. It lists only endpoints and grants this service serves today; later
 * issues add the authorization endpoint, userinfo and the user grants here as they land.
 */
export function openIdConfiguration() {
  const issuer = config.ISSUER;
  return {
    issuer,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    grant_types_supported: [
      'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token',
    ],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: [
      'aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'nickname',
      'picture', 'sid', 'sub', 'updated_at',
    ],
  };
}
