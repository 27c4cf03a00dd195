// Which IAM users belong to this roster. Nothing outside the scope is ever changed.
import { TAG_MANAGED_BY } from '../contract.js';
import type { IamUser } from '../iam/snapshot.js';
import type { Scope } from './plan.js';

export type Placement =
  /** Under the path and tagged managed-by this repository. */
  | 'managed'
  /** Under the path, but tagged for another repository or not tagged at all. */
  | 'unmanaged'
  /** Elsewhere in the account. */
  | 'outside';

/** Paths are compared as IAM does: case-sensitively, with the trailing slash. */
export function isUnderPath(user: Pick<IamUser, 'path'>, iamPath: string): boolean {
  return user.path.startsWith(iamPath);
}

export function placementOf(user: Pick<IamUser, 'path' | 'tags'>, scope: Scope): Placement {
  if (!isUnderPath(user, scope.iamPath)) return 'outside';
  return user.tags[TAG_MANAGED_BY] === scope.repository ? 'managed' : 'unmanaged';
}

/** `/iam-gitops/` style: starts and ends with a slash, IAM's path characters only. */
export const IAM_PATH_PATTERN = /^\/([\u0021-\u007e]+\/)*$/;

export function normalizeIamPath(path: string): string {
  const trimmed = path.trim();
  const withLeading = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}
