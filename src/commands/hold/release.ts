import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {releaseHold} from '../../privacy/holds.js'
import {withPrivacy} from '../../privacy/privacy-context.js'

export default class HoldRelease extends BaseCommand {
  static override summary = 'Release a legal hold; erasure no longer keeps what it covered.'
  static override description = '--json prints the released hold. Exit 2 for an unknown or already released id.'
  static override examples = ['<%= config.bin %> hold release hold-8b21e0c4']
  static override args = {id: Args.string({required: true, description: 'Hold id.'})}

  async run() {
    const {args} = await this.parse(HoldRelease)
    const hold = await withPrivacy((ctx) => releaseHold(ctx, args.id))
    this.log(`${hold.id} released.`)
    return hold
  }
}
