"""The stages of the job, in the order it runs them: read, normalise, estimate, neighbours
(with the MinHash engine's candidates) and recall."""
