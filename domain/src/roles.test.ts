import { describe, expect, it } from 'vitest';
import { ROLES, isProviderRole, roleFitsOrganisation, type Role } from './roles.js';

describe('roles', () => {
  const table: Array<[Role, boolean]> = [
    ['provider_admin', true],
    ['operator', true],
    ['support_agent', true],
    ['client_admin', false],
    ['client_user', false],
  ];
  it.each(table)('%s is provider staff: %s', (role, staff) => {
    expect(isProviderRole(role)).toBe(staff);
    expect(roleFitsOrganisation(role, 'provider')).toBe(staff);
    expect(roleFitsOrganisation(role, 'client')).toBe(!staff);
  });
  it('covers every role', () => {
    expect(table.map(([r]) => r).sort()).toEqual([...ROLES].sort());
  });
});
