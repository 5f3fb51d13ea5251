import { describe, expect, it } from 'vitest';
import { hiddenIn, isolate, visibleName } from '../../src-renderer/app/names.ts';

describe('names that could lie', () => {
  it('writes out direction controls and invisible characters, and nothing else', () => {
    expect(visibleName('prod-\u202Etset\u202C')).toBe('prod-\\u202Etset\\u202C');
    expect(visibleName('a\u200Bb\u2066c\u2069\u00ADd\uFEFF')).toBe('a\\u200Bb\\u2066c\\u2069\\u00ADd\\uFEFF');
    expect(visibleName('tag\u{E0041}\u0007')).toBe('tag\\u{E0041}\\u0007');
    expect(visibleName('Ünïcödé שלום 🔑 deploy-bot')).toBe('Ünïcödé שלום 🔑 deploy-bot');
    expect(hiddenIn('prod-\u202Etset\u202C', 'x\u202E')).toEqual(['\\u202E', '\\u202C']);
    expect(hiddenIn('deploy-bot')).toEqual([]);
  });

  it('sets a name apart in a plain string when anything in it could reorder text', () => {
    expect(isolate('deploy-bot (ci)')).toBe('deploy-bot (ci)');
    expect(isolate('prod-\u202Etset\u202C')).toBe('\u2068prod-\u202Etset\u202C\u2069');
    expect(isolate('שלום')).toBe('\u2068שלום\u2069');
  });
});
