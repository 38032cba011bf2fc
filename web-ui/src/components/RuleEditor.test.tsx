import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../api/types';
import { renderWithMantine } from '../test/render';
import { RulesEditor } from './RuleEditor';

let latest: Rule[] = [];

function Harness({ initial = [], errors }: { initial?: Rule[]; errors?: Record<string, string[]> }) {
  const [rules, setRules] = useState<Rule[]>(initial);
  latest = rules;
  return <RulesEditor rules={rules} variants={['on', 'off']} segments={['beta-testers', 'staff']} errors={errors} onChange={setRules} />;
}

const rule = (id: string, attribute: string): Rule => ({ id, conditions: [{ attribute, op: 'in', values: ['x'], negate: false }], serve: { variant: 'on' } });

async function pickOption(input: HTMLElement, name: RegExp | string) {
  await userEvent.click(input);
  await userEvent.click(await screen.findByRole('option', { name }));
}

describe('RulesEditor', () => {
  it('adds a rule with two conditions, typed operands and a serve', async () => {
    renderWithMantine(<Harness />);
    expect(screen.getByText(/No rules/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const r = screen.getByRole('group', { name: 'Rule 1' });
    const c1 = within(r).getByRole('group', { name: 'Condition 1 of rule 1' });
    await userEvent.type(within(c1).getByLabelText('Attribute'), 'country');
    await userEvent.type(within(c1).getByRole('combobox', { name: /Values/ }), 'DE{enter}FR{enter}');
    await userEvent.click(within(r).getByRole('button', { name: 'Add condition' }));
    const c2 = within(r).getByRole('group', { name: 'Condition 2 of rule 1' });
    await userEvent.type(within(c2).getByLabelText('Attribute'), 'age');
    await pickOption(within(c2).getByRole('combobox', { name: 'Operator' }), /≥ \(gte\)/);
    await userEvent.type(within(c2).getByLabelText('Value'), '18');
    await userEvent.click(within(c2).getByRole('checkbox', { name: /Negate/ }));
    await pickOption(within(r).getByRole('combobox', { name: 'Variant' }), 'off');
    expect(latest).toEqual([
      {
        conditions: [
          { attribute: 'country', op: 'in', values: ['DE', 'FR'], negate: false },
          { attribute: 'age', op: 'gte', values: [18], negate: true },
        ],
        serve: { variant: 'off' },
      },
    ]);
  });

  it('types in values as numbers or booleans on request', async () => {
    renderWithMantine(<Harness initial={[{ conditions: [{ attribute: 'tier', op: 'in', values: [], negate: false }], serve: { variant: 'on' } }]} />);
    const c = screen.getByRole('group', { name: 'Condition 1 of rule 1' });
    await userEvent.type(within(c).getByRole('combobox', { name: /Values/ }), '2{enter}3{enter}');
    expect(latest[0].conditions[0].values).toEqual(['2', '3']);
    await pickOption(within(c).getByRole('combobox', { name: 'Type' }), 'number');
    expect(latest[0].conditions[0].values).toEqual([2, 3]);
    await pickOption(within(c).getByRole('combobox', { name: 'Type' }), 'string');
    expect(latest[0].conditions[0].values).toEqual(['2', '3']);
  });

  it('shows an error for a non-number operand of a number operator', async () => {
    renderWithMantine(<Harness initial={[{ conditions: [{ attribute: 'age', op: 'lt', values: [], negate: false }], serve: { variant: 'on' } }]} />);
    await userEvent.type(screen.getByLabelText('Value'), 'old');
    expect(screen.getByText('"old" is not a number')).toBeInTheDocument();
  });

  it('offers a segment picker for in_segment, and no value for exists', async () => {
    renderWithMantine(<Harness initial={[rule('r1', 'country')]} />);
    const c = screen.getByRole('group', { name: 'Condition 1 of rule 1' });
    await pickOption(within(c).getByRole('combobox', { name: 'Operator' }), /is in segment/);
    expect(within(c).queryByLabelText('Attribute')).toBeNull();
    await userEvent.click(within(c).getByRole('combobox', { name: /Segments/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'beta-testers' }));
    expect(latest[0].conditions[0]).toEqual({ attribute: '', op: 'in_segment', values: ['beta-testers'], negate: false });
    await pickOption(within(c).getByRole('combobox', { name: 'Operator' }), /exists/);
    expect(within(c).getByText('(no value)')).toBeInTheDocument();
    expect(latest[0].conditions[0].values).toEqual([]);
  });

  it('reorders and deletes rules', async () => {
    renderWithMantine(<Harness initial={[rule('a', 'first'), rule('b', 'second'), rule('c', 'third')]} />);
    expect(screen.getByRole('button', { name: 'Move rule 1 up' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move rule 3 down' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Move rule 1 down' }));
    expect(latest.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    await userEvent.click(screen.getByRole('button', { name: 'Move rule 3 up' }));
    expect(latest.map((r) => r.id)).toEqual(['b', 'c', 'a']);
    await userEvent.click(screen.getByRole('button', { name: 'Delete rule 2' }));
    expect(latest.map((r) => r.id)).toEqual(['b', 'a']);
    // Keyboard: the move buttons are reachable and work with Enter.
    screen.getByRole('button', { name: 'Move rule 2 up' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(latest.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('shows the server errors next to the fields they point at', () => {
    renderWithMantine(
      <Harness
        initial={[rule('a', ''), rule('b', 'plan')]}
        errors={{ '/0/conditions/0/attribute': ['attribute must not be empty'], '/1/conditions/0/values/0': ['unknown segment "x"'] }}
      />,
    );
    const c1 = screen.getByRole('group', { name: 'Condition 1 of rule 1' });
    expect(within(c1).getByText('attribute must not be empty')).toBeInTheDocument();
    const c2 = screen.getByRole('group', { name: 'Condition 1 of rule 2' });
    expect(within(c2).getByText('unknown segment "x"')).toBeInTheDocument();
  });

  it('switches a rule to a rollout', async () => {
    renderWithMantine(<Harness initial={[rule('a', 'country')]} />);
    await userEvent.click(screen.getByText('A percentage rollout'));
    expect(latest[0].serve).toEqual({
      rollout: {
        weights: [
          { variant: 'on', weight: 100_000 },
          { variant: 'off', weight: 0 },
        ],
      },
    });
  });
});
