import {
  Alert,
  Button,
  Center,
  Code,
  CopyButton,
  EmptyState,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { formatTime, relativeTime } from '../lib/format';
import { useAction } from '../lib/useAction';
import { IconCheck, IconCopy } from './icons';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

/** An error with what the server said: its detail, field problems and dependents. */
export function ErrorAlert({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const fields = api?.problem.errors ?? [];
  const dependents = api?.problem.dependents ?? [];
  return (
    <Alert color="red" title={title ?? api?.problem.title ?? 'Something went wrong'} role="alert">
      <Stack gap="xs">
        <Text size="sm">{errorMessage(error)}</Text>
        {fields.length > 0 && (
          <List size="sm">
            {fields.map((f, i) => (
              <List.Item key={i}>
                {f.pointer && <Code>{f.pointer}</Code>} {f.message}
              </List.Item>
            ))}
          </List>
        )}
        {dependents.length > 0 && (
          <>
            <Text size="sm" fw={500}>
              Used by:
            </Text>
            <List size="sm">
              {dependents.map((d) => (
                <List.Item key={d}>{d}</List.Item>
              ))}
            </List>
          </>
        )}
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function Empty({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState title={title} description={description} py="xl">
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <Text span c="dimmed">—</Text>;
  return (
    <Tooltip label={formatTime(at)} openDelay={300}>
      <time dateTime={at} tabIndex={0}>
        {relativeTime(at)}
      </time>
    </Tooltip>
  );
}

/** A secret shown once, with a copy button. */
export function SecretOnce({ value, label }: { value: string; label: string }) {
  return (
    <Stack gap="xs">
      <Alert color="yellow" title="Copy it now">
        This {label} is shown only once. Store it somewhere safe: it cannot be displayed again.
      </Alert>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="secret">
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              onClick={copy}
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck /> : <IconCopy />}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** A button that asks before doing something destructive. */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel = 'Confirm',
  onConfirm,
  color = 'red',
  size,
  variant = 'light',
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown> | void;
  color?: string;
  size?: string;
  variant?: string;
}) {
  const [open, setOpen] = useState(false);
  const { busy, error, setError, run } = useAction();
  return (
    <>
      <Button color={color} variant={variant} size={size} onClick={() => { setError(undefined); setOpen(true); }}>
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Stack>
          <div>{message}</div>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={color}
              loading={busy}
              onClick={() =>
                run(async () => {
                  await onConfirm();
                  setOpen(false);
                })
              }
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
