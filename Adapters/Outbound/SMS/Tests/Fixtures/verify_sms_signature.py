"""Recomputes the signature of one captured SMS gateway request with the vendor's own SDK code and compares it.

Input (a JSON file named as the argument, or stdin): {"vendor": "tencent" | "aliyun", "method", "uri", "headers": [[name, value], ...],
"body_base64", "secret_id", "secret_key"}. Prints "OK" and exits 0 when the request's Authorization header is
exactly what the SDK computes; otherwise prints what differs and exits 1.

Tencent: tencentcloud-sdk-python-common, AbstractClient._get_tc3_signature (canonical request) and
tencentcloud/common/sign.py Sign.sign_tc3 (key chain). Aliyun: alibabacloud-openapi-util,
Client.get_authorization (ACS3-HMAC-SHA256) over the headers the request says it signed.
"""
import base64
import datetime
import hashlib
import json
import sys
from urllib.parse import parse_qsl, urlsplit


def header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


class Req:
    pass


def tencent(r, body):
    from tencentcloud.common.abstract_client import AbstractClient

    req = Req()
    req.method = r["method"]
    req.uri = urlsplit(r["uri"]).path or "/"
    req.data = body.decode("utf-8")
    req.header = {"Content-Type": header(r["headers"], "Content-Type"), "Host": header(r["headers"], "Host"),
                  "X-TC-Timestamp": header(r["headers"], "X-TC-Timestamp")}
    ts = int(req.header["X-TC-Timestamp"])
    date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    signature = AbstractClient._get_tc3_signature(None, None, req, date, "sms", r["secret_key"])
    return "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=content-type;host, Signature=%s" % (
        r["secret_id"], date, "sms", signature)


def aliyun(r, body):
    from alibabacloud_openapi_util.client import Client

    auth = header(r["headers"], "Authorization") or ""
    signed_names = auth.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";") if "SignedHeaders=" in auth else []
    req = Req()
    req.method = r["method"]
    parts = urlsplit(r["uri"])
    req.pathname = parts.path or "/"
    req.query = dict(parse_qsl(parts.query, keep_blank_values=True))
    req.headers = {n: header(r["headers"], n) for n in signed_names}
    payload = Client.hex_encode(Client.hash(body, "ACS3-HMAC-SHA256"))
    if header(r["headers"], "x-acs-content-sha256") != payload:
        print("x-acs-content-sha256 differs from the SDK's hash of the body: %s" % payload)
        sys.exit(1)
    return Client.get_authorization(req, "ACS3-HMAC-SHA256", payload, r["secret_id"], r["secret_key"])


def main():
    r = json.load(open(sys.argv[1], encoding="utf-8")) if len(sys.argv) > 1 else json.load(sys.stdin)
    body = base64.b64decode(r["body_base64"])
    expected = tencent(r, body) if r["vendor"] == "tencent" else aliyun(r, body)
    got = header(r["headers"], "Authorization")
    if got == expected:
        print("OK")
        return 0
    print("MISMATCH\nexpected: %s\ngot:      %s" % (expected, got))
    return 1


if __name__ == "__main__":
    sys.exit(main())
