// The three envelopes an IAM API call arrives in: an SNS record, whose message is the JSON of an
// EventBridge event, whose detail is the CloudTrail record. Each layer is parsed with a schema;
// a failure names the layer and the fields' paths, never their values, so it can be logged.
import * as z from '../../src/util/zod.js';

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

function describe(layer: string, error: z.core.$ZodError): string {
  const issues = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
  return `${layer}: ${issues.join('; ')}`;
}

function parseWith<T>(layer: string, schema: z.ZodMiniType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problem: describe(layer, result.error) };
}

// Loose objects throughout: AWS adds fields to all three envelopes over time, and new fields
// must not turn a valid event into a malformed one.

const snsEventSchema = z.looseObject({ Records: z.array(z.unknown()) });

const snsRecordSchema = z.looseObject({
  EventSource: z.literal('aws:sns'),
  Sns: z.looseObject({
    MessageId: z.string().check(z.minLength(1)),
    TopicArn: z.string().check(z.minLength(1)),
    Message: z.string(),
  }),
});

export type SnsRecord = z.infer<typeof snsRecordSchema>;

const eventBridgeEventSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  detail: z.unknown(),
});

export type EventBridgeEvent = z.infer<typeof eventBridgeEventSchema>;

/**
 * Who made the call. Only what provenance reads is named; for a role session CloudTrail writes the
 * role itself (path included) as `sessionContext.sessionIssuer`. Other identity types (IAMUser,
 * Root, AWSService, ...) lack some of these fields, which is why each is optional.
 */
const userIdentitySchema = z.looseObject({
  type: z.optional(z.string()),
  arn: z.optional(z.string()),
  accountId: z.optional(z.string()),
  sessionContext: z.optional(
    z.looseObject({
      sessionIssuer: z.optional(z.looseObject({ type: z.optional(z.string()), arn: z.optional(z.string()) })),
    }),
  ),
});

export type UserIdentity = z.infer<typeof userIdentitySchema>;

/** The part of a CloudTrail record every event shares. Event-specific parameters are parsed later. */
const cloudTrailRecordSchema = z.looseObject({
  eventID: z.string().check(z.minLength(1)),
  eventName: z.string().check(z.minLength(1)),
  eventSource: z.string(),
  eventTime: z.optional(z.string()),
  userIdentity: z.optional(userIdentitySchema),
  recipientAccountId: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  requestParameters: z.optional(z.unknown()),
  responseElements: z.optional(z.unknown()),
});

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;

/** CloudTrail logs IAM tag parameters in lowerCamel: `{ key, value }`. */
const cloudTrailTagsSchema = z.array(z.looseObject({ key: z.string(), value: z._default(z.string(), '') }));

const createUserParametersSchema = z.looseObject({
  userName: z.string().check(z.minLength(1)),
  // Absent when the caller took IAM's default path, `/`.
  path: z.optional(z.string()),
  tags: z.optional(cloudTrailTagsSchema),
});

export type CreateUserParameters = z.infer<typeof createUserParametersSchema>;

const tagUserParametersSchema = z.looseObject({
  userName: z.string().check(z.minLength(1)),
  tags: cloudTrailTagsSchema,
});

export type TagUserParameters = z.infer<typeof tagUserParametersSchema>;

export const DETAIL_TYPE_API_CALL = 'AWS API Call via CloudTrail';
export const SOURCE_IAM = 'aws.iam';
export const EVENT_SOURCE_IAM = 'iam.amazonaws.com';

/** The `Records` of a Lambda SNS event, each still unparsed so one bad record spoils nothing else. */
export function parseSnsEvent(event: unknown): Parsed<readonly unknown[]> {
  const parsed = parseWith('SNS event', snsEventSchema, event);
  return parsed.ok ? { ok: true, value: parsed.value.Records } : parsed;
}

export function parseSnsRecord(record: unknown): Parsed<SnsRecord> {
  return parseWith('SNS record', snsRecordSchema, record);
}

export function parseEventBridgeEvent(message: string): Parsed<EventBridgeEvent> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, problem: 'SNS message: not JSON' };
  }
  return parseWith('EventBridge event', eventBridgeEventSchema, json);
}

export function parseCloudTrailRecord(detail: unknown): Parsed<CloudTrailRecord> {
  return parseWith('CloudTrail record', cloudTrailRecordSchema, detail);
}

export function parseCreateUserParameters(parameters: unknown): Parsed<CreateUserParameters> {
  return parseWith('CreateUser requestParameters', createUserParametersSchema, parameters);
}

export function parseTagUserParameters(parameters: unknown): Parsed<TagUserParameters> {
  return parseWith('TagUser requestParameters', tagUserParametersSchema, parameters);
}
