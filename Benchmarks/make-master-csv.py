#!/usr/bin/env python3
"""Writes a realistic Asterisk cdr-csv/Master.csv for the import benchmark: LINES lines (default 10000) from
700 numbers over working hours, 55 % answered (two thirds with Chinese notes in userfield, some with commas and
quotes), 30 % NO ANSWER, 15 % BUSY; empty answer times for unanswered calls; uniqueid and userfield columns.
Usage: make-master-csv.py OUT [LINES] [SEED]"""
import datetime
import random
import sys

out = sys.argv[1]
lines = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
notes = ["反映村道塌陷,请求尽快修复", "咨询低保申请材料，已解答", "投诉邻居养猪污染，\"希望尽快处理\"", "路灯不亮,青山村五组,共3盏"]


def q(s):
    return '"' + s.replace('"', '""') + '"'


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


t = datetime.datetime(2026, 11, 16, 8, 30)
with open(out, "w", encoding="utf-8") as f:
    for i in range(1, lines + 1):
        t += datetime.timedelta(seconds=random.randint(20, 120))
        phone = "13%09d" % (700000 + random.randint(0, 699) * 37)
        r = random.random()
        disposition = "ANSWERED" if r < .55 else "NO ANSWER" if r < .85 else "BUSY"
        answered = disposition == "ANSWERED"
        note = random.choice(notes) if answered and random.random() < .66 else ""
        f.write(",".join([
            q(""), q(phone), q("88886666"), q("hotline-in"), q('"张秀英" <%s>' % phone), q("SIP/trunk-%08x" % i),
            q("SIP/8001-%08x" % i if answered else ""), q("Dial" if answered else "Queue"), q("SIP/8001,30,tT"),
            q(fmt(t)), q(fmt(t + datetime.timedelta(seconds=5)) if answered else ""),
            q(fmt(t + datetime.timedelta(seconds=65))), "65", "60" if answered else "0", q(disposition),
            q("DOCUMENTATION"), q("%d.%d" % (t.timestamp(), i)), q(note),
        ]) + "\n")
