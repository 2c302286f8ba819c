#!/usr/bin/env python3
"""Regenerates the .eml fixtures of the mailbox adapter (Minqing Hub, 民情通).

Each fixture imitates what one real mail client sends to a township 民情信箱: its headers, its MIME layout, its
charset labels (including the wrong ones) and its transfer encodings. Byte-exact output: the script is
deterministic (fixed boundaries, dates, ids and pseudo-random attachment bytes), so regenerating changes nothing
unless the script changes.

    python3 make_fixtures.py            # writes *.eml next to this script

Golden files (*.expected.json) are produced by the Swift parser and reviewed by eye; regenerate them with
MINQING_UPDATE_GOLDENS=1 swift test --filter Golden, then read the diff.

People, villages, phone numbers and addresses are invented.
"""

import base64
import email.policy
import io
import os
import quopri
import random
import struct
import zipfile
import zlib
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF = b"\r\n"
TOWN = "mqxx@shiqiaozhen.gov.cn"  # 石桥镇民情信箱


# MARK: encoding helpers

def enc(text, codec):
    return text.encode(codec)


def b64_lines(data, width=76):
    encoded = base64.b64encode(data)
    return CRLF.join(encoded[i:i + width] for i in range(0, len(encoded), width))


def ew_b(data_or_text, label, codec=None):
    """One RFC 2047 B encoded-word."""
    data = data_or_text if isinstance(data_or_text, bytes) else data_or_text.encode(codec or label)
    return b"=?" + label.encode() + b"?B?" + base64.b64encode(data) + b"?="


def ew_q(data, label):
    """One RFC 2047 Q encoded-word (every non-alphanumeric byte escaped, as Sina and Outlook Express do)."""
    out = b""
    for byte in data:
        ch = bytes([byte])
        if ch.isalnum() and byte < 0x80:
            out += ch
        elif byte == 0x20:
            out += b"_"
        else:
            out += b"=%02X" % byte
    return b"=?" + label.encode() + b"?Q?" + out + b"?="


def qp(data):
    """Quoted-printable body, 76-column soft breaks, CRLF line ends."""
    normalized = data.replace(b"\r\n", b"\n")
    return quopri.encodestring(normalized).replace(b"\n", CRLF)


def crlf(text_or_bytes, codec="utf-8"):
    data = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode(codec)
    return data.replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def header_lines(*lines):
    """Header lines (str or bytes; str must be ASCII) joined with CRLF, ending with the blank line."""
    out = b""
    for line in lines:
        out += (line if isinstance(line, bytes) else line.encode("ascii")) + CRLF
    return out + CRLF


def part(headers, body):
    return header_lines(*headers) + body


def multipart(boundary, parts, preamble=None, close=True):
    b = boundary.encode()
    out = b""
    if preamble is not None:
        out += preamble.encode() + CRLF + CRLF
    for p in parts:
        out += b"--" + b + CRLF + p + CRLF
    if close:
        out += b"--" + b + b"--" + CRLF
    return out


def write(name, data, line_ending=CRLF):
    if line_ending != CRLF:
        data = data.replace(CRLF, line_ending)
    with open(os.path.join(HERE, name), "wb") as handle:
        handle.write(data)


# MARK: attachment payloads (deterministic)

def fake_jpeg(seed, size):
    rng = random.Random(seed)
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00"
    return head + bytes(rng.getrandbits(8) for _ in range(size)) + b"\xff\xd9"


