// Room placement: the first WHIP request for a room, on any node, claims it for one live
// node in a single Lua script, so two nodes racing for a room can never both win. The script
// returns the existing owner when the room's claim names a node that is still registered;
// otherwise it picks among the registered nodes in state "up" by the policy, writes the claim
// (PX ttl: it dies with the owner's heartbeat unless refreshed), and adds the room to the
// owner's room set. The policy is computed in Lua from each node's registered load, so the
// choice and the write see the same data.
import type {Redis} from 'ioredis'
import {keys} from './keys.js'
import {LuaScript} from './lua-script.js'
import type {PlacementPolicy} from './placement-policy.js'
import {parseRegisteredNode, parseRoomClaim, type RegisteredNode, type RoomClaim} from './registered-node.js'

/** CPU figures within one band of this many percent count as equal (then participants decide):
 *  per-heartbeat CPU noise must not send a burst of rooms all to one node. */
export const CPU_BAND_PERCENT = 10

const CLAIM = new LuaScript(`
local prefix, room, policy, limit, self, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local band = tonumber(ARGV[7])
local epoch = 0
local current = redis.call('GET', KEYS[1])
if current then
  local ok, claim = pcall(cjson.decode, current)
  if ok and type(claim) == 'table' and type(claim.node) == 'string' then
    local owner = redis.call('GET', prefix .. 'node:' .. claim.node)
    if owner then return {'existing', current, owner} end
    if type(claim.epoch) == 'number' then epoch = claim.epoch end
  end
end
local best, bestRec, bestScore, bestTie, selfRec, selfCpu
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local rec = redis.call('GET', prefix .. 'node:' .. id)
  if not rec then
    redis.call('ZREM', KEYS[2], id)
  else
    local ok, node = pcall(cjson.decode, rec)
    if ok and type(node) == 'table' and node.state == 'up' and type(node.load) == 'table' then
      local pending = redis.call('SCARD', prefix .. 'node:' .. id .. ':rooms') - (tonumber(node.load.rooms) or 0)
      if pending < 0 then pending = 0 end
      local participants = (tonumber(node.load.participants) or 0) + pending
      local cpu = tonumber(node.load.cpuPercent) or 0
      local score, tie
      if policy == 'least-participants' then
        score, tie = participants, cpu
      else
        score, tie = math.floor(cpu / band), participants
      end
      if best == nil or score < bestScore or (score == bestScore and (tie < bestTie or (tie == bestTie and id < best))) then
        best, bestRec, bestScore, bestTie = id, rec, score, tie
      end
      if id == self then selfRec, selfCpu = rec, cpu end
    end
  end
end
if policy == 'stay-here-below' and selfRec and selfCpu < limit then best, bestRec = self, selfRec end
if best == nil then return {'none'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local value = '{"node":' .. cjson.encode(best) .. ',"claimedAt":' .. string.format('%d', now) .. ',"epoch":' .. string.format('%d', epoch + 1) .. '}'
redis.call('SET', KEYS[1], value, 'PX', ttl)
local set = prefix .. 'node:' .. best .. ':rooms'
redis.call('SADD', set, room)
redis.call('PEXPIRE', set, ttl)
return {'claimed', value, bestRec}
`)

const RELEASE = new LuaScript(`
local current = redis.call('GET', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
if current then
  local ok, claim = pcall(cjson.decode, current)
  if ok and type(claim) == 'table' and claim.node == ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0
`)

export type Placement =
  /** The room already lives on `node` (claimed earlier, owner alive). */
  | {kind: 'existing'; node: RegisteredNode; claim: RoomClaim}
  /** This call claimed the room for `node`. */
  | {kind: 'claimed'; node: RegisteredNode; claim: RoomClaim}
  /** No registered node is up (all draining, or none registered): the caller decides. */
  | {kind: 'none'}

export interface ClaimRequest {
  room: string
  /** The node asking: stay-here-below keeps the room here. */
  selfId: string
  policy: PlacementPolicy
  ttlMs: number
}

export async function claimRoom(redis: Redis, prefix: string, req: ClaimRequest): Promise<Placement> {
  const result = (await CLAIM.run(
    redis,
    [keys.room(prefix, req.room), keys.nodes(prefix)],
    [
      prefix,
      req.room,
      req.policy.kind,
      req.policy.kind === 'stay-here-below' ? req.policy.percent : 0,
      req.selfId,
      req.ttlMs,
      CPU_BAND_PERCENT,
    ],
  )) as string[]
  if (result[0] === 'none') return {kind: 'none'}
  const claim = parseRoomClaim(result[1])
  const node = parseRegisteredNode(result[2])
  if (!claim || !node)
    throw new Error(`the claim script returned an unreadable claim or node record for room '${req.room}'`)
  return {kind: result[0] === 'existing' ? 'existing' : 'claimed', node, claim}
}

/** Gives a room up (its last session ended): deletes the claim if `nodeId` still holds it. */
export async function releaseRoom(redis: Redis, prefix: string, room: string, nodeId: string): Promise<boolean> {
  const released = await RELEASE.run(redis, [keys.room(prefix, room), keys.nodeRooms(prefix, nodeId)], [nodeId, room])
  return released === 1
}
