import { screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessions } from '../api';
import type { Environment, Flag } from '../api/types';
import { auditEmpty, changeRequestsEmpty, flagsEmpty, scheduledEmpty, tokensEmpty } from '../lib/empty';
import { signIn, stubApi } from '../test/api';
import { renderRoute, renderWithMantine } from '../test/render';
import { environmentColumns, FlagRow, FlagsPage, MAX_ENVIRONMENT_COLUMNS } from './FlagsPage';

vi.mock('../app/live', () => ({ useLiveEvents: () => {} }));

const owner = 'o'.repeat(200);
const flag: Flag = {
  key: 'new-checkout',
  name: 'New checkout',
  description: '',
  kind: 'boolean',
  variants: [],
  tags: ['t'.repeat(120)],
  lifecycle: 'temporary',
  salt: 's',
  client_visible: false,
  version: 1,
  archived: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  environments: { production: { enabled: true, version: 1 } },
  last_evaluated_at: null,
  stale: false,
  owner,
  links: [],
  properties: {},
};
const production = { key: 'production', name: 'Production' } as Environment;

/** The page's other requests, answered empty. */
function otherLists(path: string): unknown {
  if (path.startsWith('/api/v1/projects/default/code-references')) return { repositories: [], keys: [] };
  if (path.startsWith('/api/v1/audit')) return { items: [] };
  return undefined;
}

describe('FlagRow', () => {
  it('cuts a long unbroken owner and tag to one line with an ellipsis, the whole text in a tooltip, and keeps the toggle', () => {
    renderWithMantine(
      <MemoryRouter>
        <table>
          <tbody>
            <FlagRow flag={flag} project="default" environments={[production]} current="production" canEdit archived={false} busyEnvs="" onToggle={() => {}} onRestore={() => {}} />
          </tbody>
        </table>
      </MemoryRouter>,
    );
    const ownerLink = screen.getByRole('link', { name: owner });
    expect(ownerLink).toHaveAttribute('title', owner);
    expect(ownerLink).toHaveStyle({ textOverflow: 'ellipsis', whiteSpace: 'nowrap', overflow: 'hidden', maxWidth: '14rem' });
    const tag = screen.getByText(flag.tags[0]);
    expect(tag).toHaveAttribute('title', flag.tags[0]);
    expect(tag).toHaveStyle({ textOverflow: 'ellipsis' });
    expect(screen.getByRole('link', { name: 'New checkout' })).toHaveStyle({ textOverflow: 'ellipsis' });
    expect(screen.getByRole('switch', { name: 'new-checkout in Production' })).toBeChecked();
  });
});

