import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type LocalCredentials } from '#infra/local/dynamodb-local';

/** One in-memory DynamoDB Local for the whole run; each test file makes its own table in it. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  // DynamoDB Local keeps one database per key id: the run's random one (see dynamodb-local.ts).
  project.provide('dynamoCredentials', dynamo.credentials);
  return () => dynamo.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    dynamoCredentials: LocalCredentials;
  }
}
