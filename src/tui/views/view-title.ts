// The title line of each view (node and room names sanitised: they come from the network).
import type {View} from '../state.js'
import {sanitize} from '../text.js'

export function viewTitle(view: View): string {
  switch (view.kind) {
    case 'fleet':
      return 'Fleet'
    case 'rooms':
      return view.node ? `Rooms on ${sanitize(view.node)}` : 'Rooms'
    case 'room':
      return `Room ${sanitize(view.room)} on ${sanitize(view.node)}`
    case 'participant':
      return `Participant in ${sanitize(view.room)} on ${sanitize(view.node)}`
  }
}
