import { Badge, Code, Group, List, Paper, Stack, Table, Text, ThemeIcon } from '@mantine/core';
import type { ConditionTrace, Explanation, FlagConfig, Reason } from '../api/types';
import { formatValue } from '../lib/format';
import { bucketToPercent, describeSplit, rangeOfBucket } from '../lib/rollout';
import { describeServe, operatorInfo, valueToText } from '../lib/rules';
import { IconCheck, IconX } from './icons';

export const REASON_COLORS: Record<Reason, string> = {
  DISABLED: 'gray',
  PREREQUISITE_FAILED: 'orange',
  TARGETING_MATCH: 'teal',
  SPLIT: 'grape',
  DEFAULT: 'blue',
  ERROR: 'red',
};

/** One sentence on why this value was served. */
export function summarize(x: Explanation): string {
  const r = x.result;
  switch (r.reason) {
    case 'DISABLED':
      return 'The flag is off in this environment, so its off variant is served.';
    case 'PREREQUISITE_FAILED':
      return `Prerequisite ${r.prerequisite ?? '?'} did not serve the required variant, so the off variant is served.`;
    case 'TARGETING_MATCH':
      if (r.rule_index === undefined) return 'The context key is individually targeted.';
      return `Rule ${r.rule_index + 1}${r.rule_id ? ` (${r.rule_id})` : ''} matched${x.bucket ? `; its rollout put the context in bucket ${bucketToPercent(x.bucket.bucket)} %` : ''}.`;
    case 'SPLIT':
      return `No target or rule matched; the default rollout put the context in bucket ${x.bucket ? bucketToPercent(x.bucket.bucket) : '?'} %.`;
    case 'DEFAULT':
      return 'No target or rule matched, so the default variant is served.';
    case 'ERROR':
      return r.error_code === 'FLAG_NOT_FOUND'
        ? 'There is no such flag.'
        : r.error_code === 'TARGETING_KEY_MISSING'
          ? 'A rollout needs the context key (or the bucket-by attribute) and the context has none: SDKs return the fallback value.'
          : `Evaluation failed (${r.error_code ?? 'error'}): SDKs return the fallback value.`;
  }
}

function outcomeText(c: ConditionTrace): string {
  const op = operatorInfo(c.op);
  switch (c.outcome) {
    case 'matched':
      if (c.op === 'in_segment') return c.negate ? 'in the segment, but the condition is negated' : 'in the segment';
      return c.negate ? 'the test holds, but the condition is negated' : 'the test holds';
    case 'not_matched':
      if (c.op === 'in_segment') return c.negate ? 'not in the segment, and the condition is negated' : 'not in the segment';
      return c.negate ? 'the test does not hold, and the condition is negated' : 'the test does not hold';
    case 'missing':
      return `the context has no ${c.attribute || 'key'}: false even when negated`;
    case 'type_mismatch':
      // The server says why (e.g. "v3.1.0" is not a semantic version: it starts with "v").
      return c.mismatch
        ? `${c.mismatch}: false even when negated`
        : `${formatValue(c.actual ?? undefined)} cannot be compared by "${op.label}": false even when negated`;
  }
}

function Check({ ok, label }: { ok: boolean; label: string }) {
  return (
    <ThemeIcon size="sm" radius="xl" color={ok ? 'teal' : 'red'} variant="light" aria-label={label} role="img">
      {ok ? <IconCheck size={12} /> : <IconX size={12} />}
    </ThemeIcon>
  );
}

