import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Environment } from '../api/types';
import { protectionReason } from '../lib/protect';
import { useAction } from '../lib/useAction';
import { ErrorAlert } from './common';

/** A toggle waiting for confirmation. */
export interface PendingToggle {
  flag: string;
  env: Environment;
  enabled: boolean;
}

/**
 * Asks before a flag is switched in a protected environment (production, or one that
 * requires approval), with an optional comment that goes into the audit entry.
 */
export function ConfirmToggle({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: PendingToggle | undefined;
  onCancel: () => void;
  /** Switches the flag; the dialog closes when it resolves and shows what it throws. */
  onConfirm: (comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    if (pending) {
      setComment('');
      setError(undefined);
    }
  }, [pending, setError]);
  // The last request stays shown while the dialog fades out.
  const last = useRef(pending);
  if (pending) last.current = pending;
  const shown = pending ?? last.current;
  const envName = shown ? shown.env.name || shown.env.key : '';
  const verb = shown?.enabled ? 'on' : 'off';
  return (
    <Modal opened={!!pending} onClose={onCancel} title={shown ? `Turn ${shown.flag} ${verb} in ${envName}?` : ''} centered>
      {shown && (
        <Stack data-testid="confirm-toggle">
          <Alert color={shown.enabled ? 'teal' : 'orange'} variant="light">
            <Text size="sm">
              {protectionReason(shown.env)} SDKs serving {envName} get the change within seconds: {shown.enabled ? `${shown.flag} starts serving its targeting.` : `${shown.flag} serves its off variant to everyone.`}
            </Text>
          </Alert>
          {shown.env.requires_approval ? (
            <Text size="sm" data-testid="approval-note">
              {shown.enabled
                ? `Turning on needs approval in ${envName}: this creates a change request that applies once approved.`
                : `Break-glass: this turns the flag off without approval and is audited as such. Say why.`}
            </Text>
          ) : null}
          <Textarea
            label={shown.env.requires_approval && !shown.enabled ? 'Reason (required)' : 'Comment (optional)'}
            description="Why: kept with the change in the audit log and the flag's history."
            placeholder="e.g. incident 1234: checkout errors"
            autosize
            minRows={2}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            data-autofocus
          />
          <ErrorAlert error={error} title="The flag was not switched" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button color={shown.enabled ? 'teal' : 'red'} loading={busy} onClick={() => void run(() => onConfirm(comment.trim()))}>
              {shown.env.requires_approval && shown.enabled ? `Request to turn on in ${envName}` : `Turn ${verb} in ${envName}`}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