def tiny_png(rgb):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def tiny_pdf(title):
    body = ("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            f"% {title}\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return body.encode("ascii")


def tiny_zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def text_to_html_divs(text):
    lines = []
    for line in text.split("\n"):
        lines.append("<div>" + (line if line else "<br>") + "</div>")
    return "\n".join(lines)


# MARK: 01 QQ Mail, GBK subject, gb18030 bodies, multipart/alternative

def qq_land_dispute():
    text = ("尊敬的石桥镇领导：\n"
            "    您好！我是柳树湾村三组村民张德福，联系电话13907314562。\n"
            "    我家承包的村东头两亩三分责任田，2023年10月被邻居李国强占去一角修了猪圈，"
            "村委会调解过两次都没有结果。李家说地界以老田埂为准，可确权证上的四至写得很清楚。\n"
            "    恳请镇里派国土所的同志来实地丈量，依法处理。\n"
            "此致\n敬礼！\n"
            "张德福\n2024年3月5日")
    html = ('<meta http-equiv="Content-Type" content="text/html; charset=GB18030">'
            '<div style="font-family:\'微软雅黑\';">' + text_to_html_divs(text.replace("    ", "&nbsp;&nbsp;&nbsp;&nbsp;"))
            + '</div><div><br></div><div><sign signid="0"><div style="color:#909090;font-size:12px;">'
            '&nbsp;</div></sign></div>')
    boundary = "----=_NextPart_65E67A71_0B2C4D70_6A1E3F52"
    body = multipart(boundary, [
        part(['Content-Type: text/plain;', '\tcharset="gb18030"', 'Content-Transfer-Encoding: base64'],
             b64_lines(enc(text.replace("\n", "\r\n"), "gb18030"))),
        part(['Content-Type: text/html;', '\tcharset="gb18030"', 'Content-Transfer-Encoding: base64'],
             b64_lines(enc(html, "gb18030"))),
    ], preamble="This is a multi-part message in MIME format.")
    headers = header_lines(
        "Received: from smtpbg154.qq.com (smtpbg154.qq.com [203.205.251.61])",
        "\tby mx.shiqiaozhen.gov.cn (Postfix) with ESMTPS id 4TpQ1x3kZ2z9sT7",
        "\tfor <mqxx@shiqiaozhen.gov.cn>; Tue,  5 Mar 2024 09:12:40 +0800 (CST)",
        "X-QQ-mid: bizesmtp71t1709601153tq3k8f2a",
        b'From: "' + ew_b("张德福", "gb18030") + b'" <2847561093@qq.com>',
        b'To: "' + ew_b("石桥镇民情信箱", "gb18030") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("关于柳树湾村三组土地纠纷的反映", "GBK"),
        "Mime-Version: 1.0",
        "Content-Type: multipart/alternative;",
        f'\tboundary="{boundary}"',
        "Content-Transfer-Encoding: 8Bit",
        "Date: Tue, 5 Mar 2024 09:12:33 +0800",
        "X-Priority: 3",
        "Message-ID: <tencent_5A3F1C2E9B7D4E6F8A0B1C2D3E4F5A6B7C08@qq.com>",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: QQMail 2.x",
        "X-QQ-Mailer: QQMail 2.x",
    )
    write("01-qq-gbk-land-dispute.eml", headers + body)


# MARK: 02 163.com, labelled gb2312 but holding GBK-only characters (堃, 镕)

def netease_163_dibao():
    text = ("石桥镇民政办：\n"
            "我叫王堃，是河东村村民，电话15873021946。我母亲朱镕英今年七十三岁，独居，"
            "去年脑梗后右半身行动不便，每月药费四百多元，家里没有其他收入。\n"
            "去年十一月向村里交了低保申请，至今没有回音。村干部说名额满了，"
            "可我听说同组有在县城买了房的人家还在吃低保。\n"
            "请民政办核实我母亲的情况，也请对本村低保户重新公示。\n"
            "王堃")
    html = "<div>" + text.replace("\n", "</div><div>") + "</div>"
    boundary = "----=_Part_471203_1391562187.1709689452193"
    body = multipart(boundary, [
        part(["Content-Type: text/plain; charset=GB2312", "Content-Transfer-Encoding: base64"],
             b64_lines(enc(text.replace("\n", "\r\n"), "gbk"))),
        part(["Content-Type: text/html; charset=GB2312", "Content-Transfer-Encoding: base64"],
             b64_lines(enc(html, "gbk"))),
    ])
    headers = header_lines(
        "Received: from wangkun1983$163.com ( [117.136.89.214] ) by",
        " ajax-webmail-wmsvr-40-118 (Coremail) ; Wed, 6 Mar 2024 09:44:12 +0800",
        " (CST)",
        "X-Originating-IP: [117.136.89.214]",
        "Date: Wed, 6 Mar 2024 09:44:12 +0800 (CST)",
        b'From: "' + ew_b("王堃", "gb2312", "gbk") + b'" <wangkun1983@163.com>',
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("关于我母亲朱镕英申请低保的情况反映", "gb2312", "gbk"),
        "X-Priority: 3",
        "X-Mailer: Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)",
        " Copyright (c) 2002-2024 www.mailtech.cn 163com",
        "X-NTES-SC: AL_Qu2aC/6avkAs5iOZZukfmk8Sg+85XMK3s/gm2ehCdoP8jD/u9wcJQ1pmFW/H6ey",
        "Content-Type: multipart/alternative; ",
        f'\tboundary="{boundary}"',
        "MIME-Version: 1.0",
        "Message-ID: <3c1f5a2e.4b21.18e0f2a1b3c.Coremail.wangkun1983@163.com>",
        "X-Coremail-Locale: zh_CN",
    )
    write("02-163-gb2312-label-gbk-chars.eml", headers + body)


# MARK: 03 126.com, demolition compensation, attachment name as an encoded-word in quotes

def netease_126_demolition():
    text = ("镇拆迁办负责同志：\n"
            "我是王家庄村一组的周桂芳，家里两层砖混结构住房（约186平方米）在高铁站前广场征收范围内。\n"
            "征收公告上写的补偿标准是每平方米2350元，但同村同样结构的房子有的按2800元算，"
            "附件是评估公司给我家出的补偿协议草稿，请领导看看面积和单价是否有误。\n"
            "联系电话：18674839205\n"
            "周桂芳 敬上")
    pdf = tiny_pdf("buchang xieyi caogao")
    inner = "----=_Part_88231_2061557711.1710137380614"
    outer = "----=_Part_88230_1442817226.1710137380614"
    alternative = multipart(inner, [
        part(["Content-Type: text/plain; charset=GBK", "Content-Transfer-Encoding: base64"],
             b64_lines(enc(text.replace("\n", "\r\n"), "gbk"))),
        part(["Content-Type: text/html; charset=GBK", "Content-Transfer-Encoding: base64"],
             b64_lines(enc("<div>" + text.replace("\n", "<br>") + "</div>", "gbk"))),
    ])
    name = ew_b("拆迁补偿协议（草稿）.pdf", "GBK")
    body = multipart(outer, [
        part(["Content-Type: multipart/alternative; ", f'\tboundary="{inner}"'], alternative),
        part([b'Content-Type: application/octet-stream; name="' + name + b'"',
              "Content-Transfer-Encoding: base64",
              b'Content-Disposition: attachment; filename="' + name + b'"'],
             b64_lines(pdf)),
    ])
    headers = header_lines(
        "Date: Mon, 11 Mar 2024 14:09:40 +0800 (CST)",
        b'From: "' + ew_b("周桂芳", "GBK") + b'" <zhouguifang66@126.com>',
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("王家庄村一组房屋征收补偿标准不一致的问题", "GBK"),
        "X-Priority: 3",
        "X-Mailer: Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)",
        " Copyright (c) 2002-2024 www.mailtech.cn 126com",
        "Content-Type: multipart/mixed; ",
        f'\tboundary="{outer}"',
        "MIME-Version: 1.0",
        "Message-ID: <1f2e9a41.6c3d.18e2c4b7e21.Coremail.zhouguifang66@126.com>",
    )
    write("03-126-demolition-quoted-encoded-filename.eml", headers + body)


# MARK: 04 Foxmail, pollution report with a photo

def foxmail_pollution():
    text = ("石桥镇人民政府：\n"
            "李家坳村后山的生猪养殖场最近半年把猪粪水直接排进村前的小河，"
            "河水发黑发臭，下游二十多户人家的井水都有异味，小孩喝了拉肚子。\n"
            "我们找过养殖场老板刘某，他说有环评手续，不归村里管。附件是上周六拍的排污口照片。\n"
            "请镇里联系县生态环境分局来检测水质，督促整改。\n"
            "李家坳村村民 陈建军 13574108263\n\n"
            "2024-03-08")
    photo = fake_jpeg(4, 1536)
    alt_boundary = "----=_002_NextPart318763541721_=----"
    mixed_boundary = "----=_001_NextPart543876213765_=----"
    html = ('<html><head><meta http-equiv="content-type" content="text/html; charset=gb2312">'
            '<style>body { line-height: 1.5; }</style></head><body>\n'
            + text_to_html_divs(text) + '\n<hr style="width: 210px; height: 1px;" color="#b5c4df" size="1" align="left">\n'
            '<div><span>陈建军</span></div>\n</body></html>')
    alternative = multipart(alt_boundary, [
        part(['Content-Type: text/plain;', '\tcharset="gb2312"', "Content-Transfer-Encoding: base64"],
             b64_lines(enc(text.replace("\n", "\r\n"), "gbk"))),
        part(['Content-Type: text/html;', '\tcharset="gb2312"', "Content-Transfer-Encoding: quoted-printable"],
             qp(enc(html, "gbk"))),
    ])
    name = ew_b("养殖场排污口.jpg", "gb2312", "gbk")
    body = multipart(mixed_boundary, [
        part(["Content-Type: multipart/alternative;", f'\tboundary="{alt_boundary}"'], alternative),
        part([b"Content-Type: image/jpeg;", b'\tname="' + name + b'"', b"Content-Transfer-Encoding: base64",
              b"Content-Disposition: attachment;", b'\tfilename="' + name + b'"'],
             b64_lines(photo)),
    ], preamble="This is a multi-part message in MIME format.")
    headers = header_lines(
        "Date: Fri, 8 Mar 2024 21:37:05 +0800",
        b'From: "' + ew_b("陈建军", "gb2312") + b'" <chenjianjun@foxmail.com>',
        b'To: "' + ew_b("石桥镇民情信箱", "gb2312") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("李家坳村养殖场污水直排小河", "gb2312"),
        "X-Priority: 3",
        "X-GUID: 4B7E2D51-8C3A-4F1B-A2E6-77C90D1E3B45",
        "X-Has-Attach: yes",
        "X-Mailer: Foxmail 7.2.25.254[cn]",
        "Mime-Version: 1.0",
        "Message-ID: <202403082137050317024@foxmail.com>",
        "Content-Type: multipart/mixed;",
        f'\tboundary="{mixed_boundary}"',
    )
    write("04-foxmail-pollution-photo.eml", headers + body)


# MARK: 05 Outlook, quoted-printable UTF-8, multipart/related with an inline image

def outlook_road_damage():
    text = ("王镇长：\n\n"
            "您好！河东村通往镇上的水泥村道（K2+300附近）上月暴雨后塌陷了一段，"
            "路面裂开约一米宽，校车和收粮的货车都过不去，学生只能绕行三公里。\n\n"
            "村里已经拉了警戒线，但夜里没有照明，很危险。现场照片见下图。\n\n"
            "恳请镇交通办尽快安排抢修。\n\n"
            "河东村村委会 赵志明\n"
            "电话：0731-8452 3367  手机：13807319902\n")
    cid = "image001.jpg@01DA6F2C.8D1E4B20"
    html = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
            '<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">'
            '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
            '<style><!--\n/* Font Definitions */\n@font-face {font-family:等线;}\n'
            'p.MsoNormal {margin:0cm; font-size:10.5pt;}\n--></style></head>'
            '<body lang=ZH-CN link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>'
            '<div class=WordSection1>'
            '<p class=MsoNormal>王镇长：<o:p></o:p></p>'
            '<p class=MsoNormal><o:p>&nbsp;</o:p></p>'
            '<p class=MsoNormal>您好！河东村通往镇上的水泥村道（<span lang=EN-US>K2+300</span>附近）'
            '上月暴雨后塌陷了一段，路面裂开约一米宽，校车和收粮的货车都过不去，学生只能绕行三公里。<o:p></o:p></p>'
            '<p class=MsoNormal><o:p>&nbsp;</o:p></p>'
            '<p class=MsoNormal>村里已经拉了警戒线，但夜里没有照明，很危险。现场照片见下图。<o:p></o:p></p>'
            f'<p class=MsoNormal><img width=480 height=360 style=\'width:5.0in;height:3.75in\' id="图片_x0020_1" src="cid:{cid}"><o:p></o:p></p>'
            '<p class=MsoNormal>恳请镇交通办尽快安排抢修。<o:p></o:p></p>'
            '<p class=MsoNormal><o:p>&nbsp;</o:p></p>'
            '<p class=MsoNormal>河东村村委会 赵志明<o:p></o:p></p>'
            '<p class=MsoNormal>电话：<span lang=EN-US>0731-8452 3367&nbsp; </span>手机：<span lang=EN-US>13807319902</span><o:p></o:p></p>'
            '</div></body></html>')
    photo = fake_jpeg(5, 2048)
    alt = "----=_NextPart_001_0006_01DA6F2C.8E4B1A30"
    rel = "----=_NextPart_000_0005_01DA6F2C.8E4B1A30"
    alternative = multipart(alt, [
        part(['Content-Type: text/plain;', '\tcharset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
             qp(text.encode("utf-8"))),
        part(['Content-Type: text/html;', '\tcharset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
             qp(html.encode("utf-8"))),
    ])
    body = multipart(rel, [
        part(["Content-Type: multipart/alternative;", f'\tboundary="{alt}"'], alternative),
        part(['Content-Type: image/jpeg;', '\tname="image001.jpg"', "Content-Transfer-Encoding: base64",
              f"Content-ID: <{cid}>"], b64_lines(photo)),
    ], preamble="This is a multipart message in MIME format.")
    headers = header_lines(
        b'From: "' + ew_b("赵志明", "utf-8") + b'" <zhaozhiming@hedongcun.org.cn>',
        b'To: "' + ew_b("石桥镇民情信箱", "utf-8") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("河东村村道塌陷，请求尽快抢修", "utf-8"),
        "Date: Wed, 13 Mar 2024 08:05:19 +0800",
        "Message-ID: <000501da74d8$8e4b1a30$aae14e90$@hedongcun.org.cn>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/related;",
        '\ttype="multipart/alternative";',
        f'\tboundary="{rel}"',
        "X-Mailer: Microsoft Outlook 16.0",
        "Thread-Index: AdpX1Y3ZpXm0Lr2+S0uRZbb9n2c1Pw==",
        "Content-Language: zh-cn",
    )
    write("05-outlook-qp-related-inline-image.eml", headers + body)


# MARK: 06 Apple Mail, unpaid wages, RFC 2231 filename

def apple_mail_wages():
    text1 = ("镇劳动保障所：\n\n"
             "我们是在镇工业园“鑫达建材”新厂房工地干活的二十三名农民工，"
             "从去年八月干到今年一月，包工头孙某一共拖欠工资约四十一万元，"
             "春节前说年后结，现在电话也不接了。\n\n"
             "附件是孙某手写的欠条照片。我们的诉求：按欠条足额支付工资。\n")
    text2 = ("\n联系人：何长青 15907318824（代表全体工友）\n\n发自我的 Mac\n")
    photo = fake_jpeg(6, 1024)
    boundary = "Apple-Mail=_8E2A4F61-3B5C-4D7E-9F10-2A3B4C5D6E7F"
    fname = "孙某欠条.jpeg"
    pct = "".join("%%%02X" % b for b in fname.encode("utf-8"))
    body = multipart(boundary, [
        part(["Content-Transfer-Encoding: quoted-printable", "Content-Type: text/plain;", "\tcharset=utf-8"],
             qp(text1.encode("utf-8"))),
        part(["Content-Disposition: attachment;", f"\tfilename*=utf-8''{pct}",
              "Content-Type: image/jpeg;", "\tx-unix-mode=0644;",
              b'\tname="' + ew_b(fname, "utf-8") + b'"',
              "Content-Transfer-Encoding: base64"], b64_lines(photo)),
        part(["Content-Transfer-Encoding: quoted-printable", "Content-Type: text/plain;", "\tcharset=utf-8"],
             qp(text2.encode("utf-8"))),
    ])
    headers = header_lines(
        b"From: " + ew_b("何长青", "utf-8") + b" <hechangqing@icloud.com>",
        "Content-Type: multipart/mixed;",
        f'\tboundary="{boundary}"',
        "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))",
        b"Subject: " + ew_b("工业园鑫达建材工地拖欠二十三名农民工工资", "utf-8"),
        "Message-Id: <7C1E4A52-0D3B-4E6F-8A9B-1C2D3E4F5A6B@icloud.com>",
        "Date: Mon, 11 Mar 2024 20:41:07 +0800",
        "To: mqxx@shiqiaozhen.gov.cn",
        "X-Mailer: Apple Mail (2.3774.500.171.1.1)",
    )
    write("06-apple-mail-rfc2231-filename.eml", headers + body)


# MARK: 07 a UTF-8 character split across two encoded-words

def split_utf8_words():
    subject = "石桥中学门口路灯坏了三个月没人修"
    data = subject.encode("utf-8")
    cut = 10  # inside the fourth character (3 bytes each)
    assert data[cut - 1] >= 0x80 and (data[cut] & 0xC0) == 0x80
    name = "马晓燕".encode("utf-8")
    text = ("您好：\n石桥中学东门到公交站那一段的三盏路灯从去年十二月起就不亮了，"
            "晚自习下课学生摸黑走路，上周还有学生被电动车撞了。\n"
            "希望尽快修复。\n学生家长 马晓燕 18907318156\n")
    body = b64_lines(text.encode("utf-8"))
    headers = header_lines(
        "Date: Thu, 14 Mar 2024 22:03:51 +0800",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"From: " + ew_b(name[:4], "UTF-8") + b" " + ew_b(name[4:], "UTF-8") + b" <maxiaoyan@sohu.com>",
        b"Subject: " + ew_b(data[:cut], "UTF-8"),
        b" " + ew_b(data[cut:], "UTF-8"),
        "Message-ID: <b1d4e6f0a2c3e5f7a9b0c1d2e3f4a5b6@sohu.com>",
        "X-Mailer: PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
    )
    write("07-split-encoded-word-utf8.eml", headers + body + CRLF)


# MARK: 08 a GBK character split across two encoded-words (Outlook Express style)

def split_gbk_words():
    subject = "反映柳树湾村砖厂拖欠工资问题"
    data = subject.encode("gbk")
    cut = 7  # second byte of the fourth character
    name = "刘春生".encode("gbk")
    text = ("镇领导：\n我在柳树湾村红星砖厂做了一年零工，老板欠我工资一万二千六百元，"
            "去年腊月说开春给，到现在没给。厂里还有七八个人也没拿到钱。\n"
            "请镇里帮我们讨个说法。\n刘春生 13762045517\n")
    headers = header_lines(
        b'From: "' + ew_q(name[:3], "gbk") + b" " + ew_q(name[3:], "gbk") + b'" <liuchunsheng1971@tom.com>',
        "To: <mqxx@shiqiaozhen.gov.cn>",
        b"Subject: " + ew_b(data[:cut], "GBK") + b"\t" + ew_b(data[cut:], "GBK"),
        "Date: Fri, 15 Mar 2024 07:26:44 +0800",
        "MIME-Version: 1.0",
        "Content-Type: text/plain;",
        '\tcharset="gbk"',
        "Content-Transfer-Encoding: base64",
        "X-Priority: 3",
        "X-MSMail-Priority: Normal",
        "X-Mailer: Microsoft Outlook Express 6.00.2900.5931",
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.6157",
        "Message-ID: <001a01da7652$3c2e8f40$6401a8c0@PC201902141530>",
    )
    write("08-split-encoded-word-gbk.eml", headers + b64_lines(text.replace("\n", "\r\n").encode("gbk")) + CRLF)


# MARK: 09 raw 8-bit GBK headers (an ASP site sending through JMail)

def raw_gbk_headers():
    text = ("留言人：李秀兰\n联系电话：13975120438\n所在村组：石桥村五组\n"
            "留言内容：我们组通往省道的排水沟被建筑垃圾堵死了，一下雨就漫到路上，"
            "路面已经冲出好几个坑，前天晚上有位老人骑三轮车摔伤了。请镇里安排清理排水沟、修补路面。\n")
    headers = header_lines(
        "Received: from WEB-SERVER ([61.187.54.23]) by mx.shiqiaozhen.gov.cn with SMTP;",
        "\tSat, 16 Mar 2024 10:15:02 +0800",
        "From: " .encode() + "李秀兰 <lixiulan0812@sina.com>".encode("gbk"),
        b"To: " + '"石桥镇人民政府, 民情信箱" <mqxx@shiqiaozhen.gov.cn>, 王主任 <wangzr@shiqiaozhen.gov.cn>'.encode("gbk"),
        b"Subject: " + "石桥村五组排水沟堵塞、路面损坏".encode("gbk"),
        "Date: Sat, 16 Mar 2024 10:15:02 +0800",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=gbk",
        "Content-Transfer-Encoding: 8bit",
        "X-Mailer: JMail 4.4.0 Free Version by Dimac",
        "Message-ID: <20240316101502.1843@WEB-SERVER>",
    )
    write("09-raw-8bit-gbk-headers.eml", headers + crlf(text.encode("gbk")))


# MARK: 10 unknown-8bit (a list server re-encoding raw 8-bit text)

def unknown_8bit():
    subject = "村民反映：河东村小学食堂卫生问题"
    text = ("镇教育办：\n我孩子在河东村小学读三年级，最近几次回家说食堂的菜是馊的，"
            "有同学吃了呕吐。家长们去看过，厨房里苍蝇很多，冰箱也坏了。\n"
            "请派人检查，给孩子们一个放心的食堂。\n家长 郑丽 15116270391\n")
    headers = header_lines(
        "Return-Path: <zhengli_hd@139.com>",
        "Received: from lists.shiqiaozhen.gov.cn (localhost [127.0.0.1])",
        "\tby lists.shiqiaozhen.gov.cn (Postfix) with ESMTP id 2F1A3C0042",
        "\tfor <mqxx@shiqiaozhen.gov.cn>; Mon, 18 Mar 2024 12:30:05 +0800 (CST)",
        b"From: " + ew_b("郑丽", "unknown-8bit", "gbk") + b" <zhengli_hd@139.com>",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_q(subject.encode("gbk"), "unknown-8bit"),
        "Date: Mon, 18 Mar 2024 12:29:58 +0800",
        "Message-ID: <5f8e2a1c0d3b4e6f@139.com>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="unknown-8bit"',
        "Content-Transfer-Encoding: 8bit",
        "List-Id: <minqing.lists.shiqiaozhen.gov.cn>",
    )
    write("10-unknown-8bit.eml", headers + crlf(text.encode("gbk")))


# MARK: 11 HTML-only mail from the township's web form

def html_only_form():
    html = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>民情信箱网上留言</title>
<style type="text/css">
table { border-collapse: collapse; } td { padding: 4px 8px; border: 1px solid #ccc; }
</style>
<script type="text/javascript">var trackId = "a<b && c>d"; document.write("不应出现");</script>
</head>
<body>
<h2>民情信箱网上留言 &#x2014; 编号 MQ20240319&#48;07</h2>
<table>
<tr><td>姓名</td><td>黄伟</td></tr>
<tr><td>电话</td><td>137&nbsp;0731&nbsp;5582</td></tr>
<tr><td>地址</td><td>石桥镇&#x67F3;&#26641;湾村二组</td></tr>
<tr><td>类别</td><td>环境污染 &amp; 噪音</td></tr>
</table>
<p>留言内容：</p>
<p>村北采石场每天早上六点就开始放炮，<b>粉尘</b>把附近的菜地都盖白了，<br>
房子墙上也震出了裂缝。</p>
<ul>
<li>诉求一：禁止夜间和清晨放炮；</li>
<li>诉求二：洒水降尘，覆盖运输车辆；</li>
<li>诉求三：对房屋裂缝进行鉴定 &lt;附近共十一户&gt;。</li>
</ul>
<!-- 以下为系统自动生成 -->
<div style="color:#999">本邮件由系统自动发送，请勿直接回复。&copy; 2024 石桥镇人民政府</div>
</body></html>
"""
    headers = header_lines(
        b"From: " + ew_b("石桥镇民情信箱网上受理平台", "utf-8") + b" <noreply@shiqiaozhen.gov.cn>",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("【网上留言】柳树湾村采石场放炮扰民及粉尘污染", "utf-8"),
        "Date: Tue, 19 Mar 2024 06:48:21 +0800",
        "Message-ID: <form.20240319064821.MQ2024031907@shiqiaozhen.gov.cn>",
        "X-Mailer: PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
    )
    write("11-html-only-web-form.eml", headers + b64_lines(crlf(html)) + CRLF)


# MARK: 12 Thunderbird, format=flowed, RFC 2231 continuations

def thunderbird_continuations():
    fname = "关于柳树湾村第三村民小组土地承包经营权确权登记错误的申诉材料.docx"
    encoded = "".join("%%%02X" % b for b in fname.encode("utf-8"))
    pieces = [encoded[i:i + 60] for i in range(0, len(encoded), 60)]
    # never cut a %XX escape in two
    fixed, carry = [], ""
    for piece in pieces:
        piece = carry + piece
        cut = len(piece) - (len(piece) % 3)
        fixed.append(piece[:cut])
        carry = piece[cut:]
    if carry:
        fixed[-1] += carry
    disposition = ["Content-Disposition: attachment;"]
    for index, piece in enumerate(fixed):
        prefix = "UTF-8''" if index == 0 else ""
        end = ";" if index < len(fixed) - 1 else ""
        disposition.append(f" filename*{index}*={prefix}{piece}{end}")
    docx = tiny_zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document>申诉材料</w:document>")])
    text = ("石桥镇农经站：\n\n"
            "附件是我们三组七户人家关于土地确权登记错误的申诉材料。 "
            "2019年确权时把我们组的一块集体机动地登记到了邻组名下， "
            "今年修路征地补偿款被邻组领走了。\n\n"
            "请农经站调出原始测绘图核对。\n\n"
            "-- \n柳树湾村三组 组长 吴国平\n")
    flowed = text.encode("utf-8")
    boundary = "------------0Kq3sD8uF2lJvX1mN7bT5cRz"
    body = multipart(boundary, [
        part(["Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 8bit"],
             crlf(flowed)),
        part(["Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;",
              b' name="' + ew_b(fname[:20], "UTF-8") + b"\r\n " + ew_b(fname[20:], "UTF-8") + b'"',
              *disposition, "Content-Transfer-Encoding: base64"], b64_lines(docx, 72)),
    ], preamble="This is a multi-part message in MIME format.")
    headers = header_lines(
        "Message-ID: <4e1b7c2a-9d3f-4a6e-b8c0-2f5d1e3a7b9c@163.com>",
        "Date: Wed, 20 Mar 2024 16:52:08 +0800",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "Content-Language: zh-CN",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"From: " + ew_b("吴国平", "UTF-8") + b" <wuguoping_lsw@163.com>",
        b"Subject: " + ew_b("柳树湾村三组土地确权登记错误申诉", "UTF-8"),
        "Content-Type: multipart/mixed;",
        f' boundary="{boundary}"',
    )
    write("12-thunderbird-rfc2231-continuations.eml", headers + body)


# MARK: 13 a complaint forwarded as message/rfc822

def forwarded_rfc822():
    inner_text = ("河东村村委会：\n我在村里的宏发砖厂做工，2023年全年工资还欠八千四百元没结，"
                  "老板黄某说砖卖不出去没钱。请村里帮忙协调。\n村民 邓小龙 13317316650\n")
    inner = header_lines(
        b'From: "' + ew_b("邓小龙", "GBK") + b'" <1730529468@qq.com>',
        "To: hedongcun@163.com",
        b"Subject: " + ew_b("反映宏发砖厂拖欠工资问题", "GBK"),
        "Date: Sun, 17 Mar 2024 19:02:11 +0800",
        "Message-ID: <tencent_0C4D2E6F8A1B3C5D7E9F0A1B2C3D4E5F6A07@qq.com>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="gb18030"',
        "Content-Transfer-Encoding: base64",
    ) + b64_lines(inner_text.replace("\n", "\r\n").encode("gb18030")) + CRLF
    outer_text = "镇信访办：\n转来村民邓小龙的来信（见附件），砖厂不在我村管辖范围，请镇里协调处理。\n河东村村委会\n"
    boundary = "----=_001_NextPart771254316822_=----"
    body = multipart(boundary, [
        part(['Content-Type: text/plain;', '\tcharset="gb2312"', "Content-Transfer-Encoding: base64"],
             b64_lines(outer_text.replace("\n", "\r\n").encode("gbk"))),
        part(["Content-Type: message/rfc822", "Content-Transfer-Encoding: 8bit", "Content-Disposition: attachment"],
             inner),
    ], preamble="This is a multi-part message in MIME format.")
    headers = header_lines(
        "Date: Mon, 18 Mar 2024 08:31:47 +0800",
        b'From: "' + ew_b("河东村村委会", "gb2312") + b'" <hedongcun@163.com>',
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("转发: 反映宏发砖厂拖欠工资问题", "gb2312"),
        "X-Has-Attach: yes",
        "X-Mailer: Foxmail 7.2.25.254[cn]",
        "Mime-Version: 1.0",
        "Message-ID: <202403180831476581107@163.com>",
        "Content-Type: multipart/mixed;",
        f'\tboundary="{boundary}"',
    )
    write("13-forwarded-message-rfc822.eml", headers + body)


# MARK: 14 Big5, traditional script

def big5_traditional():
    text = ("石橋鎮人民政府：\n"
            "本人許文雄，現居臺灣高雄，祖籍河東村。家父留下的祖屋位於河東村七組，"
            "近日聽親戚說已被列入拆遷範圍，但我們從未收到任何通知。\n"
            "懇請告知拆遷補償的辦理程序及所需文件，本人可委託在大陸的堂弟許志強代為辦理。\n"
            "聯絡方式：+886 912 345 678\n許文雄 敬上")
    headers = header_lines(
        b'From: "' + ew_b("許文雄", "big5") + b'" <hsu.wenhsiung@ms45.hinet.net>',
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("關於河東村祖屋拆遷補償的陳情", "big5"),
        "Date: Thu, 21 Mar 2024 15:20:33 +0800",
        "Message-ID: <20240321072033.B51C4E0F2A@ms45.hinet.net>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="big5"',
        "Content-Transfer-Encoding: base64",
        "X-Mailer: HiNet WebMail",
    )
    write("14-big5-traditional.eml", headers + b64_lines(text.replace("\n", "\r\n").encode("big5")) + CRLF)


# MARK: 15 says utf-8, holds GBK

def mislabelled_charset():
    subject = "对王家庄村低保公示名单的异议"
    text = ("镇民政办：\n王家庄村3月15日张贴的低保公示名单里，第四组的罗某家有两台货车，"
            "儿子在县城开超市，不符合低保条件。请核查。\n"
            "实名举报人：谭永红 18273106647\n")
    headers = header_lines(
        b"From: " + ew_b("村务公开系统".encode("gbk"), "utf-8") + b" <cwgk@wangjiazhuang.cn>",
        b"Reply-To: " + ew_b("谭永红", "utf-8") + b" <tanyonghong@yeah.net>",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b(subject.encode("gbk"), "utf-8"),
        "Date: Fri, 22 Mar 2024 11:03:12 +0800",
        "Message-ID: <cwgk.1711076592.4471@wangjiazhuang.cn>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    )
    write("15-mislabelled-utf8-holds-gbk.eml", headers + crlf(text.encode("gbk")))


# MARK: 16 Sina, CRLF, GBK quoted-printable body and Q subject

def sina_crlf_noise():
    text = ("石桥镇派出所、镇综治办：\n"
            "石桥街上新开的“金嗓子”KTV每天晚上十点以后还在放音乐、唱歌，"
            "有时候闹到凌晨两点，楼上楼下的住户都睡不着，老人心脏不好，孩子要中考。\n"
            "打过110，来人劝了一次，第二天照旧。请依法处理。\n"
            "石桥街12号住户 罗美华 13548726190\n")
    headers = header_lines(
        "Received: from mail3-165.sinamail.sina.com.cn (HELO localhost) ([202.108.3.165])",
        "\tby mx.shiqiaozhen.gov.cn with ESMTP; 23 Mar 2024 23:48:10 +0800",
        "Date: Sat, 23 Mar 2024 23:48:02 +0800",
        "Received: from unknown (HELO webmail.sina.com) ([10.13.42.9])",
        "\tby sina.com with ESMTP; 23 Mar 2024 23:48:02 +0800",
        b"From: " + ew_q("罗美华".encode("gbk"), "GBK") + b" <luomeihua88@sina.com>",
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_q("石桥街KTV深夜噪音扰民".encode("gbk"), "GBK"),
        "MIME-Version: 1.0",
        "X-Priority: 3",
        "Message-Id: <20240323154802.6B2F1D4A00A9@webmail.sina.com>",
        "Content-Type: text/plain; charset=GBK",
        "Content-Transfer-Encoding: quoted-printable",
        "X-Mailer: Sina WebMail 4.0",
    )
    write("16-crlf-sina-gbk-quoted-printable.eml", headers + qp(text.encode("gbk")))


# MARK: 17 bare LF, a reply from QQ Mail on iPhone

def bare_lf_reply():
    text = ("上次反映的河东村村道塌陷，镇里回复说一周内修，现在已经二十天了还没动工，"
            "昨天又有一辆农用车陷进去了。请问到底什么时候修？\n\n"
            "发自我的iPhone\n\n\n"
            "------------------ 原始邮件 ------------------\n"
            "发件人: 石桥镇民情信箱 <mqxx@shiqiaozhen.gov.cn>\n"
            "发送时间: 2024年3月14日 10:20\n"
            "收件人: 赵志明 <zhaozhiming@hedongcun.org.cn>\n"
            "主题: 回复：河东村村道塌陷，请求尽快抢修\n\n"
            "您好，已转镇交通办，一周内安排抢修。\n")
    headers = header_lines(
        b'From: "' + ew_b("赵志明", "utf-8") + b'" <zhaozhiming@hedongcun.org.cn>',
        b'To: "' + ew_b("石桥镇民情信箱", "utf-8") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("回复：回复：河东村村道塌陷，请求尽快抢修", "utf-8"),
        "Mime-Version: 1.0",
        'Content-Type: text/plain;',
        '\tcharset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "Date: Wed, 3 Apr 2024 07:58:30 +0800",
        "X-Priority: 3",
        "Message-ID: <tencent_9E3C1A5B7D2F4E6A8C0B@qq.com>",
        "In-Reply-To: <reply-20240314102000.71a3@shiqiaozhen.gov.cn>",
        "References: <000501da74d8$8e4b1a30$aae14e90$@hedongcun.org.cn>",
        "\t<reply-20240314102000.71a3@shiqiaozhen.gov.cn>",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: iPhone Mail (21D61)",
    )
    write("17-bare-lf-iphone-reply.eml", headers + b64_lines(text.encode("utf-8")) + CRLF, line_ending=b"\n")


# MARK: 18 QQ Mail with four-byte GB18030 (a rare name character and an emoji)

def qq_gb18030_four_byte():
    text = ("派出所户籍室的同志：\n"
            "我女儿叫刘䶮（䶮读yǎn），去年在医院办出生证明时名字没问题，"
            "可到镇派出所上户口时说系统里打不出“䶮”字，只能改名或者用同音字。\n"
            "这个字在国家标准GB 18030里是有的，请问能不能升级系统或者手工录入？🙏\n"
            "刘建华 15211174830")
    headers = header_lines(
        b'From: "' + ew_b("刘建华", "gb18030") + b'" <1563308942@qq.com>',
        "To: mqxx@shiqiaozhen.gov.cn",
        b"Subject: " + ew_b("女儿名字“䶮”字上不了户口", "gb18030"),
        "Mime-Version: 1.0",
        'Content-Type: text/plain;',
        '\tcharset="gb18030"',
        "Content-Transfer-Encoding: base64",
        "Date: Mon, 25 Mar 2024 16:37:09 +0800",
        "X-Priority: 3",
        "Message-ID: <tencent_3B7F0E2C4A6D8B1F3E5A7C9D@qq.com>",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: QQMail 2.x",
    )
    write("18-qq-gb18030-four-byte.eml", headers + b64_lines(text.replace("\n", "\r\n").encode("gb18030")) + CRLF)


# MARK: 19 a truncated QQ Mail (cut inside the attachment, no closing boundary)

def truncated_qq():
    text = ("镇国土所：\n附件是石桥村六组宅基地纠纷现场的照片。邻居刘某扩建院墙"
            "占了我家出入的通道一米多，量过好几次了。\n石桥村六组 彭桂英 13787415063\n")
    photo = fake_jpeg(19, 3000)
    boundary = "----=_NextPart_66011F2A_0D4E8B90_2C7A1E63"
    name = ew_b("现场照片1.jpg", "GBK")
    body = multipart(boundary, [
        part(['Content-Type: text/plain;', '\tcharset="gb18030"', "Content-Transfer-Encoding: base64"],
             b64_lines(text.replace("\n", "\r\n").encode("gb18030"))),
        part([b'Content-Type: application/octet-stream;', b'\tcharset="gb18030";', b'\tname="' + name + b'"',
              b'Content-Disposition: attachment; filename="' + name + b'"',
              b"Content-Transfer-Encoding: base64"], b64_lines(photo)),
    ], preamble="This is a multi-part message in MIME format.")
    headers = header_lines(
        b'From: "' + ew_b("彭桂英", "gb18030") + b'" <2093317745@qq.com>',
        b'To: "' + ew_b("石桥镇民情信箱", "gb18030") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("石桥村六组宅基地纠纷（照片）", "GBK"),
        "Mime-Version: 1.0",
        "Content-Type: multipart/mixed;",
        f'\tboundary="{boundary}"',
        "Content-Transfer-Encoding: 8Bit",
        "Date: Tue, 26 Mar 2024 10:48:51 +0800",
        "X-Priority: 3",
        "Message-ID: <tencent_7D2E4F6A8B0C1D3E5F7A9B1C@qq.com>",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: QQMail 2.x",
    )
    full = headers + body
    # The server lost the end of the message: cut in the middle of a base64 line of the photo.
    cut = full.index(b"\r\n", len(full) - 1500) - 13
    write("19-truncated-qq-attachment.eml", full[:cut])


# MARK: 20 built with Python's email package (a case system's hand-over notice), Cc with quoted commas

def python_email_handover():
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = '"石桥镇信访办" <xfb@shiqiaozhen.gov.cn>'
    msg["To"] = '"拆迁办, 周主任" <zhouzr@shiqiaozhen.gov.cn>, "王家庄村委会" <wjzcwh@163.com>'
    msg["Cc"] = '"李四, 综治办" <lisi@shiqiaozhen.gov.cn>, fzb@shiqiaozhen.gov.cn (镇法制办)'
    msg["Subject"] = "交办单〔2024〕第031号：王家庄村一组房屋征收补偿标准争议"
    msg["Date"] = "Tue, 12 Mar 2024 09:30:00 +0800"
    msg["Message-ID"] = "<jiaoban-2024-031@shiqiaozhen.gov.cn>"
    msg["References"] = "<1f2e9a41.6c3d.18e2c4b7e21.Coremail.zhouguifang66@126.com>"
    msg.set_content("周主任：\n\n现将群众周桂芳反映的王家庄村一组房屋征收补偿标准不一致的问题交你办理，"
                    "请于3月27日前将办理结果书面报信访办（附交办单）。\n\n石桥镇信访办\n2024年3月12日\n",
                    cte="base64")
    msg.add_alternative("<p>周主任：</p><p>现将群众周桂芳反映的王家庄村一组房屋征收补偿标准不一致的问题交你办理，"
                        "请于<b>3月27日</b>前将办理结果书面报信访办（附交办单）。</p>"
                        "<p>石桥镇信访办<br>2024年3月12日</p>", subtype="html", cte="base64")
    xlsx = tiny_zip([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook>交办单</workbook>")])
    msg.add_attachment(xlsx, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="信访事项交办单-2024-031.xlsx")
    msg.set_boundary("===============4817267315029613377==")
    for index, sub in enumerate(msg.iter_parts()):
        if sub.is_multipart():
            sub.set_boundary(f"===============090417713512468{index:04d}==")
    write("20-python-email-handover-cc-list.eml", msg.as_bytes(policy=email.policy.SMTP))


# MARK: 21 JavaMail from the 12345 hotline platform: x-gbk labels, RFC 2231 with a GBK charset

def javamail_x_gbk():
    text = ("石桥镇人民政府：\n"
            "12345热线工单 HL20240327-0193 已派发至你单位，请在5个工作日内签收办理。\n"
            "来电人：彭先生（尾号8827）\n"
            "诉求内容：反映石桥镇工业园某电子厂拖欠其2月份工资6800元，厂方以“产品不合格”为由拒付。\n"
            "办理时限：2024年4月12日\n")
    fname = "工单HL20240327-0193.pdf"
    pct = "".join("%%%02X" % b if b >= 0x80 or chr(b) in " %'*;=\"" else chr(b) for b in fname.encode("gbk"))
    pdf = tiny_pdf("gongdan HL20240327-0193")
    boundary = "----=_Part_1203_1852064117.1711514280421"
    body = multipart(boundary, [
        part(["Content-Type: text/plain; charset=x-gbk", "Content-Transfer-Encoding: base64"],
             b64_lines(text.replace("\n", "\r\n").encode("gbk"))),
        part(["Content-Type: application/pdf; ", f"\tname*=x-gbk''{pct}", "Content-Transfer-Encoding: base64",
              "Content-Disposition: attachment; ", f"\tfilename*=x-gbk''{pct}"], b64_lines(pdf)),
    ])
    headers = header_lines(
        "Date: Wed, 27 Mar 2024 12:38:00 +0800 (CST)",
        b"From: " + ew_b("12345政务服务便民热线", "x-gbk", "gbk") + b" <noreply@12345.changsha.example.cn>",
        "To: mqxx@shiqiaozhen.gov.cn",
        "Message-ID: <1711514280421.1203.JavaMail.hotline@app03>",
        b"Subject: " + ew_b("【12345工单】HL20240327-0193 拖欠工资", "x-gbk", "gbk"),
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; ",
        f'\tboundary="{boundary}"',
        "X-Mailer: JavaMail",
    )
    write("21-javamail-x-gbk-rfc2231-gbk.eml", headers + body)


# MARK: 22 Coremail (Tencent Exmail-like), mixed > related > alternative, cp936 label, inline PNG

def nested_related_cp936():
    text = "附件是河东村七组危房改造名单，请审核。图中红框为变更的两户。\n镇建设办 钟丽萍"
    png = tiny_png((200, 30, 30))
    html = ('<div>附件是河东村七组危房改造名单，请审核。图中红框为变更的两户。</div>'
            '<div><img src="cid:part1.3F2A8C1D.5E7B9F04@shiqiaozhen.gov.cn"></div>'
            '<div>镇建设办 钟丽萍</div>')
    xls = tiny_zip([("[Content_Types].xml", "<Types/>"), ("xl/sheet1.xml", "<sheet>危房改造</sheet>")])
    alt, rel, mixed = "----=_Part_3_1024.1711600000001", "----=_Part_2_1024.1711600000001", "----=_Part_1_1024.1711600000001"
    alternative = multipart(alt, [
        part(["Content-Type: text/plain; charset=cp936", "Content-Transfer-Encoding: base64"],
             b64_lines(text.replace("\n", "\r\n").encode("gbk"))),
        part(["Content-Type: text/html; charset=cp936", "Content-Transfer-Encoding: base64"],
             b64_lines(html.encode("gbk"))),
    ])
    related = multipart(rel, [
        part([f'Content-Type: multipart/alternative; boundary="{alt}"'], alternative),
        part(["Content-Type: image/png", "Content-Transfer-Encoding: base64",
              "Content-ID: <part1.3F2A8C1D.5E7B9F04@shiqiaozhen.gov.cn>", "Content-Disposition: inline"],
             b64_lines(png)),
    ])
    xls_name = ew_b("河东村七组危房改造名单.xlsx", "cp936", "gbk")
    body = multipart(mixed, [
        part([f'Content-Type: multipart/related; boundary="{rel}"'], related),
        part([b"Content-Type: application/vnd.ms-excel; name=" + xls_name, b"Content-Transfer-Encoding: base64",
              b"Content-Disposition: attachment; filename=" + xls_name], b64_lines(xls)),
    ])
    headers = header_lines(
        b'From: "' + ew_b("钟丽萍", "cp936", "gbk") + b'" <zhongliping@shiqiaozhen.gov.cn>',
        b'To: "' + ew_b("民情信箱", "cp936", "gbk") + b'" <mqxx@shiqiaozhen.gov.cn>',
        b"Subject: " + ew_b("河东村七组危房改造名单（变更两户）", "cp936", "gbk"),
        "Date: Thu, 28 Mar 2024 15:06:40 +0800",
        "Message-ID: <AE5F3C21-77B0-4A19-9D3E-5C2B8F1E0A64@shiqiaozhen.gov.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{mixed}"',
        "X-Mailer: Coremail Webmail Server Version XT6.0.2",
    )
    write("22-nested-mixed-related-cp936.eml", headers + body)


if __name__ == "__main__":
    for make in [qq_land_dispute, netease_163_dibao, netease_126_demolition, foxmail_pollution,
                 outlook_road_damage, apple_mail_wages, split_utf8_words, split_gbk_words, raw_gbk_headers,
                 unknown_8bit, html_only_form, thunderbird_continuations, forwarded_rfc822, big5_traditional,
                 mislabelled_charset, sina_crlf_noise, bare_lf_reply, qq_gb18030_four_byte, truncated_qq,
                 python_email_handover, javamail_x_gbk, nested_related_cp936]:
        make()
    print("fixtures written to", HERE)
