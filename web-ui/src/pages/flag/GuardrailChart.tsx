import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatEstimate, type GuardrailPoint, type Measure } from '../../lib/releasePlan';

/** Rows for the chart: per look, each arm's estimate and its interval as [lower, upper]. */
export function guardrailRows(points: GuardrailPoint[]) {
  return points.map((p) => ({
    label: new Date(p.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    control: p.control.n > 0 ? p.control.estimate : null,
    treatment: p.treatment.n > 0 ? p.treatment.estimate : null,
    // An unbounded side (no data yet) is drawn at the estimate, so the band shows only
    // what is known.
    controlBand: p.control.n > 0 ? [p.control.lower ?? p.control.estimate, p.control.upper ?? p.control.estimate] : null,
    treatmentBand: p.treatment.n > 0 ? [p.treatment.lower ?? p.treatment.estimate, p.treatment.upper ?? p.treatment.estimate] : null,
  }));
}

/**
 * One guardrail over time: each arm's estimate (a line) inside its always-valid interval
 * (a band), a point per look. The control is grey, the treatment blue.
 */
export default function GuardrailChart({ event, measure, points }: { event: string; measure: Measure; points: GuardrailPoint[] }) {
  const rows = guardrailRows(points);
  const fmt = (v: unknown) => (typeof v === 'number' ? formatEstimate(measure, v) : Array.isArray(v) ? v.map((x) => formatEstimate(measure, x as number)).join(' – ') : String(v));
  return (
    <div style={{ width: '100%', height: 220 }} data-testid={`guardrail-chart-${event}`}>
      <ResponsiveContainer>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-gray-3)" />
          <XAxis dataKey="label" minTickGap={24} fontSize={11} />
          <YAxis fontSize={11} width={64} tickFormatter={(v: number) => formatEstimate(measure, v)} />
          <Tooltip formatter={fmt} isAnimationActive={false} />
          <Legend />
          <Area type="linear" dataKey="controlBand" name="control interval" stroke="none" fill="var(--mantine-color-gray-5)" fillOpacity={0.25} isAnimationActive={false} connectNulls />
          <Area type="linear" dataKey="treatmentBand" name="treatment interval" stroke="none" fill="var(--mantine-color-blue-5)" fillOpacity={0.25} isAnimationActive={false} connectNulls />
          <Line type="linear" dataKey="control" name="control" stroke="var(--mantine-color-gray-7)" dot isAnimationActive={false} connectNulls />
          <Line type="linear" dataKey="treatment" name="treatment" stroke="var(--mantine-color-blue-7)" dot isAnimationActive={false} connectNulls />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
