import '@mantine/charts/styles.css';
import { AreaChart } from '@mantine/charts';
import { stepLabel, type UsageRow } from '../../lib/usage';
import { variantColor } from '../../lib/colors';

/**
 * Evaluations per variant over the period: one line per variant (not stacked, so each
 * reads against the axis), every step of the period on the time axis, the values of a
 * step on hover.
 */
export default function UsageChart({ rows, variants, allVariants, stepSeconds }: { rows: UsageRow[]; variants: string[]; allVariants: string[]; stepSeconds: number }) {
  const fmt = (at: string) => {
    const d = new Date(at);
    return stepSeconds >= 86_400 ? d.toLocaleDateString() : stepLabel(at);
  };
  const per = stepSeconds >= 3600 ? `${stepSeconds / 3600 === 1 ? '' : `${stepSeconds / 3600} `}hour` : `${stepSeconds / 60 === 1 ? '' : `${stepSeconds / 60} `}minute`;
  return (
    <AreaChart
      h={300}
      data={rows.map((r) => ({ ...r, label: fmt(r.at) }))}
      dataKey="label"
      type="default"
      fillOpacity={0.12}
      series={variants.map((v) => ({ name: v, color: `${variantColor(v, allVariants)}.6` }))}
      curveType="linear"
      withLegend
      withDots={false}
      withTooltip
      tooltipAnimationDuration={0}
      yAxisLabel={`Evaluations per ${per}`}
      xAxisProps={{ minTickGap: 24, interval: 'preserveStartEnd' }}
      valueFormatter={(v) => v.toLocaleString()}
      data-testid="usage-chart"
    />
  );
}
