import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/config/index.js';

function problem(text: string): unknown {
  try {
    parseConfig(text, 'hansa.config.json');
  } catch (error) {
    return error;
  }
  throw new Error('accepted');
}

describe('config limits', () => {
  it('has documented defaults', () => {
    expect(defaultConfig().limits).toEqual({ maxFileBytes: 2_097_152, maxNesting: 32, maxSegmentCharacters: 5000, maxInlineMarkers: 1000 });
    expect(parseConfig('{ "limits": { "maxNesting": 64 } }', 'hansa.config.json').limits).toEqual({ maxFileBytes: 2_097_152, maxNesting: 64, maxSegmentCharacters: 5000, maxInlineMarkers: 1000 });
  });

  it('refuses values out of range and unknown keys, naming the key', () => {
    expect(problem('{ "limits": { "maxNesting": 0 } }')).toMatchObject({ code: 'config_invalid', data: { key: 'limits.maxNesting' } });
    expect(problem('{ "limits": { "maxNesting": 1001 } }')).toMatchObject({ code: 'config_invalid', data: { key: 'limits.maxNesting' } });
    expect(problem('{ "limits": { "maxSegmentCharacters": 2.5 } }')).toMatchObject({ code: 'config_invalid', data: { key: 'limits.maxSegmentCharacters' } });
    expect(problem('{ "limits": { "maxFileBytes": -1 } }')).toMatchObject({ code: 'config_invalid', data: { key: 'limits.maxFileBytes' } });
    expect(problem('{ "limits": { "maxDepth": 3 } }')).toMatchObject({ code: 'config_invalid', data: { key: 'limits.maxDepth' } });
  });
});
