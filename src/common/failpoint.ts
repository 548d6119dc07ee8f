// Failpoints for crash and fault tests (the idea of FreeBSD's fail(9) and etcd's gofail): named
// places in start-up and ingestion where a test can make the process die with SIGKILL, throw, or
// stop for a while, so that "killed at any step" is tested at each step and not by timing luck.
// Inert unless FAILPOINTS is set, e.g. FAILPOINTS="observations:before-commit=kill".
//   kill        SIGKILL this process (no cleanup, like a power cut or an OOM kill)
//   error       throw a FailpointError every time the place is reached
//   error-once  throw the first time only (a transient fault, for retry tests)
//   pause       wait there for FAILPOINT_PAUSE_MS (default 10 minutes), so another process can act
//   pause-once  pause the first time only

export type FailpointAction = 'kill' | 'error' | 'error-once' | 'pause' | 'pause-once';

export const FAILPOINT_NAMES = [
  'pglite:cluster-created',
  'migrations:before-commit',
  'startup:reference-loaded',
  'startup:sample-towers',
  'startup:archive',
  'startup:shipped-wfp',
  'startup:shipped-wdi',
  'ingestion:run-started',
  'observations:staged',
  'observations:before-commit',
  'towers:before-commit',
] as const;
export type FailpointName = (typeof FAILPOINT_NAMES)[number];

export class FailpointError extends Error {
  constructor(readonly failpoint: string) {
    super(`failpoint ${failpoint} injected an error`);
    this.name = 'FailpointError';
  }
}

const ACTIONS: FailpointAction[] = ['kill', 'error', 'error-once', 'pause', 'pause-once'];

export function parseFailpoints(spec: string | undefined): Map<string, FailpointAction> {
  const out = new Map<string, FailpointAction>();
  for (const part of (spec ?? '').split(',')) {
    const [name, action] = part.split('=').map((s) => s.trim());
    if (!name) continue;
    if (!(FAILPOINT_NAMES as readonly string[]).includes(name))
      throw new Error(
        `FAILPOINTS: unknown failpoint "${name}" (known: ${FAILPOINT_NAMES.join(', ')})`,
      );
    const a = (action || 'kill') as FailpointAction;
    if (!ACTIONS.includes(a))
      throw new Error(`FAILPOINTS: unknown action "${action}" for ${name} (${ACTIONS.join(', ')})`);
    out.set(name, a);
  }
  return out;
}

const active = parseFailpoints(process.env.FAILPOINTS);
const fired = new Set<string>();

// Reached at a named place: does nothing unless a test armed it.
export async function failpoint(name: FailpointName): Promise<void> {
  const action = active.get(name);
  if (!action) return;
  process.stderr.write(`failpoint ${name}: ${action}\n`);
  switch (action) {
    case 'kill':
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined); // SIGKILL is delivered at once; nothing after runs
      return;
    case 'error':
      throw new FailpointError(name);
    case 'error-once':
      if (fired.has(name)) return;
      fired.add(name);
      throw new FailpointError(name);
    case 'pause-once':
      if (fired.has(name)) return;
      fired.add(name);
      await new Promise((r) => setTimeout(r, Number(process.env.FAILPOINT_PAUSE_MS ?? 600_000)));
      return;
    case 'pause':
      await new Promise((r) => setTimeout(r, Number(process.env.FAILPOINT_PAUSE_MS ?? 600_000)));
      return;
  }
}
