import { AnalysisTask, runAnalysisTask } from './analysis-tasks';

// Runs in an analysis worker thread (piscina): one estimator's number crunching on plain data.
export default function run(task: AnalysisTask): unknown {
  return runAnalysisTask(task);
}
