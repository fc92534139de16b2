// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one <testcase> per
// received stream, with a <failure> naming every threshold it missed. Built by
// junit-report-builder (xmlbuilder underneath), which escapes every attribute and text and
// drops the characters XML 1.0 cannot carry, so node names, rooms and error messages that
// come from outside cannot break the document.
import junitReportBuilder, {type Builder} from 'junit-report-builder'
import type {SmokeReport} from './smoke-report.js'

// The package is CommonJS (`module.exports = builder`) but its types declare an ES default
// export, which NodeNext resolution reads as one level deeper than what Node loads.
const builder = junitReportBuilder as unknown as Builder

/** xmlbuilder 15 splits only the first "]]>" in a CDATA section; a second one would end it
 *  early and break the document, so text that goes into CDATA never contains one. */
const cdataSafe = (text: string) => text.replaceAll(']]>', ']] >')

export function smokeJunitXml(report: SmokeReport, timestamp = new Date()): string {
  const junit = builder.newBuilder().name('confctl smoke')
  const suite = junit
    .testSuite()
    .name(`confctl smoke ${report.node}`)
    // UTC, without fraction or zone, as the JUnit schema's timestamp (the library would print local time).
    .timestamp(timestamp.toISOString().replace(/\.\d+Z$/, ''))
    .time(report.durationSeconds)
    .property('node', report.node)
    .property('room', report.room)
    .property('maxLossPercent', String(report.thresholds.maxLossPercent))
    .property('maxJitterMs', String(report.thresholds.maxJitterMs))
  for (const s of report.streams) {
    const measured = [
      `codec=${s.codec}`,
      `packetsReceived=${s.packetsReceived}`,
      `packetsLost=${s.packetsLost}`,
      `lossPercent=${s.lossPercent}`,
      `jitterMs=${s.jitterMs ?? 'n/a'}`,
      s.framesDecoded !== undefined ? `framesDecoded=${s.framesDecoded}` : `samplesReceived=${s.samplesReceived ?? 0}`,
      `timeToFirstFrameMs=${s.timeToFirstFrameMs ?? 'n/a'}`,
    ].join(' ')
    const tc = suite
      .testCase()
      .className(`smoke.${report.room}`)
      .name(`${s.subscriber} <- ${s.publisher} ${s.kind}`)
      .time(report.durationSeconds)
      .standardOutput(cdataSafe(measured))
    if (!s.passed) tc.failure(s.failures.join('; '), 'SmokeThreshold').stacktrace(cdataSafe(s.failures.join('\n')))
  }
  return junit.build() + '\n'
}
