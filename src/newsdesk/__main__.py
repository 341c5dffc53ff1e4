"""`python -m newsdesk`: the same CLI as the `newsdesk` command."""

from newsdesk.cli import app

app()
