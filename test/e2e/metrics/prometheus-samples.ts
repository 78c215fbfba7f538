import parsePrometheus from 'parse-prometheus-text-format';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses Prometheus text with parse-prometheus-text-format (a real parser: it throws on a
 * malformed exposition) and returns every sample with its labels. Version 1.1.1 folds all series
 * of a labelled histogram into one unlabelled entry, so histogram families are parsed a second
 * time declared as untyped, which keeps each `_bucket`/`_sum`/`_count` line with its labels.
 */
export function parsePrometheusSamples(text: string): PromSample[] {
  parsePrometheus(text);
  const untyped = parsePrometheus(
    text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'),
  ) as Family[];
  const samples: PromSample[] = [];
  for (const family of untyped) {
    for (const metric of family.metrics) {
      if (metric.value === undefined) continue;
      samples.push({ name: family.name, labels: metric.labels ?? {}, value: Number(metric.value) });
    }
  }
  return samples;
}

/** Family names with their declared type, from the strict parse. */
export function prometheusFamilies(text: string): Map<string, string> {
  const families = parsePrometheus(text) as Family[];
  return new Map(families.map((f) => [f.name, f.type]));
}

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}
