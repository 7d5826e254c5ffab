import { header, rawBody } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { signupParams } from '#shared/authentication/dbconnections/body';
import { signUp } from '#shared/authentication/dbconnections/signup';

export const handler = openRoute('signup', async ({ event }) => ({
  body: await signUp(signupParams(header(event, 'content-type'), rawBody(event).toString('utf8'))),
}));
