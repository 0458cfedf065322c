import { describe, expect, it } from 'vitest';
import { looksLikeEmail, normaliseEmail } from './email.js';

describe('e-mail addresses', () => {
  it.each([
    ['  Claire.Dubois@Mairie-Demo.TEST ', 'claire.dubois@mairie-demo.test'],
    ['a@b.fr', 'a@b.fr'],
  ])('%j is spelt %j', (raw, spelt) => expect(normaliseEmail(raw)).toBe(spelt));

  it.each([
    ['claire@mairie.fr', true],
    ['zoe.garcon-at-mairie-demo.test', false],
    ['a b@c.fr', false],
    ['a@b', false],
    ['@b.fr', false],
    [`${'x'.repeat(250)}@b.fr`, false],
  ])('%s looks like an address: %s', (email, ok) => expect(looksLikeEmail(email)).toBe(ok));
});
