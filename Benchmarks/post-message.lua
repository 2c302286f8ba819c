-- Posts a distinct citizen message per request (unique source_ref per thread and counter; BENCH_PREFIX tells
-- several wrk processes apart).
local counter = 0
local thread_id = 0
local prefix = os.getenv("BENCH_PREFIX") or "bench"

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"channel":"webform","source_ref":"%s-%d-%d","village":"青山村","category":"环境",' ..
    '"complainant":{"name":"测试群众","phone":"13812345678"},"subject":"垃圾清运",' ..
    '"body":"村口垃圾堆积多日无人清运，气味难闻，请尽快处理。"}', prefix, id, counter)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("MINQING_API_TOKEN"),
  }, body)
end

response = function(status, headers, body)
  if status ~= 201 and status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
