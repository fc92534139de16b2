// A MOS estimate from the simplified E-model (ITU-T G.107 reduced to network impairments,
// as in Cole & Rosenbluth, "Voice over IP performance monitoring", ACM SIGCOMM CCR 2001):
//
//   effective latency  Le = RTT/2 + 2 * jitter + codecAllowance          (ms)
//   delay impairment   R  = R0 - Le/40              when Le < 160 ms
//                      R  = R0 - (Le - 120)/10      otherwise
//   loss impairment    R  = R - lossWeight * loss%
//   MOS                = 1                                      R <= 0
//                      = 1 + 0.035 R + 7e-6 R (R - 60)(100 - R) 0 < R < 100
//                      = 4.5                                    R >= 100
//
// R0 = 93.2 is G.107's default R with no impairments; the 2x jitter factor models a jitter
// buffer sized at twice the jitter; 10 ms covers Opus' packetisation and look-ahead; 2.5 R
// points per percent of loss is Cole & Rosenbluth's linear fit for a codec with PLC.

export const EMODEL = {
  r0: 93.2,
  codecAllowanceMs: 10,
  jitterFactor: 2,
  latencyKneeMs: 160,
  lossWeight: 2.5,
} as const

export interface MosInput {
  rttMs: number
  jitterMs: number
  lossPercent: number
}

export function rFactor({rttMs, jitterMs, lossPercent}: MosInput): number {
  const le = rttMs / 2 + EMODEL.jitterFactor * jitterMs + EMODEL.codecAllowanceMs
  let r = le < EMODEL.latencyKneeMs ? EMODEL.r0 - le / 40 : EMODEL.r0 - (le - 120) / 10
  r -= EMODEL.lossWeight * lossPercent
  return r
}

export function mosFromR(r: number): number {
  if (r <= 0) return 1
  if (r >= 100) return 4.5
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
}

export function estimateMos(input: MosInput): number {
  return mosFromR(rFactor(input))
}