describe('the flags list when it is empty', () => {
  let requested: string[] = [];
  beforeEach(() => {
    signIn();
    requested = stubApi((path) => {
      if (path.startsWith('/api/v1/projects/default/environments')) return { items: [{ ...production, position: 0 }] };
      // The project has a flag, but none is stale and none matches a search.
      if (path.startsWith('/api/v1/projects/default/flags?')) return { items: path.includes('stale=true') || path.includes('q=') ? [] : [flag] };
      return otherLists(path);
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    sessions.set(null);
  });

  const renderAt = (search: string) => renderRoute('/p/:project/flags', `/p/default/flags${search}`, <FlagsPage />, 'default');

  it('says no flag is stale on the Stale tab, not that the project has no flags', async () => {
    renderAt('?stale=true');
    expect(await screen.findByText('No stale flags')).toBeInTheDocument();
    expect(screen.queryByText('No flags yet')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Create a flag' })).not.toBeInTheDocument();
    expect(requested.some((p) => p.includes('stale=true'))).toBe(true);
  });

  it('names the search and the tab when a search finds nothing', async () => {
    renderAt('?stale=true&q=pay&owner=team-a');
    expect(await screen.findByText('No stale flags match')).toBeInTheDocument();
    expect(screen.getByText(/No stale flag matching “pay”, owned by “team-a”/)).toBeInTheDocument();
  });
});

describe('empty states of the other lists', () => {
  it('say what is empty for the filter or state picked', () => {
    expect(flagsEmpty({ q: '', tag: '', owner: '', view: 'active' })).toMatchObject({ title: 'No flags yet', create: true });
    expect(flagsEmpty({ q: '', tag: 'web', owner: '', view: 'archived' })).toMatchObject({ title: 'No archived flags match', create: false });
    expect(auditEmpty({})).toMatchObject({ title: 'No entries yet' });
    const audit = auditEmpty({ resource_type: 'flag', actor: 'user:ada@example.com' }, () => 'Flag');
    expect(audit.title).toBe('No entries match these filters');
    expect(audit.description).toBe('No audit entry on flag resources, by user:ada@example.com. Change or clear the filters.');
    expect(changeRequestsEmpty('all').title).toBe('No change requests yet');
    expect(changeRequestsEmpty('rejected').title).toBe('No rejected change requests');
    expect(scheduledEmpty('all').title).toBe('No scheduled changes yet');
    expect(scheduledEmpty('failed').description).toContain('has failed');
    expect(tokensEmpty(2)).toMatchObject({ title: 'No live API tokens' });
    expect(tokensEmpty(2).description).toContain('2 revoked tokens are hidden');
    expect(tokensEmpty(0).title).toBe('No API tokens');
  });
});

describe('environment columns', () => {
  const envs = Array.from({ length: 30 }, (_, i) => ({ key: `env-${i}`, name: `Env ${i}`, position: i }) as Environment);

  it('shows every environment up to the limit, else the first ones with the current one among them', () => {
    expect(environmentColumns(envs.slice(0, MAX_ENVIRONMENT_COLUMNS), 'env-3')).toHaveLength(MAX_ENVIRONMENT_COLUMNS);
    expect(environmentColumns(envs, 'env-2').map((e) => e.key)).toEqual(envs.slice(0, MAX_ENVIRONMENT_COLUMNS).map((e) => e.key));
    const withCurrent = environmentColumns(envs, 'env-25').map((e) => e.key);
    expect(withCurrent).toHaveLength(MAX_ENVIRONMENT_COLUMNS);
    expect(withCurrent[withCurrent.length - 1]).toBe('env-25');
    expect(withCurrent.slice(0, -1)).toEqual(envs.slice(0, MAX_ENVIRONMENT_COLUMNS - 1).map((e) => e.key));
    expect(environmentColumns(envs, 'gone').map((e) => e.key)).toEqual(envs.slice(0, MAX_ENVIRONMENT_COLUMNS).map((e) => e.key));
  });

  describe('in a project with many environments', () => {
    let requested: string[] = [];
    beforeEach(() => {
      localStorage.clear();
      signIn();
      requested = stubApi((path) => {
        if (path.startsWith('/api/v1/projects/default/environments')) return { items: envs };
        if (path.startsWith('/api/v1/projects/default/flags?')) return { items: [{ ...flag, environments: { 'env-0': { enabled: true, version: 1 } } }] };
        return otherLists(path);
      });
    });
    afterEach(() => {
      vi.unstubAllGlobals();
      sessions.set(null);
    });

    it('asks only for the states of the environments it shows, and says how many it shows', async () => {
      renderRoute('/p/:project/flags', '/p/default/flags', <FlagsPage />, 'default');
      expect(await screen.findByTestId('environment-columns-note')).toHaveTextContent(`Showing ${MAX_ENVIRONMENT_COLUMNS} of 30 environments`);
      expect(screen.getAllByRole('columnheader').filter((h) => h.textContent?.startsWith('Env '))).toHaveLength(MAX_ENVIRONMENT_COLUMNS);
      const lists = requested.filter((p) => p.startsWith('/api/v1/projects/default/flags?'));
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) {
        const shown = new URL(list, 'http://x').searchParams.get('environments')?.split(',');
        expect(shown).toHaveLength(MAX_ENVIRONMENT_COLUMNS);
        expect(shown).toContain('env-0');
      }
      expect(screen.getByRole('switch', { name: 'new-checkout in Env 0' })).toBeChecked();
    });
  });
});
