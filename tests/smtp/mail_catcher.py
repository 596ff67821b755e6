#!/usr/bin/python3
"""A real SMTP server for the tests: it speaks TLS only (STARTTLS required, or implicit TLS
with --implicit-tls) with the given certificate, and writes every delivered message to
--out-dir as JSON (envelope, subject, plain text and HTML parts decoded, raw message), and
beside it as plain text for people to read (`run-demo` shows the demo's mail this way).
Prints "ready <port>" once it accepts connections; stops on SIGTERM or SIGINT.

With --auth-user and --auth-password it asks every client to sign in (SMTP AUTH, PLAIN or
LOGIN, after TLS only) and refuses mail from one that did not.

Usage: mail_catcher.py --port P --cert CERT.pem --key KEY.pem --out-dir DIR [--implicit-tls]
                       [--auth-user U --auth-password P]
"""

import argparse
import email
import email.policy
import json
import os
import signal
import ssl
import sys
import threading
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Catcher:
    def __init__(self, out_dir):
        self.out_dir = out_dir

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {"text/plain": "", "text/html": ""}
        for part in message.walk():
            kind = part.get_content_type()
            if kind in parts and not part.is_multipart():
                parts[kind] += part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            # STARTTLS sets session.ssl; implicit TLS shows on the transport.
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "subject": str(message.get("Subject", "")),
            "from": str(message.get("From", "")),
            "text": parts["text/plain"],
            "html": parts["text/html"],
            "raw": envelope.content.decode("utf-8", errors="replace"),
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out_dir, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, os.path.join(self.out_dir, name + ".json"))
        readable = "To: {}\nSubject: {}\n\n{}".format(
            ", ".join(record["rcpt_tos"]), record["subject"], record["text"]
        )
        with open(os.path.join(self.out_dir, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(readable)
        return "250 Message accepted for delivery"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok)

    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password")
    args = parser.parse_args()
    auth = {}
    if args.auth_user:
        auth = {
            "authenticator": authenticator_for(args.auth_user, args.auth_password or ""),
            "auth_required": True,
            "auth_require_tls": True,
        }

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    catcher = Catcher(args.out_dir)
    if args.implicit_tls:
        controller = Controller(catcher, hostname=args.host, port=args.port, ssl_context=context, **auth)
    else:
        controller = Controller(
            catcher,
            hostname=args.host,
            port=args.port,
            tls_context=context,
            require_starttls=True,
            **auth,
        )
    controller.start()
    print(f"ready {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
