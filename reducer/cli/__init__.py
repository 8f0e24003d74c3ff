"""The command line: the only code that prints for people and decides exit codes.

May import anything in the package; nothing imports it (but `reducer.__main__`).
"""
