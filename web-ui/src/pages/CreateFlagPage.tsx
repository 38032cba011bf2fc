import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Code,
  Group,
  List,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { ApiError, errorMessage } from '../api/client';
import type { FlagKind, Lifecycle, NewFlag } from '../api/types';
import { useProject } from '../app/project';
import { VariantsEditor } from '../components/VariantsEditor';
import { errorAt, errorsUnder } from '../lib/rules';
import { defaultDrafts, slugify, variantFromDraft, type VariantDraft } from '../lib/variants';
import { useAction } from '../lib/useAction';

/** Pointers this form shows next to a field; anything else is listed in the summary. */
function shownHere(pointer: string): boolean {
  return /^\/(key|name|description|tags(\/\d+)?|lifecycle|kind|client_visible|variants(\/\d+\/(key|value|name|description)(\/.*)?)?)$/.test(pointer);
}

export default function CreateFlagPage() {
  const { project } = useProject();
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<FlagKind>('boolean');
  const [variants, setVariants] = useState<VariantDraft[]>(defaultDrafts('boolean'));
  const [tags, setTags] = useState<string[]>([]);
  const [lifecycle, setLifecycle] = useState<Lifecycle>('temporary');
  const [clientVisible, setClientVisible] = useState(false);
  const { busy, error, fields, run } = useAction();

  const unplaced = error instanceof ApiError ? (error.problem.errors ?? []).filter((e) => !shownHere(e.pointer)) : [];
  const base = `/p/${encodeURIComponent(project)}/flags`;

  const submit = async () => {
    const parsed = variants.map((d) => variantFromDraft(d, kind));
    const body: NewFlag = {
      key: key.trim(),
      name: name.trim() || undefined,
      description: description.trim(),
      kind,
      variants: parsed.map((p) => p.variant),
      tags,
      lifecycle,
      client_visible: clientVisible,
    };
    await run(async () => {
      const flag = await api.flags.create(project, body);
      notifications.show({ color: 'teal', message: `Flag ${flag.key} created` });
      navigate(`${base}/${encodeURIComponent(flag.key)}`);
    });
  };

  return (
    <Stack gap="md" maw={900}>
      <Breadcrumbs>
        <Anchor component={Link} to={base}>
          Flags
        </Anchor>
        <Text>New flag</Text>
      </Breadcrumbs>
      <Title order={1} size="h2">
        New flag
      </Title>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <TextInput
                label="Name"
                placeholder="New checkout"
                value={name}
                autoFocus
                error={errorAt(fields, '/name')}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setName(v);
                  if (!keyTouched) setKey(slugify(v));
                }}
              />
              <TextInput
                label="Key"
                description="Used in code. Lower-case letters, digits, '_', '.', '-'; it cannot change later."
                placeholder="new-checkout"
                required
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={key}
                error={errorAt(fields, '/key')}
                onChange={(e) => {
                  setKeyTouched(true);
                  setKey(e.currentTarget.value);
                }}
              />
              <Textarea label="Description" autosize minRows={2} value={description} error={errorAt(fields, '/description')} onChange={(e) => setDescription(e.currentTarget.value)} />
              <TagsInput label="Tags" placeholder="Enter a tag" value={tags} onChange={setTags} error={errorAt(fields, '/tags', true)} clearable />
              <Group gap="lg" wrap="wrap" align="flex-end">
                <Select
                  label="Lifecycle"
                  w={270}
                  data={[
                    { value: 'temporary', label: 'Temporary (release flag)' },
                    { value: 'permanent', label: 'Permanent (ops or permission)' },
                  ]}
                  value={lifecycle}
                  allowDeselect={false}
                  onChange={(v) => v && setLifecycle(v as Lifecycle)}
                  error={errorAt(fields, '/lifecycle')}
                />
                <Switch
                  label="Visible to client-side SDK keys"
                  checked={clientVisible}
                  onChange={(e) => setClientVisible(e.currentTarget.checked)}
                  mb={8}
                />
              </Group>
            </Stack>
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <Text fw={600} id="kind-label">
                Kind
              </Text>
              <SegmentedControl
                aria-labelledby="kind-label"
                w="fit-content"
                value={kind}
                data={[
                  { value: 'boolean', label: 'Boolean' },
                  { value: 'string', label: 'String' },
                  { value: 'number', label: 'Number' },
                  { value: 'json', label: 'JSON' },
                ]}
                onChange={(k) => {
                  setKind(k as FlagKind);
                  setVariants(defaultDrafts(k as FlagKind));
                }}
              />
              {errorAt(fields, '/kind') && <Text c="red" size="sm">{errorAt(fields, '/kind')}</Text>}
              <Text fw={600} mt="xs">
                Variants
              </Text>
              <Text size="sm" c="dimmed">
                The values the flag can serve. New flags start off everywhere, serving the last variant; turned on, they serve the first.
              </Text>
              <VariantsEditor kind={kind} rows={variants} onChange={setVariants} errors={errorsUnder(fields, '/variants')} />
            </Stack>
          </Paper>
          {error ? (
            <Alert color="red" role="alert" title={error instanceof ApiError && error.status === 422 ? 'Please fix the highlighted fields' : 'Could not create the flag'}>
              <Text size="sm">{errorMessage(error)}</Text>
              {unplaced.length > 0 && (
                <List size="sm" mt="xs">
                  {unplaced.map((e, i) => (
                    <List.Item key={i}>
                      <Code>{e.pointer || '/'}</Code> {e.message}
                    </List.Item>
                  ))}
                </List>
              )}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={base}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create flag
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
