/**
 * The workbench page: takes a scheme (dropped, chosen, pasted or a built-in example), hands it to
 * the verification worker, shows each result as it arrives, runs the operator on the GPU on
 * request, and draws the Pareto front. Nothing a file contains can stop the page: every failure
 * ends as one line in the error bar, as the command line would print it.
 */
import 'katex/dist/katex.min.css';
import type { CodegenOperator } from '../../src/codegen/operator.ts';
import type { Backend } from './gpu.ts';
import type { AnalyseRequest, DroppedFile, WorkerReply } from './messages.ts';
import { drawPareto } from './pareto.ts';
import { el, renderScheme, renderStl, renderSymmetry, renderVerify } from './render.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const results = $('results'), errorBar = $('error'), progress = $<HTMLProgressElement>('progress'), step = $('step');
const fromSelect = $<HTMLSelectElement>('from'), exampleSelect = $<HTMLSelectElement>('example'), memberSelect = $<HTMLSelectElement>('member');
const gpuButton = $<HTMLButtonElement>('run-gpu'), gpuResult = $('gpu-result');

/** The page's state for tests and styles: idle, working, done (a scheme shown) or error. */
const setState = (s: 'idle' | 'working' | 'done' | 'error') => { document.body.dataset.state = s; };

function showError(message: string): void {
  errorBar.textContent = `error: ${message}`;
  errorBar.hidden = false;
  setState('error');
}

let worker = startWorker();
let busy = false;
let current = 0;
let last: Omit<AnalyseRequest, 'id'> | null = null;
let operator: CodegenOperator | null = null;

function startWorker(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    try {
      onReply(e.data);
    } catch (err) {
      showError(`the page could not show the result: ${(err as Error).message}`);
    }
  };
  // A worker that died (out of memory on a huge file) is replaced; the page goes on.
  w.onerror = (e) => {
    e.preventDefault();
    busy = false;
    showError(`the verification worker stopped: ${e.message || 'unknown reason'}`);
    worker.terminate();
    worker = startWorker();
  };
  return w;
}

function analyse(req: Omit<AnalyseRequest, 'id'>): void {
  // A worker still busy with the last file (a long symmetry search) is stopped, not waited for.
  if (busy) {
    worker.terminate();
    worker = startWorker();
  }
  busy = true;
  last = req;
  current++;
  document.body.dataset.run = String(current);
  operator = null;
  gpuButton.disabled = true;
  gpuResult.replaceChildren();
  results.replaceChildren();
  errorBar.hidden = true;
  setState('working');
  const transfer = req.files.map((f) => f.bytes.slice(0));
  worker.postMessage({ ...req, files: req.files.map((f, i) => ({ name: f.name, bytes: transfer[i] })), id: current }, transfer);
}

function onReply(r: WorkerReply): void {
  if (r.kind === 'ready') {
    if (document.body.dataset.worker === 'ready') return;
    fromSelect.append(...r.sources.map((s) => el('option', { value: s }, s)));
    exampleSelect.append(...r.examples.map((s) => el('option', { value: s }, s)));
    document.body.dataset.worker = 'ready';
    return;
  }
  if (r.id !== current) return;
  switch (r.kind) {
    case 'progress':
      progress.max = r.total;
      progress.value = r.done;
      step.textContent = r.done < r.total ? `${r.step}…` : '';
      return;
    case 'loaded':
      memberSelect.replaceChildren(...r.scheme.members.map((m) => el('option', { value: m }, m)));
      memberSelect.value = r.scheme.member;
      memberSelect.hidden = r.scheme.members.length < 2;
      results.append(renderScheme(r.scheme));
      return;
    case 'verified':
      results.append(renderVerify(r.verify));
      return;
    case 'symmetry':
      results.append(renderSymmetry(r.symmetry));
      return;
    case 'stl':
      if (r.stl) results.append(renderStl(r.stl));
      operator = r.stl && !('error' in r.stl) ? r.stl.operator : null;
      gpuButton.disabled = !operator;
      gpuResult.textContent = operator ? '' : 'The GPU run needs a <t,t,t> scheme over Z, Q, C or R.';
      return;
    case 'done':
      busy = false;
      step.textContent = `done in ${r.ms.toFixed(0)} ms`;
      setState('done');
      return;
    case 'error':
      busy = false;
      progress.value = 0;
      step.textContent = '';
      showError(r.message);
  }
}

async function filesOf(list: FileList | null): Promise<DroppedFile[]> {
  return Promise.all([...(list ?? [])].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
}

const fromValue = () => fromSelect.value || undefined;
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const files = await filesOf(e.dataTransfer?.files ?? null);
  if (files.length) analyse({ files, from: fromValue() });
});
$<HTMLInputElement>('file').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const files = await filesOf(input.files);
  // Cleared, so choosing the same file again (edited since) reads it again.
  input.value = '';
  if (files.length) analyse({ files, from: fromValue() });
});
$('paste-go').addEventListener('click', () => {
  const text = $<HTMLTextAreaElement>('paste').value;
  analyse({ files: [], pasted: { text, name: $<HTMLInputElement>('paste-name').value.trim() || 'pasted' }, from: fromValue() });
});
exampleSelect.addEventListener('change', () => { if (exampleSelect.value) analyse({ files: [], example: exampleSelect.value }); });
memberSelect.addEventListener('change', () => { if (last) analyse({ ...last, member: memberSelect.value }); });

gpuButton.addEventListener('click', async () => {
  if (!operator) return;
  const op = operator;
  const choice = $<HTMLSelectElement>('backend').value;
  const n = Math.max(1, Math.min(1024, Number($<HTMLInputElement>('size').value) || 256));
  gpuButton.disabled = true;
  gpuResult.textContent = 'running…';
  gpuResult.removeAttribute('data-backend');
  try {
    // gpu.js is a large part of the page: it is loaded on the first run only.
    const { bestBackend, runOnGpu, TOLERANCE } = await import('./gpu.ts');
    const backend = choice === 'auto' ? await bestBackend() : (choice as Backend);
    const run = await runOnGpu(op, backend, [n, n, n]);
    gpuResult.dataset.backend = run.used;
    gpuResult.dataset.pass = String(run.pass);
    gpuResult.dataset.relError = String(run.relError);
    gpuResult.textContent =
      `backend ${run.used} (asked for ${run.requested}); ${n}×${n} times ${n}×${n}: ` +
      `first call ${run.firstMs.toFixed(1)} ms (compiles the kernels), second ${run.secondMs.toFixed(1)} ms, float64 operator in JavaScript ${run.float64Ms.toFixed(1)} ms; ` +
      `relative error against float64 ${run.relError.toExponential(2)} ${run.pass ? '≤' : '>'} ${TOLERANCE} (float32 kernels): ${run.pass ? 'match' : 'MISMATCH'}`;
  } catch (err) {
    gpuResult.dataset.backend = 'none';
    gpuResult.textContent = `the GPU run failed: ${(err as Error).message}`;
  } finally {
    gpuButton.disabled = !operator;
  }
});

window.addEventListener('error', (e) => showError(e.message));
window.addEventListener('unhandledrejection', (e) => showError(String((e.reason as Error)?.message ?? e.reason)));
setState('idle');
drawPareto($('pareto')).then(
  () => { $('pareto').dataset.drawn = 'true'; },
  (err: Error) => { $('pareto').textContent = `The plot could not be drawn: ${err.message}`; },
);
