"""Normalisation rules (as data), built-in rule sets and the secret scanner."""
