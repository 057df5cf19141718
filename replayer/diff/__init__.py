"""Client replay against targets, comparison, reports, release history."""
