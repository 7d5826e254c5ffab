import { ManagementError } from '#shared/platform/errors';

/**
 * Errors of the Actions endpoints. Messages are Auth0's where a real response was seen (sources
 * beside each); Auth0 sends no errorCode with some of them, ours always carries one because the
 * serializer writes the field for every management error.
 */

/** GET/PATCH/DELETE/deploy of a missing action: 404 "That action does not exist." (go-auth0 TestActionManager_Delete). */
export class ActionNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_action', 'That action does not exist.');
  }
}

/** DELETE of a bound action without force (terraform-provider-auth0#64, #1550: 409 with these words). */
export class ActionBoundError extends ManagementError {
  constructor() {
    super(409, 'conflict', 'Unable to delete an action bound to a trigger.');
  }
}

/** Binding an action that was never deployed (terraform-provider-auth0#1590 and an Auth0 reply quoted in a deploy script). */
export class ActionNotDeployedError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Trying to create a binding for an action that has not been deployed yet');
  }
}

/** Binding an action to a trigger it does not support (terraform-provider-auth0#59). */
export class IncompatibleTriggerError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Trying to create a binding between an incompatible action and trigger.');
  }
}

/** Moving a bound action to another trigger (auth0-cli#462). */
export class TriggerChangeError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', "can't upgrade to this trigger.");
  }
}

/** Ours: Auth0 runs every trigger; this service runs post-login only. */
export class TriggerNotSupportedError extends ManagementError {
  constructor(triggerId: string) {
    super(400, 'invalid_body', `Only post-login actions run on this service; actions cannot be bound to ${triggerId}.`);
  }
}

/** Action names identify actions in bindings (`action_name` refs), so two actions may not share one. */
export class ActionNameConflictError extends ManagementError {
  constructor(name: string) {
    super(409, 'conflict', `An action with the name "${name}" already exists.`);
  }
}

/** Auth0: "Each tenant may have a maximum of 100 Actions" (docs: customize/actions/limitations). */
export class ActionLimitError extends ManagementError {
  constructor(limit: number) {
    super(400, 'invalid_body', `A tenant may have at most ${limit} actions; delete one before creating another.`);
  }
}
