"""Sync between desks through a shared git remote: see docs/sync.md.

`repo` drives the `git` command on the sync repository inside the data folder, `segments`
reads other desks' events from it, `merge` decides what an incoming event changes here
(field by field, with clashes) and `engine` runs one sync. The desk (desk/sync.py) is the
only caller.
"""
