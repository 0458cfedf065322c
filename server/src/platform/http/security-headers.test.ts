import { describe, expect, it } from 'vitest';
import { CSP } from '../../app.js';
import { securityHeaders } from './security-headers.js';

describe('security headers, worked out once', () => {
  const base = { contentSecurityPolicy: { useDefaults: false, directives: CSP }, crossOriginEmbedderPolicy: false } as const;

  it('carry the portal’s content security policy and the usual protections', () => {
    const h = securityHeaders({ ...base, strictTransportSecurity: false });
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h).not.toHaveProperty('strict-transport-security');
  });

  it('ask browsers to keep to https when Pli is served over https', () => {
    expect(securityHeaders({ ...base, strictTransportSecurity: true })['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
