"""Legal guardians (responsables légaux) on pupil records, their Parent accounts, and how a
guardian proves who they are: a code by SMS to the mobile the school has, then the birth date of
each child attached to that number."""
