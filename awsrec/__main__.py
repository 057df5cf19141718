"""Allow `python -m awsrec`."""

from awsrec.cli import main

main()
