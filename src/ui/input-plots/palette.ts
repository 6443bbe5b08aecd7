/** Series colours, readable on the light and the dark surface alike (the Okabe–Ito palette). */
export const SERIES_COLOURS: readonly string[] = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#8c8c00',
  '#999999',
];

export const colourOf = (index: number): string => SERIES_COLOURS[index % SERIES_COLOURS.length]!;

/** The page's colours for canvas drawing (custom properties set on :root by page.css). */
export interface CanvasColours {
  text: string;
  muted: string;
  border: string;
  accent: string;
}

export function canvasColours(element: Element): CanvasColours {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--ferry-text', '#17202b'),
    muted: read('--ferry-muted', '#5b6675'),
    border: read('--ferry-border', '#d7dde5'),
    accent: read('--ferry-accent', '#1f5fbf'),
  };
}

/** Sizes a canvas's backing store to its CSS box at the screen's pixel ratio; returns its 2D context. */
export function fitCanvas(canvas: HTMLCanvasElement, cssHeight: number): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(cssHeight * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  context?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}
