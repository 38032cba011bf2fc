import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { useAction } from './useAction';

describe('useAction', () => {
  it('is busy while the action runs and clears the previous error when the next starts', async () => {
    const { result } = renderHook(() => useAction());
    await act(() => result.current.run(() => Promise.reject(new Error('first'))));
    expect((result.current.error as Error).message).toBe('first');

    let finish: () => void = () => {};
    let running: Promise<void> = Promise.resolve();
    act(() => {
      running = result.current.run(() => new Promise<void>((resolve) => (finish = resolve)));
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeUndefined();
    await act(async () => {
      finish();
      await running;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeUndefined();
  });

  it('keeps what the action threw, with the API field errors by pointer', async () => {
    const { result } = renderHook(() => useAction());
    const problem = { type: 'about:blank', title: 'Invalid', status: 422, detail: 'bad', errors: [{ pointer: '/key', message: 'bad key' }] };
    await act(() => result.current.run(() => Promise.reject(new ApiError(problem))));
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeInstanceOf(ApiError);
    expect(result.current.fields).toEqual({ '/key': ['bad key'] });
  });

  it('has no field errors for a failure that is not an API error', async () => {
    const { result } = renderHook(() => useAction());
    await act(() => result.current.run(() => Promise.reject(new TypeError('network'))));
    expect(result.current.fields).toEqual({});
  });
});
