import { describe, expect, it } from 'vitest';
import type { SubjectRef } from '../../../items/index.js';
import { subjectLookup } from './subject-lookup.js';

function subject(id: string): SubjectRef {
  return { id, username: `u${id}`, email: '', fullName: '', status: 'deleted', kind: 'learner' };
}

describe('subjectLookup', () => {
  it('finds a subject by its id as the database prints it', () => {
    const find = subjectLookup(['42', '007', 'abc', '-0'].map(subject));
    expect(find('42')).toBe('42');
    expect(find(42)).toBe('42');
    expect(find('42.0')).toBe('42');
    expect(find(7)).toBe('007');
    expect(find('007')).toBe('007');
    expect(find('abc')).toBe('abc');
    expect(find(0)).toBe('-0');
  });

  it('finds nothing for a value outside the batch', () => {
    const find = subjectLookup(['42'].map(subject));
    expect(find(43)).toBeUndefined();
    expect(find('042x')).toBeUndefined();
    expect(find(null)).toBeUndefined();
    expect(find(undefined)).toBeUndefined();
  });
});
