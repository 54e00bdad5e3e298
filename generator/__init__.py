"""Generators of test and benchmark data; not shipped with the job."""
