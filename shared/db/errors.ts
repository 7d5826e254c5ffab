/**
 * Storage errors: what a repository throws when DynamoDB refuses a write for a reason the domain
 * must decide on. They name what happened to the items, never an API answer; each feature area
 * catches them and throws an error of its catalogue (docs/architecture-errors.md). Anything else
 * DynamoDB throws passes through as a fault.
 */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A conditional write did not apply. `current` is the item as it was (undefined when it does not
 * exist) if `currentKnown`: DynamoDB returns it for a single write asked for it
 * (ReturnValuesOnConditionCheckFailure), never for an item of a transaction.
 */
export class ConditionFailedError<T = Record<string, unknown>> extends StorageError {
  constructor(
    readonly current: T | undefined,
    readonly currentKnown: boolean,
  ) {
    super('A conditional write did not apply');
  }
}

/** A write that claims a unique value (a user's email or username, a rule's name) found it taken. */
export class ItemExistsError extends StorageError {
  constructor() {
    super('An item that must be new already exists');
  }
}

/** The item would be larger than DynamoDB allows (400 KB). */
export class ItemTooLargeError extends StorageError {
  constructor() {
    super('The item is larger than DynamoDB allows (400 KB)');
  }
}

/**
 * A write met a newer state than it read (a revision moved, or another transaction held one of its
 * items): read again and retry.
 */
export class WriteConflictError extends StorageError {
  constructor() {
    super('A conditional write met a newer revision');
  }
}

/** A Scan examined more items than its budget allows, and stopped. */
export class ScanBudgetExceededError extends StorageError {
  constructor(readonly budget: number) {
    super(`The scan examined more than ${budget} items`);
  }
}
