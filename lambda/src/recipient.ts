// Who receives a user's sign-in details. The order is the contract's: the email tag, else the
// user name when it is an address, else name@EMAIL_DOMAIN. No address is an outcome, not a crash.
// What counts as an address is the project's one email rule (src/settings/fields.ts), the same
// the roster applies, so a user the roster accepts is never silently left without an email.
import { LAMBDA_ENV, TAG_EMAIL } from '../../src/contract.js';
import { isEmailAddress } from '../../src/settings/fields.js';

export type RecipientSource = 'email-tag' | 'user-name' | 'email-domain';

export type Recipient =
  | { readonly ok: true; readonly address: string; readonly source: RecipientSource }
  | { readonly ok: false; readonly reason: string };

export function resolveRecipient(
  userName: string,
  tags: Readonly<Record<string, string>>,
  emailDomain: string | undefined,
): Recipient {
  const tagged = tags[TAG_EMAIL]?.trim();
  if (tagged) {
    // The tag is an explicit choice: if it is broken, falling back to another address could
    // send the password somewhere the roster did not ask for.
    return isEmailAddress(tagged)
      ? { ok: true, address: tagged, source: 'email-tag' }
      : { ok: false, reason: `the ${TAG_EMAIL} tag is not an email address` };
  }
  if (isEmailAddress(userName)) return { ok: true, address: userName, source: 'user-name' };
  if (emailDomain !== undefined) {
    const address = `${userName}@${emailDomain}`;
    return isEmailAddress(address)
      ? { ok: true, address, source: 'email-domain' }
      : { ok: false, reason: `the user name does not make an email address with ${LAMBDA_ENV.emailDomain}` };
  }
  return {
    ok: false,
    reason: `no ${TAG_EMAIL} tag, the user name is not an email address and ${LAMBDA_ENV.emailDomain} is not set`,
  };
}
