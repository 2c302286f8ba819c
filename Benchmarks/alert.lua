-- Posts one distinct alert per request to Alertmanager's API v2 (unique label per thread and counter).
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

request = function()
  counter = counter + 1
  local body = string.format(
    '[{"labels":{"alertname":"垃圾清运","village":"青山村","case":"bench-%d-%d"},' ..
    '"annotations":{"summary":"村口垃圾堆积多日无人清运，气味难闻，请尽快处理。"}}]', id, counter)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
