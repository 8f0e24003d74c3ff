"""Other releases of a stage's wheel (fetched once, cached) and the matrix of which releases show a bug.

May import `failure/`, `stage/`, `proc/` and `reducer.errors`.
"""
