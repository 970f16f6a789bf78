import { describe, expect, it } from 'vitest';
import { containsPattern, idValue, wholeWordPattern } from './subject-values.js';

const column = (family: 'integer' | 'text' | 'real') => ({ name: 'c', type: family, family, nullable: true });

describe('subject values', () => {
  it('turns an id into a value of the column type, or nothing when it cannot match', () => {
    expect(idValue('42', column('integer'))).toBe(42);
    expect(idValue('12345678901234567890', column('integer'))).toBe(12345678901234567890n);
    expect(idValue('abc', column('integer'))).toBeUndefined();
    expect(idValue('4.5', column('real'))).toBe(4.5);
    expect(idValue('abc', column('text'))).toBe('abc');
  });

  it('finds an email as a whole word only', () => {
    const re = new RegExp(wholeWordPattern(['a.b@x.org']));
    for (const text of [
      'a.b@x.org',
      'mail a.b@x.org.',
      '<a.b@x.org>',
      '(a.b@x.org)',
      'to: a.b@x.org, c@y.org',
    ]) {
      expect(re.test(text), text).toBe(true);
    }
    for (const text of [
      'xa.b@x.org',
      'a.b@x.org.uk',
      'a.b@x.organ',
      'a-b@x.org',
      'aab@x.org',
      'a.b@x.org_1',
    ]) {
      expect(re.test(text), text).toBe(false);
    }
  });

  it('escapes LIKE wildcards with "!"', () => {
    expect(containsPattern('a_b%c!d@x.org')).toBe('%a!_b!%c!!d@x.org%');
  });
});
