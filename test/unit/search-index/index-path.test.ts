import { describe, expect, it } from 'vitest';
import { indexPathProblem } from '#shared/management/search-indexes/path';

describe('indexPathProblem', () => {
  it('accepts metadata paths whose keys metadata may hold', () => {
    for (const path of ['user_metadata.a', 'app_metadata.plan', 'user_metadata.address.city', 'app_metadata.flags.beta_2', 'user_metadata.home city', 'user_metadata.ünïcode']) {
      expect(indexPathProblem(path, 10), path).toBeUndefined();
    }
  });

  it('refuses root fields, bare stores and other roots', () => {
    for (const path of ['', 'email', 'user_metadata', 'app_metadata', 'metadata.x', 'identities.connection']) {
      expect(indexPathProblem(path, 10), path).toMatch(/^The path must start with user_metadata\. or app_metadata\./);
    }
  });

  it('applies the metadata key rules to every segment, naming where', () => {
    expect(indexPathProblem('user_metadata.a..b', 10)).toBe('Invalid key in user_metadata.a: keys may not be empty');
    expect(indexPathProblem('user_metadata.a.$b', 10)).toBe('Invalid key "$b" in user_metadata.a: keys may not contain "." or start with "$"');
    expect(indexPathProblem(`app_metadata.${'k'.repeat(256)}`, 10)).toBe('Invalid key in app_metadata: keys are at most 255 characters');
    expect(indexPathProblem('app_metadata.__proto__', 10)).toBe('Invalid key "__proto__" in app_metadata');
    expect(indexPathProblem('user_metadata.bad\uD800', 10)).toBe('Invalid key in user_metadata: not well-formed Unicode');
  });

  it('refuses reserved app_metadata names at the top only', () => {
    expect(indexPathProblem('app_metadata.user_id', 10)).toBe('app_metadata.user_id is a reserved name and cannot be set');
    expect(indexPathProblem('user_metadata.user_id', 10)).toBeUndefined();
    expect(indexPathProblem('app_metadata.profile.email', 10)).toBeUndefined();
  });

  it('bounds the depth by METADATA_MAX_DEPTH (a top-level key is depth 1)', () => {
    expect(indexPathProblem('user_metadata.a.b.c', 3)).toBeUndefined();
    expect(indexPathProblem('user_metadata.a.b.c.d', 3)).toBe('The path is nested deeper than 3 levels (METADATA_MAX_DEPTH)');
  });

  it('refuses "%", which the path cannot carry unambiguously in a URL', () => {
    expect(indexPathProblem('user_metadata.a%41', 10)).toBe('Keys containing "%" cannot be indexed');
  });

  it('bounds the path to 512 bytes, as it is part of every entry key (DynamoDB keys hold at most 1,024 bytes)', () => {
    const key = 'é'.repeat(120); // 240 bytes
    expect(indexPathProblem(`app_metadata.${key}.x`, 10)).toBeUndefined();
    expect(indexPathProblem(`app_metadata.${key}.${key}.${key}`, 10)).toBe('The path is longer than 512 bytes');
  });
});
