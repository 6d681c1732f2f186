"""Settings for the Celery workers that tests/test_worker_reliability.py starts.

The test passes the broker (CELERY_BROKER_URL) and its own test database
(DATABASE_URL) in the environment; this adds what only a test may do.
"""

import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import REDIS_BROKER_OPTIONS

# The slow page and the webhook receiver listen on 127.0.0.1 at a random port.
FETCH_ALLOW_LOOPBACK = True

# The test of a worker killed whole sets a visibility timeout of seconds, so the
# broker hands its task to the next worker within the test; the restore sweep then
# runs every second and scans every time (kombu's default: one scan in ten). The
# other tests keep production's half hour, so a redelivery they see cannot have
# come from the timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **REDIS_BROKER_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
if os.environ.get("TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(
        os.environ["TEST_VISIBILITY_TIMEOUT"]
    )
