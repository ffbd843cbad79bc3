"""Performance benchmarks (not tests): each seeds its own database at scale, measures, and prints JSON."""
