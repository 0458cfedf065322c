import type { Me, ApiKeyDto } from '#contracts/accounts.js';
import type { UserPrincipal } from '../../platform/http/principal.js';
import { isoTimeOrNull } from '../../platform/http/wire.js';

const iso = isoTimeOrNull;

export function presentMe(p: UserPrincipal): Me {
  return { id: p.userId, email: p.email, name: p.name, role: p.role, organisation: { id: p.organisationId, name: p.organisationName } };
}

export function presentApiKey(k: { id: string; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiKeyDto {
  return { id: k.id, name: k.name, created_at: iso(k.created_at)!, last_used_at: iso(k.last_used_at), revoked_at: iso(k.revoked_at) };
}
