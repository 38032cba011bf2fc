import { Anchor, Badge, Group, Text } from '@mantine/core';
import type { Flag, FlagLink } from '../api/types';

const KIND_LABEL: Record<string, string> = { issue: 'Issue', docs: 'Docs', other: 'Link' };

/**
 * The href of a link, or undefined for anything but an absolute http(s) URL: the server
 * validates links, but the dashboard never renders a `javascript:` or relative href
 * from data it did not write.
 */
export function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function LinkItem({ link }: { link: FlagLink }) {
  const href = safeHref(link.url);
  const label = link.title || link.url;
  return (
    <Group gap={4} wrap="nowrap">
      <Badge size="xs" variant="light" tt="none">
        {KIND_LABEL[link.kind ?? 'other'] ?? 'Link'}
      </Badge>
      {href ? (
        <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm">
          {label}
        </Anchor>
      ) : (
        <Text size="sm">{label}</Text>
      )}
    </Group>
  );
}

/** A flag's owner, links and custom properties, for the flag page's header. */
export function FlagMetadataView({ flag }: { flag: Pick<Flag, 'owner' | 'links' | 'properties'> }) {
  const links = flag.links ?? [];
  const properties = Object.entries(flag.properties ?? {});
  if (!flag.owner && links.length === 0 && properties.length === 0) return null;
  return (
    <Group gap="md" wrap="wrap" aria-label="Flag metadata">
      {flag.owner && (
        <Text size="sm">
          <Text span c="dimmed">
            Owner{' '}
          </Text>
          {flag.owner}
        </Text>
      )}
      {links.map((l, i) => (
        <LinkItem key={`${i}-${l.url}`} link={l} />
      ))}
      {properties.map(([name, value]) => (
        <Badge key={name} size="sm" variant="outline" color="gray" tt="none">
          {name}: {value}
        </Badge>
      ))}
    </Group>
  );
}

/**
 * Links as the settings form edits them: one per line, `<kind> <url> <title>`, where the
 * kind (`issue`, `docs` or `other`) and the title may be left out.
 */
export function linksToText(links: FlagLink[]): string {
  return links.map((l) => [l.kind && l.kind !== 'other' ? l.kind : '', l.url, l.title ?? ''].filter(Boolean).join(' ')).join('\n');
}

/** The inverse of {@link linksToText}; blank lines are skipped. */
export function textToLinks(text: string): FlagLink[] {
  const links: FlagLink[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    let kind: FlagLink['kind'] = 'other';
    if (words[0] === 'issue' || words[0] === 'docs' || words[0] === 'other') kind = words.shift() as FlagLink['kind'];
    const url = words.shift() ?? '';
    const title = words.join(' ');
    links.push(title ? { kind, url, title } : { kind, url });
  }
  return links;
}

/**
 * Custom properties as the settings form edits them: one per line, `name: value` (the
 * first colon separates them, so a value may hold colons).
 */
export function propertiesToText(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/**
 * The inverse of {@link propertiesToText}; blank lines are skipped. A line without a
 * colon is a property with an empty value, so that the server's check of the name
 * (rather than a silent drop here) says what is wrong.
 */
export function textToProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    const name = (at < 0 ? line : line.slice(0, at)).trim();
    out[name] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return out;
}
