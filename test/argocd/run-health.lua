-- Runs an Argo CD health script the way Argo CD does (the object in the global `obj`, the script's
-- returned table is the health) on a JSON object, and prints the result as JSON.
-- Usage: lua5.1 run-health.lua HEALTH.lua OBJECT.json   (needs lua-cjson)
local cjson = require("cjson")

-- JSON null becomes nil, as in Argo CD's conversion of the object to Lua.
local function without_nulls(value)
  if value == cjson.null then return nil end
  if type(value) ~= "table" then return value end
  local copy = {}
  for k, v in pairs(value) do copy[k] = without_nulls(v) end
  return copy
end

local file = assert(io.open(arg[2], "r"))
local text = file:read("*a")
file:close()
obj = without_nulls(cjson.decode(text))
local script = assert(loadfile(arg[1]))
local hs = script()
if type(hs) ~= "table" then
  io.stderr:write("health script returned " .. type(hs) .. ", not a table\n")
  os.exit(1)
end
io.write(cjson.encode({ status = hs.status, message = hs.message }))
