# The report's overview, computed by jq from das-read's ndjson: the figures `das-read report` must agree with
# (its browser test compares them) and the work `npm run bench` times it against. Heartbeats are not events.
def text: if . == null then "" elif type == "string" then . elif type == "number" or type == "boolean" then tostring else tojson end;
# Trimmed only where there is something to trim: jq's regular expressions are its slowest part.
def trimmed: if test("^\\s|\\s$") then gsub("^\\s+|\\s+$"; "") else . end;
def success_code: . == "" or . == "0" or . == "00000";
def failed:
  # ascii_upcase is jq code of its own, not a builtin: only a command of the right length is upper-cased.
  ((.command | text) as $c | ($c | length) as $n | ($n == 12 or $n == 14)
    and ($c | ascii_upcase) as $u | $u == "LOGIN FAILED" or $u == "AUTH FAILURE" or $u == "FAILED_CONNECT")
  or ((.errorMessage | type) == "string" and .errorMessage != "" and (.errorMessage | trimmed) != "")
  or (if .exitCode == null then false
      elif (.serverType | text) as $t | ($t | length) == 9 and ($t | ascii_upcase) == "SQLSERVER" then (.exitCode | text) == "0"
      else (.exitCode | text | success_code or (trimmed | success_code)) | not end);
reduce (inputs | select(.type != "heartbeat")) as $e (
  {events: 0, users: {}, sessions: {}, failures: 0, clusters: {}, instances: {}, engines: {}};
  .events += 1
  | ($e.dbUserName | text) as $u | (if $u != "" then .users[$u] = 1 else . end)
  | ($e.sessionId | text) as $s | (if $s != "" then .sessions[$s] = 1 else . end)
  | (if ($e | failed) then .failures += 1 else . end)
  | ($e.clusterId | text) as $c | (if $c != "" then .clusters[$c] = 1 else . end)
  | ($e.instanceId | text) as $i | (if $i != "" then .instances[$i] = 1 else . end)
  | ($e.serverType | text) as $t | (if $t != "" then .engines[$t] = 1 else . end)
)
| {events, users: (.users | length), sessions: (.sessions | length), failures,
   clusters: (.clusters | keys), instances: (.instances | keys), engines: (.engines | keys)}
