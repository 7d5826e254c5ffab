import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/platform/config';
import { recordCommand, type CommandOutput } from '#shared/db/metrics';

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
      recordCommand(context.commandName ?? 'Unknown', result.output as CommandOutput);
      return result;
    } catch (error) {
      recordCommand(context.commandName ?? 'Unknown', undefined);
      throw error;
    }
  },
  { step: 'initialize', name: 'consumedCapacity' },
);

/**
 * Stored numbers are JSON numbers (IEEE doubles): written as the client sent them, even beyond
 * 2^53, and always read back as JS numbers (never BigInt, which JSON.stringify cannot serialise).
 */
export const marshallOptions = {
  removeUndefinedValues: true,
  convertEmptyValues: false,
  allowImpreciseNumbers: true,
  // The SDK tells a map from a class instance by `value.constructor.name`, which a JSON object's
  // own `constructor` key shadows (user_metadata {"constructor": "x"} from a signup): such an
  // object is still a map, not a 500.
  convertClassInstanceToMap: true,
};
export const unmarshallOptions = { wrapNumbers: (value: string) => Number(value) };

// The document client mutates the options it is given, so it gets copies.
export const db = DynamoDBDocumentClient.from(base, {
  marshallOptions: { ...marshallOptions },
  unmarshallOptions: { ...unmarshallOptions },
});

/** Items attached to SDK errors (ReturnValuesOnConditionCheckFailure) arrive in wire format. */
export function itemFromError(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item, unmarshallOptions) : undefined;
}

export const tableName = config.TABLE_NAME;
