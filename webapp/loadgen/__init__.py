"""Sample data and walks of real procedures: valid payloads, step tables, a service-layer walker.

The tests, the benchmarks and the case generator (:mod:`webapp.generator`) drive cases with them;
they live in the application package because the generator may not import ``tests/``.
"""
