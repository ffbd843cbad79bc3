"""`runserver` with a listen backlog that takes a burst of simultaneous clients.

Django's dev server listens with a backlog of 10. A burst of 30 simultaneous API writes overflows it: the kernel
drops some connection attempts (a client waits a second to retry) and answers others with SYN cookies, which can
end in "connection reset by peer" before Django sees the request. Everything else is WhiteNoise's runserver."""

from django.core.servers.basehttp import WSGIServer
from whitenoise.runserver_nostatic.management.commands.runserver import Command as WhiteNoiseRunserverCommand

LISTEN_BACKLOG = 256


class BurstTolerantWSGIServer(WSGIServer):
    request_queue_size = LISTEN_BACKLOG


class Command(WhiteNoiseRunserverCommand):
    server_cls = BurstTolerantWSGIServer
