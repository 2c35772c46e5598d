"""The account's side of every call: clients, the API object, and how calls and jobs share the
account's rates and job quotas (rate limits, AIMD pacing, the quota line, job slots, the one
scheduler per provider process)."""
