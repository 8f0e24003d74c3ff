"""Reduction passes, one per module; `registry` names them all."""
