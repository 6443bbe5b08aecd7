export { AxisRing } from './axis-ring.ts';
export { ButtonEdges } from './button-edges.ts';
export { AXIS_ROWS, BUTTON_EDGES, InputHistory } from './input-history.ts';
export { LATENCY_BIN_EDGES_MS, LATENCY_BIN_LABELS, LatencyHistogram } from './latency-histogram.ts';
export { MAX_AXES, MAX_BUTTONS, type PlotChannel, type PlotChannels, plotChannels } from './plot-channels.ts';
