import { GUEST_ACTION } from '#shared/sandbox/guest/guest-action';
import { GUEST_CUSTOM_DB } from '#shared/sandbox/guest/guest-custom-db';
import { GUEST_MODULES } from '#shared/sandbox/guest/guest-modules';
import { GUEST_REGISTRATION } from '#shared/sandbox/guest/guest-registration';
import { GUEST_RULES } from '#shared/sandbox/guest/guest-rules';
import { GUEST_RUNTIME } from '#shared/sandbox/guest/guest-runtime';

/**
 * The guest programs: functions the host calls once per context with its bridge (`host`: log,
 * enter, finish, fetch, sleep, cancel; call, task and twice for custom database scripts) and the
 * context's input as JSON. The bridge exists only as this closure's parameter, never as a global, so guest code cannot reach it. One program runs
 * all the rules of a login; the others run one action (post-login or pre-user-registration), or
 * one call of one custom database script with its modules, in a context of its own.
 */
const program = (body: string) => `(function (host, inputJson) {
'use strict';
${GUEST_RUNTIME}
${body}
})`;

export const RULES_SOURCE = program(GUEST_RULES);
export const ACTION_SOURCE = program(GUEST_ACTION);
export const REGISTRATION_SOURCE = program(GUEST_REGISTRATION);
export const CUSTOM_DB_SOURCE = program(GUEST_MODULES + GUEST_CUSTOM_DB);
