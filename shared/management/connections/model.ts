import type { ConnectionOptions, ConnectionRecord } from '#shared/db/connections-repo';

/**
 * A connection's wire form (Auth0's fields, in the order its recordings show) and the opaque form
 * of `options.configuration`. Auth0 answers configuration values encrypted; we store them as
 * given (the table is encrypted at rest; the custom database scripts need them in clear) and
 * answer each with a random token fixed when the value was set. A PATCH that sends a token back
 * keeps the value it stands for, so a GET-then-PATCH round trip (the Deploy CLI, Terraform)
 * never destroys a secret. A token tells nothing of its value: it is random, not derived.
 */
export const CONNECTION_FIELDS = [
  'id', 'options', 'strategy', 'name', 'display_name', 'show_as_button', 'is_domain_connection', 'realms', 'enabled_clients', 'metadata',
] as const;

/** The prefix Auth0's encrypted configuration values carry. */
export const CONFIGURATION_TOKEN_PREFIX = '2.0$';

/** A configuration value's token, per key: stored beside the record, never in `options`. */
export type ConfigurationTokens = Record<string, string>;

export function toWireConnection(record: ConnectionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: record.id,
    options: wireOptions(record.options, record.configuration_tokens ?? {}),
    strategy: record.strategy,
    name: record.name,
  };
  if (record.display_name !== undefined) out.display_name = record.display_name;
  if (record.show_as_button !== undefined) out.show_as_button = record.show_as_button;
  out.is_domain_connection = record.is_domain_connection;
  out.realms = record.realms;
  out.enabled_clients = record.enabled_clients;
  if (record.metadata !== undefined) out.metadata = record.metadata;
  return out;
}

function wireOptions(options: ConnectionOptions, tokens: ConfigurationTokens): Record<string, unknown> {
  const { configuration, ...rest } = options;
  if (!configuration || typeof configuration !== 'object') return rest;
  const opaque = Object.fromEntries(Object.keys(configuration).map((key) => [key, tokens[key] ?? `${CONFIGURATION_TOKEN_PREFIX}unavailable`]));
  return { ...rest, configuration: opaque };
}

/** Auth0's `fields`/`include_fields` over the wire form. */
export function projectConnection(wire: Record<string, unknown>, fields: string[] | undefined, include: boolean): Record<string, unknown> {
  if (!fields || fields.length === 0) return wire;
  return Object.fromEntries(Object.entries(wire).filter(([key]) => fields.includes(key) === include));
}
