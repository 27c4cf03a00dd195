// An HTTP proxy between the action (or the credential Lambda) and moto that remembers the
// credentials STS hands out and who signed each later request. moto issues new random keys on every AssumeRoleWithWebIdentity,
// so only something on the wire can know the exact secrets the action received; a test then
// checks that none of them appears in anything the action wrote. It can also play a trust policy
// that refuses the role.
import { createServer, type Server } from 'node:http';
import { forward, listenOnLoopback, readBody } from './http-forward.js';

export interface IssuedCredentials {
  readonly roleArn: string;
  readonly webIdentityToken: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Credentials from a chained AssumeRole (the central Lambda into a member account, say). */
export interface AssumedCredentials {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface RecordedCall {
  /** Query-protocol action (`CreateUser`, `AssumeRoleWithWebIdentity`). */
  readonly action: string;
  /** The access key id the request was signed with (`Credential=AKID/...`), if signed. */
  readonly signedWith: string | undefined;
  readonly sessionToken: string | undefined;
  readonly userAgent: string;
  readonly body: string;
}

export interface CredentialRecorder {
  readonly endpoint: string;
  /** From AssumeRoleWithWebIdentity. */
  readonly issued: IssuedCredentials[];
  /** From AssumeRole. */
  readonly assumed: AssumedCredentials[];
  readonly calls: RecordedCall[];
  /** Answer AssumeRoleWithWebIdentity with AccessDenied, as a trust policy that does not match would. */
  refuseWebIdentity(refuse: boolean): void;
  /** Answer every call of `action` with a 500 (undefined: none), as an IAM outage would. */
  failAction(action: string | undefined): void;
  close(): Promise<void>;
}

const SERVICE_FAILURE_XML =
  '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>injected failure</Message></Error><RequestId>credential-recorder</RequestId></ErrorResponse>';
const ACCESS_DENIED_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error><RequestId>credential-recorder</RequestId></ErrorResponse>';

const xmlField = (xml: string, name: string) =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.replace(/&amp;/g, '&') ?? '';

export async function startCredentialRecorder(target: string): Promise<CredentialRecorder> {
  const upstream = new URL(target);
  const issued: IssuedCredentials[] = [];
  const assumed: AssumedCredentials[] = [];
  const calls: RecordedCall[] = [];
  let refuse = false;
  let failing: string | undefined;

  const server: Server = createServer(async (message, response) => {
    const body = await readBody(message);
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? `${message.method} ${message.url}`;
    calls.push({
      action,
      signedWith: /Credential=([^/]+)\//.exec(message.headers.authorization ?? '')?.[1],
      sessionToken: message.headers['x-amz-security-token'] as string | undefined,
      userAgent: `${message.headers['user-agent'] ?? ''} ${message.headers['x-amz-user-agent'] ?? ''}`,
      body: body.toString('utf8'),
    });
    try {
      if (action === 'AssumeRoleWithWebIdentity' && refuse) {
        response.writeHead(403, { 'content-type': 'text/xml' }).end(ACCESS_DENIED_XML);
        return;
      }
      if (action === failing) {
        response.writeHead(500, { 'content-type': 'text/xml' }).end(SERVICE_FAILURE_XML);
        return;
      }
      const answer = await forward(upstream, message, body);
      if (action === 'AssumeRoleWithWebIdentity' && answer.status === 200) {
        const xml = answer.body.toString('utf8');
        issued.push({
          roleArn: form.get('RoleArn') ?? '',
          webIdentityToken: form.get('WebIdentityToken') ?? '',
          accessKeyId: xmlField(xml, 'AccessKeyId'),
          secretAccessKey: xmlField(xml, 'SecretAccessKey'),
          sessionToken: xmlField(xml, 'SessionToken'),
        });
      }
      if (action === 'AssumeRole' && answer.status === 200) {
        const xml = answer.body.toString('utf8');
        assumed.push({
          roleArn: form.get('RoleArn') ?? '',
          roleSessionName: form.get('RoleSessionName') ?? '',
          accessKeyId: xmlField(xml, 'AccessKeyId'),
          secretAccessKey: xmlField(xml, 'SecretAccessKey'),
          sessionToken: xmlField(xml, 'SessionToken'),
        });
      }
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    issued,
    assumed,
    calls,
    refuseWebIdentity: (next) => {
      refuse = next;
    },
    failAction: (next) => {
      failing = next;
    },
  };
}
