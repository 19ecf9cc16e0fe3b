import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import "@shopify/polaris-viz/build/esm/styles.css";

export interface Series {
  name: string;
  data: { key: string; value: number }[];
}

/** Polaris Viz charts, drawn in the browser only (they measure the page). */
export default function Chart({ kind, series, label }: { kind: "line" | "bar"; series: Series[]; label: string }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 240 }} role="img" aria-label={label}>
        {kind === "line" ? <LineChart data={series} theme="Light" /> : <BarChart data={series} theme="Light" />}
      </div>
    </PolarisVizProvider>
  );
}
