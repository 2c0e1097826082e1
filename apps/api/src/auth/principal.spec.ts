import type { Role } from '@kb/domain';
import { roleAllows } from './principal';

describe('roleAllows: VIEWER < ANALYST < CONTRIBUTOR < ADMIN', () => {
  const order: Role[] = ['VIEWER', 'ANALYST', 'CONTRIBUTOR', 'ADMIN'];

  it.each(order.flatMap((role, i) => order.map((required, j) => [role, required, i >= j] as const)))(
    'a %s key may do what needs %s: %s',
    (role, required, allowed) => {
      expect(roleAllows(role, required)).toBe(allowed);
    },
  );
});
