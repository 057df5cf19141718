"""S3 scenarios: buckets, objects, ranges, conditions, listing, multipart, checksums, copy."""
