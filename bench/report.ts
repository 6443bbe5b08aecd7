/** The stdout tables of a run. */
import { formatOutage } from './outage.ts';
import type { Results } from './results.ts';

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** p99 of `config` over `bare-datachannel` at the same rate, as "1.23×". */
function ratio(results: Results, config: string, rateHz: number): string {
  const bare = results.latency.find((row) => row.config === 'bare-datachannel' && row.rateHz === rateHz);
  const row = results.latency.find((r) => r.config === config && r.rateHz === rateHz);
  return bare && row && bare.p99_ms > 0 ? `${(row.p99_ms / bare.p99_ms).toFixed(2)}×` : '–';
}

export function formatResults(results: Results): string {
  const added = results.addedLoad ? `, with --load ${results.addedLoad}` : '';
  const load = `load average ${results.loadAverage.start.toFixed(1)} → ${results.loadAverage.end.toFixed(1)}${added}`;
  const out: string[] = [`Ferry bench (${results.mode}), ${results.date}`, `${results.machine}; ${load}`, ''];
  if (results.latency.length) {
    out.push(
      table(
        [
          'config',
          'Hz',
          'sent',
          'deliv',
          'lost',
          'p50',
          'p99',
          'p99.9',
          'max',
          'p99/bare',
          'cpu/1k',
          'rss MB',
          'slip p99',
          'sender drops',
          'rcvbuf err',
          'sock drops r/s',
        ],
        results.latency.map((r) => [
          r.config,
          r.rateHz,
          r.sent,
          r.delivered,
          r.lost,
          r.p50_ms,
          r.p99_ms,
          r.p999_ms,
          r.max_ms,
          ratio(results, r.config, r.rateHz),
          r.cpu_ms_per_1000,
          r.rss_mb,
          r.pacing_slip_p99_ms,
          r.dropped_at_sender_messages ?? '–',
          r.udp_rcvbuf_errors ?? '–',
          r.socket_drops_receiver === undefined ? '–' : `${r.socket_drops_receiver}/${r.socket_drops_sharer}`,
        ]),
      ),
      "(latency in ms, sharer inputreport → receiver sink; cpu/1k = receiver CPU ms per 1000 reports; sender drops = messages the page dropped at the 64 KiB cap; rcvbuf err = UDP datagrams the kernel dropped at a full receive buffer, machine-wide; sock drops r/s = the same on this bench's own sockets: the receiver child's / Chromium's)",
    );
    for (const row of results.absent) out.push(`absent: ${row.config}: ${row.absent}`);
    out.push('');
  }
  if (results.throughput.length) {
    out.push(
      table(
        [
          'config',
          'bytes',
          'offered/s',
          'sent',
          'deliv',
          'lost',
          'late',
          'deliv/s',
          'MB/s',
          'p99',
          'sustained',
        ],
        results.throughput.map((r) => [
          r.config,
          r.reportBytes,
          r.offeredHz,
          r.sent,
          r.delivered,
          r.lost,
          r.late,
          r.delivered_per_s,
          r.MB_per_s,
          r.p99_ms,
          r.sustained ? 'yes' : 'no',
        ]),
      ),
      '(throughput: a step counts only its own reports; late = lost, but arrived after the drain)',
      '',
    );
  }
  if (results.scale.length) {
    out.push(
      table(
        ['devices', 'Hz each', 'sent', 'deliv', 'lost', 'p50', 'p99', 'max', 'cpu ms/s', 'cpu/1k', 'rss MB'],
        results.scale.map((r) => [
          r.devices,
          r.rateHz,
          r.sent,
          r.delivered,
          r.lost,
          r.p50_ms,
          r.p99_ms,
          r.max_ms,
          r.receiver_cpu_ms_per_s,
          r.receiver_cpu_ms_per_1000,
          r.rss_mb,
        ]),
      ),
      '(scale: Node synthetic sharer → one receiver process, default pipeline)',
      '',
    );
  }
  if (results.webrtcStacks.length) {
    out.push(
      table(
        ['stack', 'rtt p50', 'rtt p99', 'bulk MB/s'],
        results.webrtcStacks.map((r) => [r.stack, r.rtt_p50_ms, r.rtt_p99_ms, r.bulk_MBps]),
      ),
      '',
    );
  }
  if (results.usb.control.length) {
    const bareControl = results.usb.control.find((r) => r.path === 'bare-datachannel');
    const times = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}×` : '–');
    out.push(
      table(
        ['usb control', 'bytes', 'reads', 'errors', 'rtt p50', 'rtt p99', 'max', 'p50/bare', 'p99/bare'],
        results.usb.control.map((r) => [
          r.path,
          r.length,
          r.count,
          r.errors,
          r.p50_ms,
          r.p99_ms,
          r.max_ms,
          times(r.p50_ms, bareControl?.p50_ms),
          times(r.p99_ms, bareControl?.p99_ms),
        ]),
      ),
      '(vendor read 0x5c one at a time through RemoteUsbDevice → Gadget Zero; the floor echoes the same bytes)',
      '',
    );
  }
  if (results.usb.bulk.length) {
    const bareBulk = (inFlight: number) =>
      results.usb.bulk.find((r) => r.path === 'bare-datachannel' && r.inFlight === inFlight)?.MB_per_s;
    out.push(
      table(
        [
          'usb bulk',
          'bytes',
          'in flight',
          's',
          'pairs',
          'errors',
          'MB/s',
          'of bare',
          'pair p50',
          'pair p99',
          'cpu µs/pair',
          'net µs/pair',
        ],
        results.usb.bulk.map((r) => {
          const bare = bareBulk(r.inFlight);
          return [
            r.path,
            r.transferBytes,
            r.inFlight,
            r.durationS,
            r.pairs,
            r.errors,
            r.MB_per_s,
            bare ? `${((r.MB_per_s / bare) * 100).toFixed(0)} %` : '–',
            r.pair_p50_ms,
            r.pair_p99_ms,
            r.cpu_us_per_pair,
            r.cpu_us_per_pair_net ?? '–',
          ];
        }),
      ),
      `(bulk loopback OUT + IN pairs, MB/s each way; Ferry pipelines: ${Object.entries(results.usb.pipelines)
        .map(([path, spec]) => `${path} '${spec}'`)
        .join(', ')}; idle cost ${results.usb.idle_cpu_ms_per_s ?? '–'} ms CPU/s, taken out of net µs/pair)`,
      '',
    );
  }
  if (results.impaired.rows.length) {
    out.push(
      table(
        [
          'impaired',
          'scenario',
          'sent',
          'deliv',
          'lost',
          'edges lost',
          'motion lost',
          'stale',
          'p50',
          'p99',
          'p99.9',
          'max',
          'edge p99',
          'recovery',
        ],
        results.impaired.rows.map((r) => [
          r.config,
          r.scenario,
          r.sent,
          r.delivered,
          // `input` merges motion reports (latest wins, their motion carried on): not lost data.
          r.pipeline.startsWith('input') ? `${r.lost} merged` : r.lost,
          `${r.lostEdges}/${r.edges}`,
          r.lostMotion,
          r.stale,
          r.p50_ms,
          r.p99_ms,
          r.p999_ms,
          r.max_ms,
          r.edge_p99_ms,
          r.recovery_ms ?? '',
        ]),
      ),
      `(ms; Node sharer → receiver through the userspace wire, ${results.impaired.rows[0]?.delayMs} ms each way, 1000 reports/s of 64 B; pipelines: ${results.impaired.rows
        .filter((r) => r.pipeline && r.scenario === results.impaired.rows[0]?.scenario)
        .map((r) => `${r.config} '${r.pipeline}'`)
        .join(', ')})`,
    );
    for (const row of results.impaired.absent) out.push(`absent: ${row.config}: ${row.absent}`);
    out.push('');
  }
  if (results.outage?.rows.length) {
    out.push(
      ...formatOutage(results.outage),
      '(ms from the wire delivering again to the first fresh report; Node sharer → ferry receive, 2 ms each way, 100 reports/s, a button held)',
      '',
    );
  }
  if (results.pipeline.length) {
    out.push(
      table(
        ['pipeline', 'ns/report', 'note'],
        results.pipeline.map((r) => [r.name, r.nsPerReport, r.note ?? '']),
      ),
      '',
    );
  }
  if (results.hid.length)
    out.push(
      table(
        ['hid', 'ns/op'],
        results.hid.map((r) => [r.name, r.nsPerOp]),
      ),
      '',
    );
  if (results.receiverPage.length)
    out.push(
      table(
        [
          'receiver page',
          'Hz',
          'recv/s',
          'fps',
          'main ms/frame',
          'script',
          'layout+style',
          'draw',
          'draw max',
          'long tasks',
        ],
        results.receiverPage.map((r) => [
          r.phase,
          r.rateHz,
          r.receivedPerSecond,
          r.framesPerSecond,
          r.mainMsPerFrame,
          r.scriptMsPerFrame,
          r.layoutAndStyleMsPerFrame,
          r.drawMsPerFrame ?? '',
          r.drawMaxMs ?? '',
          r.longTasks,
        ]),
      ),
      '',
    );
  for (const c of results.clock) out.push(`clock: ${c.peer} offset ${c.offset_ms} ± ${c.uncertainty_ms} ms`);
  out.push(
    `durations (s): ${Object.entries(results.durations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return out.join('\n');
}
