"""AWS protocol knowledge driven by botocore service models."""
