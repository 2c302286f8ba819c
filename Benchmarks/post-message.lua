-- Posts a distinct citizen message per request (unique source_ref per thread and counter; BENCH_PREFIX tells
-- several wrk processes apart).
--
-- BENCH_MESSAGES=varied (the default): what a township's intake looks like — 16 kinds of complaint in the
-- example's nine villages, each with its own house number and caller, so similar complaints meet (repeat links,
-- early warnings) as they do in life, but not every message is the same one.
-- BENCH_MESSAGES=same: one message, one caller, one village, again and again — a flood of one complaint, the
-- worst case for repeat detection (every case joins the same cluster and the same warning).
-- BENCH_MESSAGES=refused: the varied messages with an unknown channel, which the hub refuses (422) after reading
-- the request, checking its token and decoding its JSON, without touching the store — the cost of intake's
-- HTTP side alone (Benchmarks/peers.sh prints it beside /healthz).
local counter = 0
local thread_id = 0
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local same = os.getenv("BENCH_MESSAGES") == "same"
local refused = os.getenv("BENCH_MESSAGES") == "refused"
local channel = refused and "pigeon" or "webform"
local expected = refused and 422 or 201

local villages = { "青山村", "河西村", "柳塘村", "石门村", "枫林村", "大坪村", "龙泉村", "新街社区", "茶园村" }
local complaints = {
  { "环境", "垃圾清运", "组里垃圾堆积多日无人清运，气味难闻，夏天蚊蝇很多，请尽快处理。" },
  { "道路交通", "路灯不亮", "村道路灯坏了一个多月，晚上出行很不方便，老人孩子摔过几次。" },
  { "道路交通", "道路塌陷", "通组公路雨后塌陷一段，车辆无法通行，请安排修复。" },
  { "劳资", "拖欠工资", "在镇上工地干了三个月，老板拖欠工资至今未付，多次催要无果。" },
  { "低保", "低保申请", "家中老人患病，无劳动能力，申请低保两次都没有回音，想问问进度。" },
  { "土地", "宅基地纠纷", "邻居建房占了我家宅基地一米多，村里调解过没有结果。" },
  { "拆迁", "拆迁补偿", "征地拆迁补偿款迟迟没有发放到位，标准也没有公示。" },
  { "治安", "噪音扰民", "附近加工厂夜里开工，机器噪音很大，影响休息。" },
  { "环境", "污水直排", "养殖场污水直接排进水沟，田里的水都变黑了。" },
  { "道路交通", "校车安全", "孩子上学坐的车超载严重，担心出安全事故。" },
  { "土地", "山林权属", "两家对一片山林的权属有争议，砍伐时发生了口角。" },
  { "劳资", "工伤赔偿", "在厂里干活受伤，厂方不肯按规定赔偿医药费。" },
  { "低保", "五保供养", "五保老人的供养金这个季度没有按时发放。" },
  { "治安", "邻里纠纷", "邻居在公共通道堆放杂物，多次沟通不听，出入困难。" },
  { "环境", "秸秆焚烧", "有人在田里焚烧秸秆，烟雾很大，影响呼吸。" },
  { "道路交通", "桥梁破损", "组里的小桥栏杆断了，存在安全隐患，请尽快维修。" },
}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  counter = 0
end

local function varied(ref, n)
  local c = complaints[(n * 7 + id * 3) % #complaints + 1]
  local village = villages[(n * 5 + id) % #villages + 1]
  local house = (n * 13 + id * 101) % 300 + 1
  local phone = string.format("139%08d", (id * 10000000 + n) % 100000000)
  return string.format(
    '{"channel":"%s","source_ref":"%s","village":"%s","category":"%s",' ..
    '"complainant":{"name":"群众%d","phone":"%s"},"subject":"%s",' ..
    '"body":"我是%s%d号的住户。%s"}', channel, ref, village, c[1], n % 1000, phone, c[2], village, house, c[3])
end

request = function()
  counter = counter + 1
  local ref = string.format("%s-%d-%d", prefix, id, counter)
  local body
  if same then
    body = string.format(
      '{"channel":"webform","source_ref":"%s","village":"青山村","category":"环境",' ..
      '"complainant":{"name":"测试群众","phone":"13812345678"},"subject":"垃圾清运",' ..
      '"body":"村口垃圾堆积多日无人清运，气味难闻，请尽快处理。"}', ref)
  else
    body = varied(ref, counter)
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("MINQING_API_TOKEN"),
  }, body)
end

response = function(status, headers, body)
  if status ~= expected and not (status == 200 and not refused) then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
