import type { LogLine, MetadataPatch, RegistrationExtensionInput, RegistrationExtensionOutput } from '#shared/sandbox/contract';
import { failureOutput, guestOutput } from '#shared/sandbox/guest/outcome';
import { isPlainObject } from '#shared/platform/json';

/**
 * A pre-user-registration action's report, checked rather than trusted (outcome.ts does the same
 * for logins): only the shapes the guest program builds pass, anything else is a crash. Failures
 * the guest reported go through the login's reader, so both triggers word them alike.
 *
 * The code and messages an action refuses with reach the signup's answer and the hosted page: they
 * are cut to a length a page can show.
 */
export const MAX_CODE_CHARS = 256;
export const MAX_MESSAGE_CHARS = 1024;

type Limits = RegistrationExtensionInput['limits'];

const cut = (v: unknown, max: number) => (typeof v === 'string' ? v : '').slice(0, max);

export function registrationOutput(json: string, limits: Limits, logs: LogLine[]): RegistrationExtensionOutput {
  const report: unknown = JSON.parse(json);
  if (!isPlainObject(report)) return failureOutput({ kind: 'crashed', step: null, message: '' }, limits, logs);
  switch (report.outcome) {
    case 'error':
      return guestOutput(json, limits, logs) as RegistrationExtensionOutput;
    case 'invalid':
      return { outcome: 'invalid', code: cut(report.code, MAX_CODE_CHARS), message: cut(report.message, MAX_MESSAGE_CHARS), logs };
    case 'deny':
      return {
        outcome: 'deny',
        reason: cut(report.reason, MAX_MESSAGE_CHARS),
        ...(typeof report.userMessage === 'string' ? { userMessage: cut(report.userMessage, MAX_MESSAGE_CHARS) } : {}),
        logs,
      };
    case 'allow':
      return {
        outcome: 'allow',
        ...(isPlainObject(report.userMetadata) ? { userMetadata: report.userMetadata as MetadataPatch } : {}),
        ...(isPlainObject(report.appMetadata) ? { appMetadata: report.appMetadata as MetadataPatch } : {}),
        logs,
      };
    default:
      return failureOutput({ kind: 'crashed', step: null, message: '' }, limits, logs);
  }
}
