"""Built-in contract scenarios: scripted boto3 probes of fidelity-critical behaviour."""
