import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { Fragment, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { ApiError } from '../api/client';
import type { EvalContext, EvaluateResponse, FlagConfig } from '../api/types';
import { useProject } from '../app/project';
import { Empty, ErrorAlert, Loading } from '../components/common';
import { ExplanationView, REASON_COLORS } from '../components/ExplanationView';
import { IconPlus, IconTrash } from '../components/icons';
import { normalizeConfig } from '../lib/config';
import {
  type AttrRow,
  type AttrType,
  contextFromRows,
  describeContext,
  emptyRow,
  forgetRecent,
  loadRecent,
  parseContextJson,
  rememberContext,
  rowsFromContext,
} from '../lib/context';
import { formatValue } from '../lib/format';
import { removeAt, replaceAt } from '../lib/rules';
import { useLoad } from '../lib/useLoad';
import { useAction } from '../lib/useAction';

function AttributeRows({ rows, onChange, errors }: { rows: AttrRow[]; onChange: (r: AttrRow[]) => void; errors: Record<number, string> }) {
  return (
    <Stack gap="xs">
      {rows.map((r, i) => {
        const set = (patch: Partial<AttrRow>) => onChange(replaceAt(rows, i, { ...r, ...patch }));
        return (
          <Group key={i} gap="xs" align="flex-start" wrap="wrap" role="group" aria-label={`Attribute ${i + 1}`} data-testid="attribute-row">
            <TextInput label="Attribute" placeholder="country" w={170} value={r.name} error={errors[i]} onChange={(e) => set({ name: e.currentTarget.value })} />
            <Select
              label="Type"
              w={110}
              data={['string', 'number', 'boolean', 'list']}
              value={r.type}
              allowDeselect={false}
              onChange={(t) => t && set({ type: t as AttrType, value: t === 'boolean' ? 'true' : r.type === 'boolean' ? '' : r.value })}
            />
            {r.type === 'boolean' ? (
              <Select label="Value" w={110} data={['true', 'false']} value={r.value || 'true'} allowDeselect={false} onChange={(v) => v && set({ value: v })} />
            ) : r.type === 'list' ? (
              <TagsInput label="Values" w={240} value={r.items} onChange={(items) => set({ items })} placeholder="Enter after each" />
            ) : (
              <TextInput label="Value" w={200} value={r.value} inputMode={r.type === 'number' ? 'decimal' : undefined} onChange={(e) => set({ value: e.currentTarget.value })} />
            )}
            <Tooltip label="Remove attribute">
              <ActionIcon mt={28} size="lg" variant="subtle" color="red" aria-label={`Remove attribute ${i + 1}`} onClick={() => onChange(removeAt(rows, i))}>
                <IconTrash />
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      })}
      <Group>
        <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => onChange([...rows, emptyRow()])}>
          Add attribute
        </Button>
      </Group>
    </Stack>
  );
}

export default function DebuggerPage() {
  const { project, environments, env: currentEnv } = useProject();
  const [env, setEnv] = useState<string | null>(null);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [key, setKey] = useState('');
  const [rows, setRows] = useState<AttrRow[]>([emptyRow()]);
  const [json, setJson] = useState('{\n  "key": "user-1",\n  "attributes": {}\n}');
  const [flagFilter, setFlagFilter] = useState<string | null>(null);
  const [recent, setRecent] = useState<EvalContext[]>(() => loadRecent());
  const [result, setResult] = useState<EvaluateResponse>();
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [configs, setConfigs] = useState<Record<string, FlagConfig | 'loading'>>({});
  const [search, setSearch] = useState('');
  const flags = useLoad(() => api.flags.list(project, { limit: 1000 }).then((p) => p.items.map((f) => f.key)), [project]);

  const environment = env ?? currentEnv;
  const built = contextFromRows(key, rows);
  const parsedJson = mode === 'json' ? parseContextJson(json) : undefined;
  const context = mode === 'json' ? parsedJson?.context : Object.keys(built.errors).length ? undefined : built.context;

  const loadContext = (c: EvalContext) => {
    setKey(c.key ?? '');
    const r = rowsFromContext(c);
    setRows(r.length ? r : [emptyRow()]);
    setJson(JSON.stringify(c, null, 2));
  };

  const evaluate = async () => {
    if (!context || !environment) return;
    await run(async () => {
      const r = await api.evaluate(project, environment, context, flagFilter ?? undefined);
      setResult(r);
      setConfigs({});
      setOpen(r.results.length === 1 ? { [r.results[0].flag]: true } : {});
      if (r.results.length === 1) void loadConfig(r.results[0].flag, r.environment);
      setRecent(rememberContext(context));
    });
  };

  const loadConfig = async (flag: string, envKey: string) => {
    setConfigs((c) => ({ ...c, [flag]: 'loading' }));
    try {
      const r = await api.flags.getConfig(project, flag, envKey);
      setConfigs((c) => ({ ...c, [flag]: normalizeConfig(r.data) }));
    } catch {
      setConfigs((c) => {
        const n = { ...c };
        delete n[flag];
        return n;
      });
    }
  };

  const toggleRow = (flag: string) => {
    setOpen((o) => ({ ...o, [flag]: !o[flag] }));
    if (!configs[flag] && result) void loadConfig(flag, result.environment);
  };

  const shown = useMemo(() => (result?.results ?? []).filter((x) => !search || x.flag.toLowerCase().includes(search.toLowerCase())), [result, search]);
  const notAvailable = error instanceof ApiError && error.status === 404 && /route/i.test(error.problem.detail);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Evaluation debugger
      </Title>
      <Text size="sm" c="dimmed">
        Evaluate every flag for a context, as an SDK would in the chosen environment, and see why each value was served.
      </Text>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void evaluate();
          }}
        >
          <Stack gap="sm">
            <Group gap="sm" align="flex-end" wrap="wrap">
              <Select
                label="Environment"
                w={180}
                data={environments.map((e) => ({ value: e.key, label: e.name || e.key }))}
                value={environment || null}
                allowDeselect={false}
                onChange={(v) => v && setEnv(v)}
              />
              <Select
                label="Recent contexts"
                placeholder={recent.length ? 'Pick one' : 'None yet'}
                w={320}
                disabled={recent.length === 0}
                data={recent.map((c, i) => ({ value: String(i), label: describeContext(c) }))}
                value={null}
                onChange={(v) => v !== null && loadContext(recent[Number(v)])}
                data-testid="recent-contexts"
              />
              {recent.length > 0 && (
                <Button
                  variant="subtle"
                  size="xs"
                  onClick={() => {
                    forgetRecent();
                    setRecent([]);
                  }}
                >
                  Clear recent
                </Button>
              )}
            </Group>
            <SegmentedControl
              aria-label="How to enter the context"
              w="fit-content"
              value={mode}
              onChange={(m) => {
                if (m === 'json' && context) setJson(JSON.stringify(context, null, 2));
                if (m === 'form' && parsedJson?.context) loadContext(parsedJson.context);
                setMode(m as 'form' | 'json');
              }}
              data={[
                { value: 'form', label: 'Form' },
                { value: 'json', label: 'JSON' },
              ]}
            />
            {mode === 'form' ? (
              <>
                <TextInput label="Context key" description="The targeting key, e.g. a user id; rollouts hash it." w={320} value={key} onChange={(e) => setKey(e.currentTarget.value)} />
                <AttributeRows rows={rows} onChange={setRows} errors={built.errors} />
              </>
            ) : (
              <Textarea
                label="Context (JSON)"
                autosize
                minRows={5}
                maxRows={20}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={json}
                onChange={(e) => setJson(e.currentTarget.value)}
                error={parsedJson?.error}
              />
            )}
            <Group gap="sm" align="flex-end" wrap="wrap">
              <Select
                label="Flag"
                placeholder="All flags"
                w={260}
                searchable
                clearable
                data={flags.data ?? []}
                value={flagFilter}
                onChange={setFlagFilter}
                nothingFoundMessage="No such flag"
              />
              <Button type="submit" loading={busy} disabled={!context || !environment}>
                Evaluate
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {notAvailable ? (
        <Alert color="gray" title="Not available">
          This server does not offer the evaluation debugger yet.
        </Alert>
      ) : error ? (
        <ErrorAlert error={error} title="Could not evaluate" />
      ) : null}
      {busy && !result && <Loading label="Evaluating…" />}
      {result && (
        <Stack gap="xs" data-testid="debugger-results">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm">
              {result.results.length} flag{result.results.length === 1 ? '' : 's'} in <b>{result.environment}</b> at configuration version {result.version}
            </Text>
            <TextInput aria-label="Filter results" placeholder="Filter flags" size="xs" w={200} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          </Group>
          {result.results.length === 0 ? (
            <Empty title="No flags to evaluate" description="This project has no active flags." />
          ) : shown.length === 0 ? (
            <Empty title="No flags match" description={`None of the ${result.results.length} flags evaluated has “${search}” in its key.`} />
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Flag</Table.Th>
                    <Table.Th>Value</Table.Th>
                    <Table.Th>Variant</Table.Th>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((x) => {
                    const cfg = configs[x.flag];
                    return (
                      <Fragment key={x.flag}>
                        <Table.Tr data-testid="debugger-row" data-flag={x.flag}>
                          <Table.Td>
                            <Text
                              component={Link}
                              to={`/p/${encodeURIComponent(project)}/flags/${encodeURIComponent(x.flag)}?env=${encodeURIComponent(result.environment)}`}
                              size="sm"
                              fw={600}
                              ff="monospace"
                              c="blue"
                            >
                              {x.flag}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Code>{formatValue(x.result.value)}</Code>
                          </Table.Td>
                          <Table.Td>{x.result.variant ?? <Text span c="dimmed">—</Text>}</Table.Td>
                          <Table.Td>
                            <Group gap={4}>
                              <Badge color={REASON_COLORS[x.result.reason]} variant="light" data-testid="reason">
                                {x.result.reason}
                              </Badge>
                              {x.result.rule_index !== undefined && <Text size="xs">rule {x.result.rule_index + 1}</Text>}
                              {x.result.error_code && <Text size="xs" c="red">{x.result.error_code}</Text>}
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Button size="compact-xs" variant="subtle" onClick={() => toggleRow(x.flag)} aria-expanded={!!open[x.flag]} aria-label={`Explain ${x.flag}`}>
                              {open[x.flag] ? 'Hide' : 'Explain'}
                            </Button>
                          </Table.Td>
                        </Table.Tr>
                        {open[x.flag] && (
                          <Table.Tr>
                            <Table.Td colSpan={5} p="sm" bg="var(--mantine-color-default-hover)">
                              {cfg === 'loading' ? <Loading label="Loading the configuration…" /> : <ExplanationView x={x} config={cfg} />}
                            </Table.Td>
                          </Table.Tr>
                        )}
                      </Fragment>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      )}
    </Stack>
  );
}
