import '@mantine/charts/styles.css';
import { AreaChart } from '@mantine/charts';
import type { UsageRow } from '../../lib/usage';
import { variantColor } from '../../lib/colors';

export default function UsageChart({ rows, variants, allVariants, stepSeconds }: { rows: UsageRow[]; variants: string[]; allVariants: string[]; stepSeconds: number }) {
  const fmt = (at: string) => {
    const d = new Date(at);
    return stepSeconds >= 86_400 ? d.toLocaleDateString() : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  };
  return (
    <AreaChart
      h={300}
      data={rows.map((r) => ({ ...r, label: fmt(r.at) }))}
      dataKey="label"
      type="stacked"
      series={variants.map((v) => ({ name: v, color: `${variantColor(v, allVariants)}.6` }))}
      curveType="monotone"
      withLegend
      withDots={false}
      yAxisLabel="Evaluations"
      valueFormatter={(v) => v.toLocaleString()}
    />
  );
}
