import { isCustomDbInput, isRegistrationInput, type ExtensionInput, type ExtensionOutput } from '#shared/sandbox/contract';
import { runCustomDb } from '#shared/sandbox/guest/run-custom-db';
import { runLogin, type SandboxOptions } from '#shared/sandbox/guest/run-login';
import { runRegistration } from '#shared/sandbox/guest/run-registration';

/** What the runner Lambda and a sandbox worker run: the input's trigger picks the program. */
export function runExtensions(input: ExtensionInput, options: SandboxOptions): Promise<ExtensionOutput> {
  if (isCustomDbInput(input)) return runCustomDb(input, options);
  return isRegistrationInput(input) ? runRegistration(input, options) : runLogin(input, options);
}
