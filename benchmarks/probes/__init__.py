"""Live endpoint probes: time to first token, output speed and availability of each offering's API.

guard (where a probe may connect) -> clients (one streaming call per API style) -> runner (a concurrent
round) -> services (keys, storage, back-off, pruning); selectors (targets, summaries), tasks, api.
"""
