/** The room plots' series colours (the browser test reads the plotted pixels by these). */
export const PLOT_COLOURS = {
  measured: '#5aa9ff',
  target: '#e6e8eb',
  predicted: '#5fd38d',
  tolerance: '#6b7c99',
  before: '#ff9f5a',
  after: '#5fd38d',
} as const;
