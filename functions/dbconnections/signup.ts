import { openRoute } from '#shared/http/handler';
import { signupParams } from '#shared/authentication/dbconnections/body';
import { signUp } from '#shared/authentication/dbconnections/signup';

export const handler = openRoute('signup', async ({ event }) => ({ body: await signUp(signupParams(event)) }));
