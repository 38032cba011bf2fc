import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithMantine } from '../test/render';
import { FlagMetadataView, safeHref } from './FlagMetadataView';

describe('FlagMetadataView', () => {
  it('shows the owner, each link by its title and the properties', () => {
    renderWithMantine(
      <FlagMetadataView
        flag={{
          owner: 'team-payments',
          links: [
            { kind: 'issue', url: 'https://issues.example.com/PAY-12', title: 'PAY-12' },
            { kind: 'other', url: 'https://docs.example.com/checkout' },
          ],
          properties: { 'cost-centre': '4711' },
        }}
      />,
    );
    expect(screen.getByText('team-payments')).toBeInTheDocument();
    const issue = screen.getByRole('link', { name: 'PAY-12' });
    expect(issue).toHaveAttribute('href', 'https://issues.example.com/PAY-12');
    expect(issue).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByText('Issue')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'https://docs.example.com/checkout' })).toBeInTheDocument();
    expect(screen.getByText('cost-centre: 4711')).toBeInTheDocument();
  });

  it('never renders a script or relative URL as a link', () => {
    renderWithMantine(<FlagMetadataView flag={{ owner: '', properties: {}, links: [{ kind: 'other', url: 'javascript:alert(1)', title: 'bad' }] }} />);
    expect(screen.getByText('bad')).toBeInTheDocument();
    expect(screen.queryByRole('link')).toBeNull();
    expect(safeHref('/relative')).toBeUndefined();
    expect(safeHref('https://x.example/a')).toBe('https://x.example/a');
  });

  it('renders nothing for a flag without metadata', () => {
    const { container } = renderWithMantine(<FlagMetadataView flag={{ owner: '', links: [], properties: {} }} />);
    expect(container.querySelector('[aria-label="Flag metadata"]')).toBeNull();
  });
});

describe('links as text', () => {
  it('round-trips kind, URL and title', async () => {
    const { linksToText, textToLinks } = await import('./FlagMetadataView');
    const links = [
      { kind: 'issue' as const, url: 'https://i.example/1', title: 'PAY 12' },
      { kind: 'other' as const, url: 'https://d.example' },
    ];
    expect(linksToText(links)).toBe('issue https://i.example/1 PAY 12\nhttps://d.example');
    expect(textToLinks(linksToText(links))).toEqual(links);
    expect(textToLinks('\n  docs https://x.example  \n')).toEqual([{ kind: 'docs', url: 'https://x.example' }]);
  });
});
