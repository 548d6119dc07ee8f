import { AreaFeature, coveredShareSteps, ShareStep } from './area-coverage';
import { RadiusPolicy, TowerPoint } from './tower-coverage';

export interface ShareTask {
  target: AreaFeature;
  towers: TowerPoint[];
  policy: RadiusPolicy;
}

// Runs in a worker thread (piscina): polygon unions take seconds for large areas, and must not
// hold up the event loop that answers every other request.
export default function shareSteps(task: ShareTask): ShareStep[] {
  return coveredShareSteps(task.target, task.towers, task.policy);
}
