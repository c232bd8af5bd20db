"""Write a .env for this machine with fresh secrets (used by `make run` the first time).

Nothing here imports Django: it runs before the project is configured.
"""

import base64
import os
import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Written by `make run` on first start; the full list of settings is in .env.example.
SECRET_KEY={secret_key}
TOKEN_ENCRYPTION_KEYS={token_key}
DEBUG=false
ALLOWED_HOSTS=127.0.0.1,localhost
"""


def main(path: str) -> None:
    target = Path(path)
    if target.exists():
        print(f"{target} exists; leaving it as it is")
        return
    text = TEMPLATE.format(
        secret_key=secrets.token_urlsafe(50),
        token_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
    )
    target.write_text(text)
    target.chmod(0o600)
    print(f"wrote {target} with new secrets")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".env")
