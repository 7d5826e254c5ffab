import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config';
import { recordCommand } from '#shared/db/metrics';

/** One client per cold start. DynamoDB Local needs an endpoint and accepts any credentials. */
const base = new DynamoDBClient(
  config.DYNAMODB_ENDPOINT
    ? {
        endpoint: config.DYNAMODB_ENDPOINT,
        region: process.env.AWS_REGION ?? 'local',
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
      }
    : {},
);

base.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { ReturnConsumedCapacity?: string };
    input.ReturnConsumedCapacity ??= 'TOTAL';
    try {
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } };
      recordCommand(context.commandName ?? 'Unknown', output.ConsumedCapacity);
      return result;
    } catch (error) {
      recordCommand(context.commandName ?? 'Unknown', undefined);
      throw error;
    }
  },
  { step: 'initialize', name: 'consumedCapacity' },
);

export const db = DynamoDBDocumentClient.from(base, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  unmarshallOptions: { wrapNumbers: false },
});

export const tableName = config.TABLE_NAME;
