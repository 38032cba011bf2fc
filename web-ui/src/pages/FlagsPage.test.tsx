import { screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Environment, Flag } from '../api/types';
import { renderWithMantine } from '../test/render';
import { FlagRow } from './FlagsPage';

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
