"""Production-like settings for the benchmark, on a database of the bench's own.

Everything comes from newsroom.settings, so the bench measures the real stack; only
what a benchmark must change is changed here, and nothing here reaches production.
"""

import os

from bench.database import bench_database_name
from newsroom.settings import *  # noqa: F403
from newsroom.settings import DATABASES, REST_FRAMEWORK

BENCH_SCALE = os.environ.get("BENCH_SCALE", "default")
# The server's own database, where the bench database is created; never written to.
BENCH_MAINTENANCE_DATABASE = DATABASES["default"]["NAME"]
DATABASES["default"]["NAME"] = bench_database_name(
    BENCH_MAINTENANCE_DATABASE, BENCH_SCALE
)

ROOT_URLCONF = "bench.urls"
DEBUG = False
# 127.0.0.1 for gunicorn; "testserver" is Django's test client, in-process only.
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]

# The throttles count requests per client address, and the load generator is one
# address: it would be answered 429 after 120 requests and the bench would measure
# the refusal. A viral burst is many readers, each far below their rate.
# The match endpoint names its own throttle, so its rate is lifted instead.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "match": "1000000/min",
    },
}
