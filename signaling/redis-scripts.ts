/**
 * The Lua scripts RedisRooms runs, one per operation, so each check-and-change is atomic across every
 * server process sharing the Redis (two sharers joining at once on two nodes cannot both get in).
 * Keys: `s:<id>` the session (hash: nameplate, owner, burned), `np:<nameplate>` its id, `m:<id>` its
 * members (hash: peerId → JSON {role, name, via, node}), `ch:<id>` the pub/sub channel of its events.
 * All three keys share one TTL: the idle timeout, refreshed by activity, or the empty-session TTL once
 * the last member has left.
 */

/** Shared helpers, prepended to each script. */
const HELPERS = `
local function touch(s, m, ttl, prefix)
  local np = redis.call('HGET', s, 'nameplate')
  redis.call('PEXPIRE', s, ttl)
  redis.call('PEXPIRE', m, ttl)
  if np then redis.call('PEXPIRE', prefix .. 'np:' .. np, ttl) end
  return np
end
local function remove(s, m, ch, peerId, emptyTtl, prefix)
  if redis.call('HDEL', m, peerId) == 0 then return 0 end
  redis.call('PUBLISH', ch, cjson.encode({e = 'left', peerId = peerId}))
  if redis.call('HLEN', m) == 0 then
    local np = redis.call('HGET', s, 'nameplate')
    redis.call('PEXPIRE', s, emptyTtl)
    if np then redis.call('PEXPIRE', prefix .. 'np:' .. np, emptyTtl) end
  end
  return 1
end
`;

/**
 * KEYS: np, s, m. ARGV: id, nameplate, owner, peerId, member, ttl. 0 when the nameplate is taken, -1 when
 * the session id is live (a `resume` must never take over a live session).
 */
export const CREATE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[6]) then return 0 end
redis.call('HSET', KEYS[2], 'nameplate', ARGV[2], 'owner', ARGV[3], 'burned', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return 1
`;

/**
 * KEYS: s, m, ch. ARGV: peerId, member, role, maxReceivers, byNameplate ('1'|'0'), ttl, prefix, event.
 * {'err', code, detail} or {'ok', nameplate, the members before this one as peerId, JSON pairs...}.
 */
export const JOIN = `${HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'err', 'unknown-session', ''} end
if ARGV[5] == '1' and redis.call('HGET', KEYS[1], 'burned') == '1' then return {'err', 'code-burned', ''} end
local all = redis.call('HGETALL', KEYS[2])
local receivers = 0
for i = 2, #all, 2 do
  local role = cjson.decode(all[i]).role
  if role == 'sharer' and ARGV[3] == 'sharer' then return {'err', 'sharer-exists', ''} end
  if role == 'receiver' then receivers = receivers + 1 end
end
if ARGV[3] == 'receiver' and receivers >= tonumber(ARGV[4]) then
  return {'err', 'session-full', tostring(receivers)}
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return {'err', 'peer-id', ''} end
local np = touch(KEYS[1], KEYS[2], ARGV[6], ARGV[7])
redis.call('PUBLISH', KEYS[3], ARGV[8])
local reply = {'ok', np}
for i = 1, #all do reply[#reply + 1] = all[i] end
return reply
`;

/** KEYS: s, m, ch. ARGV: peerId, emptyTtl, prefix. 1 if it was a member. */
export const LEAVE = `${HELPERS}
return remove(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
`;

/** KEYS: s, m, ch. ARGV: from, to, event, idleTtl, prefix. 'ok' or the error code. */
export const RELAY = `${HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown-session' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'not-in-session' end
if ARGV[1] == ARGV[2] or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return 'unknown-peer' end
touch(KEYS[1], KEYS[2], ARGV[4], ARGV[5])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 'ok'
`;

/**
 * KEYS: s, m, ch. ARGV: reporter, failed, reporterVia, emptyTtl, prefix. 'ok' or the error code.
 * Burns the nameplate (once, telling everyone), and drops the failed peer on the word of a reporter that
 * did not come by the code itself (the rule in Rooms.codeFailed).
 */
export const CODE_FAILED = `${HELPERS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown-session' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'not-in-session' end
if redis.call('HGET', KEYS[1], 'burned') ~= '1' then
  redis.call('HSET', KEYS[1], 'burned', '1')
  redis.call('PUBLISH', KEYS[3], cjson.encode({e = 'burned', nameplate = redis.call('HGET', KEYS[1], 'nameplate')}))
end
local failed = redis.call('HGET', KEYS[2], ARGV[2])
if failed and ARGV[3] ~= 'nameplate' and cjson.decode(failed).via == 'nameplate' then
  remove(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[4], ARGV[5])
  redis.call('PUBLISH', KEYS[3], cjson.encode({e = 'drop', peerId = ARGV[2]}))
end
return 'ok'
`;
