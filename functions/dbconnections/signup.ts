import { header, rawBody } from '#shared/http/event';
import { corsOnRefusals } from '#shared/http/cors-refusals';
import { openRoute } from '#shared/http/handler';
import { withCors } from '#shared/authentication/oauth/cors';
import { SignupOriginNotAllowedError } from '#shared/authentication/errors';
import { signupParams } from '#shared/authentication/dbconnections/body';
import { signupRequest } from '#shared/authentication/dbconnections/request';
import { signUp } from '#shared/authentication/dbconnections/signup';

/** POST /dbconnections/signup; from a browser (Lock), CORS for an origin the named application allows (docs/lock.md). */
export const handler = openRoute('signup', async ({ event, sourceIp }) => {
  const { result, headers } = await withCors(
    header(event, 'origin'),
    async (admit) => {
      const params = signupParams(header(event, 'content-type'), rawBody(event).toString('utf8'));
      await admit(typeof params.client_id === 'string' ? params.client_id : undefined);
      const request = signupRequest(params, { ip: sourceIp, userAgent: header(event, 'user-agent'), acceptLanguage: header(event, 'accept-language') });
      return signUp(params, request);
    },
    { refuse: (origin) => new SignupOriginNotAllowedError(origin) },
  );
  return { body: result, headers };
}, corsOnRefusals('signup'));
