import { Alert, Button, Group, Text } from '@mantine/core';
import { actorName } from '../lib/stream';

/** Someone else changed what I am editing: offer to load their version. */
export function ChangedBanner({
  actor,
  what,
  onLoadLatest,
  onReapply,
  onDismiss,
}: {
  actor: string;
  what: string;
  onLoadLatest: () => void;
  /** Loads the latest and re-applies my unsaved edits on top of it. */
  onReapply?: () => void;
  onDismiss?: () => void;
}) {
  return (
    <Alert color="yellow" title={`Changed by ${actorName(actor)}`} role="alert" data-testid="changed-banner" withCloseButton={!!onDismiss} onClose={onDismiss}>
      <Text size="sm">
        {what} was changed by {actorName(actor)} while you have unsaved edits. Your edits are kept until you choose.
      </Text>
      <Group mt="xs" gap="xs">
        {onReapply && (
          <Button size="xs" onClick={onReapply}>
            Load latest and re-apply my edits
          </Button>
        )}
        <Button size="xs" variant="default" onClick={onLoadLatest}>
          Load latest (discard my edits)
        </Button>
      </Group>
    </Alert>
  );
}
