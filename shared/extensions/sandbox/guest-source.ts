import { GUEST_PIPELINE } from '#shared/extensions/sandbox/guest-pipeline';
import { GUEST_RUNTIME } from '#shared/extensions/sandbox/guest-runtime';

/**
 * The guest program: a function the host calls once per login with its bridge (`host`: log,
 * enter, finish, fetch, sleep, cancel) and the input as JSON. The bridge exists only as this
 * closure's parameter, never as a global, so rule code cannot reach it.
 */
export const GUEST_SOURCE = `(function (host, inputJson) {
'use strict';
${GUEST_RUNTIME}
${GUEST_PIPELINE}
})`;
