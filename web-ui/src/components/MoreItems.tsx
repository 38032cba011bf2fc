import { Button, Group, Text } from '@mantine/core';
import type { Paged } from '../lib/usePaged';

/** Under a cursor-paged list: how many are shown, and a button for the next page. */
export function MoreItems<T>({ list, what }: { list: Paged<T>; what: string }) {
  if (!list.items || (!list.hasMore && list.items.length === 0)) return null;
  return (
    <Group justify="center" data-testid="more-items">
      <Text size="sm" c="dimmed">
        {list.items.length} {what} shown{list.hasMore ? ', more on the server' : ''}
      </Text>
      {list.hasMore && (
        <Button variant="default" size="xs" loading={list.loadingMore} onClick={() => void list.more()}>
          Load more
        </Button>
      )}
    </Group>
  );
}
