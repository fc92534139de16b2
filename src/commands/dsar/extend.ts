import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {requestLines} from '../../privacy/dsar-render.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {extendRequest, type DsarRequest} from '../../privacy/request-register.js'

export default class DsarExtend extends BaseCommand {
  static override summary = "Extend a request's deadline by two months (once, with a reason; Art. 12(3))."
  static override description =
    '--json prints the request (shape as in dsar show). Exit 2 for an unknown id, a second extension or a request that is done or cancelled.'
  static override examples = [
    '<%= config.bin %> dsar extend dsr-20260110-3f9a2c --reason "recordings from three archives must be searched"',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id.'})}
  static override flags = {
    reason: Flags.string({required: true, description: 'Why more time is needed (told to the subject).'}),
  }

  async run(): Promise<DsarRequest> {
    const {args, flags} = await this.parse(DsarExtend)
    const req = await withPrivacy((ctx) => extendRequest(ctx, args.id, flags.reason))
    this.log(requestLines(req).join('\n'))
    return req
  }
}
