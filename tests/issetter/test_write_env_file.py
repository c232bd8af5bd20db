"""`make run`'s first step: a .env with fresh secrets, and the secrets an older .env lacks added to it."""

import subprocess
import sys
from pathlib import Path

from issetter.env import read_env_file

ROOT = Path(__file__).resolve().parents[2]


def write_env_file(path: Path) -> str:
    command = [sys.executable, "scripts/write_env_file.py", str(path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_it_writes_fresh_secrets_the_settings_accept(tmp_path):
    target = tmp_path / ".env"
    assert "wrote" in write_env_file(target)
    values = read_env_file(target)
    assert len(values["SECRET_KEY"]) >= 50 and values["TOKEN_ENCRYPTION_KEYS"]
    assert len(values["FREESWITCH_ESL_PASSWORD"]) >= 24 and values["FREESWITCH_ESL_PASSWORD"] != "ClueCon"
    assert values["DEBUG"] == "false" and values["ALLOWED_HOSTS"] == "127.0.0.1,localhost"  # plain HTTP here
    assert target.stat().st_mode & 0o777 == 0o600


def test_it_adds_the_switch_password_to_an_older_env_file_and_keeps_the_rest(tmp_path):
    target = tmp_path / ".env"
    target.write_text("SECRET_KEY=mine\nTOKEN_ENCRYPTION_KEYS=keys\nDEBUG=false")
    assert "added FREESWITCH_ESL_PASSWORD" in write_env_file(target)
    values = read_env_file(target)
    assert (values["SECRET_KEY"], values["TOKEN_ENCRYPTION_KEYS"], values["DEBUG"]) == ("mine", "keys", "false")
    assert len(values["FREESWITCH_ESL_PASSWORD"]) >= 24
    before = target.read_text()
    assert write_env_file(target) == "" and target.read_text() == before  # nothing more to add
