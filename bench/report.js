'use strict';
/** The bench's tables: every run, old against new, the targets and the mechanisms. */

const MECHANISMS = ['fast-lane', 'halves', 'pieces', 'stream', 'admission'];

function printResults(result, log) {
  const find = (scenario, server, connections) =>
    result.runs.find(
      (r) =>
        r.scenario === scenario &&
        r.server === server &&
        (connections === undefined || r.connections === connections),
    );
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);

  log(
    '\nscenario                        conns  server                    req/s    p50    p99   rss MB  cpu ms/req  pg ms/req',
  );
  for (const r of result.runs) {
    log(
      `${r.label.padEnd(32)}${String(r.connections).padEnd(7)}${r.server.padEnd(24)}${String(r.requestsPerSecond).padStart(7)} ${String(r.p50Ms ?? '').padStart(6)} ${String(r.p99Ms ?? '').padStart(6)} ${String(r.peakRssMb ?? '').padStart(8)} ${String(r.cpuMsPerRequest ?? '').padStart(11)} ${String(r.pgCpuMsPerRequest ?? '').padStart(10)}`,
    );
  }

  // Old against new, configuration by configuration.
  result.oldVsNew = [];
  for (const r of result.runs.filter((run) => run.server.startsWith('new'))) {
    const old = find(r.scenario, r.server.replace(/^new/, 'old'), r.connections);
    if (!old) continue;
    result.oldVsNew.push({
      scenario: r.label,
      connections: r.connections,
      config: r.server.replace(/^new ?/, '') || 'default',
      oldRps: old.requestsPerSecond,
      newRps: r.requestsPerSecond,
      rps: ratio(r.requestsPerSecond, old.requestsPerSecond),
      oldRssMb: old.peakRssMb,
      newRssMb: r.peakRssMb,
    });
  }
  log(
    '\nold → new                        conns  config     old req/s  new req/s   ×     old MB  new MB',
  );
  for (const row of result.oldVsNew) {
    log(
      `${row.scenario.padEnd(33)}${String(row.connections).padEnd(7)}${row.config.padEnd(10)}${String(row.oldRps).padStart(10)} ${String(row.newRps).padStart(10)} ${String(row.rps).padStart(5)} ${String(row.oldRssMb).padStart(9)} ${String(row.newRssMb).padStart(7)}`,
    );
  }

  // The targets, for each build where both sides were measured.
  result.targets = [];
  for (const build of ['old', 'new']) {
    const rps = (scenario, server, c) => find(scenario, server, c)?.requestsPerSecond;
    const rss = (scenario, server, c) => find(scenario, server, c)?.peakRssMb;
    const rise = (scenario, server) => {
      const run = find(scenario, server);
      return run ? run.vmHwmMb - run.idleRssMb : undefined;
    };
    const add = (target, value, met) =>
      result.targets.push({
        build,
        target,
        value,
        met: value === null || value === undefined ? null : met,
      });
    const plain = (scenario) => rps(scenario, 'plain SQL', 32);
    for (const [scenario, floor] of [
      ['daily', 0.7],
      ['weekly', 0.7],
      ['agg5m1000', 0.9],
    ]) {
      const value = ratio(rps(scenario, `${build} nocache`, 32), plain(scenario));
      add(`${scenario} ≥ ${floor}× plain SQL`, value, value >= floor);
    }
    const proportional = ratio(
      rps('agg5m1000-no-end', `${build} nocache`, 32),
      rps('agg5m1000', `${build} nocache`, 32),
    );
    add('5m 1,000 buckets without end ≥ 0.9× with end', proportional, proportional >= 0.9);
    const latest = ratio(rps('latest', build, 32), rps('bars1', build, 32));
    add('latest ≥ 0.9× the 1-bar page', latest, latest >= 0.9);
    const speed = ratio(rps('no-reread', build, 32), rps('no-reread', `${build} nocache`, 32));
    add('default ≥ 0.95× cache-off req/s, no re-reads', speed, speed >= 0.95);
    const memory = ratio(rss('no-reread', build, 32), rss('no-reread', `${build} nocache`, 32));
    add('default ≤ 1.10× cache-off peak RSS, no re-reads', memory, memory <= 1.1);
    const peak = rss('no-reread', build, 32);
    add('default < 250 MB at 1,000 bars × 32', peak, peak < 250);
    for (const c of [1, 32]) {
      const page = ratio(rps('bars1000', `${build} nocache`, c), rps('bars1000', 'ref b', c));
      add(`1,000-bar page ≥ ref (b), c=${c}`, page, page >= 1);
    }
    const multi = rise('multi50000', `${build} nocache`);
    const single = rise('single50000', `${build} nocache`);
    add(`50,000-bar multi page RSS rise ≤ single (${single} MB)`, multi, multi <= single);
  }
  log('\ntarget                                              build  value   met');
  for (const t of result.targets) {
    log(
      `${t.target.padEnd(52)}${t.build.padEnd(7)}${String(t.value).padEnd(8)}${t.met === null ? '—' : t.met ? 'yes' : 'NO'}`,
    );
  }

  // Each mechanism against the build without it.
  result.mechanisms = [];
  for (const mechanism of MECHANISMS) {
    const off = result.runs.find(
      (r) => r.scenario === mechanism && r.server.endsWith(`-${mechanism}`),
    );
    const on = result.runs.find((r) => r.scenario === mechanism && !r.server.includes(' -'));
    if (!on || !off) continue;
    const throughput = ratio(on.requestsPerSecond, off.requestsPerSecond);
    const memory = ratio(on.vmHwmMb, off.vmHwmMb);
    result.mechanisms.push({
      mechanism,
      scenario: on.label,
      connections: on.connections,
      onRps: on.requestsPerSecond,
      offRps: off.requestsPerSecond,
      throughput,
      onPeakMb: on.vmHwmMb,
      offPeakMb: off.vmHwmMb,
      memory,
      pays: throughput >= 1.1 || memory <= 0.8,
    });
  }
  log(
    '\nmechanism   conns  on req/s  off req/s   ×     on MB  off MB   ×     pays (≥1.10× req/s or ≤0.80× MB)',
  );
  for (const m of result.mechanisms) {
    log(
      `${m.mechanism.padEnd(12)}${String(m.connections).padEnd(7)}${String(m.onRps).padStart(8)} ${String(m.offRps).padStart(10)} ${String(m.throughput).padStart(5)} ${String(m.onPeakMb).padStart(8)} ${String(m.offPeakMb).padStart(7)} ${String(m.memory).padStart(5)}   ${m.pays ? 'yes' : 'no'}`,
    );
  }
  // The same pages in each format (scenarios `<format><bars>`).
  result.formats = result.runs
    .filter((r) => /^(json|csv|arrow)\d+$/.test(r.scenario))
    .map((r) => ({
      scenario: r.label,
      connections: r.connections,
      rps: r.requestsPerSecond,
      p50Ms: r.p50Ms,
      bytesPerRequest: r.bytesPerRequest,
      cpuMsPerRequest: r.cpuMsPerRequest,
    }));
  if (result.formats.length) {
    log('\nformat                          conns  req/s    p50   bytes/req  cpu ms/req');
    for (const f of result.formats) {
      log(
        `${f.scenario.padEnd(32)}${String(f.connections).padEnd(7)}${String(f.rps).padStart(5)} ${String(f.p50Ms).padStart(6)} ${String(f.bytesPerRequest).padStart(11)} ${String(f.cpuMsPerRequest).padStart(11)}`,
      );
    }
  }
  if (Object.keys(result.csv).length) {
    log(`\nexport of 1,000,000 bars: ${JSON.stringify(result.csv)}`);
  }
  log(`\nbench took ${result.minutes} min`);
}

module.exports = { printResults };
