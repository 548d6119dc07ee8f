import {
  ChowDto,
  ChowInsufficientDto,
  GrangerPairDto,
  HalfLifeDto,
  InsufficientDto,
  NotIdentifiedDto,
  PairHalfLifeDto,
  PairInsufficientDto,
  PairRegressionResultDto,
  PlaceboDifferenceDto,
  TrendBreakDto,
} from './analysis.responses';
import {
  EventStudyDto,
  NotIdentifiedEstimateDto,
  PairLevelEstimateDto,
  StaticTwfeDto,
  TwfeEstimateDto,
  UntestableDto,
  WaldTestDto,
} from './cross-country.responses';
import { RunDto } from './reference.responses';
import { ProblemDto } from './problem.responses';
import { ObservationsPageDto } from './observations.responses';

// Response classes named only by reference (inside oneOf or a map's values): the OpenAPI document
// must list them as components for those references to resolve.
export const REFERENCED_RESPONSE_MODELS = [
  ChowDto,
  ChowInsufficientDto,
  GrangerPairDto,
  HalfLifeDto,
  InsufficientDto,
  NotIdentifiedDto,
  PairHalfLifeDto,
  PairInsufficientDto,
  PairRegressionResultDto,
  PlaceboDifferenceDto,
  TrendBreakDto,
  RunDto,
  ObservationsPageDto,
  ProblemDto,
  TwfeEstimateDto,
  NotIdentifiedEstimateDto,
  EventStudyDto,
  PairLevelEstimateDto,
  StaticTwfeDto,
  WaldTestDto,
  UntestableDto,
];
