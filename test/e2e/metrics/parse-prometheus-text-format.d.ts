// The package ships no types; this is the part the metrics tests use.
declare module 'parse-prometheus-text-format' {
  function parsePrometheusTextFormat(text: string): unknown[];
  export default parsePrometheusTextFormat;
}
