"""The law as one model: acts, rules with their citations, and how a rule reads a case.

``acts`` is the vocabulary every user task declares (``act``); ``model`` the rule (one dataclass, its
kind saying which reader applies it); ``schema`` validates rule files (``workflows/law/*.toml`` for the
national laws, a profile's ``[[rules]]`` for its regulation); ``cite`` writes an article by its
regulation's real title; ``recording`` is the gate's reading of recording and signature rules.
"""
