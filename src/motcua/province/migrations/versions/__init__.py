"""Provincial schema revisions, oldest first."""
