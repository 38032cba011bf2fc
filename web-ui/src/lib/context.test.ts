import { describe, expect, it } from 'vitest';
import { contextFromRows, describeContext, loadRecent, parseContextJson, RECENT_MAX, rememberContext, rowsFromContext } from './context';

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

describe('debugger contexts', () => {
  it('builds typed attributes from rows', () => {
    const { context, errors } = contextFromRows(' user-1 ', [
      { name: 'country', type: 'string', value: 'DE', items: [] },
      { name: 'age', type: 'number', value: '31', items: [] },
      { name: 'beta', type: 'boolean', value: 'true', items: [] },
      { name: 'groups', type: 'list', value: '', items: ['a', 'b'] },
      { name: '', type: 'string', value: '', items: [] },
    ]);
    expect(errors).toEqual({});
    expect(context).toEqual({ key: 'user-1', attributes: { country: 'DE', age: 31, beta: true, groups: ['a', 'b'] } });
    expect(rowsFromContext(context)).toHaveLength(4);
    expect(describeContext(context)).toBe('key=user-1 country=DE age=31 beta=true groups=[a,b]');
  });

  it('flags bad rows', () => {
    const { errors } = contextFromRows('', [
      { name: 'age', type: 'number', value: 'old', items: [] },
      { name: 'key', type: 'string', value: 'x', items: [] },
      { name: 'a', type: 'string', value: '1', items: [] },
      { name: 'a', type: 'string', value: '2', items: [] },
    ]);
    expect(Object.keys(errors)).toEqual(['0', '1', '3']);
  });

  it('parses JSON contexts strictly', () => {
    expect(parseContextJson('{"key":"u","attributes":{"n":1,"l":["a"]}}').context).toEqual({ key: 'u', attributes: { n: 1, l: ['a'] } });
    expect(parseContextJson('{"attributes":{"o":{}}}').error).toMatch(/must be a string/);
    expect(parseContextJson('{"user":"x"}').error).toMatch(/Unknown field/);
    expect(parseContextJson('nope').error).toMatch(/Not valid JSON/);
  });

  it('keeps recent contexts, newest first, without duplicates', () => {
    const s = new MemoryStorage() as unknown as Storage;
    rememberContext({ key: 'a', attributes: {} }, s);
    rememberContext({ key: 'b', attributes: {} }, s);
    rememberContext({ key: 'a', attributes: {} }, s);
    expect(loadRecent(s).map((c) => c.key)).toEqual(['a', 'b']);
    for (let i = 0; i < 20; i++) rememberContext({ key: `k${i}`, attributes: {} }, s);
    expect(loadRecent(s)).toHaveLength(RECENT_MAX);
    s.setItem('vexil.debugger.recent', 'garbage');
    expect(loadRecent(s)).toEqual([]);
  });
});
