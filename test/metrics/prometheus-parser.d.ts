declare module "parse-prometheus-text-format" {
  /** A metric family as the parser gives it. */
  interface Family {
    name: string;
    help: string;
    type: string;
    metrics: {
      value?: string;
      labels?: Record<string, string>;
      buckets?: Record<string, string>;
      count?: string;
      sum?: string;
    }[];
  }
  export default function parsePrometheusTextFormat(text: string): Family[];
}
