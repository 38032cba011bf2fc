import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import type { Condition, Op, Rule, Serve } from '../api/types';
import {
  changeOperator,
  convertScalars,
  errorAt,
  errorsUnder,
  inferScalarType,
  move,
  newCondition,
  newRule,
  operatorInfo,
  operatorsFor,
  parseOperand,
  removeAt,
  replaceAt,
  type ScalarType,
  valueToText,
} from '../lib/rules';
import { IconDown, IconPlus, IconTrash, IconUp } from './icons';
import { ServeEditor } from './ServeEditor';

function operatorData(place: 'flag' | 'segment') {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const o of operatorsFor(place)) {
    const list = groups.get(o.group) ?? [];
    list.push({ value: o.op, label: `${o.label} (${o.op})` });
    groups.set(o.group, list);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}

/** One condition: attribute, operator, operands, negate. */
export function ConditionEditor({
  value,
  onChange,
  onRemove,
  segments,
  place = 'flag',
  errors,
  label,
  disabled,
}: {
  value: Condition;
  onChange: (c: Condition) => void;
  onRemove: () => void;
  segments: string[];
  place?: 'flag' | 'segment';
  /** Server problems relative to this condition. */
  errors?: Record<string, string[]>;
  /** "Condition 2 of rule 1", for screen readers and the remove button. */
  label: string;
  disabled?: boolean;
}) {
  const info = operatorInfo(value.op);
  const [scalar, setScalar] = useState<ScalarType>(() => inferScalarType(value.values));
  const texts = value.values.map(valueToText);
  const parseErrors = value.op === 'in_segment' ? [] : texts.map((t) => parseOperand(value.op, t, scalar).error).filter(Boolean);
  const valuesError = [errorAt(errors, '/values', true), ...parseErrors].filter(Boolean).join('; ') || undefined;

  const setTexts = (list: string[]) => onChange({ ...value, values: list.map((t) => parseOperand(value.op, t, scalar).value) });

  return (
    <Group align="flex-start" gap="xs" wrap="wrap" role="group" aria-label={label} data-testid="condition">
      <Checkbox
        label="NOT"
        checked={value.negate}
        disabled={disabled}
        mt={30}
        aria-label={`Negate (${label})`}
        onChange={(e) => onChange({ ...value, negate: e.currentTarget.checked })}
      />
      {info.usesAttribute && (
        <TextInput
          label="Attribute"
          placeholder="country"
          w={160}
          value={value.attribute}
          disabled={disabled}
          error={errorAt(errors, '/attribute')}
          onChange={(e) => onChange({ ...value, attribute: e.currentTarget.value })}
        />
      )}
      <Select
        label="Operator"
        data={operatorData(place)}
        value={value.op}
        w={250}
        allowDeselect={false}
        searchable
        disabled={disabled}
        error={errorAt(errors, '/op')}
        onChange={(op) => {
          if (!op) return;
          const next = changeOperator(value, op as Op);
          if (op === 'in') setScalar(inferScalarType(next.values));
          onChange(next);
        }}
      />
      {info.operand === 'segment' ? (
        <MultiSelect
          label="Segments"
          placeholder={segments.length ? 'Pick segments' : 'No segments yet'}
          data={[...new Set([...segments, ...texts])]}
          value={texts}
          searchable
          w={260}
          disabled={disabled}
          error={valuesError}
          nothingFoundMessage="No such segment"
          onChange={(v) => onChange({ ...value, values: v })}
        />
      ) : info.arity === 'many' ? (
        <TagsInput
          label="Values"
          placeholder={value.values.length ? '' : info.operand === 'regex' ? '^beta- (Enter after each)' : 'DE, FR (Enter after each)'}
          value={texts}
          w={260}
          disabled={disabled}
          error={valuesError}
          onChange={setTexts}
          clearable
        />
      ) : info.arity === 'one' ? (
        <TextInput
          label="Value"
          placeholder={info.operand === 'semver' ? '2.0.0' : info.operand === 'time' ? '2026-01-31T12:00:00Z' : '10'}
          value={texts[0] ?? ''}
          w={220}
          disabled={disabled}
          error={valuesError}
          onChange={(e) => setTexts(e.currentTarget.value === '' ? [] : [e.currentTarget.value])}
        />
      ) : (
        <Text size="sm" c="dimmed" mt={30}>
          (no value)
        </Text>
      )}
      {value.op === 'in' && (
        <Select
          label="Type"
          data={['string', 'number', 'boolean']}
          value={scalar}
          w={110}
          allowDeselect={false}
          disabled={disabled}
          onChange={(t) => {
            if (!t) return;
            setScalar(t as ScalarType);
            onChange({ ...value, values: convertScalars(value.values, t as ScalarType) });
          }}
        />
      )}
      <Tooltip label="Remove condition">
        <ActionIcon variant="subtle" color="red" mt={28} size="lg" aria-label={`Remove ${label}`} disabled={disabled} onClick={onRemove}>
          <IconTrash />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/** A list of conditions joined by AND. */
export function ConditionsEditor({
  conditions,
  onChange,
  segments,
  place,
  errors,
  owner,
  disabled,
}: {
  conditions: Condition[];
  onChange: (c: Condition[]) => void;
  segments: string[];
  place?: 'flag' | 'segment';
  errors?: Record<string, string[]>;
  owner: string;
  disabled?: boolean;
}) {
  return (
    <Stack gap="xs">
      {conditions.length === 0 && (
        <Text size="sm" c="dimmed">
          No conditions: matches every context.
        </Text>
      )}
      {conditions.map((c, i) => (
        <Stack key={i} gap={4}>
          {i > 0 && (
            <Divider label="AND" labelPosition="left" />
          )}
          <ConditionEditor
            value={c}
            segments={segments}
            place={place}
            disabled={disabled}
            label={`Condition ${i + 1} of ${owner}`}
            errors={errorsUnder(errors, `/${i}`)}
            onChange={(nc) => onChange(replaceAt(conditions, i, nc))}
            onRemove={() => onChange(removeAt(conditions, i))}
          />
        </Stack>
      ))}
      <Group>
        <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} disabled={disabled} onClick={() => onChange([...conditions, newCondition()])}>
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}

/** The ordered targeting rules of a flag configuration. */
export function RulesEditor({
  rules,
  onChange,
  variants,
  segments,
  errors,
  disabled,
}: {
  rules: Rule[];
  onChange: (rules: Rule[]) => void;
  variants: string[];
  segments: string[];
  /** Server problems relative to the rules list (`/0/conditions/1/values`). */
  errors?: Record<string, string[]>;
  disabled?: boolean;
}) {
  const defaultServe: Serve = { variant: variants[0] ?? '' };
  return (
    <Stack gap="md" data-testid="rules-editor">
      {rules.length === 0 && (
        <Text size="sm" c="dimmed">
          No rules. Every context that is not individually targeted gets the default.
        </Text>
      )}
      {rules.map((rule, i) => {
        const name = `rule ${i + 1}`;
        const ruleErrors = errorsUnder(errors, `/${i}`);
        return (
          <Paper key={rule.id ?? `new-${i}`} withBorder p="sm" radius="md" data-testid="rule" role="group" aria-label={`Rule ${i + 1}`}>
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs">
                  <Text fw={600}>Rule {i + 1}</Text>
                  {rule.id ? (
                    <Badge variant="light" color="gray" tt="none">
                      {rule.id}
                    </Badge>
                  ) : (
                    <Badge variant="light" color="yellow">
                      new
                    </Badge>
                  )}
                </Group>
                <Group gap={4} wrap="nowrap">
                  <Tooltip label="Move up">
                    <ActionIcon variant="subtle" aria-label={`Move ${name} up`} disabled={disabled || i === 0} onClick={() => onChange(move(rules, i, -1))}>
                      <IconUp />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Move down">
                    <ActionIcon
                      variant="subtle"
                      aria-label={`Move ${name} down`}
                      disabled={disabled || i === rules.length - 1}
                      onClick={() => onChange(move(rules, i, 1))}
                    >
                      <IconDown />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Delete rule">
                    <ActionIcon variant="subtle" color="red" aria-label={`Delete ${name}`} disabled={disabled} onClick={() => onChange(removeAt(rules, i))}>
                      <IconTrash />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              </Group>
              <TextInput
                label="Description"
                placeholder="Beta testers in Germany"
                value={rule.description ?? ''}
                disabled={disabled}
                error={errorAt(ruleErrors, '/description')}
                onChange={(e) => {
                  const description = e.currentTarget.value;
                  const next = { ...rule };
                  if (description) next.description = description;
                  else delete next.description;
                  onChange(replaceAt(rules, i, next));
                }}
              />
              <Text size="sm" fw={500}>
                If all of these hold
              </Text>
              {errorAt(ruleErrors, '/conditions') && (
                <Text size="sm" c="red">
                  {errorAt(ruleErrors, '/conditions')}
                </Text>
              )}
              <ConditionsEditor
                conditions={rule.conditions}
                segments={segments}
                owner={name}
                disabled={disabled}
                errors={errorsUnder(ruleErrors, '/conditions')}
                onChange={(conditions) => onChange(replaceAt(rules, i, { ...rule, conditions }))}
              />
              <ServeEditor
                label="Then serve"
                value={rule.serve}
                variants={variants}
                disabled={disabled}
                errors={errorsUnder(ruleErrors, '/serve')}
                onChange={(serve) => onChange(replaceAt(rules, i, { ...rule, serve }))}
              />
            </Stack>
          </Paper>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} disabled={disabled} onClick={() => onChange([...rules, newRule(defaultServe)])}>
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}
