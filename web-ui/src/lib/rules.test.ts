import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/types';
import {
  changeOperator,
  conditionProblems,
  convertScalars,
  describeCondition,
  errorAt,
  errorsUnder,
  inferScalarType,
  move,
  OPERATORS,
  operatorInfo,
  operatorsFor,
  parseOperand,
  removeAt,
} from './rules';

const cond = (c: Partial<Condition>): Condition => ({ attribute: 'country', op: 'in', values: [], negate: false, ...c });

describe('operators', () => {
  it('covers every operator of the API exactly once', () => {
    expect(OPERATORS.map((o) => o.op).sort()).toEqual(
      [
        'in', 'contains', 'starts_with', 'ends_with', 'matches', 'lt', 'lte', 'gt', 'gte', 'semver_eq', 'semver_lt',
        'semver_lte', 'semver_gt', 'semver_gte', 'before', 'after', 'in_segment', 'exists',
      ].sort(),
    );
  });
  it('knows arities', () => {
    expect(operatorInfo('exists').arity).toBe('none');
    for (const op of ['lt', 'lte', 'gt', 'gte', 'semver_eq', 'semver_gte', 'before', 'after'] as const) expect(operatorInfo(op).arity).toBe('one');
    expect(operatorInfo('in').arity).toBe('many');
    expect(operatorInfo('in_segment').usesAttribute).toBe(false);
  });
  it('has no in_segment inside segments', () => {
    expect(operatorsFor('segment').some((o) => o.op === 'in_segment')).toBe(false);
  });
});

describe('operands', () => {
  it('types numbers for the number operators', () => {
    expect(parseOperand('gt', '18')).toEqual({ value: 18 });
    expect(parseOperand('lte', '2.5')).toEqual({ value: 2.5 });
    expect(parseOperand('lt', 'ten').error).toMatch(/not a number/);
  });
  it('types in values by the chosen type', () => {
    expect(parseOperand('in', '42')).toEqual({ value: '42' });
    expect(parseOperand('in', '42', 'number')).toEqual({ value: 42 });
    expect(parseOperand('in', 'true', 'boolean')).toEqual({ value: true });
    expect(parseOperand('in', 'yes', 'boolean').error).toBeDefined();
    expect(inferScalarType([1, 2])).toBe('number');
    expect(inferScalarType([true])).toBe('boolean');
    expect(inferScalarType([])).toBe('string');
    expect(inferScalarType(['a', 1])).toBe('string');
    expect(convertScalars(['1', 'x'], 'number')).toEqual([1, 'x']);
    expect(convertScalars([1, 2], 'string')).toEqual(['1', '2']);
  });
  it('checks semantic versions and times', () => {
    expect(parseOperand('semver_gte', '2.0.0')).toEqual({ value: '2.0.0' });
    expect(parseOperand('semver_gte', 'v2.0').error).toBeDefined();
    expect(parseOperand('semver_eq', '1.2.3-beta.1+build.5')).toEqual({ value: '1.2.3-beta.1+build.5' });
    expect(parseOperand('before', '2026-01-31T12:00:00Z')).toEqual({ value: '2026-01-31T12:00:00Z' });
    expect(parseOperand('after', 'tomorrow').error).toBeDefined();
  });
});

describe('conditions', () => {
  it('reports problems with pointers like the server', () => {
    expect(conditionProblems(cond({ attribute: '', values: ['DE'] }))).toEqual([{ pointer: '/attribute', message: 'Enter an attribute' }]);
    expect(conditionProblems(cond({ op: 'gt', attribute: 'age', values: [1, 2] }))).toEqual([
      { pointer: '/values', message: 'gt takes exactly one value' },
    ]);
    expect(conditionProblems(cond({ op: 'gt', attribute: 'age', values: ['x'] }))).toEqual([{ pointer: '/values/0', message: '"x" is not a number' }]);
    expect(conditionProblems(cond({ op: 'exists', values: ['x'] }))[0].pointer).toBe('/values');
    expect(conditionProblems(cond({ op: 'in_segment', attribute: '', values: ['beta', 'ghost'] }), ['beta'])).toEqual([
      { pointer: '/values/1', message: 'Unknown segment "ghost"' },
    ]);
    expect(conditionProblems(cond({ values: ['DE', 'FR'] }))).toEqual([]);
  });

  it('adapts operands when the operator changes', () => {
    expect(changeOperator(cond({ values: ['DE', 'FR'] }), 'contains').values).toEqual(['DE', 'FR']);
    expect(changeOperator(cond({ values: ['18', '21'] }), 'gte')).toEqual(cond({ op: 'gte', values: [18] }));
    expect(changeOperator(cond({ values: ['DE'] }), 'exists').values).toEqual([]);
    expect(changeOperator(cond({ values: ['DE'] }), 'in_segment')).toEqual({ attribute: '', op: 'in_segment', values: [], negate: false });
    expect(changeOperator(cond({ op: 'in_segment', attribute: '', values: ['beta'] }), 'in').values).toEqual([]);
    expect(changeOperator(cond({ negate: true }), 'starts_with').negate).toBe(true);
  });

  it('describes a condition in one line', () => {
    expect(describeCondition(cond({ values: ['DE', 'FR'] }))).toBe('country is one of DE, FR');
    expect(describeCondition(cond({ op: 'exists', negate: true }))).toBe('NOT country exists');
    expect(describeCondition(cond({ op: 'in_segment', attribute: '', values: ['beta'] }))).toBe('is in segment beta');
  });
});

describe('lists', () => {
  it('moves rules up and down, not past the ends', () => {
    const rules = ['a', 'b', 'c'];
    expect(move(rules, 1, -1)).toEqual(['b', 'a', 'c']);
    expect(move(rules, 1, 1)).toEqual(['a', 'c', 'b']);
    expect(move(rules, 0, -1)).toBe(rules);
    expect(move(rules, 2, 1)).toBe(rules);
    expect(removeAt(rules, 1)).toEqual(['a', 'c']);
  });
});

describe('server errors', () => {
  const errors = {
    '/rules/0/conditions/1/values/0': ['gt takes a number; got "x"'],
    '/rules/0/conditions/1/attribute': ['attribute must not be empty'],
    '/rules/1/serve/rollout/weights': ['weights sum to 90000'],
    '/key': ['bad key'],
  };
  it('narrows to a subtree', () => {
    expect(errorsUnder(errors, '/rules/0/conditions/1')).toEqual({
      '/values/0': ['gt takes a number; got "x"'],
      '/attribute': ['attribute must not be empty'],
    });
    expect(errorsUnder(errors, '/rules/1')).toEqual({ '/serve/rollout/weights': ['weights sum to 90000'] });
    // a prefix must end at a token boundary
    expect(errorsUnder({ '/rules/10/id': ['x'] }, '/rules/1')).toEqual({});
  });
  it('reads one field, or a field and what is below it', () => {
    expect(errorAt(errors, '/key')).toBe('bad key');
    expect(errorAt(errors, '/rules/0/conditions/1/values')).toBeUndefined();
    expect(errorAt(errors, '/rules/0/conditions/1/values', true)).toBe('gt takes a number; got "x"');
  });
});
