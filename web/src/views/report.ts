import type { Schemas } from '../api';
import { toCsv } from '../charts';

// View 6: the report's sentences and caveats, and the sources: last success, last failure and
// why, and a badge when a source has not succeeded for longer than twice its schedule.

const li = (text: string) => {
  const e = document.createElement('li');
  e.textContent = text;
  return e;
};

export function clearReport(): void {
  for (const id of ['summary', 'caveats', 'report-settings'])
    document.getElementById(id)!.replaceChildren();
}

export function drawReport(report: Schemas['ConvergenceReportDto']): void {
  document.getElementById('summary')!.replaceChildren(...report.summary.map(li));
  document.getElementById('caveats')!.replaceChildren(...report.caveats.map(li));
  document.getElementById('report-settings')!.textContent = report.settings;
}

const when = (iso: string | null | undefined) =>
  iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '–';

export function drawSources(sources: Schemas['SourceDto'][]): void {
  const body = document.querySelector('#sources tbody')!;
  body.replaceChildren(
    ...sources.map((s) => {
      const tr = document.createElement('tr');
      tr.dataset.source = s.id;
      const failed = s.lastRun?.status === 'failed' ? s.lastRun : null;
      const cells = [
        s.name,
        s.status,
        String(s.observations),
        when(s.lastSuccessAt),
        failed
          ? `${when(failed.finishedAt)}: ${failed.errorKind ?? ''} ${failed.errorMessage ?? ''}`
          : '–',
        s.schedule ?? 'file import',
      ];
      for (const c of cells) tr.insertCell().textContent = c;
      if (s.stale) {
        const badge = document.createElement('span');
        badge.className = 'badge stale';
        badge.textContent = 'stale';
        badge.title = 'no success for longer than twice its schedule';
        tr.cells[1].append(' ', badge);
      }
      if (s.warning) tr.cells[1].title = s.warning;
      return tr;
    }),
  );
}

export function sourcesCsv(sources: Schemas['SourceDto'][]): string {
  return toCsv(
    {
      columns: [
        'id',
        'name',
        'status',
        'stale',
        'observations',
        'lastSuccessAt',
        'schedule',
        'credit',
      ],
      rows: sources.map((s) => [
        s.id,
        s.name,
        s.status,
        String(s.stale),
        s.observations,
        s.lastSuccessAt,
        s.schedule,
        s.credit,
      ]),
    },
    '',
  );
}
