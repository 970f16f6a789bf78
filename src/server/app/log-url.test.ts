import { describe, expect, it } from 'vitest';
import { logUrl } from './log-url.js';

describe('logUrl', () => {
  it('keeps a path without a query as it is', () => {
    expect(logUrl('/api/v1/subjects/42/data')).toBe('/api/v1/subjects/42/data');
  });

  it('hides a download token', () => {
    expect(logUrl('/downloads/abc.DEF-123?x=1')).toBe('/downloads/<token>?x=<redacted>');
  });

  it('keeps how a list is filtered and paged, and hides who it searches for', () => {
    expect(logUrl('/api/v1/subjects?search=alice%40example.com&status=deleted&limit=20&offset=40')).toBe(
      '/api/v1/subjects?search=<redacted>&status=deleted&limit=20&offset=40',
    );
    expect(logUrl('/api/v1/audit?actor=subject%3A17&action=export.download')).toBe(
      '/api/v1/audit?actor=<redacted>&action=export.download',
    );
    expect(logUrl('/api/v1/reports/purges?subjectId=s-9&email=bob@x.example&q=Bob')).toBe(
      '/api/v1/reports/purges?subjectId=<redacted>&email=<redacted>&q=<redacted>',
    );
  });

  it('hides values under hostile or malformed names, and names that are not plain identifiers', () => {
    expect(logUrl('/api/v1/x?%E0%A4%A=secret&flag&&limit=5')).toBe('/api/v1/x?<redacted>&<redacted>&limit=5');
    expect(logUrl('/api/v1/x?li%6Dit=7')).toBe('/api/v1/x?li%6Dit=7');
    expect(logUrl('/api/v1/x?alice%40example.com&bob@x.example=1&dryRun')).toBe(
      '/api/v1/x?<redacted>&<redacted>&dryRun',
    );
  });
});
