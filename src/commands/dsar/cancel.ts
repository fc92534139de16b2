import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {requestLines} from '../../privacy/dsar-render.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import type {DsarRequest} from '../../privacy/request-register.js'
import {cancelRequest} from '../../privacy/request-cancel.js'

export default class DsarCancel extends BaseCommand {
  static override summary = 'Cancel a request that will not be answered (withdrawn, duplicate, identity not confirmed).'
  static override description =
    'Erasure steps not yet applied are marked cancelled (applied ones stay applied); the reason goes to the audit log. --json prints the request (shape as in dsar show). Exit 2 for an unknown id, an empty reason, or a request that is done, already cancelled or restricted.'
  static override examples = [
    '<%= config.bin %> dsar cancel dsr-20260110-3f9a2c --reason "withdrawn by the data subject (letter of 2026-01-14)"',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id.'})}
  static override flags = {
    reason: Flags.string({required: true, description: 'Why the request is cancelled (kept in the audit log).'}),
  }

  async run(): Promise<DsarRequest> {
    const {args, flags} = await this.parse(DsarCancel)
    const req = await withPrivacy((ctx) => cancelRequest(ctx, args.id, flags.reason))
    this.log(requestLines(req).join('\n'))
    return req
  }
}
