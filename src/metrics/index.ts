export { MetricRecorder, type MetricHandle, type MetricRecorderOptions } from "./recorder.js";
export { MetricReader, type PeriodStatistics, type StatisticsQuery } from "./reader.js";
export { LambdaMetrics, lambdaDimensionSets } from "./lambda-metrics.js";
export {
  GatewayMetrics,
  STAGE_SPLIT_NAMESPACE,
  stageSplitDimensions,
  type GatewayRequestOutcome,
} from "./gateway-metrics.js";
export { ResilienceMetrics, type ResilienceOutcome } from "./resilience-metrics.js";
export { LIST_METRICS_WINDOW_MS, RETENTION_MS, alignedStart } from "./retention.js";
export { PrometheusExporter, type NodeGauges } from "./prometheus.js";
export { AlarmService, type AlarmServiceOptions, type AlarmStateChange } from "./alarm-service.js";
export { EmfMetrics } from "./emf-metrics.js";
export { EventsMetrics, type RuleMetric } from "./events-metrics.js";
