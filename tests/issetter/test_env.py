import pytest
from django.core.exceptions import ImproperlyConfigured

from issetter.env import Env, read_env_file


@pytest.mark.parametrize("word", ["true", "True", "TRUE", "1", "yes", "on"])
def test_it_reads_true_words(word):
    assert Env({"DEBUG": word}).bool("DEBUG", False) is True


@pytest.mark.parametrize("word", ["false", "False", "0", "no", "off"])
def test_it_reads_false_words(word):
    assert Env({"DEBUG": word}).bool("DEBUG", True) is False


@pytest.mark.parametrize("typo", ["ture", "flase", "y", "2", "enabled"])
def test_it_refuses_a_typo_in_a_boolean(typo):
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG must be one of .*got '{typo}'"):
        Env({"DEBUG": typo}).bool("DEBUG", False)


def test_it_uses_the_default_when_unset_or_empty():
    assert Env({}).bool("DEBUG", True) is True
    assert Env({"DEBUG": ""}).bool("DEBUG", False) is False
    assert Env({}).int("Q_WORKERS", 2) == 2
    assert Env({}).list("ALLOWED_HOSTS", ["127.0.0.1"]) == ["127.0.0.1"]


def test_it_refuses_a_bad_number():
    with pytest.raises(ImproperlyConfigured, match="Q_WORKERS must be a whole number; got 'two'"):
        Env({"Q_WORKERS": "two"}).int("Q_WORKERS", 2)
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        Env({"Q_WORKERS": "0"}).int("Q_WORKERS", 2, minimum=1)


def test_it_reads_a_decimal_number_strictly():
    assert Env({}).float("LLM_TIMEOUT_SECONDS", 3.0) == 3.0
    assert Env({"LLM_TIMEOUT_SECONDS": " 2.5 "}).float("LLM_TIMEOUT_SECONDS", 3.0) == 2.5
    with pytest.raises(ImproperlyConfigured, match="LLM_TIMEOUT_SECONDS must be a number; got 'soon'"):
        Env({"LLM_TIMEOUT_SECONDS": "soon"}).float("LLM_TIMEOUT_SECONDS", 3.0)
    with pytest.raises(ImproperlyConfigured, match="at least 0.1"):
        Env({"LLM_TIMEOUT_SECONDS": "0"}).float("LLM_TIMEOUT_SECONDS", 3.0, minimum=0.1)
    with pytest.raises(ImproperlyConfigured, match="must be a number; got 'nan'"):
        Env({"LLM_TIMEOUT_SECONDS": "nan"}).float("LLM_TIMEOUT_SECONDS", 3.0)


def test_it_splits_lists_on_commas():
    assert Env({"ALLOWED_HOSTS": " a.example, b.example ,,"}).list("ALLOWED_HOSTS", []) == [
        "a.example",
        "b.example",
    ]


def test_it_refuses_an_unknown_choice():
    with pytest.raises(ImproperlyConfigured, match="TELEPHONY must be one of phonify, freeswitch; got 'asterisk'"):
        Env({"TELEPHONY": "asterisk"}).choice("TELEPHONY", "phonify", ("phonify", "freeswitch"))


def test_it_reads_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    assert Env({"SECRET_KEY_FILE": str(secret)}).str("SECRET_KEY") == "s3cret"


def test_it_says_which_secret_file_is_missing(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE: cannot read"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "absent")}).str("SECRET_KEY")


def test_it_reads_an_env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# comment\n\nSECRET_KEY='abc=def'\nexport DEBUG=true\nALLOWED_HOSTS=\"x, y\"\n")
    assert read_env_file(path) == {"SECRET_KEY": "abc=def", "DEBUG": "true", "ALLOWED_HOSTS": "x, y"}


def test_it_points_at_a_broken_env_file_line(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=true\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:2: expected KEY=VALUE"):
        read_env_file(path)
