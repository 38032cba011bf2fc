import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import type { VariantMetric } from '../../api/types';
import { variantColor } from '../../lib/colors';

/**
 * The mean value of a metric event per variant over the period: one line per variant,
 * a point per step that had events, the mean and count of a step on hover.
 */
export default function MetricChart({ variants, allVariants }: { variants: VariantMetric[]; allVariants: string[] }) {
  const steps = [...new Set(variants.flatMap((v) => v.points.map((p) => p.at)))].sort();
  const data = steps.map((at) => {
    const row: Record<string, string | number | null> = { label: new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) };
    for (const v of variants) {
      const p = v.points.find((x) => x.at === at);
      row[v.variant] = p ? p.mean : null;
    }
    return row;
  });
  return (
    <LineChart
      h={240}
      data={data}
      dataKey="label"
      series={variants.map((v) => ({ name: v.variant, color: `${variantColor(v.variant, allVariants)}.6` }))}
      curveType="linear"
      connectNulls
      withLegend
      withTooltip
      tooltipAnimationDuration={0}
      yAxisLabel="Mean value"
      xAxisProps={{ minTickGap: 24, interval: 'preserveStartEnd' }}
      valueFormatter={(v) => v.toLocaleString(undefined, { maximumFractionDigits: 3 })}
      data-testid="metric-chart"
    />
  );
}
