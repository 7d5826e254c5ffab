import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { CustomDbInput, CustomDbRefusal, CustomDbScriptName } from '#shared/sandbox/contract';
import { extensionsRunner } from '#shared/sandbox/runner';
import { CustomDbScriptFailedError } from '#shared/tenant/custom-db';
import { config } from '#shared/platform/config';
import { randomAlphanumeric } from '#shared/platform/ids';
import { isPlainObject, type JsonValue } from '#shared/platform/json';
import { log } from '#shared/platform/log';

/**
 * One call of one of a custom database connection's scripts, in the same sandbox as rules (the
 * worker pool locally, the runner Lambda in AWS). The script sees only its arguments and the
 * connection's `configuration`; its console lines go to our log under the connection and script.
 *
 * A failure (the script threw, timed out, called back with an ordinary error, called back twice,
 * is not defined, or the runner failed) becomes CustomDbScriptFailedError with a reference: 12
 * random alphanumerics, logged with the connection, the script and the error. The arguments, the
 * configuration and any profile's values are never logged.
 */
export type ScriptAnswer = { outcome: 'done'; value: JsonValue } | { outcome: 'refused'; error: CustomDbRefusal };

export async function runScript(connection: ConnectionRecord, script: CustomDbScriptName, args: JsonValue[]): Promise<ScriptAnswer> {
  const source = scriptSource(connection, script);
  if (source === undefined) throw scriptFailure(connection, script, 'the connection has no such script');
  const input: CustomDbInput = {
    trigger: 'custom-db',
    script,
    source,
    args,
    configuration: configurationOf(connection),
    connection: { id: connection.id, name: connection.name },
    limits: { totalMs: config.EXTENSIONS_BUDGET_MS, memoryBytes: config.EXTENSIONS_MEMORY_MB * 1024 * 1024 },
  };
  const started = performance.now();
  const output = await extensionsRunner()
    .customDb(input)
    .catch((error: unknown) => ({ outcome: 'error' as const, error: `the runner threw ${error instanceof Error ? error.name : 'a value'}`, source: 'runner', logs: [] }));
  const where = { connection: connection.name, script };
  for (const line of output.logs) log.info('custom database script output', { ...where, level: line.level, message: line.message });
  log.debug('custom database script ran', { ...where, outcome: output.outcome, ms: Math.round(performance.now() - started) });
  if (output.outcome === 'error') throw scriptFailure(connection, script, output.error, output.source);
  return output.outcome === 'done' ? { outcome: 'done', value: output.value } : { outcome: 'refused', error: output.error };
}

/**
 * The failure a caller throws, its reference logged with why. `reason` must name no value a user
 * or the script supplied (a profile's fields, a password, the configuration): the kind of problem
 * and field names only.
 */
export function scriptFailure(connection: ConnectionRecord, script: CustomDbScriptName, reason: string, source?: string): CustomDbScriptFailedError {
  const reference = randomAlphanumeric(12);
  log.warn('custom database script failed', {
    reference, connection: connection.name, connection_id: connection.id, script, error: reason, ...(source ? { source } : {}),
  });
  return new CustomDbScriptFailedError(script, reference);
}

/** `options.customScripts[script]`, when it holds code. */
function scriptSource(connection: ConnectionRecord, script: CustomDbScriptName): string | undefined {
  const scripts = connection.options.customScripts;
  const source = isPlainObject(scripts) ? scripts[script] : undefined;
  return typeof source === 'string' && source.trim() !== '' ? source : undefined;
}

/** `options.configuration` is stored in clear (reads answer tokens in its place); strings only. */
function configurationOf(connection: ConnectionRecord): Record<string, string> {
  const stored = connection.options.configuration;
  if (!isPlainObject(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
