// A node's presence in Redis: its record (node:<id>, PX ttl) and its place in the `nodes`
// listing, written by every heartbeat, together with the claims of the rooms it hosts.
// One Lua script per heartbeat does all of it, so a reader never sees a node alive whose
// claims have lapsed, and a split brain (two nodes hosting one room, e.g. after a Redis
// failover or an outage during which both placed the room on themselves) is settled in one
// place by one rule: the claim with the lower claimedAt wins, a tie goes to the lower node id.
import type {Redis} from 'ioredis'
import {EVENTS_KEPT, keys} from './keys.js'
import {LuaScript} from './lua-script.js'
import type {RegisteredNode} from './registered-node.js'

/** A room this node hosts, and since when it believes it holds the room's claim (epoch ms). */
export interface HostedRoom {
  room: string
  claimedAt: number
}

/**
 * What the heartbeat found for a hosted room:
 *  kept       the claim is ours; refreshed
 *  reclaimed  no claim (it expired, or Redis lost it): written again for us
 *  took-over  the claim named a node that is no longer registered: now ours
 *  won        another live node claims it too, later than us (or same time, higher id): now ours
 *  lost       another live node claims it earlier (or same time, lower id): the room must close here
 */
export type RefreshOutcome = 'kept' | 'reclaimed' | 'took-over' | 'won' | 'lost'

export interface RoomRefresh {
  room: string
  outcome: RefreshOutcome
  /** The other node of took-over, won and lost. */
  other?: string
  /** The claim's claimedAt after the heartbeat (the winner's for lost). */
  claimedAt: number
}

const HEARTBEAT = new LuaScript(`
local prefix, id, record, ttl, kept = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], record, 'PX', ttl)
redis.call('ZADD', KEYS[2], now, id)
-- Claims are written only by these scripts, always starting {"node":"<id>",: a claim of ours
-- is recognised without decoding it (a heartbeat of a node with a thousand rooms stays short).
local ours = '{"node":' .. cjson.encode(id) .. ','
local function isOurs(value) return value and string.sub(value, 1, #ours) == ours end
local out, hosted = {}, {}
for i = 6, #ARGV, 2 do
  local room, mine = ARGV[i], tonumber(ARGV[i + 1])
  hosted[room] = true
  local rk = prefix .. 'room:' .. room
  local cur = redis.call('GET', rk)
  local outcome, other, at = 'kept', '', mine
  if isOurs(cur) then
    redis.call('PEXPIRE', rk, ttl)
    at = tonumber(string.match(cur, '"claimedAt":(%d+)')) or mine
  else
    local claim = nil
    if cur then
      local ok, c = pcall(cjson.decode, cur)
      if ok and type(c) == 'table' and type(c.node) == 'string' then claim = c end
    end
    local epoch, take = 0, true
    if claim then
      other = claim.node
      if type(claim.epoch) == 'number' then epoch = claim.epoch end
      if redis.call('EXISTS', prefix .. 'node:' .. claim.node) == 1 then
        local theirs = tonumber(claim.claimedAt) or 0
        if theirs < mine or (theirs == mine and claim.node < id) then take = false end
        if take then outcome = 'won' else outcome = 'lost'; at = theirs end
      else
        outcome = 'took-over'
      end
    else
      outcome = 'reclaimed'
    end
    if take then
      redis.call('SET', rk, ours .. '"claimedAt":' .. string.format('%d', mine) .. ',"epoch":' .. string.format('%d', epoch + 1) .. '}', 'PX', ttl)
      redis.call('SADD', KEYS[3], room)
    end
    if outcome ~= 'reclaimed' then
      redis.call('LPUSH', KEYS[4], cjson.encode({at = now, room = room, node = id, other = other, outcome = outcome}))
      redis.call('LTRIM', KEYS[4], 0, kept - 1)
    end
  end
  table.insert(out, room)
  table.insert(out, outcome)
  table.insert(out, other)
  table.insert(out, string.format('%d', at))
end
-- Rooms claimed for this node that it does not host yet (a relayed WHIP on its way) stay;
-- rooms whose claim lapsed or moved leave the set.
for _, room in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not hosted[room] and not isOurs(redis.call('GET', prefix .. 'room:' .. room)) then
    redis.call('SREM', KEYS[3], room)
  end
end
redis.call('PEXPIRE', KEYS[3], ttl)
return out
`)

const DEREGISTER = new LuaScript(`
local prefix, id = ARGV[1], ARGV[2]
for _, room in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local rk = prefix .. 'room:' .. room
  local cur = redis.call('GET', rk)
  if cur then
    local ok, c = pcall(cjson.decode, cur)
    if ok and type(c) == 'table' and c.node == id then redis.call('DEL', rk) end
  end
end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], id)
return 1
`)

/** Writes the node's record and refreshes (or settles) the claims of the rooms it hosts. */
export async function heartbeat(
  redis: Redis,
  prefix: string,
  node: RegisteredNode,
  hosted: readonly HostedRoom[],
  ttlMs: number,
): Promise<RoomRefresh[]> {
  const out = (await HEARTBEAT.run(
    redis,
    [keys.node(prefix, node.id), keys.nodes(prefix), keys.nodeRooms(prefix, node.id), keys.events(prefix)],
    [
      prefix,
      node.id,
      JSON.stringify(node),
      ttlMs,
      EVENTS_KEPT,
      ...hosted.flatMap((h) => [h.room, Math.round(h.claimedAt)]),
    ],
  )) as string[]
  const refreshes: RoomRefresh[] = []
  for (let i = 0; i + 3 < out.length; i += 4) {
    refreshes.push({
      room: out[i]!,
      outcome: out[i + 1] as RefreshOutcome,
      ...(out[i + 2] ? {other: out[i + 2]} : {}),
      claimedAt: Number(out[i + 3]),
    })
  }
  return refreshes
}

/** Removes the node and the claims it still holds (clean shutdown): its rooms are placeable at once. */
export async function deregister(redis: Redis, prefix: string, id: string): Promise<void> {
  await DEREGISTER.run(redis, [keys.node(prefix, id), keys.nodes(prefix), keys.nodeRooms(prefix, id)], [prefix, id])
}
