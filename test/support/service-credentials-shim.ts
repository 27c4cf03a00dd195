// moto 5.2 does not implement service-specific credentials (CodeCommit HTTPS, Keyspaces, Bedrock
// API keys): every call answers 404. This shim answers them from memory inside one IAMClient, so
// an integration test can give a moto user such a credential and see offboarding list, deactivate
// and delete it. Every other call goes to moto untouched.
import {
  CreateServiceSpecificCredentialCommand,
  type IAMClient,
  NoSuchEntityException,
  type StatusType,
} from '@aws-sdk/client-iam';

interface StoredCredential {
  readonly id: string;
  readonly serviceName: string;
  status: StatusType;
}

export interface ServiceCredentialsShim {
  /** Credentials by user name. */
  readonly byUser: Map<string, StoredCredential[]>;
}

type Input = {
  readonly UserName?: string;
  readonly ServiceName?: string;
  readonly ServiceSpecificCredentialId?: string;
  readonly Status?: StatusType;
};

export function shimServiceCredentials(iam: IAMClient): ServiceCredentialsShim {
  const shim: ServiceCredentialsShim = { byUser: new Map() };
  let next = 1;
  const find = (input: Input) => {
    const found = (shim.byUser.get(input.UserName ?? '') ?? []).find(
      (credential) => credential.id === input.ServiceSpecificCredentialId,
    );
    if (found === undefined)
      throw new NoSuchEntityException({ message: 'no such credential', $metadata: {} });
    return found;
  };
  const answers: Record<string, (input: Input) => object> = {
    CreateServiceSpecificCredentialCommand: (input) => {
      const credential = {
        id: `ACCA${String(next++).padStart(17, '0')}`,
        serviceName: input.ServiceName ?? '',
        status: 'Active' as const,
      };
      shim.byUser.set(input.UserName ?? '', [...(shim.byUser.get(input.UserName ?? '') ?? []), credential]);
      return {
        ServiceSpecificCredential: {
          UserName: input.UserName,
          ServiceName: credential.serviceName,
          ServiceSpecificCredentialId: credential.id,
          Status: credential.status,
          CreateDate: new Date(),
        },
      };
    },
    ListServiceSpecificCredentialsCommand: (input) => ({
      ServiceSpecificCredentials: (shim.byUser.get(input.UserName ?? '') ?? []).map((credential) => ({
        UserName: input.UserName,
        ServiceName: credential.serviceName,
        ServiceSpecificCredentialId: credential.id,
        Status: credential.status,
        CreateDate: new Date(),
      })),
      IsTruncated: false,
    }),
    UpdateServiceSpecificCredentialCommand: (input) => {
      find(input).status = input.Status ?? 'Active';
      return {};
    },
    DeleteServiceSpecificCredentialCommand: (input) => {
      const found = find(input);
      shim.byUser.set(
        input.UserName ?? '',
        (shim.byUser.get(input.UserName ?? '') ?? []).filter((credential) => credential !== found),
      );
      return {};
    },
  };
  iam.middlewareStack.add(
    (next, context) => async (args) => {
      const answer = answers[context.commandName ?? ''];
      if (answer === undefined) return next(args);
      const output = { ...answer(args.input as Input), $metadata: {} };
      return { output: output as never, response: {} };
    },
    { step: 'initialize', name: 'motoServiceSpecificCredentialsShim' },
  );
  return shim;
}

/** Creates a service-specific credential through the shim. */
export function createServiceCredential(
  iam: IAMClient,
  userName: string,
  serviceName = 'codecommit.amazonaws.com',
) {
  return iam.send(
    new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: serviceName }),
  );
}
