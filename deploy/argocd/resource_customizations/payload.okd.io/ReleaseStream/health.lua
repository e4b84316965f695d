-- Argo CD health of a ReleaseStream (payload.okd.io/v1alpha1), from the status the operator writes:
-- Degraded on Degraded=True or a condition with reason InvalidSpec; Healthy when Ready=True (an accepted release) for the
-- current metadata.generation; Progressing otherwise. Every result has a message.
local hs = {}
local function condition(conditions, type)
  for _, c in ipairs(conditions or {}) do
    if c.type == type then return c end
  end
  return nil
end
local function text(c)
  if c == nil then return "" end
  return (c.reason or c.type) .. ": " .. (c.message or "")
end

local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report the ReleaseStream's status"
  return hs
end
local generation = obj.metadata and obj.metadata.generation
local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation ..
    " (status describes " .. tostring(observed or "none") .. ")"
  return hs
end
local conditions = status.conditions
for _, c in ipairs(conditions) do
  if c.reason == "InvalidSpec" then
    hs.status = "Degraded"
    hs.message = text(c)
    return hs
  end
end
local ready = condition(conditions, "Ready")
local degraded = condition(conditions, "Degraded")
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = text(degraded)
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = text(ready)
  return hs
end
local progressing = condition(conditions, "Progressing")
hs.status = "Progressing"
if progressing ~= nil and progressing.status == "True" then
  hs.message = text(progressing)
elseif ready ~= nil then
  hs.message = text(ready)
else
  hs.message = "Phase " .. tostring(status.phase or "unknown")
end
return hs
