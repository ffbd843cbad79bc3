"""Performance benchmarks (not tests): seed a registry at scale, measure, print JSON."""
