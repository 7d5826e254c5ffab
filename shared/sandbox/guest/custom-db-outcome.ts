import type { CustomDbInput, CustomDbOutput, CustomDbRefusal, ExtensionFailure, LogLine } from '#shared/sandbox/contract';
import { failureOutput, guestOutput } from '#shared/sandbox/guest/outcome';
import { MAX_CODE_CHARS, MAX_MESSAGE_CHARS } from '#shared/sandbox/guest/registration-outcome';
import { isPlainObject, type JsonValue } from '#shared/platform/json';

/**
 * A custom database script's report, checked rather than trusted (the guest program shares its
 * realm with the script): done with a JSON value, refused with one of Auth0's two errors, or a
 * failure the guest saw (worded by outcome.ts, as for rules and actions). A refusal's code and
 * message may reach an answer (e.g. a signup's `description`): they are cut to a length a page
 * can show.
 */
type Limits = CustomDbInput['limits'];

const cut = (v: unknown, max: number) => (typeof v === 'string' ? v : '').slice(0, max);

export function customDbOutput(json: string, limits: Limits, logs: LogLine[]): CustomDbOutput {
  const report: unknown = JSON.parse(json);
  if (!isPlainObject(report)) return crashed(limits, logs);
  switch (report.outcome) {
    case 'error':
      return guestOutput(json, limits, logs) as ExtensionFailure;
    case 'done':
      return { outcome: 'done', value: (report.value ?? null) as JsonValue, logs };
    case 'refused': {
      const error = refusalOf(report.error);
      return error ? { outcome: 'refused', error, logs } : crashed(limits, logs);
    }
    default:
      return crashed(limits, logs);
  }
}

function refusalOf(v: unknown): CustomDbRefusal | undefined {
  if (!isPlainObject(v)) return undefined;
  const message = cut(v.message, MAX_MESSAGE_CHARS);
  if (v.name === 'WrongUsernameOrPasswordError') return { name: v.name, message };
  if (v.name === 'ValidationError') return { name: v.name, code: cut(v.code, MAX_CODE_CHARS), message };
  return undefined;
}

const crashed = (limits: Limits, logs: LogLine[]) => failureOutput({ kind: 'crashed', step: null, message: '' }, limits, logs);
