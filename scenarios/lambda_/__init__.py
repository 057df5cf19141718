"""Lambda scenarios: function lifecycle and conflicts, versions/aliases/permissions, Invoke."""
