"""Realistic valid payloads for every record kind (kept in :mod:`webapp.samples.payloads`, shared with the generator)."""
from webapp.loadgen.payloads import (CITIZEN, DOC, ITEMS, LATER, OFFICER_SIG, OFFICER_SIGS, OFFICERS, PARTY,
    PARTY_REFUSED, PARTY_SIG, PAYLOADS, SERVER_SIG, T, av_recording, payload)
