"""Name matching shared by the batch job and the site: plain Python, no Spark, no Django."""
