import { openRoute } from '#shared/http/handler';
import { signupParams } from '#shared/signup/body';
import { signUp } from '#shared/signup/signup';

export const handler = openRoute('signup', async ({ event }) => ({ body: await signUp(signupParams(event)) }));
