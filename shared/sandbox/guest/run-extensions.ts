import { isRegistrationInput, type ExtensionInput, type ExtensionOutput } from '#shared/sandbox/contract';
import { runLogin, type SandboxOptions } from '#shared/sandbox/guest/run-login';
import { runRegistration } from '#shared/sandbox/guest/run-registration';

/** What the runner Lambda and a sandbox worker run: the input's trigger picks the program. */
export function runExtensions(input: ExtensionInput, options: SandboxOptions): Promise<ExtensionOutput> {
  return isRegistrationInput(input) ? runRegistration(input, options) : runLogin(input, options);
}
