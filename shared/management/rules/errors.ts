import { ManagementError } from '#shared/platform/errors';

/** GET/PATCH of a missing rule (go-auth0 recording TestRuleManager_Delete, verbatim). */
export class RuleNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_rule', 'The rule does not exist');
  }
}

/**
 * A second rule with the same order or name. The order wording is Auth0's, seen in
 * auth0-deploy-extensions#19; the name wording follows it (no sighting of Auth0's own text).
 */
export class RuleConflictError extends ManagementError {
  constructor(what: 'order' | 'name') {
    super(409, 'rule_conflict', `A rule with the same ${what} already exists`);
  }
}

/** Other writes kept changing rules, rules-configs or actions while this one retried. */
export class ExtensionsChangedError extends ManagementError {
  constructor() {
    super(409, 'concurrent_update', 'The resource was changed by other requests while this one was applied; try again.');
  }
}
