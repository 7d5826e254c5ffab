import { ItemExistsError, ItemTooLargeError, ScanBudgetExceededError } from '#shared/db/errors';
import * as repo from '#shared/db/users-repo';
import { ListBudgetExceededError, MetadataLimitError, UserExistsError } from '#shared/management/errors';

/**
 * The users repository's writes and scan, with its storage errors turned into the Management API's
 * answers: a claim taken is 409 UserExistsError, a user over DynamoDB's 400 KB is a metadata limit,
 * a scan past its budget is 503 ListBudgetExceededError. ConditionFailedError passes through: the
 * caller decides what the user as it was means (404, 412, a race to retry).
 */
const answer = (tooLarge: string) => (error: unknown): never => {
  if (error instanceof ItemExistsError) throw new UserExistsError();
  if (error instanceof ItemTooLargeError) throw new MetadataLimitError(tooLarge);
  throw error;
};

export const insertUser = (...args: Parameters<typeof repo.insertUser>) =>
  repo.insertUser(...args).catch(answer('The user is larger than DynamoDB allows (400 KB).'));

export const updateUser = (...args: Parameters<typeof repo.updateUser>) =>
  repo.updateUser(...args).catch(answer('The user would be larger than DynamoDB allows (400 KB).'));

export const updateUserAndClaims = (...args: Parameters<typeof repo.updateUserAndClaims>) =>
  repo.updateUserAndClaims(...args).catch(answer('The user would be larger than DynamoDB allows (400 KB).'));

export const scanUsers = (budget: number) =>
  repo.scanUsers(budget).catch((error: unknown) => {
    throw error instanceof ScanBudgetExceededError ? new ListBudgetExceededError(error.budget) : error;
  });
