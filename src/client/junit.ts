// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one <testcase> per
// received stream, with a <failure> naming every threshold it missed. Every piece of text
// is escaped, and characters XML 1.0 cannot carry at all are dropped, because node names,
// rooms and error messages come from outside.
import type {SmokeReport} from './smoke-report.js'

/** Escapes text for XML content and attribute values (double or single quoted). */
export function xmlEscape(value: unknown): string {
  return (
    String(value)
      // Not allowed in XML 1.0 in any form: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
      .replace(
        /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '',
      )
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  )
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('')

export function smokeJunitXml(report: SmokeReport, timestamp = new Date()): string {
  const failures = report.streams.filter((s) => !s.passed).length
  const suite = {
    name: `confctl smoke ${report.node}`,
    tests: report.streams.length,
    failures,
    errors: 0,
    time: report.durationSeconds,
    timestamp: timestamp.toISOString().replace(/\.\d+Z$/, ''),
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({name: 'confctl smoke', tests: suite.tests, failures, errors: 0, time: suite.time})}>`,
  ]
  lines.push(`  <testsuite${attrs(suite)}>`)
  lines.push('    <properties>')
  const props: Record<string, string | number> = {
    node: report.node,
    room: report.room,
    maxLossPercent: report.thresholds.maxLossPercent,
    maxJitterMs: report.thresholds.maxJitterMs,
  }
  for (const [name, value] of Object.entries(props)) lines.push(`      <property${attrs({name, value})}/>`)
  lines.push('    </properties>')
  for (const s of report.streams) {
    const name = `${s.subscriber} <- ${s.publisher} ${s.kind}`
    const measured = [
      `codec=${s.codec}`,
      `packetsReceived=${s.packetsReceived}`,
      `packetsLost=${s.packetsLost}`,
      `lossPercent=${s.lossPercent}`,
      `jitterMs=${s.jitterMs ?? 'n/a'}`,
      s.framesDecoded !== undefined ? `framesDecoded=${s.framesDecoded}` : `samplesReceived=${s.samplesReceived ?? 0}`,
      `timeToFirstFrameMs=${s.timeToFirstFrameMs ?? 'n/a'}`,
    ].join(' ')
    lines.push(`    <testcase${attrs({classname: `smoke.${report.room}`, name, time: report.durationSeconds})}>`)
    if (!s.passed) {
      lines.push(
        `      <failure${attrs({message: s.failures.join('; '), type: 'SmokeThreshold'})}>${xmlEscape(s.failures.join('\n'))}</failure>`,
      )
    }
    lines.push(`      <system-out>${xmlEscape(measured)}</system-out>`)
    lines.push('    </testcase>')
  }
  lines.push('  </testsuite>', '</testsuites>', '')
  return lines.join('\n')
}
