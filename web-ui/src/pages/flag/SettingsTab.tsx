import { Alert, Badge, Box, Button, Group, Modal, Paper, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import { ApiError } from '../../api/client';
import type { Flag, FlagPatch, Lifecycle } from '../../api/types';
import { ChangedBanner } from '../../components/ChangedBanner';
import { ErrorAlert } from '../../components/common';
import { DiffView } from '../../components/DiffView';
import { MergeReport } from '../../components/MergeReport';
import { linksToText, propertiesToText, textToLinks, textToProperties } from '../../components/FlagMetadataView';
import { VariantsEditor } from '../../components/VariantsEditor';
import { deepEqual } from '../../lib/config';
import { diffJson } from '../../lib/diff';
import { merge3, type MergeResult, SETTINGS_MERGE } from '../../lib/merge';
import { errorAt, errorsUnder } from '../../lib/rules';
import { draftFromVariant, variantFromDraft, type VariantDraft } from '../../lib/variants';

interface Draft {
  name: string;
  description: string;
  tags: string[];
  lifecycle: Lifecycle;
  client_visible: boolean;
  variants: VariantDraft[];
  owner: string;
  /** Links as text, one per line ({@link linksToText}). */
  links: string;
  /** Custom properties as text, one `name: value` per line ({@link propertiesToText}). */
  properties: string;
}

function draftOf(f: Flag): Draft {
  return {
    name: f.name,
    description: f.description,
    tags: [...f.tags],
    lifecycle: f.lifecycle,
    client_visible: f.client_visible,
    variants: f.variants.map((v) => draftFromVariant(v, f.kind)),
    owner: f.owner ?? '',
    links: linksToText(f.links ?? []),
    properties: propertiesToText(f.properties ?? {}),
  };
}

/** Only what changed, as a PATCH body. */
function patchOf(base: Draft, d: Draft, flag: Flag): FlagPatch {
  const p: FlagPatch = {};
  if (d.name !== base.name) p.name = d.name;
  if (d.description !== base.description) p.description = d.description;
  if (!deepEqual(d.tags, base.tags)) p.tags = d.tags;
  if (d.lifecycle !== base.lifecycle) p.lifecycle = d.lifecycle;
  if (d.client_visible !== base.client_visible) p.client_visible = d.client_visible;
  if (d.owner !== base.owner) p.owner = d.owner;
  if (d.links !== base.links) p.links = textToLinks(d.links);
  if (d.properties !== base.properties) p.properties = textToProperties(d.properties);
  if (!deepEqual(d.variants, base.variants)) p.variants = d.variants.map((v) => variantFromDraft(v, flag.kind).variant);
  return p;
}

export function SettingsTab({
  flag,
  version,
  project,
  canEdit,
  onSaved,
  pending,
  onApplyPending,
  onDirtyChange,
}: {
  flag: Flag;
  version: number;
  project: string;
  canEdit: boolean;
  onSaved: (f: Flag, version: number) => void;
  /** A newer version saved elsewhere while I have edits. */
  pending?: { flag: Flag; version: number; actor: string };
  onApplyPending: () => void;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const base = useMemo(() => draftOf(flag), [flag]);
  const [draft, setDraft] = useState<Draft>(base);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [conflict, setConflict] = useState<{ flag: Flag; version: number }>();
  const [merging, setMerging] = useState<{ base: Draft; mine: Draft; theirs: Draft; version: number; takeTheirs: Set<string>; result: MergeResult<Draft> }>();

  const dirty = !deepEqual(base, draft);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  // A new base (saved here or elsewhere): follow it unless I have edits.
  const [lastBase, setLastBase] = useState(base);
  if (lastBase !== base) {
    setLastBase(base);
    if (deepEqual(draft, lastBase)) setDraft(base);
  }

  const fields = error instanceof ApiError ? error.fieldErrors : {};
  const patch = patchOf(base, draft, flag);
  const changes = diffJson(JSON.parse(JSON.stringify(base)), JSON.parse(JSON.stringify(draft)));

  /** Re-applies only what I changed since `base` on top of `latest` (a three-way merge). */
  const reapply = (latest: Flag, latestVersion: number) => {
    const theirs = draftOf(latest);
    const result = merge3(SETTINGS_MERGE, base, draft, theirs);
    onSaved(latest, latestVersion);
    setLastBase(theirs);
    setDraft(result.merged);
    setMerging({ base, mine: draft, theirs, version: latestVersion, takeTheirs: new Set(), result });
    setConflict(undefined);
    setError(undefined);
    setReviewing(true);
  };
  const choose = (id: string, keep: 'mine' | 'theirs') => {
    if (!merging) return;
    const takeTheirs = new Set(merging.takeTheirs);
    if (keep === 'theirs') takeTheirs.add(id);
    else takeTheirs.delete(id);
    const result = merge3(SETTINGS_MERGE, merging.base, merging.mine, merging.theirs, { takeTheirs });
    setMerging({ ...merging, takeTheirs, result });
    setDraft(result.merged);
  };

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const r = await api.flags.update(project, flag.key, patch, version);
      onSaved(r.data, r.version);
      setReviewing(false);
      setMerging(undefined);
      notifications.show({ color: 'teal', message: `Saved ${flag.key}` });
    } catch (e) {
      setReviewing(false);
      if (e instanceof ApiError && e.isVersionConflict) {
        try {
          const latest = await api.flags.get(project, flag.key);
          setConflict({ flag: latest.data, version: latest.version });
        } catch (e2) {
          setError(e2);
        }
      } else setError(e);
    } finally {
      setSaving(false);
    }
  };

  const disabled = !canEdit;
  return (
    <Stack gap="md" maw={960}>
      {pending && dirty && (
        <ChangedBanner actor={pending.actor} what="This flag's definition" onLoadLatest={onApplyPending} onReapply={() => reapply(pending.flag, pending.version)} />
      )}
      {conflict && (
        <Alert color="orange" title={`Version ${conflict.version} was saved while you were editing`} role="alert">
          <Text size="sm">Your changes were not saved.</Text>
          <Group mt="xs" gap="xs">
            <Button size="xs" onClick={() => reapply(conflict.flag, conflict.version)}>
              Re-apply my edits on top of version {conflict.version}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                onSaved(conflict.flag, conflict.version);
                setDraft(draftOf(conflict.flag));
                setConflict(undefined);
              }}
            >
              Discard my edits
            </Button>
          </Group>
        </Alert>
      )}
      {error ? <ErrorAlert error={error} title={error instanceof ApiError && error.status === 409 ? 'This change would break flags that use these variants' : 'Could not save'} /> : null}
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <TextInput label="Name" value={draft.name} disabled={disabled} error={errorAt(fields, '/name')} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
          <Textarea label="Description" autosize minRows={2} value={draft.description} disabled={disabled} error={errorAt(fields, '/description')} onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })} />
          <TextInput
            label="Owner"
            description="A user's email or a team name"
            value={draft.owner}
            disabled={disabled}
            error={errorAt(fields, '/owner')}
            onChange={(e) => setDraft({ ...draft, owner: e.currentTarget.value })}
          />
          <Textarea
            label="Links"
            description="One per line: issue|docs (optional), the URL, a title (optional)"
            autosize
            minRows={1}
            value={draft.links}
            disabled={disabled}
            error={errorAt(fields, '/links', true)}
            onChange={(e) => setDraft({ ...draft, links: e.currentTarget.value })}
          />
          <Textarea
            label="Properties"
            description="One per line: name: value (e.g. cost-centre: 4711)"
            autosize
            minRows={1}
            value={draft.properties}
            disabled={disabled}
            error={errorAt(fields, '/properties', true)}
            onChange={(e) => setDraft({ ...draft, properties: e.currentTarget.value })}
          />
          <TagsInput label="Tags" value={draft.tags} disabled={disabled} error={errorAt(fields, '/tags', true)} onChange={(tags) => setDraft({ ...draft, tags })} clearable />
          <Group gap="lg" align="flex-end" wrap="wrap">
            <Select
              label="Lifecycle"
              w={270}
              data={[
                { value: 'temporary', label: 'Temporary (release flag)' },
                { value: 'permanent', label: 'Permanent (ops or permission)' },
              ]}
              value={draft.lifecycle}
              allowDeselect={false}
              disabled={disabled}
              onChange={(v) => v && setDraft({ ...draft, lifecycle: v as Lifecycle })}
            />
            <Switch label="Visible to client-side SDK keys" checked={draft.client_visible} disabled={disabled} mb={8} onChange={(e) => setDraft({ ...draft, client_visible: e.currentTarget.checked })} />
          </Group>
          <Text size="sm" c="dimmed">
            Kind <b>{flag.kind}</b> and key <b>{flag.key}</b> cannot change.
          </Text>
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Variants
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Removing or renaming a variant that a configuration or a prerequisite uses is refused, with the list of what uses it.
        </Text>
        <VariantsEditor kind={flag.kind} rows={draft.variants} disabled={disabled} errors={errorsUnder(fields, '/variants')} onChange={(variants) => setDraft({ ...draft, variants })} />
      </Paper>
      {dirty && (
        <Box className="sticky-footer" py="sm" px="md" mx="-md">
          <Group justify="space-between">
            <Group gap="xs">
              <Badge color="yellow" variant="light">
                Unsaved
              </Badge>
              <Text size="sm">{changes.length} change{changes.length === 1 ? '' : 's'}</Text>
            </Group>
            <Group gap="xs">
              <Button variant="default" onClick={() => setDraft(base)}>
                Discard
              </Button>
              <Button onClick={() => setReviewing(true)} disabled={!canEdit}>
                Review and save
              </Button>
            </Group>
          </Group>
        </Box>
      )}
      <Modal opened={reviewing} onClose={() => setReviewing(false)} title={`Save ${flag.key}?`} size="xl">
        <Stack>
          {merging && merging.version === version && (
            <MergeReport version={merging.version} result={merging.result} onChoose={deepEqual(draft, merging.result.merged) ? choose : undefined} />
          )}
          <DiffView changes={changes} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setReviewing(false)}>
              Keep editing
            </Button>
            <Button loading={saving} onClick={() => void save()} data-autofocus>
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
