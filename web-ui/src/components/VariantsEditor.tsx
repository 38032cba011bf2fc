import { ActionIcon, Button, Group, Paper, Select, Stack, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import type { FlagKind } from '../api/types';
import { errorAt } from '../lib/rules';
import { parseVariantValue, type VariantDraft } from '../lib/variants';
import { IconDown, IconPlus, IconTrash, IconUp } from './icons';
import { move, removeAt, replaceAt } from '../lib/rules';

/** Edits a flag's variants; errors are the server's, relative to `/variants`. */
export function VariantsEditor({
  kind,
  rows,
  onChange,
  errors,
  disabled,
}: {
  kind: FlagKind;
  rows: VariantDraft[];
  onChange: (rows: VariantDraft[]) => void;
  errors?: Record<string, string[]>;
  disabled?: boolean;
}) {
  return (
    <Stack gap="xs" data-testid="variants-editor">
      {errorAt(errors, '') && (
        <Text c="red" size="sm">
          {errorAt(errors, '')}
        </Text>
      )}
      {rows.map((row, i) => {
        const parsed = parseVariantValue(row.value, kind);
        const valueError = errorAt(errors, `/${i}/value`, true) ?? (row.value !== '' || kind !== 'string' ? parsed.error : undefined);
        const set = (patch: Partial<VariantDraft>) => onChange(replaceAt(rows, i, { ...row, ...patch }));
        return (
          <Paper key={i} withBorder p="xs" radius="sm" role="group" aria-label={`Variant ${i + 1}`}>
            <Group align="flex-end" gap="xs" wrap="wrap">
              <TextInput label="Key" required w={150} value={row.key} disabled={disabled} error={errorAt(errors, `/${i}/key`)} onChange={(e) => set({ key: e.currentTarget.value })} />
              {kind === 'boolean' ? (
                <Select label="Value" w={110} data={['true', 'false']} value={row.value} allowDeselect={false} disabled={disabled} error={valueError} onChange={(v) => v && set({ value: v })} />
              ) : kind === 'json' ? (
                <Textarea label="Value (JSON)" w={260} autosize minRows={1} maxRows={8} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} value={row.value} disabled={disabled} error={valueError} onChange={(e) => set({ value: e.currentTarget.value })} />
              ) : (
                <TextInput label="Value" w={180} value={row.value} inputMode={kind === 'number' ? 'decimal' : undefined} disabled={disabled} error={valueError} onChange={(e) => set({ value: e.currentTarget.value })} />
              )}
              <TextInput label="Name" w={150} value={row.name} disabled={disabled} error={errorAt(errors, `/${i}/name`)} onChange={(e) => set({ name: e.currentTarget.value })} />
              <TextInput label="Description" w={200} value={row.description} disabled={disabled} error={errorAt(errors, `/${i}/description`)} onChange={(e) => set({ description: e.currentTarget.value })} />
              <Group gap={2} pb={4}>
                <Tooltip label="Move up">
                  <ActionIcon variant="subtle" aria-label={`Move variant ${i + 1} up`} disabled={disabled || i === 0} onClick={() => onChange(move(rows, i, -1))}>
                    <IconUp />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Move down">
                  <ActionIcon variant="subtle" aria-label={`Move variant ${i + 1} down`} disabled={disabled || i === rows.length - 1} onClick={() => onChange(move(rows, i, 1))}>
                    <IconDown />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Remove variant">
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove variant ${i + 1}`} disabled={disabled || rows.length <= 1} onClick={() => onChange(removeAt(rows, i))}>
                    <IconTrash />
                  </ActionIcon>
                </Tooltip>
              </Group>
            </Group>
          </Paper>
        );
      })}
      <Group>
        <Button
          size="compact-sm"
          variant="light"
          leftSection={<IconPlus size={14} />}
          disabled={disabled || (kind === 'boolean' && rows.length >= 2)}
          onClick={() => onChange([...rows, { key: '', value: kind === 'boolean' ? 'false' : '', name: '', description: '' }])}
        >
          Add variant
        </Button>
      </Group>
    </Stack>
  );
}
