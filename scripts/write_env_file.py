"""Write a .env for this machine with fresh secrets (used by `make run` the first time), or add the secrets an
older .env lacks (a .env written before the switch's password was required gets one).

Nothing here imports Django: it runs before the project is configured.
"""

import base64
import os
import re
import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Written by `make run` on first start; the full list of settings is in .env.example.
SECRET_KEY={SECRET_KEY}
TOKEN_ENCRYPTION_KEYS={TOKEN_ENCRYPTION_KEYS}
FREESWITCH_ESL_PASSWORD={FREESWITCH_ESL_PASSWORD}
DEBUG=false
ALLOWED_HOSTS=127.0.0.1,localhost
"""


def fresh_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FREESWITCH_ESL_PASSWORD": secrets.token_urlsafe(24),
    }


def main(path: str) -> None:
    target = Path(path)
    values = fresh_secrets()
    if not target.exists():
        target.write_text(TEMPLATE.format(**values))
        target.chmod(0o600)
        print(f"wrote {target} with new secrets")
        return
    text = target.read_text()
    missing = [name for name in values if not re.search(rf"^\s*(export\s+)?{name}\s*=", text, re.MULTILINE)]
    if not missing:
        return
    ending = "" if text.endswith("\n") or not text else "\n"
    target.write_text(text + ending + "".join(f"{name}={values[name]}\n" for name in missing))
    print(f"added {', '.join(missing)} to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".env")
