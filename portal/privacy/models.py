"""The platform half of personal-data protection keeps no models of its own: the case operations (closing,
anonymising, exporting a child's data) and their `AnonymisedCase` live in the referrals app (referrals/privacy.py)."""
