// A many-accounts installation the hub cannot build as configured (a limit of AWS it would
// exceed). The app prints its message as one line, like a SettingsError.
export class OrganizationError extends Error {
  override readonly name = 'OrganizationError';
}
