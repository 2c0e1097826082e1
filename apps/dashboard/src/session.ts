import { ApiError, execute } from './api';
import { graphql } from './gql';

/** The roles, each including the ones before it. */
export const ROLES = ['VIEWER', 'ANALYST', 'CONTRIBUTOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export function allows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

const AdminProbe = graphql(`
  query AdminProbe {
    apiKeys {
      id
    }
  }
`);

const ContributorProbe = graphql(`
  mutation ContributorProbe {
    reopenActionItem(input: { actionItemId: "dashboard-role-probe" }) {
      id
    }
  }
`);

const AnalystProbe = graphql(`
  query AnalystProbe {
    events(first: 1) {
      pageInfo {
        hasNextPage
      }
    }
  }
`);

/** Whether the key may run a document: FORBIDDEN says no, any other answer (NOT_FOUND included) yes. */
async function may(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'FORBIDDEN') return false;
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') throw error;
    if (error instanceof ApiError && error.code !== null) return true;
    throw error;
  }
}

/**
 * The stored key's role, learnt from the API itself: the contract has no "who am I" query, so
 * the dashboard asks what each role adds (ADMIN lists keys, CONTRIBUTOR writes, ANALYST reads
 * the event log). The write probe names an action item that cannot exist, so it changes nothing.
 * Throws UNAUTHENTICATED for an unknown or revoked key.
 */
export async function roleOfKey(): Promise<Role> {
  if (await may(() => execute(AdminProbe))) return 'ADMIN';
  if (await may(() => execute(ContributorProbe))) return 'CONTRIBUTOR';
  if (await may(() => execute(AnalystProbe))) return 'ANALYST';
  return 'VIEWER';
}
