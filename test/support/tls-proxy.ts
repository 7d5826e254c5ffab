/** The TLS proxy lives with the local tooling (npm run demo uses it); tests import it from here too. */
export * from '#infra/local/tls-proxy';
