import type { RunView } from '../../ingestion/run-ledger.service';

// One line per run, as the scrapers' cron output and the import commands print it.
export const runSummary = (r: RunView) =>
  `${r.source}: ${r.status} (run ${r.id}, ${r.mode}, ${r.trigger}): inserted ${r.rowsInserted}, updated ${r.rowsUpdated}, unchanged ${r.rowsUnchanged}, rejected ${r.rowsRejected}` +
  (r.errorKind ? ` [${r.errorKind}: ${r.errorMessage}]` : '');
