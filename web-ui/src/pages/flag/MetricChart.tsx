import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { variantColor } from '../../lib/colors';
import { type MetricLine, stepLabel } from '../../lib/usage';

/**
 * A metric event per variant over the period: one line per variant, a point per step
 * that had events — the step's mean, or for a count event its events per exposure — and
 * the step's value and event count on hover.
 */
export default function MetricChart({ lines, allVariants, rate }: { lines: MetricLine[]; allVariants: string[]; rate: boolean }) {
  const steps = [...new Set(lines.flatMap((v) => v.points.map((p) => p.at)))].sort();
  const data = steps.map((at) => {
    const row: Record<string, string | number | null> = { label: stepLabel(at) };
    for (const v of lines) {
      const p = v.points.find((x) => x.at === at);
      row[v.variant] = p ? p.value : null;
    }
    return row;
  });
  return (
    <LineChart
      h={240}
      data={data}
      dataKey="label"
      series={lines.map((v) => ({ name: v.variant, color: `${variantColor(v.variant, allVariants)}.6` }))}
      curveType="linear"
      connectNulls
      withLegend
      withTooltip
      tooltipAnimationDuration={0}
      yAxisLabel={rate ? 'Events per exposure (%)' : 'Mean value'}
      xAxisProps={{ minTickGap: 24, interval: 'preserveStartEnd' }}
      valueFormatter={(v) => (rate ? `${(v * 100).toLocaleString(undefined, { maximumFractionDigits: 3 })} %` : v.toLocaleString(undefined, { maximumFractionDigits: 3 }))}
      data-testid="metric-chart"
      data-measure={rate ? 'rate' : 'mean'}
    />
  );
}
