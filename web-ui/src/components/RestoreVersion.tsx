import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../api';
import type { AuditEntry, JsonValue } from '../api/types';
import { useAction } from '../lib/useAction';
import { ErrorAlert } from './common';

/** The configuration version an audit entry wrote, when it wrote one. */
export function writtenVersion(entry: AuditEntry): number | undefined {
  const after = entry.after as { [k: string]: JsonValue } | null;
  if (entry.resource_type !== 'flag_config' || !entry.environment || !after) return undefined;
  return typeof after.version === 'number' ? after.version : undefined;
}

/**
 * "Restore this version" for an entry of a flag's history that wrote a configuration:
 * asks for confirmation and an optional comment, then puts that version back as a new
 * one (the server validates it like any write and says what stands in the way).
 */
export function RestoreVersion({ project, flag, entry, onRestored }: { project: string; flag: string; entry: AuditEntry; onRestored?: () => void }) {
  const version = writtenVersion(entry);
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const { busy, error, setError, run } = useAction();
  if (version === undefined || !entry.environment) return null;
  const env = entry.environment;
  const restore = () =>
    run(async () => {
      const record = await api.flags.restoreVersion(project, flag, env, version, comment.trim() || undefined);
      setOpen(false);
      notifications.show({ color: 'teal', message: `Restored version ${version} of ${flag} in ${env} as version ${record.version}` });
      onRestored?.();
    });
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        color="teal"
        data-testid="restore-version"
        onClick={() => {
          setComment('');
          setError(undefined);
          setOpen(true);
        }}
      >
        Restore v{version}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Restore version ${version} of ${flag} in ${env}?`} centered>
        <Stack data-testid="confirm-restore">
          <Alert color="orange" variant="light">
            <Text size="sm">
              The configuration becomes what it was at version {version}, saved as a new version. SDKs serving {env} get it within seconds; rollouts go back to exactly the
              assignments they had then.
            </Text>
          </Alert>
          <Textarea
            label="Comment (optional)"
            description="Why: kept with the change in the audit log."
            autosize
            minRows={2}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            data-autofocus
          />
          <ErrorAlert error={error} title="The version was not restored" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="teal" loading={busy} onClick={() => void restore()}>
              Restore version {version}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
