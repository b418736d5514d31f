/**
 * The verification worker: exact verification and the symmetry search can take seconds on large
 * schemes, so they run here and the page stays responsive, showing each step as it ends.
 */
import { SOURCE_NAMES } from '../../src/formats/sources.ts';
import { builtinNames } from '../../src/library/builtin.ts';
import { analyse } from './analyse.ts';
import type { AnalyseRequest, WorkerReply } from './messages.ts';

const post = (reply: WorkerReply) => self.postMessage(reply);
self.onmessage = (e: MessageEvent<AnalyseRequest>) => analyse(e.data, post);
post({ id: 0, kind: 'ready', sources: SOURCE_NAMES(), examples: builtinNames() });
