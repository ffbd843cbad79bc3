"""The test suite's own setup: deterministic Hypothesis in CI, and no slow password hashing."""

import os
import subprocess
import sys

from django.conf import settings

from tests.conftest import PROJECT_DIR

PROBE = "import hypothesis, tests.conftest; print(hypothesis.settings.default.derandomize)"


def derandomized_under(env: dict) -> bool:
    clean = {k: v for k, v in os.environ.items() if k != "CI"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def test_hypothesis_draws_the_same_examples_in_ci_and_explores_elsewhere():
    assert derandomized_under({"CI": "true"}) is True
    assert derandomized_under({}) is False


def test_every_test_hashes_passwords_fast():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
