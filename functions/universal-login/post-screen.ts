import { openRoute } from '#shared/http/handler';
import { HiddenServerError } from '#shared/platform/errors';

// Placeholder while issue 11 is being built: replaced by its owner before the issue closes.
export const handler = openRoute('login-submit', async () => {
  throw new HiddenServerError('Not built yet.');
});
