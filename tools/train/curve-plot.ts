import { PNG } from 'pngjs';

/** Points of the ROC curve (false positive rate, true positive rate), one per distinct score, from (0,0) to (1,1). */
export function rocPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): Array<[number, number]> {
  const { order, positives, negatives } = ranked(scores, labels);
  const points: Array<[number, number]> = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i]] === 1) tp++;
    else fp++;
    if (i === order.length - 1 || scores[order[i + 1]] !== scores[order[i]]) points.push([fp / negatives, tp / positives]);
  }
  return points;
}

/** Points of the precision-recall curve (recall, precision), one per distinct score. */
export function precisionRecallPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): Array<[number, number]> {
  const { order, positives } = ranked(scores, labels);
  const points: Array<[number, number]> = [];
  let tp = 0;
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i]] === 1) tp++;
    if (i === order.length - 1 || scores[order[i + 1]] !== scores[order[i]]) points.push([tp / positives, tp / (i + 1)]);
  }
  return points;
}

function ranked(scores: ArrayLike<number>, labels: ArrayLike<number>) {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = Array.from(labels).filter((l) => l === 1).length;
  return { order, positives, negatives: scores.length - positives };
}

const SIZE = 480;
const MARGIN = 40;
const GRID: Rgb = [225, 225, 225];
const AXIS: Rgb = [60, 60, 60];
const CHANCE: Rgb = [170, 170, 170];
type Rgb = [number, number, number];

/**
 * A unit-square plot as PNG: axes from 0 to 1 with a grid every 0.1, each curve a coloured polyline,
 * and optionally the diagonal (a ROC curve's chance line). Axis names go in the report beside it.
 */
export function plotCurves(curves: Array<{ points: Array<[number, number]>; colour: Rgb }>, diagonal: boolean): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE });
  png.data.fill(255);
  const plot = SIZE - 2 * MARGIN;
  const at = (x: number, y: number): [number, number] => [MARGIN + x * plot, SIZE - MARGIN - y * plot];
  const set = (x: number, y: number, [r, g, b]: Rgb) => {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= SIZE || py >= SIZE) return;
    const i = (py * SIZE + px) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  };
  const line = (from: [number, number], to: [number, number], colour: Rgb, width = 1) => {
    const [x0, y0] = at(...from);
    const [x1, y1] = at(...to);
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let d = -(width >> 1); d <= width >> 1; d++) {
        set(x + d, y, colour);
        set(x, y + d, colour);
      }
    }
  };
  for (let k = 1; k < 10; k++) {
    line([k / 10, 0], [k / 10, 1], GRID);
    line([0, k / 10], [1, k / 10], GRID);
  }
  line([0, 0], [1, 0], AXIS);
  line([0, 0], [0, 1], AXIS);
  line([1, 0], [1, 1], GRID);
  line([0, 1], [1, 1], GRID);
  if (diagonal) line([0, 0], [1, 1], CHANCE);
  for (const { points, colour } of curves) {
    for (let i = 1; i < points.length; i++) line(points[i - 1], points[i], colour, 3);
  }
  return PNG.sync.write(png);
}

export const CURVE_COLOURS: Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
];
