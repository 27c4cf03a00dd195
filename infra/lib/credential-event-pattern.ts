// The EventBridge pattern for the events the credential Lambda acts on (DESIGN.md, "Events the
// Lambda acts on"), as a pure function of the managed path so the demo can reuse it. The pattern
// narrows delivery; the Lambda still re-checks scope with GetUser and never trusts the event.
import { TAG_CREDENTIALS_REQUESTED } from '../../src/contract.js';

/** An EventBridge event pattern as EventBridge takes it (PutRule's `EventPattern`, parsed). */
export interface CredentialEventPattern {
  readonly source: readonly ['aws.iam'];
  readonly 'detail-type': readonly ['AWS API Call via CloudTrail'];
  readonly detail: {
    readonly eventSource: readonly ['iam.amazonaws.com'];
    readonly errorCode: readonly [{ readonly exists: false }];
    readonly $or: readonly [
      {
        readonly eventName: readonly ['CreateUser'];
        readonly requestParameters: { readonly path: readonly [string] };
      },
      {
        readonly eventName: readonly ['TagUser'];
        readonly requestParameters: { readonly tags: { readonly key: readonly [string] } };
      },
    ];
  };
}

export function credentialEventPattern(iamPath: string): CredentialEventPattern {
  return {
    source: ['aws.iam'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['iam.amazonaws.com'],
      // A failed call (AccessDenied, EntityAlreadyExists, ...) carries errorCode: nothing happened.
      errorCode: [{ exists: false }],
      $or: [
        // CloudTrail logs the path only when the caller passed one; the action always does. The
        // exact path, not a prefix: the action creates users at the managed path itself.
        { eventName: ['CreateUser'], requestParameters: { path: [iamPath] } },
        // CloudTrail logs tags as [{key, value}]; EventBridge matches a field inside an array of
        // objects when any element matches. The Lambda's own credentials-sent tag is not this key.
        { eventName: ['TagUser'], requestParameters: { tags: { key: [TAG_CREDENTIALS_REQUESTED] } } },
      ],
    },
  };
}
