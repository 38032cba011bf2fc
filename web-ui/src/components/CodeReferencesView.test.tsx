import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Environment, Flag, FlagCodeReferences } from '../api/types';
import { cleanupVerdict, placesByKey, placesLabel } from '../lib/codeRefs';
import { FlagRow } from '../pages/FlagsPage';
import { renderWithMantine } from '../test/render';
import { CodeReferencesView } from './CodeReferencesView';

const refs: FlagCodeReferences = {
  key: 'new-checkout',
  count: 23,
  last_scanned: '2026-11-30T12:00:00Z',
  repositories: [
    {
      repository: 'github.com/acme/shop',
      commit: '0123456789abcdef',
      branch: 'main',
      scanned_at: '2026-11-30T12:00:00Z',
      count: 23,
      locations: [
        { path: 'src/checkout.rs', line: 12 },
        { path: 'src/cart.rs', line: 3 },
      ],
    },
  ],
};

describe('CodeReferencesView', () => {
  it('says how many places reference the flag and lists them with the repository on click', async () => {
    renderWithMantine(<CodeReferencesView refs={refs} />);
    const button = screen.getByRole('button', { name: 'Code references of new-checkout' });
    expect(button).toHaveTextContent('referenced in 23 places');
    await userEvent.click(button);
    expect(await screen.findByText('github.com/acme/shop')).toBeInTheDocument();
    expect(screen.getByText('src/checkout.rs:12')).toBeInTheDocument();
    expect(screen.getByText('… and 21 more')).toBeInTheDocument();
  });

  it('says "not in code" after a scan that did not find the flag, and nothing before any scan', () => {
    const { unmount } = renderWithMantine(<CodeReferencesView refs={{ ...refs, count: 0, repositories: [] }} />);
    expect(screen.getByTestId('code-refs')).toHaveTextContent('not in code');
    unmount();
    renderWithMantine(<CodeReferencesView refs={{ ...refs, count: 0, repositories: [], last_scanned: null }} />);
    expect(screen.queryByTestId('code-refs')).toBeNull();
  });
});

const now = Date.parse('2026-11-30T12:00:00Z');

describe('the stale-flag verdict', () => {
  it('combines days without evaluation with the code references', () => {
    const stale = { stale: true, last_evaluated_at: '2026-10-31T11:00:00Z' };
    expect(cleanupVerdict(stale, 0, now)).toEqual({ text: 'not evaluated for 30 days and not in code: safe to remove', removable: true });
    expect(cleanupVerdict(stale, 1, now)).toEqual({ text: 'not evaluated for 30 days, but referenced in 1 place: remove those first', removable: false });
    expect(cleanupVerdict(stale, undefined, now).removable).toBe(false);
    expect(cleanupVerdict({ stale: true, last_evaluated_at: null }, 0, now).text).toBe('never evaluated and not in code: safe to remove');
    expect(cleanupVerdict({ stale: false, last_evaluated_at: '2026-11-30T11:00:00Z' }, 0, now).removable).toBe(false);
    expect(placesLabel(2)).toBe('referenced in 2 places');
  });

  it('knows nothing about code before the first scan', () => {
    expect(placesByKey({ last_scanned: null, scans: [], keys: [] })).toBeUndefined();
    const places = placesByKey({ last_scanned: '2026-11-30T12:00:00Z', scans: [], keys: [{ key: 'a', count: 2, repositories: ['r'] }] });
    expect(places?.get('a')).toBe(2);
    expect(places?.get('b')).toBeUndefined();
  });

  it('marks a stale flag in no code as removable in the flags list', () => {
    const flag = {
      key: 'old-promo',
      name: '',
      description: '',
      kind: 'boolean',
      variants: [],
      tags: [],
      lifecycle: 'temporary',
      salt: 's',
      client_visible: false,
      version: 1,
      archived: false,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      environments: {},
      last_evaluated_at: null,
      stale: true,
      owner: '',
      links: [],
      properties: {},
    } as Flag;
    const row = (places: number | undefined) => (
      <MantineProvider env="test">
      <MemoryRouter>
        <table>
          <tbody>
            <FlagRow flag={flag} project="default" environments={[] as Environment[]} current="production" canEdit={false} archived={false} busyEnvs="" onToggle={() => {}} onRestore={() => {}} places={places} />
          </tbody>
        </table>
      </MemoryRouter>
      </MantineProvider>
    );
    const { rerender } = render(row(0));
    const badge = screen.getByTestId('code-refs-badge');
    expect(badge).toHaveTextContent('not in code: removable');
    expect(badge).toHaveAttribute('title', 'never evaluated and not in code: safe to remove');
    expect(screen.getByTestId('stale-badge').getAttribute('title')).toContain('not in code');
    rerender(row(4));
    expect(screen.getByTestId('code-refs-badge')).toHaveTextContent('4 in code');
    rerender(row(undefined));
    expect(screen.queryByTestId('code-refs-badge')).toBeNull();
  });
});
