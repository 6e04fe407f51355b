"""`make bench`: the figures issue 8 names, part by part, printed as one table (`python -m scripts.bench`)."""
