"""The app's settings, with the benchmark's URLs (`bench.harness.urls`) in front of its own."""

from wins_net.settings import *  # noqa: F403

ROOT_URLCONF = "bench.harness.urls"
