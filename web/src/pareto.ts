/**
 * The universal-encoder Pareto front (docs/pareto.json) as an interactive Vega-Lite plot: error
 * against rank per tile size, tooltips with how each point was found, zoom and pan, a legend that
 * picks a tile size. Vega is the largest part of the page, so it is loaded only when the plot is
 * drawn, after the rest of the page works.
 */
import pareto from '../../docs/pareto.json';

interface Point { t: number; r: number; error: number; exact?: string | null; family: string; label: string; field?: string; file?: string }

export async function drawPareto(target: HTMLElement): Promise<void> {
  const { default: embed } = await import('vega-embed');
  const values = (pareto as Point[]).map((p) => ({ t: `t = ${p.t}`, r: p.r, error: p.error, exact: p.exact ?? 'float', family: p.family, label: p.label, file: p.file ?? '' }));
  await embed(target, {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 300,
    data: { values },
    params: [
      { name: 'pick', select: { type: 'point', fields: ['t'] }, bind: 'legend' },
      { name: 'zoom', select: 'interval', bind: 'scales' },
    ],
    mark: { type: 'line', point: true, interpolate: 'step-after' },
    encoding: {
      x: { field: 'r', type: 'quantitative', title: 'rank r (products per tile), log scale', scale: { type: 'log' } },
      y: { field: 'error', type: 'quantitative', title: 'isotropic error ‖T − T̂‖²/‖T‖²' },
      color: { field: 't', type: 'nominal', title: 'tile' },
      opacity: { condition: { param: 'pick', value: 1 }, value: 0.15 },
      tooltip: [
        { field: 't' }, { field: 'r' }, { field: 'error', format: '.4g' }, { field: 'exact', title: 'exact value' },
        { field: 'family', title: 'start family' }, { field: 'label', title: 'start' }, { field: 'file' },
      ],
    },
  }, { actions: false, renderer: 'svg' });
}
