"""Neighbour search engines: exact sparse products, banded MinHash LSH, Spark ML MinHashLSH."""
