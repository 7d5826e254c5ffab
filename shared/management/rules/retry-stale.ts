import { WriteConflictError } from '#shared/db/errors';
import { ResourceChangedError } from '#shared/management/errors';

/**
 * Runs a read-modify-write of rules, rules-configs or actions again when another writer got there
 * first (WriteConflictError); gives up with a 409 after `attempts`. Every visible write shares
 * the generation item, so two writers' transactions meet there (TransactionConflict) even when
 * they touch different rules: a short random pause lets them go one after the other instead of
 * colliding again.
 */
export async function retryStale<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof WriteConflictError)) throw error;
      if (attempt >= attempts) throw new ResourceChangedError();
      await new Promise((resume) => setTimeout(resume, Math.random() * 25 * 2 ** attempt));
    }
  }
}
