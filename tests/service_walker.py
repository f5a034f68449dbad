"""The service-layer walker (kept in :mod:`webapp.samples.walker`, shared with the benchmarks and the generator)."""
from webapp.loadgen.walker import ROLE_USER, ServiceWalker  # noqa: F401
