import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Explanation, FlagConfig } from '../api/types';
import { renderWithMantine } from '../test/render';
import { ExplanationView } from './ExplanationView';

describe('ExplanationView', () => {
  it('sums a variant named in several ranges and names the range the bucket fell in', () => {
    const config: FlagConfig = {
      enabled: true,
      off_variant: 'off',
      targets: [],
      rules: [],
      prerequisites: [],
      default: {
        rollout: {
          weights: [
            { variant: 'on', weight: 20_000 },
            { variant: 'off', weight: 65_000 },
            { variant: 'on', weight: 15_000 },
          ],
        },
      },
    };
    const x: Explanation = {
      flag: 'f',
      result: { value: true, variant: 'on', reason: 'SPLIT' },
      enabled: true,
      prerequisites: [],
      target_matched: false,
      rules: [],
      bucket: { bucket_by: 'key', hashed_value: 'user-1', fell_back_to_key: false, bucket: 91_234 },
    };
    renderWithMantine(<ExplanationView x={x} config={config} />);
    expect(screen.getByTestId('bucket-split')).toHaveTextContent("Split: on 35 %, off 65 %. The bucket is in on's range 85 % to 100 %.");
  });
});
