"""The lab: the processes proctui forks, signals and reaps itself.

``lab.Lab`` is the one door the UI knocks on; the rooms beside it each own one part of a
process's life (records, the family of a script, sending signals, the watcher that reaps,
pools, the stepped join, the shutdown). ``workers`` runs in the children themselves.
"""
