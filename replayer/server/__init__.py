"""ASGI app, routing, admin API, faults and network simulation for `awsrec serve`."""
