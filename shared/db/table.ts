/**
 * The one table definition: CDK builds the AWS table from it, and the local stack and the tests
 * create DynamoDB Local tables from it, so they cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired codes and refresh tokens by itself. */
  ttlAttribute: 'ttl',
  globalSecondaryIndexes: [] as { name: string; partitionKey: string; sortKey: string }[],
} as const;

/** The CreateTable input for DynamoDB Local (CDK derives the same shape in infra/stack.ts). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey } = tableDefinition;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' as const },
      { AttributeName: sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
  };
}
