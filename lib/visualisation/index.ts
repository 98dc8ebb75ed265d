/**
 * Display helpers for notebooks (tslab) with terminal/file fallbacks: Plotly figures, image grids,
 * animated GIFs, DataFrame tables, live progress, and the MIME-bundle bridge they share.
 * Lower-level pieces (PNG chunks, HTML escaping, the plotly.js loader) stay in their own modules.
 */
export type { AnimatedGifOptions, AnimatedGridGifOptions, GifFrameSource } from './gif';
export {
  animatedGridGif,
  encodeAnimatedGif,
  saveAnimatedGif,
  showAnimatedGif,
  toGifFrame,
} from './gif';
export type {
  ImageBatch,
  ImageGridLayout,
  ImageGridOptions,
  ImageGridPanel,
  ImageGridPanelsOptions,
  PixelBatch,
  PixelValueRange,
  ShowImageGridOptions,
} from './image-grid';
export {
  imageGridLayout,
  imageGridPanelsHtml,
  imageGridPng,
  renderImageGrid,
  saveImageGrid,
  showImageGrid,
  showImageGridPanels,
} from './image-grid';
export type {
  DisplayDataMessage,
  DisplayWriter,
  MimeBundle,
  OutputFileOptions,
  PublishDisplayOptions,
  UpdatableDisplay,
} from './notebook-display';
export {
  createUpdatableDisplay,
  isInsideNotebook,
  pendingDisplayCount,
  publishDisplay,
  setDisplayWriter,
  writeOutputFile,
} from './notebook-display';
export type {
  ConfusionMatrixFigureOptions,
  ContourLinesOptions,
  PlaneFigureOptions,
  PlaneGrid,
  PlaneGridOptions,
  PointTracesOptions,
} from './plane-figures';
export {
  boundsOf,
  CLASS_COLOURS,
  classColour,
  classRegionsTrace,
  confusionMatrixFigure,
  contourLinesTrace,
  gridRows,
  planeFigure,
  planeGrid,
  pointTraces,
  withAlpha,
} from './plane-figures';
export type {
  FigureHtmlOptions,
  LoadPlotlyOptions,
  PlotDisplay,
  PlotlyAxis,
  PlotlyConfig,
  PlotlyFigure,
  PlotlyLayout,
  PlotlyTrace,
  ShowPlotOptions,
  StandaloneHtmlOptions,
} from './plotly';
export {
  figureBundle,
  loadPlotly,
  PLOTLY_MIME_TYPE,
  savePlotHtml,
  showLivePlot,
  showPlot,
  standaloneFigureHtml,
  updatePlot,
} from './plotly';
export type {
  FigureLayoutOptions,
  HistogramFigureOptions,
  LineFigureOptions,
  ScatterFigureOptions,
  ScatterPoints,
} from './plotly-figures';
export { histogramFigure, lineFigure, scatterFigure } from './plotly-figures';
export type { PngChannels, RawImage } from './png';
export { decodePng, encodePng } from './png';
export type { Progress, ProgressMetrics, ProgressMode, ProgressOptions, ProgressSnapshot } from './progress';
export { createProgress, formatDuration } from './progress';
export type { TableOptions } from './table';
export { showTable, tableBundle, tableHtml, tableText } from './table';
