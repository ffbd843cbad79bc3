"""docker-compose's healthcheck of `web`: exit 0 when the API root answers 200 on this container's gunicorn.

Stdlib only (the slim image has no curl). It asks as the TLS-terminating proxy would: with a Host the service
allows (the first of DJANGO_ALLOWED_HOSTS) and `X-Forwarded-Proto: https`, so neither ALLOWED_HOSTS (a 400) nor
DJANGO_SECURE_SSL_REDIRECT (a redirect to https on a plain-http port) fails a healthy service.
"""

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    """The first host of DJANGO_ALLOWED_HOSTS (or ALLOWED_HOSTS); a leading-dot domain as itself, `*` as localhost."""
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS") or os.environ.get("ALLOWED_HOSTS") or "localhost"
    first = hosts.split(",")[0].strip()
    return "localhost" if first in ("", "*") else first.lstrip(".")


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/", headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
