"""The public website: server-rendered pages over the same read queries as the API."""
