"""Issue 18's guards (docs/RELIABILITY.md, "Hostile input and the contract"). The referrals fixtures (a case
with consent, a sent referral) are shared with tests/referrals."""

from tests.referrals.conftest import jago, sent  # noqa: F401
