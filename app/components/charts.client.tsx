import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import "@shopify/polaris-viz/build/esm/styles.css";

export interface Series {
  name: string;
  /** Null where the series has no value (a line breaks there). */
  data: { key: string; value: number | null }[];
}

export const SERIES_COLOURS = ["#2c6ecb", "#e56910", "#008060", "#6d3fc0"];

/**
 * Polaris Viz charts, drawn in the browser only (they measure the page). The legend is drawn
 * beside the chart rather than by Polaris Viz, whose legend is measured before layout and then
 * leaves the chart a negative height for a frame.
 */
export default function Chart({ kind, series, label }: { kind: "line" | "bar"; series: Series[]; label: string }) {
  const coloured = series.map((entry, index) => ({ ...entry, color: SERIES_COLOURS[index % SERIES_COLOURS.length] }));
  return (
    <PolarisVizProvider>
      <div style={{ height: 212 }} role="img" aria-label={label}>
        {/* Not animated: the spring animations kept the main thread busy after load, delaying the merchant's first clicks. */}
        {kind === "line" ? (
          <LineChart data={coloured} theme="Light" showLegend={false} isAnimated={false} />
        ) : (
          <BarChart data={coloured} theme="Light" showLegend={false} isAnimated={false} />
        )}
      </div>
      <ul
        aria-hidden="true"
        style={{ display: "flex", gap: 16, justifyContent: "center", listStyle: "none", margin: "8px 0 0", padding: 0, fontSize: 12 }}
      >
        {coloured.map((entry) => (
          <li key={entry.name} style={{ display: "flex", alignItems: "center", gap: 6 }}>
            <span style={{ width: 10, height: 10, borderRadius: 5, background: entry.color }} />
            {entry.name}
          </li>
        ))}
      </ul>
    </PolarisVizProvider>
  );
}