/** Everything the evaluation looked at, step by step. */
export function ExplanationView({ x, config }: { x: Explanation; config?: FlagConfig }) {
  return (
    <Stack gap="sm" data-testid="explanation">
      <Text size="sm">{summarize(x)}</Text>
      <List size="sm" spacing={4}>
        <List.Item>
          Flag {x.enabled === null ? 'not found' : x.enabled ? 'on' : 'off'} in this environment
          {x.enabled === false && config && (
            <>
              {' '}
              (off variant <Code>{config.off_variant}</Code>)
            </>
          )}
        </List.Item>
        {x.prerequisites.map((p, i) => (
          <List.Item key={i} icon={<Check ok={p.holds} label={p.holds ? 'holds' : 'fails'} />}>
            Prerequisite <Code>{p.flag}</Code> must serve <Code>{p.required_variant}</Code>: it served {p.served_variant ? <Code>{p.served_variant}</Code> : 'nothing (error or off)'}
          </List.Item>
        ))}
        {x.target_matched !== null && (
          <List.Item icon={<Check ok={x.target_matched} label={x.target_matched ? 'matched' : 'not matched'} />}>
            Individual targets: {x.target_matched ? 'the key is targeted' : 'the key is not targeted'}
          </List.Item>
        )}
      </List>
      {x.rules.length > 0 && (
        <Stack gap="xs">
          {x.rules.map((r) => {
            const rule = config?.rules[r.index];
            return (
              <Paper key={r.index} withBorder p="xs" radius="sm" data-testid="rule-trace" data-matched={r.matched}>
                <Group gap="xs" mb={4}>
                  <Check ok={r.matched} label={r.matched ? 'matched' : 'did not match'} />
                  <Text size="sm" fw={600}>
                    Rule {r.index + 1}
                  </Text>
                  {r.id && <Code>{r.id}</Code>}
                  {rule?.description && (
                    <Text size="sm" c="dimmed">
                      {rule.description}
                    </Text>
                  )}
                  <Badge size="sm" color={r.matched ? 'teal' : 'gray'} variant="light">
                    {r.matched ? 'matched' : 'did not match'}
                  </Badge>
                  {r.matched && rule && (
                    <Text size="sm">
                      → serves <Code>{describeServe(rule.serve)}</Code>
                    </Text>
                  )}
                </Group>
                {r.conditions.length === 0 ? (
                  <Text size="xs" c="dimmed">
                    No conditions: always matches.
                  </Text>
                ) : (
                  <Table.ScrollContainer minWidth={520}>
                    <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th w={28} />
                          <Table.Th>Condition</Table.Th>
                          <Table.Th>Context value</Table.Th>
                          <Table.Th>Why</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {r.conditions.map((c) => {
                          const def = rule?.conditions[c.index];
                          const op = operatorInfo(c.op);
                          return (
                            <Table.Tr key={c.index} data-testid="condition-trace" data-holds={c.holds}>
                              <Table.Td>
                                <Check ok={c.holds} label={c.holds ? 'holds' : 'fails'} />
                              </Table.Td>
                              <Table.Td>
                                {c.negate && 'NOT '}
                                {op.usesAttribute && <Code>{c.attribute}</Code>} {op.label}
                                {def && def.values.length > 0 && <> {def.values.map(valueToText).join(', ')}</>}
                              </Table.Td>
                              <Table.Td>
                                {c.op === 'in_segment' ? (
                                  <Text span c="dimmed" size="xs">
                                    (segment membership)
                                  </Text>
                                ) : c.actual === null || c.actual === undefined ? (
                                  <Text span c="dimmed" size="xs">
                                    absent
                                  </Text>
                                ) : (
                                  <Code>{formatValue(c.actual)}</Code>
                                )}
                              </Table.Td>
                              <Table.Td>{outcomeText(c)}</Table.Td>
                            </Table.Tr>
                          );
                        })}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
                {!r.matched && r.conditions.length > 0 && r.conditions[r.conditions.length - 1].holds === false && rule && r.conditions.length < rule.conditions.length && (
                  <Text size="xs" c="dimmed">
                    The remaining {rule.conditions.length - r.conditions.length} condition(s) were not checked.
                  </Text>
                )}
              </Paper>
            );
          })}
        </Stack>
      )}
      {x.bucket && (
        <Paper withBorder p="xs" radius="sm" data-testid="bucket">
          <Text size="sm">
            Bucketing by <Code>{x.bucket.bucket_by}</Code>
            {x.bucket.fell_back_to_key && ' (unusable, so the context key was used)'}: hashed <Code>{x.bucket.hashed_value}</Code> into bucket{' '}
            <b>{x.bucket.bucket.toLocaleString('en-US')}</b> of 100,000, that is <b>{bucketToPercent(x.bucket.bucket)} %</b>.
          </Text>
          {config &&
            (() => {
              const serve = x.result.rule_index !== undefined ? config.rules[x.result.rule_index]?.serve : config.default;
              if (!serve || !('rollout' in serve)) return null;
              const range = x.bucket ? rangeOfBucket(serve.rollout.weights, x.bucket.bucket) : null;
              return (
                <Text size="xs" c="dimmed" data-testid="bucket-split">
                  Split: {describeSplit(serve.rollout.weights)}.
                  {range && ` The bucket is in ${range.variant}'s range ${bucketToPercent(range.start)} % to ${bucketToPercent(range.end)} %.`}
                </Text>
              );
            })()}
        </Paper>
      )}
    </Stack>
  );
}
