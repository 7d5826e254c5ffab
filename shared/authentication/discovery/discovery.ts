import { config } from '#shared/platform/config';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';

/**
 * OpenID Provider metadata: Auth0's document (same names, order and URL shapes) listing only
 * what this service serves. Where Auth0 lists more (device code, MFA, dynamic registration,
 * `plain` PKCE, HS256/PS256, private_key_jwt, the hybrid response types), we leave it out rather
 * than advertise what would fail; web_message, which Auth0 serves without listing, is listed.
 * docs/authorization-code.md.
 */
export function openIdConfiguration() {
  const issuer = config.ISSUER;
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'email'],
    response_types_supported: ['code', 'token', 'id_token', 'token id_token'],
    code_challenge_methods_supported: ['S256'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'web_message'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    grant_types_supported: [
      'authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password',
      'http://auth0.com/oauth/grant-type/password-realm',
    ],
    claims_supported: [
      'aud', 'auth_time', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'nickname',
      'nonce', 'picture', 'sid', 'sub', 'updated_at',
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
    end_session_endpoint: `${issuer}oidc/logout`,
  };
}
