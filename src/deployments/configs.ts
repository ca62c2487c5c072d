/**
 * Deployment configs for Lambda: CodeDeploy's predefined `CodeDeployDefault.Lambda*` ones and the
 * traffic schedule any config gives (which share of traffic the new version has, and when).
 */
import type { TrafficRouting } from "../ports/deployment-store.js";

const canary = (intervalMinutes: number): TrafficRouting => ({
  type: "TimeBasedCanary",
  percentage: 10,
  intervalMinutes,
});
const linear = (intervalMinutes: number): TrafficRouting => ({
  type: "TimeBasedLinear",
  percentage: 10,
  intervalMinutes,
});

/** The predefined Lambda configs, by name, as CodeDeploy lists them. */
export const PREDEFINED_CONFIGS: ReadonlyMap<string, TrafficRouting> = new Map([
  ["CodeDeployDefault.LambdaAllAtOnce", { type: "AllAtOnce" }],
  ["CodeDeployDefault.LambdaCanary10Percent5Minutes", canary(5)],
  ["CodeDeployDefault.LambdaCanary10Percent10Minutes", canary(10)],
  ["CodeDeployDefault.LambdaCanary10Percent15Minutes", canary(15)],
  ["CodeDeployDefault.LambdaCanary10Percent30Minutes", canary(30)],
  ["CodeDeployDefault.LambdaLinear10PercentEvery1Minute", linear(1)],
  ["CodeDeployDefault.LambdaLinear10PercentEvery2Minutes", linear(2)],
  ["CodeDeployDefault.LambdaLinear10PercentEvery3Minutes", linear(3)],
  ["CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", linear(10)],
] as const);

/** The predefined configs of the other compute platforms, which a Lambda group cannot use. */
export const OTHER_PLATFORM_CONFIGS: readonly string[] = [
  "CodeDeployDefault.OneAtATime",
  "CodeDeployDefault.HalfAtATime",
  "CodeDeployDefault.AllAtOnce",
  "CodeDeployDefault.ECSAllAtOnce",
];

/** The default config of a Lambda deployment group. */
export const DEFAULT_LAMBDA_CONFIG = "CodeDeployDefault.LambdaAllAtOnce";

/** A predefined config's stable id (CodeDeploy's are fixed too). */
export function predefinedConfigId(name: string): string {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `${h.toString(16).padStart(8, "0")}-0000-4000-8000-${name.length.toString(16).padStart(12, "0")}`;
}

/**
 * The traffic steps of a routing: the new version's percentage at each step, and the wait after
 * it before the next one (minutes). A canary shifts its share, waits one interval and shifts the
 * rest; a linear config adds its share each interval until everything is shifted.
 * @example trafficSteps({ type: "TimeBasedCanary", percentage: 10, intervalMinutes: 5 }) // [{10, 5}, {100, 0}]
 */
export function trafficSteps(r: TrafficRouting): { readonly weight: number; readonly waitMinutes: number }[] {
  if (r.type === "AllAtOnce") return [{ weight: 100, waitMinutes: 0 }];
  if (r.type === "TimeBasedCanary") {
    return [
      { weight: r.percentage, waitMinutes: r.intervalMinutes },
      { weight: 100, waitMinutes: 0 },
    ];
  }
  const steps: { weight: number; waitMinutes: number }[] = [];
  for (let w = r.percentage; w < 100; w += r.percentage) steps.push({ weight: w, waitMinutes: r.intervalMinutes });
  steps.push({ weight: 100, waitMinutes: 0 });
  return steps;
}

/** The config as the wire shows it (trafficRoutingConfig). */
export function trafficRoutingView(r: TrafficRouting): object {
  if (r.type === "TimeBasedCanary")
    return { type: r.type, timeBasedCanary: { canaryPercentage: r.percentage, canaryInterval: r.intervalMinutes } };
  if (r.type === "TimeBasedLinear")
    return { type: r.type, timeBasedLinear: { linearPercentage: r.percentage, linearInterval: r.intervalMinutes } };
  return { type: r.type };
}
