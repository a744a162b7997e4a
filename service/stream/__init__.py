"""The live event stream (Server-Sent Events): one poller per API process, many subscribers."""
